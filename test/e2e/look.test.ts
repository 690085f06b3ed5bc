// How the app looks and reads: light and dark, English and German, desktop and phone; axe-core on
// every page in both schemes; the README's screenshots.
import type { Locator, Page } from "playwright-core";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import {
  chooseColourScheme,
  chooseLanguage,
  DESKTOP,
  E2E_TIMEOUT,
  expectAccessible,
  hasNoSidewaysScroll,
  openLoggedIn,
  PHONE,
  type ScanJson,
  type Stack,
  screenshot,
  startStack,
  UNTIL,
} from "./harness.js";

let stack: Stack;
let page: Page;
/** A finished dry run, so the dashboard has figures and the Items list has rows. */
let scan: ScanJson;

beforeAll(async () => {
  stack = await startStack();
  page = stack.page;
  scan = await stack.waitForScan(await stack.startScan({ dryRun: true }));
}, 90_000);
afterAll(async () => {
  await stack?.close();
});

/**
 * Sets the saved colour scheme and language the way the app stores them, and reloads: each test
 * starts from a known state however the one before it ended. (The switches themselves are tested
 * through their menus below.)
 */
async function preferences(scheme: "light" | "dark", language: "en" | "de", path = "/"): Promise<void> {
  if (!page.url().startsWith(stack.url)) await page.goto("/login");
  // English first: the login helper reads the English form.
  await page.evaluate(
    `localStorage.setItem("psr-color-scheme", "${scheme}"); localStorage.setItem("psr-language", "en")`,
  );
  await openLoggedIn(page, path);
  if (language === "de") {
    await page.evaluate(`localStorage.setItem("psr-language", "de")`);
    await page.reload();
  }
}

/**
 * Whether an element is inside the viewport. The folded phone navigation is moved off-screen,
 * not hidden, so Playwright's isVisible() would call it visible.
 */
async function onScreen(locator: Locator): Promise<boolean> {
  const box = await locator.boundingBox();
  const viewport = page.viewportSize();
  return box !== null && viewport !== null && box.x + box.width > 0 && box.x < viewport.width;
}

/** The pages to check, each with what shows that it has loaded (English). */
function pages(jobId: number): { name: string; path: string; ready: (p: Page) => Promise<void> }[] {
  return [
    {
      name: "dashboard",
      path: "/",
      ready: (p) => p.getByRole("region", { name: /^Last scan: job \d+$/ }).waitFor(),
    },
    {
      name: "jobs",
      path: "/jobs",
      ready: (p) => p.getByRole("link", { name: `#${jobId}`, exact: true }).waitFor(),
    },
    {
      name: "job detail",
      path: `/jobs/${jobId}`,
      ready: (p) =>
        p
          .getByRole("log", { name: `Log of scan ${jobId}` })
          .getByText(/Scan started/)
          .waitFor(),
    },
    {
      name: "items",
      path: "/items",
      ready: (p) => p.getByRole("main").getByRole("row").nth(1).waitFor(),
    },
  ];
}

describe("look and language", () => {
  it("the login page passes axe in light and in dark", E2E_TIMEOUT, async () => {
    await page.goto("/login");
    await page.getByRole("heading", { level: 1, name: "Log in" }).waitFor();
    await chooseColourScheme(page, "Light");
    await expectAccessible(page, "login, light");
    await chooseColourScheme(page, "Dark");
    await expectAccessible(page, "login, dark");
    await screenshot(page, "login-dark");
    await chooseColourScheme(page, "Light");
  });

  it(
    "switches between light and dark; dashboard, jobs, job detail and items pass axe in both",
    E2E_TIMEOUT,
    async () => {
      await preferences("light", "en");
      for (const scheme of ["Light", "Dark"] as const) {
        await page.goto("/");
        await page.getByRole("heading", { level: 1, name: "Dashboard" }).waitFor();
        await chooseColourScheme(page, scheme);
        // The choice is kept: a reload stays in it.
        await page.reload();
        await page.getByRole("button", { name: `Colour scheme: ${scheme}` }).waitFor();
        expect(await page.locator("html").getAttribute("data-mantine-color-scheme")).toBe(
          scheme.toLowerCase(),
        );
        for (const target of pages(scan.id)) {
          await page.goto(target.path);
          await target.ready(page);
          await expectAccessible(page, `${target.name}, ${scheme.toLowerCase()}`);
          const shot = `${target.name.replace(" ", "-")}-${scheme.toLowerCase()}`;
          await screenshot(page, shot, { readme: shot === "dashboard-dark" });
        }
      }
      await page.goto("/");
      await chooseColourScheme(page, "Light");
    },
  );

  it(
    "README pictures: the dashboard during a scan and the Items list, on a desktop",
    E2E_TIMEOUT,
    async () => {
      await preferences("light", "en");
      await page.setViewportSize(DESKTOP);
      await page.goto("/");
      await page.getByRole("region", { name: `Last scan: job ${scan.id}` }).waitFor();
      const running = await stack.startScan({ dryRun: true });
      try {
        // Mid-scan, once the progress has a count: progress, live log and the last scan's figures.
        await page.getByRole("progressbar", { name: /^[\d,]+ of [\d,]+$/ }).waitFor({ state: "attached" });
        await screenshot(page, "dashboard-desktop", { readme: true });
      } finally {
        scan = await stack.waitForScan(running);
      }
      await page.goto("/items");
      await page.getByRole("main").getByRole("row").nth(1).waitFor();
      await screenshot(page, "items-desktop", { readme: true });
    },
  );

  it("switches to German; the labels change and the choice survives a reload", E2E_TIMEOUT, async () => {
    await preferences("light", "en");
    await page.getByRole("button", { name: "Start scan" }).waitFor();
    await chooseLanguage(page, "Deutsch");
    await page.getByRole("heading", { level: 1, name: "Übersicht" }).waitFor();
    await page.getByRole("button", { name: "Scan starten" }).waitFor();
    const nav = page.getByRole("navigation", { name: "Hauptnavigation" });
    for (const label of ["Übersicht", "Aufträge", "Einträge"])
      await nav.getByRole("link", { name: label }).waitFor();
    await page.getByRole("region", { name: `Letzter Scan: Auftrag ${scan.id}` }).waitFor();

    await page.reload();
    await page.getByRole("button", { name: "Scan starten" }).waitFor();
    expect(await page.locator("html").getAttribute("lang")).toBe("de");
    expect(await page.getByRole("button", { name: "Start scan" }).count()).toBe(0);
    await page.getByRole("button", { name: "DE, Sprache: Deutsch" }).waitFor();
    await screenshot(page, "dashboard-desktop-de");

    await chooseLanguage(page, "English");
    await page.getByRole("button", { name: "Start scan" }).waitFor();
  });

  it(
    "on a 375×812 phone, in German: the burger opens the navigation, no page scrolls sideways",
    E2E_TIMEOUT,
    async () => {
      await page.setViewportSize(PHONE);
      try {
        await preferences("light", "de");
        await page.getByRole("heading", { level: 1, name: "Übersicht" }).waitFor();
        await page.getByRole("region", { name: `Letzter Scan: Auftrag ${scan.id}` }).waitFor();
        expect(await hasNoSidewaysScroll(page)).toMatchObject({ ok: true });
        await screenshot(page, "dashboard-phone-de", { readme: true });
        await expectAccessible(page, "dashboard, phone, German");

        // The navigation is folded away behind the burger on a phone.
        const nav = page.getByRole("navigation", { name: "Hauptnavigation" });
        const itemsLink = nav.getByRole("link", { name: "Einträge" });
        expect(await onScreen(itemsLink)).toBe(false);
        await page.getByRole("button", { name: "Navigation öffnen" }).click();
        await expect.poll(() => onScreen(itemsLink), UNTIL).toBe(true);
        await page.getByRole("button", { name: "Navigation schließen" }).waitFor();
        await screenshot(page, "navigation-phone-de");
        await itemsLink.click();
        await page.getByRole("heading", { level: 1, name: "Einträge" }).waitFor();
        expect(new URL(page.url()).pathname).toBe("/items");
        // Following a link folds the navigation away again.
        await expect.poll(() => onScreen(itemsLink), UNTIL).toBe(false);
        await page
          .getByRole("main")
          .getByText(/^[\d.]+ Einträge$/)
          .waitFor();
        expect(await hasNoSidewaysScroll(page)).toMatchObject({ ok: true });
        await screenshot(page, "items-phone-de", { readme: true });
        await expectAccessible(page, "items, phone, German");

        for (const [path, heading] of [
          ["/jobs", "Aufträge"],
          [`/jobs/${scan.id}`, `Scan ${scan.id}`],
        ] as const) {
          await page.goto(path);
          await page.getByRole("heading", { level: 1, name: heading }).waitFor();
          await page.getByRole("main").getByText("Abgeschlossen").first().waitFor();
          expect(await hasNoSidewaysScroll(page), path).toMatchObject({ ok: true });
          await screenshot(page, path === "/jobs" ? "jobs-phone-de" : "job-detail-phone-de");
        }
      } finally {
        await page.setViewportSize(DESKTOP);
        await preferences("light", "en");
      }
    },
  );

  it("the colour scheme and language menus pass axe while open", E2E_TIMEOUT, async () => {
    await preferences("light", "en");
    for (const button of [/^Colour scheme:/, /language: /]) {
      await page.getByRole("button", { name: button }).click();
      await page.getByRole("menu").waitFor();
      await page.getByRole("menuitem").first().waitFor();
      // The menu fades in: colours measured mid-transition are blends, so axe waits for the end.
      // (A polled evaluate: waitForFunction's string form is blocked by the app's CSP.)
      await expect
        .poll(() =>
          page.evaluate(`(() => {
            const menu = document.querySelector('[role="menu"]');
            return !!menu && getComputedStyle(menu).opacity === "1" &&
              menu.getAnimations({ subtree: true }).every((a) => a.playState !== "running");
          })()`),
        )
        .toBe(true);
      try {
        await expectAccessible(page, `open menu ${button}`);
      } finally {
        await page.keyboard.press("Escape");
        await page.getByRole("menu").waitFor({ state: "detached" });
      }
    }
  });

  it("on a phone, the folded navigation is not in the keyboard's way", E2E_TIMEOUT, async () => {
    await page.setViewportSize(PHONE);
    try {
      await preferences("light", "en");
      await page.getByRole("heading", { level: 1, name: "Dashboard" }).waitFor();
      // Tab from the top through the header into the page: every stop must be on screen, or a
      // keyboard user is lost on links they cannot see.
      const stops: string[] = [];
      for (let i = 0; i < 10; i++) {
        await page.keyboard.press("Tab");
        const stop = await page.evaluate<{ name: string; x: number; width: number }>(`(() => {
          const e = document.activeElement;
          const r = e.getBoundingClientRect();
          return { name: (e.getAttribute("aria-label") || e.textContent || e.tagName).trim().slice(0, 40), x: r.x, width: r.width };
        })()`);
        const visible = stop.x + stop.width > 0 && stop.x < PHONE.width;
        stops.push(`${stop.name}${visible ? "" : " (off-screen)"}`);
      }
      expect(
        stops.filter((s) => s.endsWith("(off-screen)")),
        stops.join(" → "),
      ).toEqual([]);
    } finally {
      await page.setViewportSize(DESKTOP);
    }
  });

  it("had no uncaught errors in the page", () => {
    expect(stack.pageErrors).toEqual([]);
  });
});
