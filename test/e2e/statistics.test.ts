// The Statistics page in Chromium: two dry-run scans, then the chart with both, the period
// switch, axe in light and dark, English and German, and a phone layout without sideways scroll.
import type { Page } from "playwright-core";
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
  type Stack,
  screenshot,
  startStack,
  UNTIL,
} from "./harness.js";

let stack: Stack;
let page: Page;

beforeAll(async () => {
  stack = await startStack({ emulator: { faults: { latencyMs: 0 } } });
  page = stack.page;
  for (let i = 0; i < 2; i++) {
    const scan = await stack.waitForScan(await stack.startScan({ dryRun: true }));
    expect(scan.status).toBe("success");
  }
}, 120_000);
afterAll(async () => {
  await stack?.close();
});

describe("statistics", () => {
  it("charts the two scans, switches the period, and passes axe in light and dark", E2E_TIMEOUT, async () => {
    await page.setViewportSize(DESKTOP);
    await openLoggedIn(page, "/statistics");
    await page.getByRole("heading", { level: 1, name: "Statistics" }).waitFor();
    const chart = page.getByRole("img", { name: /^Bar chart of 2 scans/ });
    await chart.waitFor(UNTIL);
    await expect.poll(() => page.locator("[data-testid=scan-chart] g[data-scan]").count(), UNTIL).toBe(2);
    // The text alternative lists both scans with the legend's series names.
    const table = page.getByRole("table", { name: "Fixed, failed and would-fix items per scan" });
    await expect.poll(() => table.getByRole("row").count(), UNTIL).toBe(3);
    await expect.poll(() => page.getByText("Would fix (dry run)").first().isVisible(), UNTIL).toBe(true);
    await expect.poll(() => page.getByText("Top problems per library").isVisible(), UNTIL).toBe(true);

    const history = page.waitForResponse((r) => r.url().includes("/api/stats/history?days=90"));
    await page.getByText("90 days").click();
    expect((await history).status()).toBe(200);
    await expect.poll(() => page.locator("[data-testid=scan-chart] g[data-scan]").count(), UNTIL).toBe(2);

    await chooseColourScheme(page, "Light");
    await expectAccessible(page, "statistics, light");
    await screenshot(page, "statistics-desktop", { readme: true });
    await chooseColourScheme(page, "Dark");
    await expectAccessible(page, "statistics, dark");
    await screenshot(page, "statistics-desktop-dark");
  });

  it("reads in German and fits a phone", E2E_TIMEOUT, async () => {
    await page.setViewportSize(DESKTOP);
    await openLoggedIn(page, "/statistics");
    await chooseLanguage(page, "Deutsch");
    await page.getByRole("heading", { level: 1, name: "Statistik" }).waitFor();
    await page.getByRole("img", { name: /^Balkendiagramm von 2 Scans/ }).waitFor(UNTIL);
    await screenshot(page, "statistics-desktop-de");

    await page.setViewportSize(PHONE);
    await page.getByRole("img", { name: /^Balkendiagramm/ }).waitFor(UNTIL);
    expect(await hasNoSidewaysScroll(page)).toMatchObject({ ok: true });
    await screenshot(page, "statistics-phone-dark-de", { fullPage: true });
    await chooseLanguage(page, "English");
    await chooseColourScheme(page, "Light");
    expect(await hasNoSidewaysScroll(page)).toMatchObject({ ok: true });
    await expectAccessible(page, "statistics, phone");
    await screenshot(page, "statistics-phone", { fullPage: true });
  });
  it("passes axe in light and dark while a bulk job's toast is open", E2E_TIMEOUT, async () => {
    await page.setViewportSize(DESKTOP);
    await openLoggedIn(page, "/statistics");
    await page.getByRole("heading", { level: 1, name: "Statistics" }).waitFor();
    const { json } = await stack.api<{ items: { ratingKey: string }[] }>("GET", "/api/items?pageSize=3");
    // A slow Plex, so this tab sees the job running (a toast is for the jobs a tab followed).
    stack.emulator.setFaults({ latencyMs: 300 });
    const started = await stack.api<{ id: number }>("POST", "/api/bulk", {
      action: "refresh",
      ratingKeys: json.items.map((i) => i.ratingKey),
    });
    expect(started.status).toBe(202);
    await page
      .getByRole("banner")
      .getByRole("link", { name: /^Bulk job running/ })
      .waitFor(UNTIL);
    stack.emulator.setFaults({ latencyMs: 0 });
    const toast = page.locator(".mantine-Notification-root").first();
    await toast.waitFor(UNTIL);
    for (const scheme of ["Light", "Dark"] as const) {
      await chooseColourScheme(page, scheme);
      await expect.poll(() => toast.isVisible(), UNTIL).toBe(true);
      await expectAccessible(page, `statistics with a toast (${scheme})`);
    }
    await chooseColourScheme(page, "Light");
    await stack.api("POST", "/api/bulk", {
      action: "unignore",
      ratingKeys: json.items.map((i) => i.ratingKey),
    });
  });
});
