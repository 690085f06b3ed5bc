// Retention limits from the settings: the environment's values win field by field, a pass reads
// the limits in force from the database each time, and item history has its own age limit.
import { afterEach, describe, expect, it } from "vitest";
import { RETENTION_DEFAULTS, type RetentionSettings } from "../../src/contracts/retention.js";
import { openDatabase } from "../../src/db/connection.js";
import { readState, saveSettings } from "../../src/db/settings-repo.js";
import {
  effectiveRetention,
  type RetentionFromEnvironment,
  retentionStatus,
  runRetention,
} from "../../src/jobs/retention.js";
import { tempDir } from "../helpers/tmp.js";

const DAY = 86_400_000;
const NOW = Date.parse("2026-11-24T12:00:00Z");
const cleanups: (() => Promise<void> | void)[] = [];
afterEach(async () => {
  for (const c of cleanups.splice(0).reverse()) await c();
});

describe("effectiveRetention", () => {
  const stored: RetentionSettings = { logDays: 7, runDays: 60, runCount: 20, historyDays: 365 };
  it.each<[RetentionFromEnvironment, RetentionSettings]>([
    [{}, stored],
    [{ logDays: 14 }, { ...stored, logDays: 14 }],
    [
      { logDays: 1, runDays: 2, runCount: 3 },
      { logDays: 1, runDays: 2, runCount: 3, historyDays: 365 },
    ],
    [{ runCount: undefined }, stored],
  ])("environment %j → %j", (environment, expected) => {
    expect(effectiveRetention(stored, environment)).toEqual(expected);
  });
});

describe("runRetention", () => {
  it("applies the stored limits, history by its own age, and remembers the pass", async () => {
    const dir = tempDir();
    const db = await openDatabase(dir.dir);
    cleanups.push(dir.cleanup, () => db.close());
    const ages = [400, 200, 100, 40, 10];
    for (const age of ages) {
      await db.kysely
        .insertInto("scan_runs")
        .values({ status: "success", source: "test", created_at: NOW - age * DAY })
        .execute();
      await db.kysely
        .insertInto("item_history")
        .values({ rating_key: String(age), at: NOW - age * DAY, action: "refresh", outcome: "fixed" })
        .execute();
    }
    // Defaults: runs and history older than 90 days go.
    const first = await runRetention(db.kysely, dir.dir, {}, NOW);
    expect(first).toMatchObject({ runsDeleted: 3, historyDeleted: 3 });
    // Saved in the browser: runs for 30 days, history for a year (nothing left to delete there).
    await saveSettings(db.kysely, { retention: { runDays: 30, historyDays: 365 } });
    const second = await runRetention(db.kysely, dir.dir, {}, NOW);
    expect(second).toMatchObject({ runsDeleted: 1, historyDeleted: 0 });
    expect(await db.kysely.selectFrom("item_history").select("rating_key").execute()).toHaveLength(2);
    // A count from the environment wins over the stored one.
    await saveSettings(db.kysely, { retention: { runCount: 100 } });
    expect(await runRetention(db.kysely, dir.dir, { runCount: 0 + 1 }, NOW)).toMatchObject({
      runsDeleted: 0,
    });
    expect(await db.kysely.selectFrom("scan_runs").select("id").execute()).toHaveLength(1);
    const status = await retentionStatus(db.kysely, { runCount: 1 });
    expect(status).toMatchObject({
      stored: { ...RETENTION_DEFAULTS, runDays: 30, historyDays: 365, runCount: 100 },
      effective: { runCount: 1 },
      lastRun: { at: new Date(NOW).toISOString(), runsDeleted: 0 },
    });
    // The pass is kept under its own state key, so it outlives restarts and upgrades.
    expect(await readState(db.kysely, "retention.lastRun")).toEqual({
      at: new Date(NOW).toISOString(),
      logsDeleted: 0,
      runsDeleted: 0,
      historyDeleted: 0,
    });
  });
});
