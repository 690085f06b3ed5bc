// A UI that survives a lost server, in the browser: the app server is stopped under an open page
// and started again on the same port and data. The header and a banner say it is offline and
// go away once it answers; a page whose code cannot be loaded shows "Reload to continue" and
// reloads by itself when the server is back. Desktop and phone, light and dark, en and de.
import type { Page } from "playwright-core";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import {
  DESKTOP,
  E2E_TIMEOUT,
  expectAccessible,
  hasNoSidewaysScroll,
  openLoggedIn,
  PHONE,
  type Stack,
  screenshot,
  startStack,
  UNTIL,
} from "./harness.js";

let stack: Stack;
let page: Page;

beforeAll(async () => {
  stack = await startStack({ emulator: { faults: { latencyMs: 0 }, items: 60 } });
  page = stack.page;
  expect((await stack.waitForScan(await stack.startScan({ dryRun: true }))).status).toBe("success");
}, 90_000);
afterAll(async () => {
  expect(stack?.pageErrors ?? []).toEqual([]);
  await stack?.close();
});

const TEXT = {
  en: {
    banner: "The server cannot be reached",
    header: "Offline — reconnecting…",
    idle: "No scan running",
    reload: "Reload to continue",
    statistics: "Statistics",
    jobs: "Jobs",
    todo: "To do",
  },
  de: {
    banner: "Der Server ist nicht erreichbar",
    header: "Offline – verbinde neu …",
    idle: "Kein Scan aktiv",
    reload: "Neu laden, um weiterzumachen",
    statistics: "Statistik",
    jobs: "Aufträge",
    todo: "Zu erledigen",
  },
} as const;

/** Opens the dashboard in a colour scheme and language (a fresh load: no page code in memory). */
async function openDashboard(scheme: "light" | "dark", language: "en" | "de"): Promise<void> {
  await openLoggedIn(page, "/");
  // Each round is its own failure: the guard against reload loops starts afresh.
  await page.evaluate(`sessionStorage.removeItem("psr-auto-reload-at")`);
  await page.evaluate(
    `localStorage.setItem("psr-color-scheme", "${scheme}"); localStorage.setItem("psr-language", "${language}")`,
  );
  await page.reload();
  await page.getByRole("region", { name: TEXT[language].todo }).waitFor();
}

/** The header's offline badge (on a phone its words are for screen readers only). */
const offlineBadge = (language: "en" | "de") =>
  page.getByRole("banner").getByText(TEXT[language].header).first();

const banner = (language: "en" | "de") => page.getByRole("status").filter({ hasText: TEXT[language].banner });

describe("a lost server", () => {
  it("says it is offline in the header and a banner, and recovers when it answers", E2E_TIMEOUT, async () => {
    await page.setViewportSize(DESKTOP);
    await openLoggedIn(page, "/");
    await page.getByRole("banner").getByLabel(TEXT.en.idle).waitFor();
    expect(await banner("en").count()).toBe(0);

    // The tab holds the event stream open; the server still stops at once (it ends every stream).
    const stopping = Date.now();
    await stack.stopServer();
    expect(Date.now() - stopping).toBeLessThan(2_000);
    await banner("en").waitFor();
    await offlineBadge("en").waitFor({ state: "attached" });
    expect(await page.getByRole("banner").getByLabel(TEXT.en.idle).count()).toBe(0);
    await expectAccessible(page, "offline banner");
    await screenshot(page, "offline-desktop", { readme: true });

    await stack.startServerAgain();
    await banner("en").waitFor({ state: "detached", timeout: 30_000 });
    await page.getByRole("banner").getByLabel(TEXT.en.idle).waitFor();
    // The page works again: the dashboard's figures load from the restarted server.
    await page.getByRole("region", { name: "To do" }).waitFor();
  });

  it(
    "shows an error in the item drawer instead of spinning while the server is away",
    E2E_TIMEOUT,
    async () => {
      await page.setViewportSize(DESKTOP);
      await openLoggedIn(page, "/items?state=all");
      const open = page.getByRole("button", { name: /^Show details of / }).first();
      await open.waitFor();
      await stack.stopServer();
      try {
        await banner("en").waitFor();
        await open.click();
        const drawer = page.getByRole("dialog");
        await drawer
          .getByRole("alert")
          .getByText(/The server cannot be reached/)
          .waitFor({ timeout: 30_000 });
        await screenshot(page, "offline-drawer-desktop");
      } finally {
        await stack.startServerAgain();
      }
      await banner("en").waitFor({ state: "detached", timeout: 30_000 });
    },
  );

  it(
    "catches a page whose code cannot load, and reloads by itself once the server answers",
    E2E_TIMEOUT,
    async () => {
      // Each round opens a page whose code this browser has never loaded (nor cached).
      for (const [scheme, language, viewport, target, path] of [
        ["light", "en", DESKTOP, "statistics", "/statistics"],
        ["dark", "de", PHONE, "jobs", "/jobs"],
      ] as const) {
        const text = TEXT[language];
        await page.setViewportSize(viewport);
        await openDashboard(scheme, language);
        const reloads: string[] = [];
        const onLoad = () => reloads.push(page.url());
        page.on("load", onLoad);
        await stack.stopServer();
        try {
          await banner(language).waitFor();
          if (viewport === PHONE)
            await page.getByRole("button", { name: /^(Open navigation|Navigation öffnen)$/ }).click();
          await page.getByRole("navigation").getByRole("link", { name: text[target] }).click();
          const screen = page.getByRole("heading", { level: 1, name: text.reload });
          await screen.waitFor();
          expect(new URL(page.url()).pathname).toBe(path);
          await offlineBadge(language).waitFor({ state: "attached" });
          await expectAccessible(page, `reload screen ${language}`);
          expect((await hasNoSidewaysScroll(page)).ok).toBe(true);
          const size = viewport === PHONE ? "phone" : "desktop";
          await screenshot(page, `reload-to-continue-${size}-${scheme}-${language}`, { readme: true });
          expect(reloads).toEqual([]);
        } finally {
          await stack.startServerAgain();
        }
        // No click: the page notices the server and reloads itself, once, into the page asked for.
        await page.getByRole("heading", { level: 1, name: text[target] }).waitFor({ timeout: 30_000 });
        await expect.poll(() => reloads.length, UNTIL).toBe(1);
        expect(new URL(reloads[0]!).pathname).toBe(path);
        page.off("load", onLoad);
      }
      await page.evaluate(
        `localStorage.removeItem("psr-color-scheme"); localStorage.removeItem("psr-language")`,
      );
    },
  );

  it("shows the offline banner on a phone, in dark and in German", E2E_TIMEOUT, async () => {
    await page.setViewportSize(PHONE);
    await openDashboard("dark", "de");
    await stack.stopServer();
    try {
      await banner("de").waitFor();
      await expectAccessible(page, "offline banner, phone, dark, de");
      expect((await hasNoSidewaysScroll(page)).ok).toBe(true);
      await screenshot(page, "offline-phone-dark-de", { readme: true });
    } finally {
      await stack.startServerAgain();
    }
    await banner("de").waitFor({ state: "detached", timeout: 30_000 });
    await page.evaluate(
      `localStorage.removeItem("psr-color-scheme"); localStorage.removeItem("psr-language")`,
    );
  });
});
