// Acting on one item in the browser: the detail drawer, the match picker (apply a match to an
// item that needs review; correct a wrong search by editing it), ignore and a scan that leaves
// the ignored item alone; phone and theme screenshots; axe on the drawer and the picker.
import type { Page } from "playwright-core";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import type { TruthItem } from "../../emulator/truth.js";
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

interface ItemJson {
  ratingKey: string;
  title: string;
  state: string;
  ignoreReason: string | null;
}

let stack: Stack;
let page: Page;

beforeAll(async () => {
  // Quick Plex, so the real scans below take seconds.
  stack = await startStack({
    emulator: { faults: { latencyMs: 0 }, refresh: { workers: 2, minMs: 50, maxMs: 120 } },
  });
  page = stack.page;
  // A dry run first: the items that need a fix are listed as "would fix" and still broken in Plex.
  const dry = await stack.waitForScan(await stack.startScan({ dryRun: true }));
  expect(dry.status).toBe("success");
}, 90_000);
afterAll(async () => {
  await stack?.close();
});

const truth = (ratingKey: string): TruthItem | undefined =>
  stack.emulator.truth().broken.find((b) => b.ratingKey === ratingKey);

async function items(state: string): Promise<ItemJson[]> {
  const { json } = await stack.api<{ items: ItemJson[] }>("GET", `/api/items?state=${state}&pageSize=500`);
  return json.items;
}

/** Opens the Items list filtered to one item and its drawer, by clicking its title. */
async function openDrawer(item: { ratingKey: string; title: string }) {
  // Every state: the list otherwise shows only what needs attention.
  await openLoggedIn(page, `/items?q=${item.ratingKey}&state=all`);
  await page.getByRole("button", { name: `Show details of ${item.title}` }).click();
  await page.getByRole("dialog", { name: item.title }).waitFor();
  // Found by its content, not its title: a match renames the item (and the drawer).
  const drawer = page
    .getByRole("dialog")
    .filter({ has: page.getByRole("heading", { name: /^(History|Verlauf)$/ }) });
  await drawer.waitFor();
  return drawer;
}

describe("item actions", () => {
  it(
    "ignores an item; a real scan then leaves it untouched in Plex and in the list",
    E2E_TIMEOUT,
    async () => {
      await page.setViewportSize(DESKTOP);
      const wouldFix = await items("would_fix");
      const item = wouldFix.find((i) => truth(i.ratingKey)?.fixableByRefresh);
      expect(item, "a would-fix item that a refresh repairs").toBeDefined();
      if (!item) return;
      const before = truth(item.ratingKey)?.currentKinds;
      expect(before?.length).toBeGreaterThan(0);

      const drawer = await openDrawer(item);
      await drawer.getByRole("button", { name: "Ignore", exact: true }).click();
      const confirm = page.getByRole("dialog", { name: `Ignore ${item.title}?` });
      await confirm.getByRole("textbox", { name: "Reason (optional)" }).fill("kept as it is on purpose");
      await expectAccessible(page, "ignore dialog");
      await confirm.getByRole("button", { name: "Ignore item" }).click();
      await confirm.waitFor({ state: "detached" });
      await drawer.getByText("Reason: kept as it is on purpose").waitFor();
      await expect.poll(() => drawer.getByText("Ignored", { exact: true }).count(), UNTIL).toBeGreaterThan(0);

      // A real scan: it fixes what it can, but not the ignored item.
      const refreshesBefore = stack.emulator.stats().refreshes;
      const scan = await stack.waitForScan(await stack.startScan({ dryRun: false }));
      expect(scan.status).toBe("success");
      expect(stack.emulator.stats().refreshes).toBeGreaterThan(refreshesBefore);
      expect(truth(item.ratingKey)?.currentKinds).toEqual(before);
      const others = wouldFix.filter((i) => i !== item && truth(i.ratingKey)?.fixableByRefresh);
      expect(others.some((i) => truth(i.ratingKey)?.currentKinds.length === 0)).toBe(true);

      // Listed under its own filter, with its reason, and no scan entry after the ignore.
      const ignored = await items("ignored");
      expect(ignored.map((i) => [i.ratingKey, i.ignoreReason])).toEqual([
        [item.ratingKey, "kept as it is on purpose"],
      ]);
      const { json: detail } = await stack.api<{ history: { action: string }[] }>(
        "GET",
        `/api/items/${item.ratingKey}`,
      );
      expect(detail.history[0]?.action).toBe("ignore");
      await openLoggedIn(page, "/items?state=ignored");
      await page.getByRole("button", { name: `Show details of ${item.title}` }).waitFor();
      await expect.poll(() => page.getByText("1 item", { exact: true }).count(), UNTIL).toBe(1);
    },
  );

  it("applies a match from the picker to an item that needs review", E2E_TIMEOUT, async () => {
    await page.setViewportSize(DESKTOP);
    const review = (await items("needs_review")).filter((i) => truth(i.ratingKey)?.ambiguous);
    expect(review.length).toBeGreaterThanOrEqual(2);
    const item = review[0] as ItemJson;
    const right = truth(item.ratingKey) as TruthItem;

    const drawer = await openDrawer(item);
    await drawer.getByRole("link", { name: /Open in Plex/ }).waitFor();
    const href = await drawer.getByRole("link", { name: /Open in Plex/ }).getAttribute("href");
    expect(href).toMatch(
      new RegExp(`/web/index\\.html#!/server/[^/]+/details\\?key=/library/metadata/${item.ratingKey}$`),
    );
    await screenshot(page, "item-drawer-desktop");
    await expectAccessible(page, "item drawer");

    await drawer.getByRole("button", { name: "Find a match" }).click();
    const picker = page.getByRole("dialog", { name: `Find a match for ${item.title}` });
    await picker.getByText(/^\d+ candidates?$/).waitFor();
    // Two works share the title; the right one is told apart by its year.
    const card = picker.locator(".mantine-Card-root").filter({ hasText: `(${right.matchYear})` });
    await card.first().waitFor();
    // Plex text is isolated (<bdi>), so a U+202E in a title cannot reverse the year beside it.
    expect(await card.first().locator("bdi").first().innerText()).toBe(right.matchTitle);
    expect(await drawer.locator("h2 bdi").innerText()).toBe(item.title);
    await screenshot(page, "match-picker-desktop", { readme: true });
    await expectAccessible(page, "match picker");
    await card
      .first()
      .getByRole("button", { name: /^Use this match: / })
      .click();

    // The confirmation names the current match and the new one.
    await picker.getByText("Change the match?").waitFor();
    await picker.getByText("not matched").waitFor();
    await picker.getByText(right.matchGuid as string).waitFor();
    await picker.getByText(`${right.matchTitle} (${right.matchYear})`).waitFor();
    await picker.locator("bdi", { hasText: right.matchTitle }).first().waitFor();
    await expectAccessible(page, "match confirmation");
    await picker.getByRole("button", { name: "Apply match" }).click();
    await picker.waitFor({ state: "detached", timeout: 60_000 });

    await drawer
      .getByText(/^Match applied:/)
      .first()
      .waitFor();
    await expect.poll(() => truth(item.ratingKey)?.currentKinds, UNTIL).toEqual([]);
    const { json } = await stack.api<ItemJson>("GET", `/api/items/${item.ratingKey}`);
    expect((json as unknown as { item: ItemJson }).item.state).toBe("fixed");
    await page.keyboard.press("Escape");
    await drawer.waitFor({ state: "detached" });
    // And the table says so.
    const row = page.getByRole("row").filter({ has: page.getByRole("button", { name: /^Show details of/ }) });
    await expect.poll(() => row.first().innerText(), UNTIL).toContain("Fixed");
  });

  it("corrects a wrong search by editing the title and year", E2E_TIMEOUT, async () => {
    await page.setViewportSize(DESKTOP);
    const review = (await items("needs_review")).filter((i) => truth(i.ratingKey)?.ambiguous);
    const item = review[0] as ItemJson;
    const right = truth(item.ratingKey) as TruthItem;
    const drawer = await openDrawer(item);
    await drawer.getByRole("button", { name: "Find a match" }).click();
    const picker = page.getByRole("dialog", { name: `Find a match for ${item.title}` });
    const title = picker.getByRole("textbox", { name: "Title" });
    const year = picker.getByRole("textbox", { name: "Year" });
    await expect.poll(() => title.inputValue(), UNTIL).not.toBe("");

    // A search that finds nothing says so…
    await title.fill("qqzx nothing like it");
    await year.fill("");
    await picker.getByRole("button", { name: "Search" }).click();
    await picker.getByText(/Plex found no candidates/).waitFor();

    // …and the right title and year find the right work first.
    await title.fill(right.matchTitle as string);
    await year.fill(String(right.matchYear));
    await picker.getByRole("button", { name: "Search" }).click();
    const first = picker.locator(".mantine-Card-root").first();
    await expect.poll(() => first.innerText(), UNTIL).toContain(`${right.matchTitle} (${right.matchYear})`);
    await first.getByRole("button", { name: /^Use this match: / }).click();
    await picker.getByText(right.matchGuid as string).waitFor();
    await picker.getByRole("button", { name: "Apply match" }).click();
    await picker.waitFor({ state: "detached", timeout: 60_000 });
    await expect.poll(() => truth(item.ratingKey)?.currentKinds, UNTIL).toEqual([]);
    await page.keyboard.press("Escape");
  });

  it("refreshes an item now and a second click does nothing while it runs", E2E_TIMEOUT, async () => {
    await page.setViewportSize(DESKTOP);
    const item = (await items("ignored"))[0] as ItemJson;
    const drawer = await openDrawer(item);
    await drawer.getByRole("button", { name: "Stop ignoring" }).click();
    await drawer.getByRole("button", { name: "Ignore", exact: true }).waitFor();
    const refreshes = stack.emulator.stats().refreshes;
    const button = drawer.getByRole("button", { name: "Refresh now" });
    await button.click();
    await expect.poll(() => button.isDisabled(), UNTIL).toBe(true);
    await button.click({ force: true }).catch(() => undefined);
    await drawer
      .getByText(/^Refresh finished:/)
      .first()
      .waitFor({ timeout: 60_000 });
    expect(stack.emulator.stats().refreshes - refreshes).toBe(1);
    await expect.poll(() => truth(item.ratingKey)?.currentKinds, UNTIL).toEqual([]);
    await page.keyboard.press("Escape");
  });

  it("looks right on a phone and in dark mode and German", E2E_TIMEOUT, async () => {
    const item = (await items("needs_review"))[0] ?? (await items("fixed"))[0];
    expect(item).toBeDefined();
    if (!item) return;
    for (const [scheme, language] of [
      ["light", "en"],
      ["dark", "de"],
    ] as const) {
      await page.setViewportSize(PHONE);
      await page.evaluate(
        `localStorage.setItem("psr-color-scheme", "${scheme}"); localStorage.setItem("psr-language", "en")`,
      );
      const drawer = await openDrawer(item);
      if (language === "de") {
        await page.evaluate(`localStorage.setItem("psr-language", "de")`);
        await page.reload();
        await page.getByRole("dialog").getByRole("heading", { name: "Verlauf" }).waitFor();
      }
      const suffix = `${scheme}-${language}`;
      expect(await hasNoSidewaysScroll(page)).toMatchObject({ ok: true });
      await screenshot(page, `item-drawer-phone-${suffix}`);
      await expectAccessible(page, `item drawer (phone, ${suffix})`);
      await page
        .getByRole("dialog")
        .getByRole("button", { name: language === "en" ? "Find a match" : "Zuordnung suchen" })
        .click();
      const picker = page.getByRole("dialog", {
        name: language === "en" ? /^Find a match for/ : /^Zuordnung für/,
      });
      await picker.locator(".mantine-Card-root").first().waitFor();
      await screenshot(page, `match-picker-phone-${suffix}`);
      await expectAccessible(page, `match picker (phone, ${suffix})`);
      await page.setViewportSize(DESKTOP);
      await screenshot(page, `match-picker-desktop-${suffix}`);
      // Escape closes the picker only; the drawer under it stays.
      await page.keyboard.press("Escape");
      await picker.waitFor({ state: "detached" });
      await drawer.waitFor();
      await screenshot(page, `item-drawer-desktop-${suffix}`);
      await page.keyboard.press("Escape");
      await drawer.waitFor({ state: "detached" });
    }
    await page.evaluate(
      `localStorage.setItem("psr-color-scheme", "light"); localStorage.setItem("psr-language", "en")`,
    );
  });

  it("had no uncaught errors in the page", () => {
    expect(stack.pageErrors).toEqual([]);
  });
});
