// A safe first run in Chromium: before any scan has succeeded the dashboard's start dialog has
// its dry-run switch on and says why; the setup's last step says the next scheduled scan is a
// dry run and runs one on request; after it the dashboard offers "Apply these N fixes", which
// fixes the proposals in the emulator as a job; bulk "Accept top candidate" lists what each
// item gets before it runs. Screenshots on desktop and phone, light and dark, English and German.
import type { Page } from "playwright-core";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import {
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

beforeAll(async () => {
  // No Plex variables: the connection is stored like the setup stores it, so /setup can be walked.
  stack = await startStack({
    plexEnv: false,
    emulator: { faults: { latencyMs: 0 }, refresh: { workers: 2, minMs: 100, maxMs: 200 } },
  });
  page = stack.page;
  const saved = await stack.api("PUT", "/api/plex/connection", {
    url: stack.emulator.url,
    token: stack.emulator.token,
  });
  expect(saved.status).toBe(200);
  // Logged in, and on the app's origin (where the look is kept).
  await openLoggedIn(page, "/");
}, 90_000);
afterAll(async () => {
  expect(stack?.pageErrors ?? []).toEqual([]);
  await stack?.close();
});

const VARIANTS = [
  { size: DESKTOP, device: "desktop", scheme: "light", lang: "en" },
  { size: DESKTOP, device: "desktop", scheme: "dark", lang: "de" },
  { size: PHONE, device: "phone", scheme: "light", lang: "en" },
  { size: PHONE, device: "phone", scheme: "dark", lang: "de" },
] as const;

async function setLook(scheme: string, lang: string): Promise<void> {
  await page.evaluate(
    `localStorage.setItem("psr-color-scheme", "${scheme}"); localStorage.setItem("psr-language", "${lang}")`,
  );
}

/**
 * The page at `path` in every variant: `ready` waits for what the picture is of (in the
 * variant's language), then axe, no sideways scroll on a phone, and a screenshot; the desktop,
 * light, English one goes to the README when asked.
 */
async function looks(
  name: string,
  path: string,
  ready: (en: boolean) => Promise<void>,
  { readme = false } = {},
): Promise<void> {
  try {
    for (const v of VARIANTS) {
      await page.setViewportSize(v.size);
      await setLook(v.scheme, v.lang);
      await openLoggedIn(page, path);
      await ready(v.lang === "en");
      if (v.device === "phone") expect(await hasNoSidewaysScroll(page)).toMatchObject({ ok: true });
      await expectAccessible(page, `${name} (${v.device}, ${v.scheme}, ${v.lang})`);
      const first = v === VARIANTS[0];
      await screenshot(page, first ? `${name}-desktop` : `${name}-${v.device}-${v.scheme}-${v.lang}`, {
        readme: readme && first,
      });
    }
  } finally {
    await setLook("light", "en");
    await page.setViewportSize(DESKTOP);
  }
}

async function scans(): Promise<(ScanJson & { source: string })[]> {
  return (await stack.api<{ items: (ScanJson & { source: string })[] }>("GET", "/api/scans?pageSize=5")).json
    .items;
}

describe("the first run", () => {
  it("starts the dashboard's first scan as a dry run, and says so", E2E_TIMEOUT, async () => {
    expect((await stack.api<{ firstScanPending: boolean }>("GET", "/api/stats")).json.firstScanPending).toBe(
      true,
    );
    const openDialog = async (en: boolean) => {
      await page.getByRole("button", { name: en ? "Start scan" : "Scan starten" }).click();
      const dialog = page.getByRole("dialog", { name: en ? "Start a scan" : "Scan starten" });
      await dialog.waitFor();
      await dialog
        .getByText(en ? "This is your first scan, so it starts as a dry run" : "Das ist dein erster Scan")
        .waitFor();
      expect(await dialog.getByRole("switch", { name: en ? "Dry run" : "Probelauf" }).isChecked()).toBe(true);
    };
    await looks("first-run-start-dialog", "/", openDialog, { readme: true });
    // Left as it is, the switch sends a dry run: nothing changes in Plex.
    await openLoggedIn(page, "/");
    await openDialog(true);
    const sent = stack.emulator.stats();
    const dialog = page.getByRole("dialog", { name: "Start a scan" });
    await dialog.getByRole("button", { name: "Start scan" }).click();
    await dialog.waitFor({ state: "hidden" });
    await expect.poll(async () => (await scans()).length, UNTIL).toBe(1);
    const scan = await stack.waitForScan((await scans())[0]!.id);
    expect(scan).toMatchObject({ status: "success", settings: { dryRun: true } });
    expect(stack.emulator.stats().refreshes).toBe(sent.refreshes);
    expect(stack.emulator.stats().matches).toBe(sent.matches);
    // Once one scan has succeeded, the switch follows the settings again (off by default).
    await openLoggedIn(page, "/");
    await page.getByRole("button", { name: "Start scan" }).click();
    const again = page.getByRole("dialog", { name: "Start a scan" });
    await again.waitFor();
    expect(await again.getByRole("switch", { name: "Dry run" }).isChecked()).toBe(false);
    expect(await again.getByText("This is your first scan").count()).toBe(0);
    await again.getByRole("button", { name: "Back" }).click();
  });

  it(
    "the setup's last step says what the schedule does next, and runs a dry run now",
    E2E_TIMEOUT,
    async () => {
      // A second install's view: no scan has succeeded yet (the one above is removed from the record).
      await stack.server.db.kysely.deleteFrom("item_history").execute();
      await stack.server.db.kysely.deleteFrom("items").execute();
      await stack.server.db.kysely.deleteFrom("scan_runs").execute();
      const walk = async (en: boolean) => {
        await page
          .getByRole("heading", { level: 2, name: en ? "Connect your Plex server" : "Plex-Server verbinden" })
          .waitFor();
        for (const step of en
          ? ["Choose the libraries", "Choose the schedule", "All set"]
          : ["Mediatheken wählen", "Zeitplan wählen", "Alles eingerichtet"]) {
          await page.getByRole("button", { name: en ? "Next" : "Weiter" }).click();
          await page.getByRole("heading", { level: 2, name: step }).waitFor();
        }
        await page
          .getByTestId("setup-tonight")
          .getByText(
            en ? "The next scheduled scan is a dry run" : "Der nächste geplante Scan ist ein Probelauf",
          )
          .waitFor();
      };
      await looks("first-run-setup-done", "/setup", walk);
      await openLoggedIn(page, "/setup");
      await walk(true);
      const schedule = (await stack.api<{ scheduler: { enabled: boolean } }>("GET", "/api/settings")).json;
      expect(schedule.scheduler.enabled).toBe(true);
      const sent = stack.emulator.stats().refreshes;
      await page.getByRole("button", { name: "Run a dry run now" }).click();
      // Its job page follows it.
      await page.waitForURL(/\/jobs\/\d+$/);
      const id = Number(new URL(page.url()).pathname.split("/").pop());
      const scan = await stack.waitForScan(id);
      expect(scan).toMatchObject({ status: "success", settings: { dryRun: true } });
      expect(scan.stats?.wouldFix).toBeGreaterThan(0);
      expect(stack.emulator.stats().refreshes).toBe(sent);
      // Now that a scan has succeeded, the schedule's next run fixes.
      await openLoggedIn(page, "/setup");
      for (const _ of [1, 2, 3]) await page.getByRole("button", { name: "Next" }).click();
      await page
        .getByTestId("setup-tonight")
        .getByText("The next scheduled scan fixes what it finds in Plex.")
        .waitFor();
    },
  );

  it("applies the dry run's fixes from the dashboard, and the emulator has them", E2E_TIMEOUT, async () => {
    const [dry] = await scans();
    expect(dry?.settings.dryRun).toBe(true);
    const n = dry!.stats!.wouldFix!;
    const label = (en: boolean) =>
      en
        ? `Apply these ${n.toLocaleString("en")} fixes`
        : `Diese ${n.toLocaleString("de")} Reparaturen ausführen`;
    await looks("apply-fixes", "/", (en) => page.getByRole("button", { name: label(en) }).waitFor(), {
      readme: true,
    });
    const proposed = (
      await stack.server.db.kysely
        .selectFrom("item_history")
        .select("rating_key")
        .where("job_id", "=", dry!.id)
        .where("outcome", "=", "would_fix")
        .execute()
    ).map((r) => r.rating_key);
    expect(proposed).toHaveLength(n);
    const truth = () => new Map(stack.emulator.truth().broken.map((t) => [t.ratingKey, t]));
    const repairable = proposed.filter((k) => truth().get(k)?.fixableByRefresh && !truth().get(k)?.locked);
    expect(repairable.length).toBeGreaterThan(0);
    for (const k of repairable) expect(truth().get(k)?.currentKinds.length).toBeGreaterThan(0);

    await openLoggedIn(page, "/");
    await page.getByRole("button", { name: label(true) }).click();
    const confirm = page.getByRole("dialog", { name: `Apply these ${n} fixes?` });
    await confirm.getByText("Each item is read from Plex and checked again first").waitFor();
    await expectAccessible(page, "apply fixes confirmation");
    await screenshot(page, "apply-fixes-confirm-desktop");
    await confirm.getByRole("button", { name: label(true) }).click();
    await confirm.waitFor({ state: "detached" });
    const follow = page.getByRole("link", { name: /^Follow job \d+$/ });
    await follow.waitFor();
    const id = Number((await follow.getAttribute("href"))?.split("/").pop());
    const job = await stack.waitForScan(id, 90_000);
    expect(job).toMatchObject({ status: "success", source: "apply", settings: { dryRun: false } });
    // Its own summary toast when it ends, with this job's figures.
    const toast = page.getByRole("alert").filter({ hasText: `Apply dry run fixes finished (job #${id})` });
    await toast.waitFor({ timeout: 30_000 });
    const apply = (job.stats as unknown as { apply: { fixed: number; healthyNow: number } }).apply;
    await expect
      .poll(() => toast.innerText(), UNTIL)
      .toContain(`${apply.fixed} fixed, ${apply.healthyNow} healthy by now`);
    await screenshot(page, "apply-fixes-summary-desktop");
    // Fixed in Plex: every proposal a refresh can repair.
    for (const k of repairable) expect(truth().get(k)?.currentKinds, k).toEqual([]);
    // Jobs names the job; the dashboard no longer offers the fixes.
    await openLoggedIn(page, "/jobs");
    await page.getByText("Apply dry run fixes").first().waitFor();
    await openLoggedIn(page, "/");
    await page.getByRole("heading", { level: 1, name: "Dashboard" }).waitFor();
    await expect.poll(() => page.getByRole("button", { name: /^Apply th/ }).count(), UNTIL).toBe(0);
  });

  it("lists what bulk 'Accept top candidate' will give each item before it runs", E2E_TIMEOUT, async () => {
    const { json } = await stack.api<{ items: { ratingKey: string; title: string }[] }>(
      "GET",
      "/api/items?state=needs_review&pageSize=50",
    );
    expect(json.items.length).toBeGreaterThan(0);
    const { json: expected } = await stack.api<{
      acting: number;
      items: { ratingKey: string; step: string }[];
    }>("POST", "/api/bulk/preview", { action: "accept_top", ratingKeys: json.items.map((i) => i.ratingKey) });
    const open = async (en: boolean) => {
      await page
        .getByRole("checkbox", { name: en ? "Select all on this page" : "Alle auf dieser Seite auswählen" })
        .check();
      await page
        .getByRole("button", { name: en ? "Accept top candidate" : "Ersten Kandidaten übernehmen" })
        .click();
      const rows = page.getByTestId("bulk-preview").locator("tr");
      await expect.poll(() => rows.count(), UNTIL).toBe(json.items.length);
    };
    await looks("bulk-accept-preview", "/items?state=needs_review", open, { readme: true });
    await openLoggedIn(page, "/items?state=needs_review");
    await open(true);
    const rows = page.getByTestId("bulk-preview").locator("tr");
    const steps = await rows.evaluateAll((trs) => trs.map((tr) => tr.getAttribute("data-step")));
    expect(steps).toEqual(expected.items.map((i) => i.step));
    // Nothing ran: the preview only reads.
    expect((await scans()).filter((s) => s.source === "bulk")).toEqual([]);
    await page.getByRole("dialog").getByRole("button", { name: "Back" }).click();
  });
});
