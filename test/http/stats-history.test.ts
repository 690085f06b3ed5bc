// GET /api/stats/history: the aggregates over a period, the top problems per library, the strict
// query validation, and that 1,000 stored scans come back in one answer.
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { startTestServer, type TestServer } from "../helpers/server.js";

const KEY = "stats-history-key-0123456789abcdef";
const DAY = 86_400_000;
let stack: TestServer;

async function get(path: string) {
  const res = await fetch(stack.server.url + path, { headers: { "X-Api-Key": KEY } });
  // biome-ignore lint/suspicious/noExplicitAny: response bodies checked by the assertions
  const body: any = await res.json();
  return { status: res.status, body };
}

beforeAll(async () => {
  stack = await startTestServer({ seed: 5, items: 4 }, { PSR_API_KEY: KEY });
  const db = stack.server.db.kysely;
  const now = Date.now();
  const stats = (checked: number, fixed: number, failed: number, wouldFix: number) =>
    JSON.stringify({ checked, fixed, failed, wouldFix });
  // Three recent scans (10, 20 and 40 days old) and one from 200 days ago.
  const seeded = [
    { age: 10, dur: 60_000, json: stats(100, 5, 1, 0) },
    { age: 20, dur: 120_000, json: stats(50, 3, 3, 2) },
    { age: 40, dur: 30_000, json: stats(10, 0, 0, 7) },
    { age: 200, dur: 10_000, json: stats(1, 1, 0, 0) },
  ];
  for (const s of seeded) {
    const startedAt = now - s.age * DAY;
    await db
      .insertInto("scan_runs")
      .values({
        status: "success",
        source: "manual",
        stats_json: s.json,
        created_at: startedAt,
        started_at: startedAt,
        finished_at: startedAt + s.dur,
      })
      .execute();
  }
  // A running scan (no figures yet) and a damaged stats_json are both harmless.
  await db
    .insertInto("scan_runs")
    .values({ status: "running", source: "manual", created_at: now - DAY, started_at: now - DAY })
    .execute();
  const item = (key: string, library: string, problems: unknown, extra: Record<string, unknown> = {}) => ({
    rating_key: key,
    library,
    type: "movie",
    title: key,
    state: "failed",
    problems_json: typeof problems === "string" ? problems : JSON.stringify(problems),
    last_checked_at: now - DAY,
    ...extra,
  });
  await db
    .insertInto("items")
    .values([
      item("s1", "Movies", ["no_poster", "unmatched"]),
      item("s2", "Movies", ["no_poster"]),
      item("s3", "Movies", ["no_summary"]),
      item("s4", "TV Shows", ["unmatched"]),
      item("s5", "TV Shows", "not json"),
      item("s6", "Movies", ["no_poster"], { ignored_at: now }),
      item("s7", "Movies", ["old_problem"], { last_checked_at: now - 100 * DAY }),
    ])
    .execute();
});

afterAll(async () => {
  await stack?.close();
});

describe("GET /api/stats/history", () => {
  it("adds up the finished scans of the period", async () => {
    const { status, body } = await get("/api/stats/history?days=30");
    expect(status).toBe(200);
    expect(body.days).toBe(30);
    expect(body.totals).toEqual({ scans: 2, checked: 150, fixed: 8, failed: 4, wouldFix: 2 });
    expect(body.successRate).toBeCloseTo(8 / 12);
    expect(body.meanDurationMs).toBe(90_000);
    expect(body.meanChecked).toBe(75);
    expect(body.scans.map((s: { checked: number }) => s.checked)).toEqual([50, 100]);
    expect(body.scans[0]).toMatchObject({ fixed: 3, failed: 3, wouldFix: 2, durationMs: 120_000 });
    expect(typeof body.scans[0].startedAt).toBe("string");
  });

  it("lists the top problems per library, leaving out ignored, stale and damaged rows", async () => {
    const { body } = await get("/api/stats/history?days=30");
    expect(body.topProblems).toEqual([
      {
        library: "Movies",
        problems: [
          { problem: "no_poster", count: 2 },
          { problem: "no_summary", count: 1 },
          { problem: "unmatched", count: 1 },
        ],
      },
      { library: "TV Shows", problems: [{ problem: "unmatched", count: 1 }] },
    ]);
  });

  it("widens with the period and defaults to 30 days", async () => {
    expect((await get("/api/stats/history?days=90")).body.totals.scans).toBe(3);
    const year = (await get("/api/stats/history?days=365")).body;
    expect(year.totals.scans).toBe(4);
    expect(year.topProblems[0].problems.map((p: { problem: string }) => p.problem)).toContain("old_problem");
    expect((await get("/api/stats/history")).body.days).toBe(30);
  });

  it.each([
    ["?days=7", "days"],
    ["?days=abc", "days"],
    ["?days=30.5", "days"],
    ["?days=30&extra=1", "query"],
  ])("answers 400 naming the field for %s", async (query, field) => {
    const { status, body } = await get(`/api/stats/history${query}`);
    expect(status).toBe(400);
    expect(body.field).toBe(field);
  });

  it("answers for 1,000 stored scans in one call", async () => {
    const db = stack.server.db.kysely;
    const now = Date.now();
    const rows = Array.from({ length: 1000 }, (_, i) => {
      const startedAt = now - (i % 300) * DAY - 1000;
      return {
        status: "success" as const,
        source: "scheduler",
        stats_json: JSON.stringify({ checked: 10, fixed: 1, failed: 1, wouldFix: 0 }),
        created_at: startedAt,
        started_at: startedAt,
        finished_at: startedAt + 1000,
      };
    });
    for (let i = 0; i < rows.length; i += 200)
      await db
        .insertInto("scan_runs")
        .values(rows.slice(i, i + 200))
        .execute();
    const { status, body } = await get("/api/stats/history?days=365");
    expect(status).toBe(200);
    expect(body.totals.scans).toBe(1004);
    expect(body.scans).toHaveLength(1004);
    expect(body.totals.checked).toBe(10_000 + 161);
  });
});
