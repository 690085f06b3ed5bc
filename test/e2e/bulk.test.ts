// Bulk actions in the browser: select three items, refresh them as one background job, watch
// the job to its end in Jobs, see the one summary toast, and find the items fixed in the table
// and in the emulator. Selection mode on a phone (screenshots in both themes and languages),
// "select all matching this filter", and axe on the selection bar and the confirmation.
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
}

let stack: Stack;
let page: Page;

beforeAll(async () => {
  stack = await startStack({
    emulator: { faults: { latencyMs: 0 }, refresh: { workers: 2, minMs: 150, maxMs: 300 } },
  });
  page = stack.page;
  const dry = await stack.waitForScan(await stack.startScan({ dryRun: true }));
  expect(dry.status).toBe("success");
}, 90_000);
afterAll(async () => {
  expect(stack?.pageErrors ?? []).toEqual([]);
  await stack?.close();
});

const truth = (ratingKey: string): TruthItem | undefined =>
  stack.emulator.truth().broken.find((b) => b.ratingKey === ratingKey);

async function items(state: string): Promise<ItemJson[]> {
  const { json } = await stack.api<{ items: ItemJson[] }>("GET", `/api/items?state=${state}&pageSize=50`);
  return json.items;
}

const bar = () => page.getByRole("region", { name: "Bulk actions on the selected items" });

describe("bulk actions", () => {
  it("bulk-refreshes three selected items and shows the outcome", E2E_TIMEOUT, async () => {
    await page.setViewportSize(DESKTOP);
    const listed = await items("would_fix");
    const titles = listed.map((i) => i.title);
    // Three movies a refresh repairs, with titles that appear once on the page.
    const chosen = listed
      .filter((i) => truth(i.ratingKey)?.fixableByRefresh && !truth(i.ratingKey)?.locked)
      .filter((i) => titles.filter((t) => t === i.title).length === 1)
      .slice(0, 3);
    expect(chosen).toHaveLength(3);
    for (const i of chosen) expect(truth(i.ratingKey)?.currentKinds.length).toBeGreaterThan(0);

    await openLoggedIn(page, "/items?state=would_fix");
    for (const i of chosen)
      await page.getByRole("checkbox", { name: `Select ${i.title}`, exact: true }).check();
    await bar().getByText("3 items selected").waitFor();
    await expectAccessible(page, "selection bar");
    await screenshot(page, "bulk-selection-desktop", { readme: true });

    const refreshes = stack.emulator.stats().refreshes;
    await bar().getByRole("button", { name: "Refresh", exact: true }).click();
    const confirm = page.getByRole("dialog", { name: "Refresh 3 items?" });
    await confirm.waitFor();
    await expectAccessible(page, "bulk confirmation");
    await confirm.getByRole("button", { name: "Refresh 3 items" }).click();
    await confirm.waitFor({ state: "detached" });
    // The selection is done with; the job runs in the background.
    await bar().waitFor({ state: "detached" });
    const started = page.getByText(/^Bulk refresh started \(job #(\d+)\)$/);
    await started.waitFor();
    const id = Number(/#(\d+)/.exec(await started.innerText())?.[1]);
    expect(id).toBeGreaterThan(0);

    // Watch it in Jobs: its kind names the action and the count, its log ends with the summary.
    await page.getByRole("link", { name: "Jobs", exact: true }).click();
    await page.getByRole("cell", { name: "Bulk refresh · 3 items" }).first().waitFor();
    await page.getByRole("link", { name: `#${id}`, exact: true }).click();
    await page.getByText("Bulk refresh · 3 items").waitFor();
    await page.getByText(/Bulk action finished: 3 of 3 done: 3 succeeded, 0 failed, 0 skipped/).waitFor({
      timeout: 60_000,
    });

    // One summary toast, with correct plurals.
    const toast = page.getByRole("alert").filter({ hasText: `Bulk refresh finished (job #${id})` });
    await toast.waitFor({ timeout: 30_000 });
    await expect.poll(() => toast.innerText(), UNTIL).toContain("3 items: 3 succeeded, 0 failed, 0 skipped.");
    expect(await toast.count()).toBe(1);
    await screenshot(page, "bulk-job-desktop");

    // Fixed in Plex, sent once each, and fixed in the table.
    for (const i of chosen) await expect.poll(() => truth(i.ratingKey)?.currentKinds, UNTIL).toEqual([]);
    expect(stack.emulator.stats().refreshes - refreshes).toBe(3);
    const { json: job } = await stack.api<{ status: string; source: string; stats: { bulk: unknown } }>(
      "GET",
      `/api/scans/${id}`,
    );
    expect(job).toMatchObject({ status: "success", source: "bulk" });
    await openLoggedIn(page, "/items?state=fixed");
    for (const i of chosen)
      await page
        .getByRole("button", { name: `Show details of ${i.title}`, exact: false })
        .first()
        .waitFor();
  });

  it("lists what failed in the summary toast", E2E_TIMEOUT, async () => {
    await page.setViewportSize(DESKTOP);
    // Items a refresh cannot repair (no artwork or summary to be had): the job lists each by title.
    const listed = await items("would_fix");
    const review = listed
      .filter((i) => {
        const t = truth(i.ratingKey);
        return t && !t.fixableByRefresh && !t.locked && !t.kinds.includes("unmatched");
      })
      .filter((i) => listed.filter((o) => o.title === i.title).length === 1)
      .slice(0, 2);
    expect(review).toHaveLength(2);
    await openLoggedIn(page, "/items?state=would_fix");
    for (const i of review)
      await page.getByRole("checkbox", { name: `Select ${i.title}`, exact: true }).check();
    await bar().getByRole("button", { name: "Refresh", exact: true }).click();
    await page
      .getByRole("dialog", { name: "Refresh 2 items?" })
      .getByRole("button", { name: "Refresh 2 items" })
      .click();
    const toast = page.getByRole("alert").filter({ hasText: /^Bulk refresh finished/ });
    await toast.waitFor({ timeout: 60_000 });
    await expect.poll(() => toast.innerText(), UNTIL).toContain("2 items: 0 succeeded, 2 failed, 0 skipped.");
    for (const i of review) await toast.getByText(i.title).waitFor();
    await screenshot(page, "bulk-summary-failures-desktop");
    await toast.getByRole("button").first().click();
  });

  it(
    "selects all items matching a filter across pages, and looks right on a phone",
    E2E_TIMEOUT,
    async () => {
      const { json: page1 } = await stack.api<{ total: number }>("GET", "/api/items?pageSize=50");
      expect(page1.total).toBeGreaterThan(50);
      for (const [scheme, language] of [
        ["light", "en"],
        ["dark", "de"],
      ] as const) {
        await page.setViewportSize(PHONE);
        await page.evaluate(
          `localStorage.setItem("psr-color-scheme", "${scheme}"); localStorage.setItem("psr-language", "${language}")`,
        );
        // Every item (the page opens on what needs attention).
        await openLoggedIn(page, "/items?state=all");
        const en = language === "en";
        await page
          .getByRole("checkbox", { name: en ? "Select all on this page" : "Alle auf dieser Seite auswählen" })
          .check();
        const region = page.getByRole("region", {
          name: en ? "Bulk actions on the selected items" : "Sammelaktionen für die ausgewählten Einträge",
        });
        await region.getByText(en ? "50 items selected" : "50 Einträge ausgewählt").waitFor();
        const total = page1.total.toLocaleString(en ? "en" : "de");
        await region
          .getByRole("button", {
            name: en
              ? `Select all ${total} items matching this filter`
              : `Alle ${total} Einträge auswählen, die zu diesem Filter passen`,
          })
          .click();
        await region
          .getByText(
            en
              ? `All ${total} items matching this filter are selected`
              : `Alle ${total} Einträge, die zu diesem Filter passen, sind ausgewählt`,
          )
          .waitFor();
        expect(await hasNoSidewaysScroll(page)).toMatchObject({ ok: true });
        // The bar stays at the bottom of the screen while the list scrolls under it.
        await page.evaluate("window.scrollTo(0, 0)");
        await screenshot(page, `bulk-selection-phone-${scheme}-${language}`);
        await expectAccessible(page, `selection bar (phone, ${scheme}, ${language})`);
        await region.getByRole("button", { name: en ? "Ignore" : "Ignorieren", exact: true }).click();
        const confirm = page.getByRole("dialog", {
          name: en ? `Ignore ${total} items?` : `${total} Einträge ignorieren?`,
        });
        await confirm.waitFor();
        await screenshot(page, `bulk-confirm-phone-${scheme}-${language}`);
        await expectAccessible(page, `bulk confirmation (phone, ${scheme}, ${language})`);
        await confirm.getByRole("button", { name: en ? "Back" : "Zurück" }).click();
        await confirm.waitFor({ state: "detached" });
        await region.getByRole("button", { name: en ? "Clear selection" : "Auswahl aufheben" }).click();
        await region.waitFor({ state: "detached" });
      }
      await page.evaluate(
        `localStorage.setItem("psr-color-scheme", "light"); localStorage.setItem("psr-language", "en")`,
      );
      await page.setViewportSize(DESKTOP);
    },
  );

  it("sends a filter selection to the server, which resolves it across pages", E2E_TIMEOUT, async () => {
    await page.setViewportSize(DESKTOP);
    const { json: before } = await stack.api<{ total: number }>(
      "GET",
      "/api/items?state=needs_review&pageSize=1",
    );
    await openLoggedIn(page, "/items?state=needs_review");
    await page.getByRole("checkbox", { name: "Select all on this page" }).check();
    const n = before.total;
    if (n > 50)
      await bar()
        .getByRole("button", { name: /^Select all \d[\d,]* items matching this filter$/ })
        .click();
    await bar().getByRole("button", { name: "Ignore", exact: true }).click();
    const confirm = page.getByRole("dialog", {
      name: `Ignore ${n.toLocaleString("en")} item${n === 1 ? "" : "s"}?`,
    });
    await confirm.getByRole("textbox", { name: "Reason (optional)" }).fill("review later");
    await confirm.getByRole("button", { name: /^Ignore \d/ }).click();
    const toast = page.getByRole("alert").filter({ hasText: /^Bulk ignore finished/ });
    await toast.waitFor({ timeout: 30_000 });
    const { json: ignored } = await stack.api<{ total: number; items: { ignoreReason: string }[] }>(
      "GET",
      "/api/items?state=ignored&pageSize=500",
    );
    expect(ignored.total).toBe(n);
    expect(new Set(ignored.items.map((i) => i.ignoreReason))).toEqual(new Set(["review later"]));
  });
});
