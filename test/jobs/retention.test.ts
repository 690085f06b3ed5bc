import { existsSync, mkdirSync, utimesSync, writeFileSync } from "node:fs";
import { afterEach, describe, expect, it } from "vitest";
import { openDatabase } from "../../src/db/connection.js";
import { jobLogPath, logsDir } from "../../src/jobs/job-log.js";
import { applyRetention } from "../../src/jobs/retention.js";
import { tempDir } from "../helpers/tmp.js";

const DAY = 86_400_000;
const NOW = Date.parse("2026-11-24T12:00:00Z");
const cleanups: (() => Promise<void> | void)[] = [];
afterEach(async () => {
  for (const c of cleanups.splice(0).reverse()) await c();
});

describe("applyRetention", () => {
  it("removes old runs with their logs, surplus runs, old logs and old history, never an active run", async () => {
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
    expect(result.historyDeleted).toBe(1);
  });
});
