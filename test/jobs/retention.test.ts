import { existsSync, mkdirSync, readdirSync, utimesSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { afterEach, describe, expect, it } from "vitest";
import { openDatabase } from "../../src/db/connection.js";
import { jobLogPath, logsDir } from "../../src/jobs/job-log.js";
import { applyRetention, MAX_HISTORY_ROWS } from "../../src/jobs/retention.js";
import { tempDir } from "../helpers/tmp.js";

const DAY = 86_400_000;
const NOW = Date.parse("2026-11-24T12:00:00Z");
const cleanups: (() => Promise<void> | void)[] = [];
afterEach(async () => {
  for (const c of cleanups.splice(0).reverse()) await c();
});

describe("applyRetention", () => {
  it("removes old runs with their logs, surplus runs, old logs and old history", async () => {
    const dir = tempDir();
    const db = await openDatabase(dir.dir);
    cleanups.push(dir.cleanup, () => db.close());
    mkdirSync(logsDir(dir.dir), { recursive: true });
    const ages = [200, 100, 40, 10, 5, 1]; // days; the last one is running
    const ids: number[] = [];
    for (const [i, age] of ages.entries()) {
      const row = await db.kysely
        .insertInto("scan_runs")
        .values({
          status: i === ages.length - 1 ? "running" : "success",
          source: "test",
          created_at: NOW - age * DAY,
        })
        .returning("id")
        .executeTakeFirstOrThrow();
      ids.push(row.id);
      const log = jobLogPath(dir.dir, row.id);
      writeFileSync(log, "line\n");
      utimesSync(log, new Date(NOW - age * DAY), new Date(NOW - age * DAY));
    }
    // Old files in the logs folder that are not a job's log are not retention's to delete.
    const strays = ["notes_scan_1.log", "scan_1.log.gz"].map((name) => join(logsDir(dir.dir), name));
    for (const stray of strays) {
      writeFileSync(stray, "keep\n");
      utimesSync(stray, new Date(NOW - 300 * DAY), new Date(NOW - 300 * DAY));
    }
    await db.kysely
      .insertInto("item_history")
      .values([
        { rating_key: "1", at: NOW - 120 * DAY, action: "refresh", outcome: "fixed" },
        { rating_key: "1", at: NOW - DAY, action: "refresh", outcome: "fixed" },
      ])
      .execute();

    const result = await applyRetention(
      db.kysely,
      dir.dir,
      { logRetentionDays: 7, runRetentionDays: 90, runRetentionCount: 4 },
      NOW,
    );
    const left = (await db.kysely.selectFrom("scan_runs").select("id").orderBy("id").execute()).map(
      (r) => r.id,
    );
    // 200 and 100 days: too old. Of the rest, the newest 4 are kept (40, 10, 5 days and the running one).
    expect(left).toEqual(ids.slice(2));
    expect(result.runsDeleted).toBe(2);
    // Logs: those of deleted runs, plus those older than 7 days (40 and 10 days); the running one stays.
    expect(ids.map((id) => existsSync(jobLogPath(dir.dir, id)))).toEqual([
      false,
      false,
      false,
      false,
      true,
      true,
    ]);
    expect(result.logsDeleted).toBe(4);
    expect(strays.map((stray) => existsSync(stray))).toEqual([true, true]);
    expect(result.historyDeleted).toBe(1);
  });
});

// The guard that keeps a job's row and log while it holds the scan slot. Each active run here is
// the OLDEST run, far beyond both the age and the count limit, and its log is older than the log
// limit: without the guard all three rules would delete it.
describe("applyRetention never touches an active run", () => {
  interface ActiveCase {
    name: string;
    status: "queued" | "running";
  }
  it.each<ActiveCase>([
    { name: "a queued run older than every limit keeps its row and its log", status: "queued" },
    { name: "a running run older than every limit keeps its row and its log", status: "running" },
  ])("$name", async ({ status }) => {
    const dir = tempDir();
    const db = await openDatabase(dir.dir);
    cleanups.push(dir.cleanup, () => db.close());
    mkdirSync(logsDir(dir.dir), { recursive: true });
    const runs = [
      { status, age: 300 },
      { status: "success" as const, age: 200 },
      { status: "success" as const, age: 2 },
      { status: "success" as const, age: 1 },
    ];
    const ids: number[] = [];
    for (const run of runs) {
      const { id } = await db.kysely
        .insertInto("scan_runs")
        .values({ status: run.status, source: "test", created_at: NOW - run.age * DAY })
        .returning("id")
        .executeTakeFirstOrThrow();
      ids.push(id);
      const log = jobLogPath(dir.dir, id);
      writeFileSync(log, "line\n");
      utimesSync(log, new Date(NOW - run.age * DAY), new Date(NOW - run.age * DAY));
    }

    const result = await applyRetention(
      db.kysely,
      dir.dir,
      { logRetentionDays: 7, runRetentionDays: 90, runRetentionCount: 2 },
      NOW,
    );

    const left = await db.kysely.selectFrom("scan_runs").select(["id", "status"]).orderBy("id").execute();
    // The 200-day run goes (too old); the active one stays although it is older and not among the newest 2.
    expect(left).toEqual([
      { id: ids[0], status },
      { id: ids[2], status: "success" },
      { id: ids[3], status: "success" },
    ]);
    expect(result.runsDeleted).toBe(1);
    expect(ids.map((id) => existsSync(jobLogPath(dir.dir, id)))).toEqual([true, false, true, true]);
    expect(result.logsDeleted).toBe(1);
  });

  it("an active run's old log survives the log limit while the run itself is young enough", async () => {
    // Only the log rule applies here (the run is within the age and count limits), so this fails
    // on its own if the log pass loses its guard.
    const dir = tempDir();
    const db = await openDatabase(dir.dir);
    cleanups.push(dir.cleanup, () => db.close());
    mkdirSync(logsDir(dir.dir), { recursive: true });
    const { id } = await db.kysely
      .insertInto("scan_runs")
      .values({ status: "running", source: "test", created_at: NOW - 30 * DAY })
      .returning("id")
      .executeTakeFirstOrThrow();
    const log = jobLogPath(dir.dir, id);
    writeFileSync(log, "line\n");
    utimesSync(log, new Date(NOW - 30 * DAY), new Date(NOW - 30 * DAY));

    const result = await applyRetention(
      db.kysely,
      dir.dir,
      { logRetentionDays: 7, runRetentionDays: 90, runRetentionCount: 10 },
      NOW,
    );
    expect(existsSync(log)).toBe(true);
    expect(result).toEqual({ logsDeleted: 0, runsDeleted: 0, historyDeleted: 0 });
  });
});

describe("applyRetention edges", () => {
  async function fresh() {
    const dir = tempDir();
    const db = await openDatabase(dir.dir);
    cleanups.push(dir.cleanup, () => db.close());
    mkdirSync(logsDir(dir.dir), { recursive: true });
    return { dir: dir.dir, db };
  }
  const policy = { logRetentionDays: 7, runRetentionDays: 90, runRetentionCount: 10 };
  const oldLog = (path: string, at: number) => {
    writeFileSync(path, "line\n");
    utimesSync(path, new Date(at), new Date(at));
  };

  it("a run exactly at the age limit stays; one millisecond older goes", async () => {
    const { dir, db } = await fresh();
    const ids: number[] = [];
    for (const created of [NOW - 90 * DAY, NOW - 90 * DAY - 1]) {
      const { id } = await db.kysely
        .insertInto("scan_runs")
        .values({ status: "success", source: "test", created_at: created })
        .returning("id")
        .executeTakeFirstOrThrow();
      ids.push(id);
    }
    const result = await applyRetention(db.kysely, dir, policy, NOW);
    expect(result.runsDeleted).toBe(1);
    expect((await db.kysely.selectFrom("scan_runs").select("id").execute()).map((r) => r.id)).toEqual([
      ids[0],
    ]);
  });

  it("a run beyond the count goes with its log, however young the log", async () => {
    const { dir, db } = await fresh();
    const ids: number[] = [];
    for (let i = 0; i < 3; i++) {
      const { id } = await db.kysely
        .insertInto("scan_runs")
        .values({ status: "success", source: "test", created_at: NOW - DAY })
        .returning("id")
        .executeTakeFirstOrThrow();
      ids.push(id);
      oldLog(jobLogPath(dir, id), NOW);
    }
    const result = await applyRetention(db.kysely, dir, { ...policy, runRetentionCount: 2 }, NOW);
    expect(result).toMatchObject({ runsDeleted: 1, logsDeleted: 1 });
    expect(ids.map((id) => existsSync(jobLogPath(dir, id)))).toEqual([false, true, true]);
  });

  it("logs: any job number, and one exactly at the log limit stays", async () => {
    const { dir, db } = await fresh();
    const names = { twoDigits: "scan_12.log", atLimit: "scan_3.log", justOver: "scan_4.log" };
    oldLog(join(logsDir(dir), names.twoDigits), NOW - 10 * DAY);
    oldLog(join(logsDir(dir), names.atLimit), NOW - 7 * DAY);
    oldLog(join(logsDir(dir), names.justOver), NOW - 7 * DAY - 1);
    const result = await applyRetention(db.kysely, dir, policy, NOW);
    expect(result.logsDeleted).toBe(2);
    expect(readdirSync(logsDir(dir))).toEqual([names.atLimit]);
  });

  it("no logs folder yet: nothing to delete, no error", async () => {
    const dir = tempDir();
    const db = await openDatabase(dir.dir);
    cleanups.push(dir.cleanup, () => db.close());
    expect(await applyRetention(db.kysely, dir.dir, policy, NOW)).toEqual({
      logsDeleted: 0,
      runsDeleted: 0,
      historyDeleted: 0,
    });
  });

  it("item history: by age, then capped at the newest MAX_HISTORY_ROWS; both counted", async () => {
    const { dir, db } = await fresh();
    // Three rows too old, then the cap plus five young rows (inserted in SQL: 200,000 rows).
    const insert = db.sqlite.prepare(
      `with recursive n(i) as (select 1 union all select i + 1 from n where i < ?)
       insert into item_history (rating_key, at, action, outcome) select 'k' || i, ?, 'refresh', 'fixed' from n`,
    );
    insert.run(3, NOW - 400 * DAY);
    insert.run(MAX_HISTORY_ROWS + 5, NOW - DAY);
    const result = await applyRetention(db.kysely, dir, policy, NOW);
    expect(result.historyDeleted).toBe(8);
    const left = db.sqlite.prepare("select count(*) as n, min(rating_key) as first from item_history").get();
    expect(left).toEqual({ n: MAX_HISTORY_ROWS, first: "k10" });
  });

  it("deletes more runs than SQLite takes variables in one statement", async () => {
    const { dir, db } = await fresh();
    const many = 33_000; // SQLite's limit is 32,766 variables per statement
    db.sqlite
      .prepare(
        `with recursive n(i) as (select 1 union all select i + 1 from n where i < ?)
         insert into scan_runs (status, source, created_at) select 'success', 'test', ? from n`,
      )
      .run(many, NOW - 400 * DAY);
    const result = await applyRetention(db.kysely, dir, policy, NOW);
    expect(result.runsDeleted).toBe(many);
    expect(db.sqlite.prepare("select count(*) as n from scan_runs").get()).toEqual({ n: 0 });
  });
});
