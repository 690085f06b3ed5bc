// The read model behind /metrics on a real SQLite file: gauges from aggregate queries, and
// counters that keep counting across a restart and do not drop when retention deletes rows.
import { afterEach, beforeEach, describe, expect, it } from "vitest";
import { type Db, openDatabase } from "../../src/db/connection.js";
import { labelKey } from "../../src/metrics/ledger.js";
import { MetricsView } from "../../src/metrics/metrics-view.js";
import { tempDir } from "../helpers/tmp.js";

let work: ReturnType<typeof tempDir>;
let db: Db;

beforeEach(async () => {
  work = tempDir();
  db = await openDatabase(work.dir);
});
afterEach(async () => {
  await db.close();
  work.cleanup();
});

async function addRun(status: string, source: string, startedAt: number, finishedAt: number | null) {
  const row = await db.kysely
    .insertInto("scan_runs")
    .values({
      status: status as "success",
      source,
      created_at: startedAt,
      started_at: startedAt,
      finished_at: finishedAt,
    })
    .returning("id")
    .executeTakeFirstOrThrow();
  return row.id;
}

async function addHistory(action: string, outcome: string, count: number) {
  for (let i = 0; i < count; i++) {
    await db.kysely
      .insertInto("item_history")
      .values({ rating_key: `${action}-${i}`, job_id: null, at: 1, action, outcome, note: null })
      .execute();
  }
}

async function addItem(
  key: string,
  library: string | null,
  state: string,
  problems: string[],
  ignored = false,
) {
  await db.kysely
    .insertInto("items")
    .values({
      rating_key: key,
      section_id: "1",
      library,
      type: "movie",
      title: key,
      year: null,
      parent_rating_key: null,
      state,
      problems_json: JSON.stringify(problems),
      note: null,
      candidates_json: null,
      last_job_id: null,
      last_checked_at: 1,
      last_failed_at: null,
      fixed_at: null,
      ignored_at: ignored ? 1 : null,
      ignore_reason: null,
    })
    .execute();
}

describe("MetricsView", () => {
  it("reads the gauges as aggregates, ignored items counted as ignored and without their problems", async () => {
    await addItem("1", "Movies", "failed", ["no_poster", "no_summary"]);
    await addItem("2", "Movies", "failed", ["no_poster"]);
    await addItem("3", "Movies", "fixed", []);
    await addItem("4", "TV", "needs_review", ["unmatched", "no_poster"]);
    await addItem("5", "TV", "failed", ["no_poster"], true);
    await addItem("6", null, "error", ["no_ids"]);
    const s = await new MetricsView(db.kysely).read();
    const items = Object.fromEntries(s.items.map((r) => [`${r.library}/${r.state}`, r.n]));
    expect(items).toEqual({
      "Movies/failed": 2,
      "Movies/fixed": 1,
      "TV/needs_review": 1,
      "TV/ignored": 1,
      "unknown/error": 1,
    });
    const problems = Object.fromEntries(s.problems.map((r) => [`${r.library}/${r.problem}`, r.n]));
    expect(problems).toEqual({
      "Movies/no_poster": 2,
      "Movies/no_summary": 1,
      "TV/unmatched": 1,
      "TV/no_poster": 1,
      "unknown/no_ids": 1,
    });
    expect(s.lastScanAt).toBeNull();
    expect(s.lastSuccessAt).toBeNull();
  });

  it("keeps its counters across a restart and when retention deletes old rows", async () => {
    await addRun("success", "scheduler", 1_000, 61_000);
    await addRun("failed", "manual", 100_000, 105_000);
    const running = await addRun("running", "cli", 200_000, null);
    await addHistory("refresh", "fixed", 3);
    await addHistory("check", "locked", 2);

    const first = await new MetricsView(db.kysely).read();
    expect(first.ledger.scans).toEqual({
      [labelKey("scheduler", "success")]: 1,
      [labelKey("manual", "failed")]: 1,
    });
    expect(first.ledger.repairs).toEqual({ [labelKey("refresh", "fixed")]: 3 });
    expect(first.lastScanAt).toBe(105_000);
    expect(first.lastSuccessAt).toBe(61_000);

    // Retention removes the old rows; the running scan ends; a "restart" builds a new view.
    await db.kysely.deleteFrom("scan_runs").where("id", "<", running).execute();
    await db.kysely.deleteFrom("item_history").execute();
    await db.kysely
      .updateTable("scan_runs")
      .set({ status: "success", finished_at: 300_000 })
      .where("id", "=", running)
      .execute();
    await addHistory("match", "fixed", 1);
    const second = await new MetricsView(db.kysely).read();
    expect(second.ledger.scans).toEqual({
      [labelKey("scheduler", "success")]: 1,
      [labelKey("manual", "failed")]: 1,
      [labelKey("cli", "success")]: 1,
    });
    expect(second.ledger.repairs).toEqual({
      [labelKey("refresh", "fixed")]: 3,
      [labelKey("match", "fixed")]: 1,
    });
    expect(second.ledger.durationCounts.reduce((a, b) => a + b, 0)).toBe(3);
    expect(second.ledger.durationSum).toBeCloseTo(60 + 5 + 100);
    // Gauges are what the database holds now.
    expect(second.lastScanAt).toBe(300_000);
    expect(second.lastSuccessAt).toBe(300_000);

    // A scrape with nothing new writes nothing and changes nothing.
    await db.kysely
      .updateTable("settings")
      .set({ updated_at: 0 })
      .where("key", "=", "state:metrics.counters")
      .execute();
    const third = await new MetricsView(db.kysely).read();
    expect(third.ledger).toEqual(second.ledger);
    const after = await db.kysely
      .selectFrom("settings")
      .select("updated_at")
      .where("key", "=", "state:metrics.counters")
      .executeTakeFirstOrThrow();
    expect(after.updated_at).toBe(0);
  });

  it("serialises parallel scrapes, so no row is counted twice", async () => {
    await addRun("success", "manual", 1_000, 2_000);
    await addHistory("refresh", "fixed", 2);
    const view = new MetricsView(db.kysely);
    const results = await Promise.all([view.read(), view.read(), view.read()]);
    for (const r of results) {
      expect(r.ledger.scans).toEqual({ [labelKey("manual", "success")]: 1 });
      expect(r.ledger.repairs).toEqual({ [labelKey("refresh", "fixed")]: 2 });
    }
  });
});
