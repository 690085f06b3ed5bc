// POST /api/bulk over real HTTP against the emulator: strict validation that starts nothing,
// the size limit (named ratingKeys and a filter selection), unknown items, the one-job rule
// both ways, a bulk job seen through the scan routes, cancel, and a restart that marks a bulk
// job interrupted while keeping what it finished.
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { type EmulatorHandle, startEmulator } from "../../emulator/index.js";
import { type RunningServer, startServer } from "../../src/cli/serve.js";
import { loadConfig } from "../../src/config/env.js";
import { BULK_MAX_ITEMS } from "../../src/contracts/bulk.js";
import { tempDir } from "../helpers/tmp.js";

const KEY = "bulk-http-key-0123456789abcdef";
let emulator: EmulatorHandle;
let server: RunningServer;
const work = tempDir("psr-bulk-");

function start(): Promise<RunningServer> {
  return startServer(
    loadConfig(
      {
        PLEX_URL: emulator.url,
        PLEX_TOKEN: emulator.token,
        PSR_DATA_DIR: work.dir,
        PSR_PORT: "0",
        PSR_LOG_LEVEL: "silent",
        PSR_API_KEY: KEY,
        GUI_PASSWORD: "bulk-http-password-1",
      },
      work.dir,
    ),
  );
}

async function api(method: string, path: string, body?: unknown) {
  const res = await fetch(server.url + path, {
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

async function keysIn(state: string, n: number): Promise<string[]> {
  const page = await api("GET", `/api/items?state=${state}&pageSize=${n}`);
  return page.body.items.map((i: { ratingKey: string }) => i.ratingKey);
}

beforeAll(async () => {
  // One refresh worker at 250–400 ms: a bulk job of a few items lasts long enough to cancel.
  emulator = await startEmulator({
    seed: 4,
    items: 120,
    brokenShare: 0.4,
    refresh: { workers: 1, minMs: 250, maxMs: 400 },
  });
  server = await start();
  // Whole libraries: the emulator spreads items over years, far beyond the default window.
  const scan = await api("POST", "/api/scans", { dryRun: true, all: true });
  expect((await waitForJob(scan.body.id)).status).toBe("success");
}, 60_000);
afterAll(async () => {
  await server?.close();
  await emulator?.close();
  work.cleanup();
});

describe("POST /api/bulk validation", () => {
  it("refuses bad bodies with a 400 naming the field, and starts nothing", async () => {
    const [key] = await keysIn("would_fix", 1);
    const before = await jobCount();
    const cases: [unknown, string][] = [
      [{ action: "delete", ratingKeys: [key] }, "action"],
      [{ action: "refresh", ratingKeys: [key], force: true }, "body"],
      [{ action: "refresh" }, "ratingKeys"],
      [{ action: "refresh", ratingKeys: [key], filter: {} }, "filter"],
      [{ action: "refresh", ratingKeys: [] }, "ratingKeys"],
      [{ action: "refresh", ratingKeys: ["abc"] }, "ratingKeys.0"],
      [{ action: "refresh", ratingKeys: [key], reason: "why" }, "reason"],
      [{ action: "ignore", ratingKeys: [key], reason: "x".repeat(501) }, "reason"],
      [{ action: "refresh", filter: { state: "broken" } }, "filter.state"],
      [{ action: "refresh", filter: { page: 2 } }, "filter"],
      [
        {
          action: "refresh",
          ratingKeys: Array.from({ length: BULK_MAX_ITEMS + 1 }, (_, i) => String(i + 1)),
        },
        "ratingKeys",
      ],
    ];
    for (const [body, field] of cases) {
      const res = await api("POST", "/api/bulk", body);
      expect([res.status, res.body.code, res.body.field], JSON.stringify(body).slice(0, 80)).toEqual([
        400,
        "invalid_input",
        field,
      ]);
    }
    const unknown = await api("POST", "/api/bulk", { action: "refresh", ratingKeys: [key], force: true });
    expect(unknown.body.error).toContain("unknown field: force");
    expect(await jobCount()).toBe(before);
  });

  it("needs the CSRF token with a session, like every unsafe call", async () => {
    const login = await fetch(`${server.url}/api/auth/login`, {
      method: "POST",
      headers: { "Content-Type": "application/json", Origin: server.url },
      body: JSON.stringify({ username: "admin", password: "bulk-http-password-1" }),
    });
    expect(login.status).toBe(200);
    const { csrfToken } = (await login.json()) as { csrfToken: string };
    const cookie = (login.headers.get("set-cookie") ?? "").split(";")[0] ?? "";
    const post = (headers: Record<string, string>) =>
      fetch(`${server.url}/api/bulk`, {
        method: "POST",
        headers: { "Content-Type": "application/json", Origin: server.url, Cookie: cookie, ...headers },
        body: JSON.stringify({ action: "ignore", ratingKeys: ["9999993"] }),
      });
    const refused = await post({});
    expect(refused.status).toBe(403);
    expect(((await refused.json()) as { code: string }).code).toBe("csrf_failed");
    // With the token it reaches the route (which knows no such item).
    expect((await post({ "X-CSRF-Token": csrfToken })).status).toBe(404);
  });

  it("answers 404 listing ratingKeys that were never recorded", async () => {
    const [key] = await keysIn("would_fix", 1);
    const before = await jobCount();
    const res = await api("POST", "/api/bulk", { action: "ignore", ratingKeys: [key, "9999991", "9999992"] });
    expect(res.status).toBe(404);
    expect(res.body).toMatchObject({ code: "not_found", ratingKeys: ["9999991", "9999992"] });
    expect(await jobCount()).toBe(before);
    expect((await api("GET", `/api/items/${key}`)).body.item.state).toBe("would_fix");
  });

  it("caps a filter selection at the same limit, and refuses an empty one", async () => {
    // 1,001 recorded rows that one search finds.
    const rows = Array.from({ length: BULK_MAX_ITEMS + 1 }, (_, i) => ({
      rating_key: String(8_000_000 + i),
      type: "movie",
      title: `Bulkfill ${i}`,
      state: "failed",
      last_checked_at: 1,
    }));
    const db = server.db.kysely;
    for (let i = 0; i < rows.length; i += 200)
      await db
        .insertInto("items")
        .values(rows.slice(i, i + 200))
        .execute();
    try {
      const before = await jobCount();
      const big = await api("POST", "/api/bulk", { action: "ignore", filter: { q: "Bulkfill" } });
      expect(big.status).toBe(400);
      expect(big.body).toMatchObject({
        code: "invalid_input",
        field: "filter",
        limit: BULK_MAX_ITEMS,
        total: 1001,
      });
      const none = await api("POST", "/api/bulk", {
        action: "ignore",
        filter: { q: "no such title at all" },
      });
      expect(none.body).toMatchObject({ code: "invalid_input", field: "filter", total: 0 });
      expect(await jobCount()).toBe(before);
    } finally {
      await db.deleteFrom("items").where("title", "like", "Bulkfill %").execute();
    }
  });
});

describe("bulk jobs", () => {
  it("runs a filter selection as a job in the scan list, linked from each item's history", async () => {
    const keys = await keysIn("would_fix", 200);
    const started = await api("POST", "/api/bulk", {
      action: "ignore",
      filter: { state: "would_fix" },
      reason: "later",
    });
    expect(started.status).toBe(202);
    expect(started.body).toMatchObject({ action: "ignore", total: keys.length });
    const job = await waitForJob(started.body.id);
    expect(job).toMatchObject({ status: "success", source: "bulk" });
    expect(job.settings.bulk).toMatchObject({ action: "ignore", reason: "later", total: keys.length });
    expect([...job.settings.bulk.ratingKeys].sort()).toEqual([...keys].sort());
    // The list (and every live event) carries the number of items, not the 200 keys.
    const listed = (await api("GET", "/api/scans?pageSize=5")).body.items.find(
      (s: { id: number }) => s.id === job.id,
    );
    expect(listed.settings.bulk).toEqual({
      action: "ignore",
      reason: "later",
      filter: { state: "would_fix" },
      total: keys.length,
    });
    expect(job.stats.bulk).toMatchObject({ total: keys.length, succeeded: keys.length, failed: 0 });
    const detail = await api("GET", `/api/items/${keys[0]}`);
    expect(detail.body.item).toMatchObject({ state: "ignored", ignoreReason: "later" });
    expect(detail.body.history[0]).toMatchObject({ action: "ignore", jobId: job.id });
    const log = await api("GET", `/api/scans/${job.id}/log`);
    expect(log.body.lines.at(-1)).toMatch(/Bulk action finished: \d+ of \d+ done/);
    // And back: unignore the same items by name.
    const back = await api("POST", "/api/bulk", { action: "unignore", ratingKeys: keys });
    expect((await waitForJob(back.body.id)).stats.bulk).toMatchObject({ succeeded: keys.length });
    expect((await api("GET", `/api/items/${keys[0]}`)).body.item.state).toBe("would_fix");
  });

  it("obeys the one-job rule both ways with 409 scan_running and the running job's id", async () => {
    const keys = await keysIn("would_fix", 3);
    const scan = await api("POST", "/api/scans", { dryRun: true });
    expect(scan.status).toBe(202);
    const refused = await api("POST", "/api/bulk", { action: "refresh", ratingKeys: keys });
    expect(refused).toMatchObject({
      status: 409,
      body: { code: "scan_running", runningJobId: scan.body.id },
    });
    await waitForJob(scan.body.id);

    const bulk = await api("POST", "/api/bulk", { action: "refresh", ratingKeys: keys });
    expect(bulk.status).toBe(202);
    const other = await api("POST", "/api/scans", {});
    expect(other).toMatchObject({ status: 409, body: { code: "scan_running", runningJobId: bulk.body.id } });
    const again = await api("POST", "/api/bulk", { action: "ignore", ratingKeys: keys });
    expect(again).toMatchObject({ status: 409, body: { runningJobId: bulk.body.id } });
    await waitForJob(bulk.body.id);
  });

  it("previews accept_top per item, then matches only where the rule singles out one candidate", async () => {
    // "Never match automatically": a dry run sends clear matches to review too, their pick first.
    expect((await api("PUT", "/api/settings", { matchAutomatically: false })).status).toBe(200);
    try {
      const scan = await api("POST", "/api/scans", { dryRun: true, all: true });
      expect((await waitForJob(scan.body.id)).status).toBe("success");
    } finally {
      await api("PUT", "/api/settings", { matchAutomatically: true });
    }
    const review = (await api("GET", "/api/items?state=needs_review&pageSize=100")).body.items.filter(
      (i: { candidates: unknown[] | null }) => (i.candidates?.length ?? 0) > 0,
    );
    const [other] = await keysIn("would_fix", 1);
    const keys: string[] = [...review.map((i: { ratingKey: string }) => i.ratingKey), other];
    const jobs = await jobCount();
    const preview = await api("POST", "/api/bulk/preview", { action: "accept_top", ratingKeys: keys });
    expect(preview.status).toBe(200);
    expect(await jobCount()).toBe(jobs);
    const rows: {
      ratingKey: string;
      step: string;
      target: { guid: string } | null;
      reason: { code: string } | null;
    }[] = preview.body.items;
    expect(rows.map((r) => r.ratingKey)).toEqual(keys);
    expect(rows.find((r) => r.ratingKey === other)).toEqual(
      expect.objectContaining({
        step: "skip",
        target: null,
        reason: { code: "not_in_review", params: { state: "would_fix" } },
      }),
    );
    const matched = rows.filter((r) => r.step === "match");
    const codes = new Set(rows.filter((r) => r.step === "skip").map((r) => r.reason?.code));
    // The emulator plants candidates that share title and year: those are ties, left alone.
    expect(matched.length, JSON.stringify(rows)).toBeGreaterThan(0);
    expect(codes.has("top_candidate_tied"), JSON.stringify(rows)).toBe(true);
    expect(preview.body).toMatchObject({
      total: keys.length,
      acting: matched.length,
      skipped: keys.length - matched.length,
    });
    for (const r of rows)
      expect(r.step === "match" ? r.target !== null && r.reason === null : r.reason !== null).toBe(true);

    const matches = emulator.stats().matches;
    const bulk = await api("POST", "/api/bulk", { action: "accept_top", ratingKeys: keys });
    expect(bulk.status).toBe(202);
    const job = await waitForJob(bulk.body.id);
    expect(job.status).toBe("success");
    expect(job.stats.bulk).toMatchObject({
      total: keys.length,
      done: keys.length,
      skipped: keys.length - matched.length,
    });
    // Exactly the previewed items were matched, each to the previewed target.
    expect(emulator.stats().matches - matches).toBe(matched.length);
    const truth = new Map(emulator.truth().broken.map((t) => [t.ratingKey, t]));
    for (const r of matched) {
      const detail = (await api("GET", `/api/items/${r.ratingKey}`)).body;
      expect(detail.history[0]).toMatchObject({ action: "match", jobId: job.id });
      expect(truth.get(r.ratingKey)?.decoyGuid).not.toBe(r.target?.guid);
    }
    const tied = rows.find((r) => r.reason?.code === "top_candidate_tied")!;
    expect((await api("GET", `/api/items/${tied.ratingKey}`)).body.item.state).toBe("needs_review");
    const log = (await api("GET", `/api/scans/${job.id}/log`)).body.lines.join("\n");
    expect(log).toMatch(/Skipped: .* — does not need review \(would_fix\)/);
    expect(log).toMatch(/Skipped: .* — \d+ candidates tie for the top place/);
  });

  it("refuses a bad preview like the job itself: 400 naming the field, 404 for unknown items", async () => {
    const bad = await api("POST", "/api/bulk/preview", { action: "accept_top" });
    expect([bad.status, bad.body.code, bad.body.field]).toEqual([400, "invalid_input", "ratingKeys"]);
    const unknown = await api("POST", "/api/bulk/preview", { action: "accept_top", ratingKeys: ["9999997"] });
    expect(unknown.status).toBe(404);
    expect(unknown.body).toMatchObject({ code: "not_found", ratingKeys: ["9999997"] });
  });

  it("can be cancelled like a scan", async () => {
    const keys = await keysIn("would_fix", 20);
    expect(keys.length).toBeGreaterThan(4);
    const bulk = await api("POST", "/api/bulk", { action: "refresh", ratingKeys: keys });
    const cancel = await api("POST", `/api/scans/${bulk.body.id}/cancel`);
    expect(cancel.status).toBe(202);
    const job = await waitForJob(bulk.body.id);
    expect(job.status).toBe("cancelled");
    expect(job.stats.bulk.done).toBeLessThan(keys.length);
    const log = await api("GET", `/api/scans/${bulk.body.id}/log`);
    expect(log.body.lines.join("\n")).toContain("Bulk action cancelled");
  });

  it("stops on a cancel requested by another process through the database (psr jobs cancel)", async () => {
    const keys = await keysIn("would_fix", 20);
    const bulk = await api("POST", "/api/bulk", { action: "refresh", ratingKeys: keys });
    const id = bulk.body.id as number;
    // What `psr jobs cancel` does from its own process: only the flag, picked up by the heartbeat.
    await server.db.kysely
      .updateTable("scan_runs")
      .set({ cancel_requested: 1 })
      .where("id", "=", id)
      .execute();
    const job = await waitForJob(id);
    expect(job.status).toBe("cancelled");
    const log = (await api("GET", `/api/scans/${id}/log`)).body.lines.join("\n");
    expect(log).toContain("Cancel requested; stopping");
  });

  it("is marked interrupted by a restart, and keeps the items it finished", async () => {
    const keys = await keysIn("would_fix", 20);
    const bulk = await api("POST", "/api/bulk", { action: "refresh", ratingKeys: keys });
    const id = bulk.body.id as number;
    // Wait until at least one item is recorded by this job, then restart the server.
    const finished = async () =>
      (
        await server.db.kysely
          .selectFrom("item_history")
          .select("rating_key")
          .where("job_id", "=", id)
          .execute()
      ).map((r) => r.rating_key);
    for (let i = 0; i < 300 && (await finished()).length === 0; i++)
      await new Promise((r) => setTimeout(r, 50));
    await server.close();
    server = await start();
    const job = (await api("GET", `/api/scans/${id}`)).body;
    expect(job.status).toBe("interrupted");
    expect(job.error).toMatch(/shutting down|restarted/);
    const kept = await finished();
    expect(kept.length).toBeGreaterThan(0);
    expect(kept.length).toBeLessThan(keys.length);
    for (const key of kept) {
      const detail = (await api("GET", `/api/items/${key}`)).body;
      expect(detail.history[0].jobId).toBe(id);
      expect(detail.item.lastJobId).toBe(id);
    }
    // The slot is free again.
    const next = await api("POST", "/api/bulk", { action: "ignore", ratingKeys: [keys[0]] });
    expect(next.status).toBe(202);
    await waitForJob(next.body.id);
  }, 60_000);
});
