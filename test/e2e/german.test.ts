// The German UI shows no English sentence written by the server. After a dry run and a real scan
// of the demo library (wrong matches, unmatched, locked, children, items a refresh cannot fix),
// a bulk job with failures and skips, a job interrupted by a server stop and a refused settings
// save, a German reader visits the dashboard, the items table, a drawer per kind of reason, the
// bulk summary, the jobs list and pages, settings and setup. The check: the rendered text of
// `main` and of every open dialog or toast, without the log view's lines (its message column may
// stay English) and without Plex's own titles, holds none of the English phrases the server
// writes (MARKERS: taken from src/scan/reason-text.ts, src/scan/stats.ts, the job and bulk
// errors, the validation messages).
import type { Page } from "playwright-core";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { E2E_TIMEOUT, openLoggedIn, type Stack, screenshot, startStack, UNTIL } from "./harness.js";

/** English the server writes; none of it may reach the German page. */
const MARKERS = [
  "would refresh",
  "would match",
  "unmatched;",
  "unmatched",
  "not conclusive",
  "runner-up",
  "matched to",
  "still ",
  "after refresh",
  "Plex error",
  "wrong match (",
  "possible wrong match",
  "the path says",
  "the path names",
  "did not take",
  "already ignored",
  "not ignored",
  "unignore it first",
  "does not need review",
  "no stored candidate",
  "no longer in Plex",
  "Scan finished",
  "Scan started",
  "Bulk action",
  "interrupted",
  "shutting down",
  "the server received",
  "schedules may run",
  "Invalid body",
  "healthy on re-check",
  "locked field",
  "personal media",
  "ignored by hand",
  "no match found",
  "candidates share",
  "exact title",
  "a person decides",
  "so a person",
  "deleted while scanning",
  "checked ",
  "needs review",
  "in Plex (",
  "Internal error",
];

interface ItemJson {
  ratingKey: string;
  title: string;
  state: string;
  reason: { code: string; params?: Record<string, unknown> } | null;
}

let stack: Stack;
let page: Page;
/** Plex's titles (and their years): text of the library, not of the server. */
let titles: string[] = [];
const jobs: { scan: number; bulk: number; interrupted: number } = { scan: 0, bulk: 0, interrupted: 0 };

async function allItems(): Promise<ItemJson[]> {
  const { json } = await stack.api<{ items: ItemJson[] }>("GET", "/api/items?pageSize=500");
  return json.items;
}

beforeAll(async () => {
  stack = await startStack({
    locale: "de-DE",
    emulator: { faults: { latencyMs: 0 }, refresh: { workers: 2, minMs: 300, maxMs: 600 } },
  });
  page = stack.page;
  // A dry run, then a real scan: every kind of outcome is recorded.
  expect((await stack.waitForScan(await stack.startScan({ dryRun: true }), 120_000)).status).toBe("success");
  jobs.scan = await stack.startScan({ dryRun: false });
  expect((await stack.waitForScan(jobs.scan, 180_000)).status).toBe("success");
  titles = stack.emulator.truth().broken.map((b) => b.title);
  for (const i of await allItems()) titles.push(i.title);
  // Longest first, so "Alien" never cuts "Aliens" in half.
  titles = [...new Set(titles)].filter((t) => t.length > 0).sort((a, b) => b.length - a.length);
}, 300_000);

afterAll(async () => {
  expect(stack?.pageErrors ?? []).toEqual([]);
  await stack?.close();
});

/** The page's text as a reader sees it, minus log lines and Plex titles. */
async function shownText(): Promise<string> {
  const text = await page.evaluate(`(() => {
    const parts = [];
    for (const root of document.querySelectorAll("main, [role=dialog], .mantine-Notifications-root")) {
      const copy = root.cloneNode(true);
      for (const line of copy.querySelectorAll(".log-line")) line.remove();
      document.body.appendChild(copy);
      parts.push(copy.innerText);
      copy.remove();
    }
    return parts.join("\\n");
  })()`);
  let rest = String(text);
  for (const title of titles) rest = rest.split(title).join("«title»");
  return rest;
}

async function expectGerman(where: string): Promise<void> {
  const text = await shownText();
  expect(text.length, where).toBeGreaterThan(20);
  const found = MARKERS.filter((m) => text.toLowerCase().includes(m.toLowerCase()));
  expect(found, `${where}: ${text.slice(0, 2000)}`).toEqual([]);
}

/** Logs in (the login form is English in the harness), then switches this browser to German. */
async function openGerman(path: string): Promise<void> {
  if (!page.url().startsWith(stack.url)) await page.goto("/login");
  await page.evaluate(`localStorage.setItem("psr-language", "en")`);
  await openLoggedIn(page, "/");
  await page.evaluate(`localStorage.setItem("psr-language", "de")`);
  await page.goto(path);
  await page.getByRole("heading", { level: 1 }).first().waitFor();
}

describe("German UI after a scan with every kind of problem", () => {
  it("the dashboard and the items table", E2E_TIMEOUT, async () => {
    await openGerman("/");
    await page.getByRole("heading", { level: 1, name: "Übersicht" }).waitFor();
    await expectGerman("dashboard");
    await screenshot(page, "german-dashboard", { fullPage: true });
    await page.goto("/items?state=all");
    await page.getByRole("table").first().waitFor();
    await expect.poll(async () => page.locator("tbody tr").count(), UNTIL).toBeGreaterThan(5);
    await expectGerman("items table");
    await screenshot(page, "german-items");
  });

  it("a drawer per kind of reason", { timeout: 240_000 }, async () => {
    const byCode = new Map<string, ItemJson>();
    for (const item of await allItems())
      if (item.reason && !byCode.has(item.reason.code)) byCode.set(item.reason.code, item);
    // Every family the scan writes is here: a dry run's intent, fixes, matches, wrong matches, locks.
    expect(byCode.size).toBeGreaterThanOrEqual(5);
    for (const [code, item] of byCode) {
      await page.goto(`/items?q=${item.ratingKey}&state=all&item=${item.ratingKey}`);
      const drawer = page.getByRole("dialog").filter({ has: page.getByRole("heading", { name: "Verlauf" }) });
      await drawer.waitFor();
      // The history has loaded: its first entry is in.
      await expect.poll(async () => (await drawer.innerText()).length, UNTIL).toBeGreaterThan(100);
      await expectGerman(`drawer of ${code} (${item.ratingKey})`);
      if (
        ["year_conflict", "id_conflict", "wrong_match_review", "match_review", "still_broken"].includes(code)
      )
        await screenshot(page, `german-drawer-${code}`);
    }
  });

  it("the bulk summary lists failures and skips in German", { timeout: 120_000 }, async () => {
    // Items a refresh could not fix fail again; one set aside first is skipped.
    const failed = (await allItems()).filter((i) => i.state === "failed").slice(0, 6);
    expect(failed.length).toBeGreaterThan(1);
    const [aside, ...rest] = failed;
    const ignore = await stack.api<{ id: number }>("POST", "/api/bulk", {
      action: "ignore",
      ratingKeys: [aside?.ratingKey],
    });
    expect((await stack.waitForScan(ignore.json.id)).status).toBe("success");
    await openGerman("/items?state=all");
    // Slow Plex down so the page sees the job run: the summary is for jobs it saw.
    stack.emulator.setFaults({ latencyMs: 400 });
    const started = await stack.api<{ id: number }>("POST", "/api/bulk", {
      action: "refresh",
      ratingKeys: failed.map((i) => i.ratingKey),
    });
    expect(started.status).toBe(202);
    jobs.bulk = started.json.id;
    const done = await stack.waitForScan(jobs.bulk, 90_000);
    stack.emulator.setFaults({ latencyMs: 0 });
    expect(done.status).toBe("success");
    const bulk = (done.stats as unknown as { bulk: { failed: number; skipped: number } }).bulk;
    expect(bulk).toMatchObject({ failed: rest.length, skipped: 1 });
    const toast = page
      .getByRole("alert")
      .filter({ hasText: `Sammelaktualisierung beendet (Auftrag #${jobs.bulk})` });
    await toast.waitFor({ timeout: 30_000 });
    await toast.getByText("Fehlgeschlagen:").waitFor();
    // Each failure names its title and why, in German.
    await expect.poll(() => toast.innerText(), UNTIL).toContain("Nach der Aktualisierung noch");
    await expectGerman("bulk summary");
    await screenshot(page, "german-bulk-summary");
  });

  it("jobs: the list, a scan, the bulk job and a job the server's stop interrupted", {
    timeout: 120_000,
  }, async () => {
    // A scan the server is stopped in the middle of: interrupted, with a code.
    stack.emulator.setFaults({ latencyMs: 200 });
    jobs.interrupted = await stack.startScan({ dryRun: true });
    await expect
      .poll(async () => {
        const { json } = await stack.api<{ progress: { done: number } | null }>(
          "GET",
          `/api/scans/${jobs.interrupted}`,
        );
        return json.progress?.done ?? 0;
      }, UNTIL)
      .toBeGreaterThan(0);
    await stack.stopServer();
    stack.emulator.setFaults({ latencyMs: 0 });
    await stack.startServerAgain();
    const interrupted = await stack.waitForScan(jobs.interrupted);
    expect(interrupted.status).toBe("interrupted");
    await openGerman("/jobs");
    await page.getByRole("table").first().waitFor();
    await expectGerman("jobs list");
    for (const [name, id] of Object.entries(jobs)) {
      await page.goto(`/jobs/${id}`);
      await page.getByRole("log").waitFor();
      await expect.poll(async () => page.locator(".log-line").count(), UNTIL).toBeGreaterThan(1);
      await expectGerman(`job ${name} (${id})`);
      await screenshot(page, `german-job-${name}`);
    }
    await page.goto(`/jobs/${jobs.interrupted}`);
    await page.getByText("Der Server wurde beendet, während der Auftrag lief.").waitFor();
  });

  it("settings with a refused save, and setup", { timeout: 90_000 }, async () => {
    await openGerman("/settings");
    const schedule = page.locator("#settings-schedule");
    await schedule.waitFor();
    const id = await schedule.getByRole("radio", { name: "Cron-Ausdruck" }).getAttribute("id");
    await schedule.locator(`label[for="${id}"]`).click();
    await schedule.getByRole("textbox", { name: "Cron-Ausdruck" }).fill("*/5 * * * *");
    await schedule
      .getByText("Ein Zeitplan darf höchstens einmal pro Stunde laufen", { exact: false })
      .first()
      .waitFor();
    await expectGerman("settings with a refused schedule");
    await screenshot(page, "german-settings", { fullPage: true });
    await schedule.getByRole("button", { name: "Änderungen verwerfen" }).click();
    await page.goto("/setup");
    await page.getByRole("heading", { level: 1 }).first().waitFor();
    await expectGerman("setup");
    await screenshot(page, "german-setup");
  });
});
