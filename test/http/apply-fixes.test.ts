// "Apply these N fixes" over real HTTP against the emulator: a finished dry run's proposals run
// as a real job that re-checks each item first (an item healed in the meantime is not touched),
// strict refusals that start nothing (not a dry run, unfinished, nothing proposed, unknown job,
// a body), the one-job rule, and a cancel.
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { startTestServer, type TestServer } from "../helpers/server.js";

const KEY = "apply-fixes-key-0123456789abcdef";
let stack: TestServer;

async function api(method: string, path: string, body?: unknown) {
  const res = await fetch(stack.server.url + path, {
    method,
    headers: { "X-Api-Key": KEY, ...(body === undefined ? {} : { "Content-Type": "application/json" }) },
    body: body === undefined ? undefined : JSON.stringify(body),
  });
  // biome-ignore lint/suspicious/noExplicitAny: response bodies of many shapes, checked by the assertions
  const json: any = await res.json();
  return { status: res.status, body: json };
}

async function waitForJob(id: number) {
  for (let i = 0; i < 600; i++) {
    const job = await api("GET", `/api/scans/${id}`);
    if (job.body.status !== "queued" && job.body.status !== "running") return job.body;
    await new Promise((r) => setTimeout(r, 100));
  }
  throw new Error(`job ${id} did not end`);
}

async function jobCount(): Promise<number> {
  return (await api("GET", "/api/scans")).body.total;
}

/** What job `id` recorded per item: the history entries it wrote. */
async function historyOf(id: number) {
  return stack.server.db.kysely
    .selectFrom("item_history")
    .select(["rating_key", "action", "outcome", "reason_json"])
    .where("job_id", "=", id)
    .execute();
}

/** A dry run of whole libraries (the emulator spreads items over many years). */
async function dryRun(): Promise<{ id: number; wouldFix: number }> {
  const started = await api("POST", "/api/scans", { dryRun: true, all: true });
  expect(started.status).toBe(202);
  const job = await waitForJob(started.body.id);
  expect(job.status).toBe("success");
  return { id: job.id, wouldFix: job.stats.wouldFix };
}

beforeAll(async () => {
  // One refresh worker at 150–250 ms: an apply job of many items lasts long enough to cancel.
  stack = await startTestServer(
    { seed: 7, items: 80, brokenShare: 0.4, refresh: { workers: 1, minMs: 150, maxMs: 250 } },
    { PSR_API_KEY: KEY },
  );
}, 60_000);
afterAll(async () => {
  await stack?.close();
});

describe("POST /api/scans/:id/apply", () => {
  it("applies a dry run's proposals, re-checking each item first; one healed meanwhile is left alone", async () => {
    const dry = await dryRun();
    const proposed = (await historyOf(dry.id)).filter((h) => h.outcome === "would_fix");
    expect(proposed.length).toBe(dry.wouldFix);
    expect(dry.wouldFix).toBeGreaterThan(5);
    // One proposed refresh is done by someone else before the apply: Plex refreshes it now.
    const truth = new Map(stack.emulator.truth().broken.map((t) => [t.ratingKey, t]));
    const healed = proposed.find(
      (h) =>
        h.action === "dry_run" &&
        h.reason_json?.includes("would_refresh") &&
        truth.get(h.rating_key)?.fixableByRefresh,
    );
    expect(healed).toBeDefined();
    const put = await fetch(
      `${stack.emulator.url}/library/metadata/${healed!.rating_key}/refresh?X-Plex-Token=${stack.emulator.token}`,
      { method: "PUT" },
    );
    expect(put.ok).toBe(true);
    await stack.emulator.idle();
    expect(
      stack.emulator.truth().broken.find((t) => t.ratingKey === healed!.rating_key)?.currentKinds,
    ).toEqual([]);

    const before = stack.emulator.stats();
    const started = await api("POST", `/api/scans/${dry.id}/apply`);
    expect(started.status).toBe(202);
    expect(started.body).toEqual({ id: expect.any(Number), fromJobId: dry.id, total: dry.wouldFix });
    const job = await waitForJob(started.body.id);
    expect(job).toMatchObject({ status: "success", source: "apply", settings: { dryRun: false } });
    expect(job.settings.apply).toEqual({ fromJobId: dry.id, total: dry.wouldFix });
    expect(job.stats.apply).toMatchObject({
      total: dry.wouldFix,
      done: dry.wouldFix,
      healthyNow: 1,
      gone: 0,
    });

    const applied = await historyOf(job.id);
    // Every proposal was re-checked and recorded by the apply job, the healed one as a check only.
    expect(new Set(applied.map((h) => h.rating_key))).toEqual(new Set(proposed.map((h) => h.rating_key)));
    const healedNow = applied.filter((h) => h.rating_key === healed!.rating_key);
    expect(healedNow).toEqual([
      expect.objectContaining({
        action: "check",
        outcome: "fixed",
        reason_json: expect.stringContaining("healthy_on_recheck"),
      }),
    ]);
    // Plex got exactly one refresh or match per item the job sent one for, none for the healed one.
    const after = stack.emulator.stats();
    const sent = applied.filter((h) => h.action === "refresh" || h.action === "match").length;
    expect(sent).toBeGreaterThan(0);
    expect(after.refreshes - before.refreshes + (after.matches - before.matches)).toBe(sent);
    // Real fixes: the proposals are fixed now (a few may end in review or failed, never would_fix).
    const states = applied.map((h) => h.outcome);
    expect(states).not.toContain("would_fix");
    expect(states.filter((s) => s === "fixed").length).toBeGreaterThan(dry.wouldFix / 2);
    expect(job.stats.fixed).toBe(states.filter((s) => s === "fixed").length);
    expect(job.stats.apply.fixed).toBe(job.stats.fixed - 1);
    const log = (await api("GET", `/api/scans/${job.id}/log`)).body.lines.join("\n");
    expect(log).toContain(`Apply fixes started: ${dry.wouldFix} items proposed by dry run ${dry.id}`);
    expect(log).toMatch(/Apply fixes finished: \d+ of \d+ done, \d+ fixed, 1 healthy by now/);
    expect(log).not.toContain(stack.emulator.token);
  }, 60_000);

  it("refuses what is not a finished dry run with proposals, and starts nothing", async () => {
    const real = await api("POST", "/api/scans", { dryRun: false, all: true });
    const realJob = await waitForJob(real.body.id);
    const cases: [string, unknown, number, string][] = [
      [`/api/scans/${realJob.id}/apply`, undefined, 400, "not_a_dry_run"],
      ["/api/scans/999999/apply", undefined, 404, "not_found"],
      ["/api/scans/abc/apply", undefined, 400, "invalid_input"],
    ];
    // A dry run of what was added today only (nothing) proposes no fixes.
    const empty = await api("POST", "/api/scans", { dryRun: true, days: 1 });
    expect((await waitForJob(empty.body.id)).stats.wouldFix).toBe(0);
    cases.push([`/api/scans/${empty.body.id}/apply`, undefined, 409, "nothing_to_apply"]);
    const dry = await dryRun();
    cases.push([`/api/scans/${dry.id}/apply`, { force: true }, 400, "invalid_input"]);
    const before = await jobCount();
    for (const [path, body, status, code] of cases) {
      const res = await api("POST", path, body);
      expect([res.status, res.body.code], path).toEqual([status, code]);
    }
    expect(await jobCount()).toBe(before);
  }, 60_000);

  it("refuses a dry run that is still running (409), and obeys the one-job rule (409 scan_running)", async () => {
    // New broken items, so a dry run has something to propose again.
    for (let i = 0; i < 6; i++) stack.emulator.addItem({ health: "no-poster" });
    const done = await dryRun();
    expect(done.wouldFix).toBeGreaterThan(0);
    const running = await api("POST", "/api/scans", { dryRun: true, all: true });
    const early = await api("POST", `/api/scans/${running.body.id}/apply`);
    expect(early.body.code).toBe("dry_run_unfinished");
    expect(early.status).toBe(409);
    const busy = await api("POST", `/api/scans/${done.id}/apply`);
    expect(busy).toMatchObject({
      status: 409,
      body: { code: "scan_running", runningJobId: running.body.id },
    });
    await waitForJob(running.body.id);
  }, 60_000);

  it("can be cancelled like any job, keeping what it finished", async () => {
    for (let i = 0; i < 12; i++) stack.emulator.addItem({ health: "no-poster" });
    const dry = await dryRun();
    expect(dry.wouldFix).toBeGreaterThan(5);
    const started = await api("POST", `/api/scans/${dry.id}/apply`);
    expect(started.status).toBe(202);
    // Wait for the first finished item, then cancel.
    for (let i = 0; i < 200 && (await historyOf(started.body.id)).length === 0; i++)
      await new Promise((r) => setTimeout(r, 25));
    const cancel = await api("POST", `/api/scans/${started.body.id}/cancel`);
    expect(cancel.status).toBe(202);
    const job = await waitForJob(started.body.id);
    expect(job.status).toBe("cancelled");
    expect(job.stats.apply.done).toBeGreaterThan(0);
    expect(job.stats.apply.done).toBeLessThan(dry.wouldFix);
    const log = (await api("GET", `/api/scans/${job.id}/log`)).body.lines.join("\n");
    expect(log).toContain("Apply fixes cancelled");
  }, 60_000);
});
