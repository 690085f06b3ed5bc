// The to-do list after a scan, in the browser: after a real scan of the demo library the
// dashboard's counts equal what /api/items lists, and each link lands on the Items list filtered
// to that many rows. The Items page opens on "needs attention" with counted state chips, and a
// bulk job never takes the place of the last scan. Desktop and phone, light and dark, en and de.
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
let scanId: number;

beforeAll(async () => {
  stack = await startStack({
    emulator: { faults: { latencyMs: 0 }, refresh: { workers: 2, minMs: 30, maxMs: 80 } },
  });
  page = stack.page;
  scanId = await stack.startScan({ dryRun: false });
  expect((await stack.waitForScan(scanId, 120_000)).status).toBe("success");
}, 180_000);
afterAll(async () => {
  expect(stack?.pageErrors ?? []).toEqual([]);
  await stack?.close();
});

const total = async (query: string): Promise<number> =>
  (await stack.api<{ total: number }>("GET", `/api/items?${query}`)).json.total;

const todo = () => page.getByRole("region", { name: "To do" });

/** The Items list shows `count` items (its count line and its rows, 50 a page). */
async function expectListed(count: number): Promise<void> {
  if (count === 0) {
    await page.getByRole("heading", { name: "Nothing matches this filter" }).waitFor();
    return;
  }
  await page.getByText(count === 1 ? "1 item" : `${count} items`, { exact: true }).waitFor();
  const rows = page
    .getByRole("main")
    .getByRole("row")
    .filter({ has: page.getByRole("cell") });
  await expect.poll(() => rows.count(), UNTIL).toBe(Math.min(count, 50));
}

describe("the to-do list after a scan", () => {
  it("counts what needs the user, and every count links to that many items", E2E_TIMEOUT, async () => {
    await page.setViewportSize(DESKTOP);
    const links = [
      { name: /^Needs review [\d,]+ show these items$/, query: "state=needs_review" },
      { name: /^[\d,]+ wrong match(es)?$/, query: "state=needs_review&problem=wrong_match" },
      { name: /^[\d,]+ unmatched$/, query: "state=needs_review&problem=unmatched" },
      { name: /^Failed [\d,]+ show these items$/, query: "state=failed" },
      { name: /^Locked fields [\d,]+ show these items$/, query: "state=locked" },
      { name: /^Errors [\d,]+ show these items$/, query: "state=error" },
    ];
    const counts = await Promise.all(links.map((l) => total(l.query)));
    // A real scan of the demo library leaves work in several of them.
    expect(counts.filter((n) => n > 0).length).toBeGreaterThanOrEqual(3);
    await openLoggedIn(page, "/");
    await todo().waitFor();
    await expectAccessible(page, "dashboard with the to-do list");
    await screenshot(page, "dashboard-todo-desktop", { readme: true });

    for (const [i, link] of links.entries()) {
      const count = counts[i]!;
      await page.goto("/");
      const anchor = todo().getByRole("link", { name: link.name });
      expect(await anchor.innerText()).toContain(count.toLocaleString("en"));
      await anchor.click();
      await page.getByRole("heading", { level: 1, name: "Items" }).waitFor();
      const url = new URL(page.url());
      expect(url.pathname).toBe("/items");
      expect(url.search.slice(1)).toBe(link.query);
      await expectListed(count);
    }
  });

  it(
    "opens the Items page on what needs attention, with counted chips; 'All' lists every item",
    E2E_TIMEOUT,
    async () => {
      await page.setViewportSize(DESKTOP);
      const attention = await total("state=attention");
      const all = await total("");
      expect(attention).toBeGreaterThan(0);
      expect(attention).toBeLessThan(all);
      await openLoggedIn(page, "/items");
      const chips = page.getByRole("radiogroup", { name: "State" });
      const chosen = chips.getByRole("radio", { name: `Needs attention ${attention.toLocaleString("en")}` });
      expect(await chosen.isChecked()).toBe(true);
      await expectListed(attention);
      for (const state of ["locked", "skipped", "fixed"] as const) {
        const n = await total(`state=${state}`);
        const label = { locked: "Locked", skipped: "Skipped", fixed: "Fixed" }[state];
        await chips
          .getByRole("radio", { name: `${label} ${n.toLocaleString("en")}` })
          .waitFor({ state: "attached" });
      }
      await expectAccessible(page, "items, needs attention");
      await screenshot(page, "items-attention-desktop", { readme: true });

      await chips.getByText(/^All [\d,]+$/).click();
      await expect.poll(() => new URL(page.url()).searchParams.get("state"), UNTIL).toBe("all");
      await expectListed(all);
    },
  );

  it("keeps a bulk job out of 'Last scan'", E2E_TIMEOUT, async () => {
    const failed = (await stack.api<{ items: { ratingKey: string }[] }>("GET", "/api/items?state=attention"))
      .json.items;
    const bulk = await stack.api<{ id: number }>("POST", "/api/bulk", {
      action: "refresh",
      ratingKeys: failed.slice(0, 2).map((i) => i.ratingKey),
    });
    expect(bulk.status).toBe(202);
    await stack.waitForScan(bulk.json.id);
    await openLoggedIn(page, "/");
    await page.getByRole("region", { name: `Last scan: job ${scanId}` }).waitFor();
    expect(await page.getByRole("region", { name: `Last scan: job ${bulk.json.id}` }).count()).toBe(0);
  });

  it("looks right on a phone and in dark, in German too", E2E_TIMEOUT, async () => {
    for (const [scheme, language, viewport] of [
      ["light", "en", PHONE],
      ["dark", "de", PHONE],
      ["dark", "de", DESKTOP],
    ] as const) {
      await page.setViewportSize(viewport);
      await page.evaluate(
        `localStorage.setItem("psr-color-scheme", "${scheme}"); localStorage.setItem("psr-language", "${language}")`,
      );
      const size = viewport === PHONE ? "phone" : "desktop";
      await openLoggedIn(page, "/");
      const name = language === "en" ? "To do" : "Zu erledigen";
      await page.getByRole("region", { name }).scrollIntoViewIfNeeded();
      await expectAccessible(page, `to-do ${scheme} ${language} ${size}`);
      expect((await hasNoSidewaysScroll(page)).ok).toBe(true);
      await screenshot(page, `dashboard-todo-${size}-${scheme}-${language}`, {
        readme: size === "phone" && language === "de",
      });
      await page.goto("/items");
      await page.getByRole("radiogroup").waitFor();
      expect((await hasNoSidewaysScroll(page)).ok).toBe(true);
      await screenshot(page, `items-attention-${size}-${scheme}-${language}`);
    }
    await page.evaluate(
      `localStorage.removeItem("psr-color-scheme"); localStorage.removeItem("psr-language")`,
    );
  });
});
