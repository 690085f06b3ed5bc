// The scan flows, in order on one server: a dry run started and followed live from the dashboard,
// its figures leading to the Items list, a real run cancelled, and the cancelled job's page.
import { appendFileSync } from "node:fs";
import { dirname, join } from "node:path";
import type { Locator, Page } from "playwright-core";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import {
  E2E_TIMEOUT,
  EMULATOR_DEFAULTS,
  logIn,
  type ScanJson,
  type Stack,
  screenshot,
  startStack,
  UNTIL,
  WAIT_MS,
} from "./harness.js";

let stack: Stack;
let page: Page;
/** The dry run of the first test; later tests compare the UI with its figures. */
let dryRun: ScanJson;
let cancelledId: number;

beforeAll(async () => {
  stack = await startStack();
  page = stack.page;
  await logIn(page);
}, 60_000);
afterAll(async () => {
  await stack?.close();
});

const normalised = async (locator: Locator) => (await locator.innerText()).replace(/\s+/g, " ").trim();

/** The attribute, or null when the element went away while we looked (it does, as a scan ends). */
async function attribute(locator: Locator, name: string): Promise<string | null> {
  if ((await locator.count()) === 0) return null;
  return locator.getAttribute(name, { timeout: 500 }).catch(() => null);
}

function lastScanRegion(id: number): Locator {
  return page.getByRole("region", { name: `Last scan: job ${id}` });
}

describe("scans from the dashboard", () => {
  it("starts a dry run after a summary, follows it live and shows its figures", E2E_TIMEOUT, async () => {
    await page.goto("/");
    await page.getByRole("heading", { level: 1, name: "Dashboard" }).waitFor();
    await page.getByRole("button", { name: "Start scan" }).click();

    // The confirmation sums up the run before anything happens.
    const dialog = page.getByRole("dialog", { name: "Start a scan" });
    await dialog.waitFor();
    const summary = await normalised(dialog);
    expect(summary).toContain("Libraries: all movie and show libraries");
    expect(summary).toContain("Items: added in the last 30 days, at most the newest 500 per library");
    expect(summary).toContain("Only check and record what would be fixed; nothing in Plex is changed.");
    const dry = dialog.getByRole("switch", { name: "Dry run" });
    // The saved settings say "real run", but no scan has succeeded yet: the first one is dry.
    expect(await dry.isChecked()).toBe(true);
    await screenshot(page, "start-scan-modal");
    await dialog.getByRole("button", { name: "Start scan" }).click();
    await dialog.waitFor({ state: "hidden" });

    // While it runs: the header's indicator, the progress bar and the log tail move.
    const indicator = page.getByRole("banner").getByRole("link", { name: /^Scan running/ });
    const bar = page.getByRole("main").getByRole("progressbar");
    const kept = page.getByText(/^\d[\d,]* lines? \(the newest 1,000 are kept\)$/);
    await indicator.waitFor();
    const jobId = Number((await indicator.getAttribute("href"))?.split("/").pop());
    expect(jobId).toBeGreaterThan(0);
    await page.getByRole("heading", { name: `Scan ${jobId} running` }).waitFor();

    const indicatorNames = new Set<string>();
    const progress = new Set<string>();
    const lineCounts: number[] = [];
    let midScanShot = false;
    const deadline = Date.now() + WAIT_MS;
    while (!(await lastScanRegion(jobId).isVisible())) {
      expect(Date.now(), "the scan should end within 30 s").toBeLessThan(deadline);
      const name = await attribute(indicator, "aria-label");
      if (name) indicatorNames.add(name);
      const now = await attribute(bar, "aria-valuenow");
      const label = await attribute(bar, "aria-label");
      if (now !== null && label !== null) progress.add(`${now}|${label}`);
      const lines = Number(
        (await kept.innerText({ timeout: 500 }).catch(() => "")).split(" ")[0]?.replace(/,/g, ""),
      );
      if (lines > 0 && lines !== lineCounts.at(-1)) lineCounts.push(lines);
      // The picture once everything shows a count; it takes a while, so only after sampling.
      if (!midScanShot && Number(now) > 0 && name !== null && /\d/.test(name)) {
        midScanShot = true;
        await screenshot(page, "dashboard-scanning");
      }
      await page.waitForTimeout(100);
    }

    // The indicator counted ("Scan running 81 / 727"), the bar moved, the log grew.
    expect(
      [...indicatorNames].some((n) => /^Scan running \d+ \/ [\d,]+$/.test(n)),
      [...indicatorNames].join("; "),
    ).toBe(true);
    const values = [...progress].map((p) => Number(p.split("|")[0]));
    expect(new Set(values).size, [...progress].join("; ")).toBeGreaterThanOrEqual(2);
    expect(
      [...progress].some((p) => /\|[\d,]+ of [\d,]+$/.test(p)),
      [...progress].join("; "),
    ).toBe(true);
    expect(lineCounts.length, lineCounts.join(", ")).toBeGreaterThanOrEqual(2);
    expect(lineCounts).toEqual([...lineCounts].sort((a, b) => a - b));

    // Finished: the figures of the run, the same as the API's.
    dryRun = await stack.waitForScan(jobId);
    expect(dryRun.status).toBe("success");
    const stats = dryRun.stats!;
    expect(stats.wouldFix).toBeGreaterThan(0);
    const region = lastScanRegion(jobId);
    await region.getByText("Finished", { exact: true }).waitFor();
    const figure = (label: string) =>
      region.getByRole("link", { name: new RegExp(`^${label} [\\d,]+ show these items$`) });
    const value = async (label: string) =>
      Number((await normalised(figure(label))).match(/[\d,]+/)?.[0]?.replace(/,/g, ""));
    expect(await value("Checked")).toBe(stats.checked);
    expect(await value("Fixed")).toBe(stats.fixed);
    expect(await value("Would fix")).toBe(stats.wouldFix);
    expect(await value("Failed")).toBe(stats.failed);
    expect(await value("Needs review")).toBe(stats.needsReview);
    // A dry run fixes nothing, so its success rate is "n/a" rather than 0 %.
    // (innerText follows the figures' CSS uppercase, hence the flag.)
    expect(await normalised(region)).toMatch(/Success rate (n\/a|\d+(\.\d+)? ?%)/i);
    await page.getByRole("banner").getByText("No scan running").waitFor({ state: "attached" });
    // The live log holds every line of the job's log exactly once (it is seeded from REST and
    // fed by the stream, which must not overlap).
    const file = await page.request.get(`/api/scans/${jobId}/log?download=1`);
    const fileLines = (await file.text()).split("\n").filter((l) => l !== "");
    const shown = async () => (await kept.innerText()).split(" ")[0];
    await expect
      .poll(shown, { ...UNTIL, timeout: 5_000 })
      .toBe(fileLines.length.toLocaleString("en-US"))
      .catch(async (error: Error) => {
        // Say which lines: scroll the live log to its top (pausing it) and show its first lines.
        const liveLog = page.getByRole("main").getByRole("log");
        await liveLog.hover();
        await page.mouse.wheel(0, -1_000_000);
        await page.waitForTimeout(300);
        const top = (await liveLog.innerText()).split("\n").slice(0, 6).join("\n  ");
        const first = fileLines.slice(0, 4).join("\n  ");
        throw new Error(
          `The live log shows ${await shown()} lines, the log file has ${fileLines.length}.\nLive log, first lines:\n  ${top}\nLog file, first lines:\n  ${first}\n(${error.message})`,
        );
      });
    expect(await indicator.count()).toBe(0);
    await screenshot(page, "dashboard-after-scan");
  });

  it("follows a figure to the Items list, filtered by the URL", E2E_TIMEOUT, async () => {
    expect(dryRun, "needs the dry run of the first test").toBeDefined();
    const stats = dryRun.stats!;
    for (const [label, state, badge, count] of [
      ["Would fix", "would_fix", "Would fix", stats.wouldFix],
      ["Needs review", "needs_review", "Needs review", stats.needsReview],
    ] as const) {
      await page.goto("/");
      await lastScanRegion(dryRun.id)
        .getByRole("link", { name: new RegExp(`^${label} [\\d,]+ show these items$`) })
        .click();
      await page.getByRole("heading", { level: 1, name: "Items" }).waitFor();
      const url = new URL(page.url());
      expect(url.pathname).toBe("/items");
      expect(url.searchParams.get("state")).toBe(state);
      // The state chips: the chosen one is checked and carries its count.
      expect(
        await page
          .getByRole("radiogroup", { name: "State" })
          .getByRole("radio", { name: new RegExp(`^${badge} [\\d,]+$`) })
          .isChecked(),
      ).toBe(true);

      await page.getByText(count === 1 ? "1 item" : `${count} items`, { exact: true }).waitFor();
      const rows = page
        .getByRole("main")
        .getByRole("row")
        .filter({ has: page.getByRole("cell") });
      await expect.poll(() => rows.count(), UNTIL).toBe(Math.min(count!, 50));
      for (const row of await rows.all()) {
        // Cells: selection box, poster, title, library, state…
        expect(await row.getByRole("cell").nth(4).innerText()).toBe(badge);
      }
    }
    await screenshot(page, "items-needs-review");
  });

  it("cancels a running scan from the dashboard and it ends as cancelled", E2E_TIMEOUT, async () => {
    // A real run, with Plex slowed down, takes far longer than the click to cancel it.
    stack.emulator.setFaults({ latencyMs: 400 });
    try {
      await page.goto("/");
      await page.getByRole("button", { name: "Start scan" }).click();
      const dialog = page.getByRole("dialog", { name: "Start a scan" });
      expect(await dialog.getByRole("switch", { name: "Dry run" }).isChecked()).toBe(false);
      await dialog.getByRole("button", { name: "Start scan" }).click();

      const cancel = page.getByRole("main").getByRole("button", { name: "Cancel scan" });
      await cancel.click();
      const confirm = page.getByRole("dialog", { name: "Cancel the running scan?" });
      const running = page.getByRole("banner").getByRole("link", { name: /^Scan running/ });
      cancelledId = Number((await running.getAttribute("href"))?.split("/").pop());
      expect(await normalised(confirm)).toContain(
        `Scan ${cancelledId} stops after the items in progress. What it did so far is kept.`,
      );
      await screenshot(page, "cancel-scan-modal");
      await confirm.getByRole("button", { name: "Cancel scan" }).click();
      // Not `confirm.waitFor({ state: "hidden" })`: when the scan ends before the dialog has
      // closed, the same dialog briefly turns into "Start a scan" (see the report), which would
      // satisfy that wait while a dialog is still open.
      await expect.poll(() => page.getByRole("dialog").count(), UNTIL).toBe(0);

      const region = lastScanRegion(cancelledId);
      await region.waitFor();
      await region.getByText("Cancelled", { exact: true }).waitFor();
      const job = await stack.waitForScan(cancelledId);
      expect(job.status).toBe("cancelled");
      expect(job.settings.dryRun).toBe(false);
      await page.getByRole("main").getByRole("button", { name: "Start scan" }).waitFor();
    } finally {
      stack.emulator.setFaults(EMULATOR_DEFAULTS.faults ?? {});
    }
  });

  it("opens the cancelled job from Jobs: status, log and a download link", E2E_TIMEOUT, async () => {
    expect(cancelledId, "needs the cancelled scan of the previous test").toBeGreaterThan(0);
    await page.getByRole("navigation").getByRole("link", { name: "Jobs" }).click();
    await page.getByRole("heading", { level: 1, name: "Jobs" }).waitFor();
    const row = page
      .getByRole("row")
      .filter({ has: page.getByRole("link", { name: `#${cancelledId}`, exact: true }) });
    await row.getByText("Cancelled", { exact: true }).waitFor();
    // Started with the dashboard's button: a manual scan.
    await row.getByRole("cell", { name: "Manual", exact: true }).waitFor();
    await page
      .getByRole("row")
      .filter({ has: page.getByRole("link", { name: `#${dryRun.id}`, exact: true }) })
      .getByText("Finished", { exact: true })
      .waitFor();
    await screenshot(page, "jobs-desktop");
    await row.getByRole("link", { name: `#${cancelledId}`, exact: true }).click();

    await page.getByRole("heading", { level: 1, name: `Scan ${cancelledId}` }).waitFor();
    expect(new URL(page.url()).pathname).toBe(`/jobs/${cancelledId}`);
    await page.getByRole("main").getByText("Cancelled", { exact: true }).waitFor();
    const log = page.getByRole("log", { name: `Log of scan ${cancelledId}` });
    await log.getByText(/Scan cancelled: checked/).waitFor();
    await page.getByRole("heading", { name: /^Log \([\d,]+ lines?\)$/ }).waitFor();

    const download = page.getByRole("link", { name: "Download log" });
    expect(await download.getAttribute("href")).toBe(`/api/scans/${cancelledId}/log?download=1`);
    // The link works with the session's cookie, and gives the file the log view shows.
    const file = await page.request.get(`/api/scans/${cancelledId}/log?download=1`);
    expect(file.status()).toBe(200);
    expect(file.headers()["content-disposition"] ?? "").toContain("attachment");
    expect(await file.text()).toContain("Scan cancelled: checked");
    await screenshot(page, "job-cancelled");
  });

  it("shows the dry run's log on its job page", E2E_TIMEOUT, async () => {
    await page.goto(`/jobs/${dryRun.id}`);
    await page.getByRole("heading", { level: 1, name: `Scan ${dryRun.id}` }).waitFor();
    await page.getByText("Dry run: nothing in Plex was changed.").waitFor();
    const log = page.getByRole("log", { name: `Log of scan ${dryRun.id}` });
    await log
      .getByText(/Would refresh: /)
      .first()
      .waitFor();
    await screenshot(page, "job-log", { readme: true });
  });

  it("keeps a 50,000-line log usable: only the visible lines are in the page", E2E_TIMEOUT, async () => {
    // A long job: its log grown to 50,000 lines (as a whole-library scan with many items writes).
    const path = join(dirname(stack.server.db.path), "logs", `scan_${dryRun.id}.log`);
    const extra = Array.from(
      { length: 50_000 },
      (_, i) => `2026-01-01T00:00:00.000Z INFO  Would refresh: Long Log Item ${i + 1} (no poster)`,
    );
    appendFileSync(path, `${extra.join("\n")}\n`);
    await page.goto(`/jobs/${dryRun.id}`);
    const log = page.getByRole("log", { name: `Log of scan ${dryRun.id}` });
    await log
      .getByText(/Would refresh: /)
      .first()
      .waitFor();
    // Rendered rows stay few, however long the log is.
    const rendered = await log.locator("div div div").count();
    expect(rendered).toBeGreaterThan(10);
    expect(rendered).toBeLessThan(300);
    await log.evaluate((el) => {
      el.scrollTop = el.scrollHeight;
    });
    await log.getByText("Would refresh: Long Log Item 50000 (no poster)").waitFor();
    await log.evaluate((el) => {
      el.scrollTop = el.scrollHeight / 2;
    });
    await log
      .getByText(/Long Log Item 2\d{4} /)
      .first()
      .waitFor();
    expect(await log.locator("div div div").count()).toBeLessThan(300);
  });

  it("had no uncaught errors in the page", () => {
    expect(stack.pageErrors).toEqual([]);
  });
});
