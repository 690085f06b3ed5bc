// Retention: old job logs, old or surplus scan runs (with their logs), and item history are
// removed at start-up and daily, so the data directory stays bounded. The limits are the
// Settings page's (stored under `retention`), except where an environment variable sets one:
// that one wins and the page shows it read-only, as for the Plex connection.
import { readdirSync, rmSync, statSync } from "node:fs";
import { join } from "node:path";
import type { Kysely } from "kysely";
import type { RetentionSettings, RetentionStatus } from "../contracts/retention.js";
import type { Database } from "../db/schema.js";
import { loadSettings, readState, writeState } from "../db/settings-repo.js";
import { jobLogPath, logsDir } from "./job-log.js";
import { ACTIVE_STATUSES } from "./job-store.js";

const DAY_MS = 86_400_000;
/** History rows kept at most, whatever their age: enough for thousands of items. */
export const MAX_HISTORY_ROWS = 200_000;

export interface RetentionPolicy {
  logRetentionDays: number;
  runRetentionDays: number;
  runRetentionCount: number;
  /** Item history kept this many days; the run age when absent (as before it was a setting). */
  historyRetentionDays?: number;
}

/** The values set in the environment, by field (see Config.retentionFromEnvironment). */
export type RetentionFromEnvironment = Partial<RetentionSettings>;

/** Pure: the stored settings with each field the environment sets replaced by its value. */
export function effectiveRetention(
  stored: RetentionSettings,
  environment: RetentionFromEnvironment = {},
): RetentionSettings {
  const out = { ...stored };
  for (const key of Object.keys(out) as (keyof RetentionSettings)[]) {
    const fromEnv = environment[key];
    if (fromEnv !== undefined) out[key] = fromEnv;
  }
  return out;
}

export function retentionPolicy(settings: RetentionSettings): RetentionPolicy {
  return {
    logRetentionDays: settings.logDays,
    runRetentionDays: settings.runDays,
    runRetentionCount: settings.runCount,
    historyRetentionDays: settings.historyDays,
  };
}

const LAST_RUN_STATE = "retention.lastRun";
type LastRetention = NonNullable<RetentionStatus["lastRun"]>;

/**
 * One retention pass with the limits in force now (read from the database each time, so a value
 * saved in the browser applies at the next daily pass), remembered for the Settings page.
 */
export async function runRetention(
  db: Kysely<Database>,
  dataDir: string,
  environment: RetentionFromEnvironment = {},
  now = Date.now(),
): Promise<RetentionResult> {
  const { retention } = await loadSettings(db);
  const result = await applyRetention(
    db,
    dataDir,
    retentionPolicy(effectiveRetention(retention, environment)),
    now,
  );
  await writeState(db, LAST_RUN_STATE, {
    at: new Date(now).toISOString(),
    ...result,
  } satisfies LastRetention);
  return result;
}

/** What the Retention section shows: stored, set by the environment, in force, the last pass. */
export async function retentionStatus(
  db: Kysely<Database>,
  environment: RetentionFromEnvironment = {},
): Promise<RetentionStatus> {
  const { retention } = await loadSettings(db);
  return {
    stored: retention,
    environment,
    effective: effectiveRetention(retention, environment),
    lastRun: (await readState<LastRetention>(db, LAST_RUN_STATE)) ?? null,
  };
}

export interface RetentionResult {
  logsDeleted: number;
  runsDeleted: number;
  historyDeleted: number;
}

export async function applyRetention(
  db: Kysely<Database>,
  dataDir: string,
  policy: RetentionPolicy,
  now = Date.now(),
): Promise<RetentionResult> {
  const active = new Set(
    (await db.selectFrom("scan_runs").select("id").where("status", "in", ACTIVE_STATUSES).execute()).map(
      (r) => r.id,
    ),
  );

  // Runs: older than the age limit, or beyond the newest N. Active runs are never touched.
  const cutoff = now - policy.runRetentionDays * DAY_MS;
  const keep = await db
    .selectFrom("scan_runs")
    .select("id")
    .orderBy("id", "desc")
    .limit(policy.runRetentionCount)
    .execute();
  const keepIds = new Set(keep.map((r) => r.id));
  const all = await db.selectFrom("scan_runs").select(["id", "created_at"]).execute();
  const doomed = all
    .filter((r) => !active.has(r.id) && (r.created_at < cutoff || !keepIds.has(r.id)))
    .map((r) => r.id);
  for (let i = 0; i < doomed.length; i += 500) {
    await db
      .deleteFrom("scan_runs")
      .where("id", "in", doomed.slice(i, i + 500))
      .execute();
  }
  let logsDeleted = 0;
  for (const id of doomed) {
    try {
      rmSync(jobLogPath(dataDir, id));
      logsDeleted++;
    } catch {
      // already gone
    }
  }

  // Logs older than their own limit (a run may be kept longer than its log).
  const logCutoff = now - policy.logRetentionDays * DAY_MS;
  let names: string[] = [];
  try {
    names = readdirSync(logsDir(dataDir));
  } catch {
    names = [];
  }
  for (const name of names) {
    const m = name.match(/^scan_(\d+)\.log$/);
    if (!m || active.has(Number(m[1]))) continue;
    const path = join(logsDir(dataDir), name);
    try {
      if (statSync(path).mtimeMs < logCutoff) {
        rmSync(path);
        logsDeleted++;
      }
    } catch {
      // raced with another deletion
    }
  }

  // Item history: bounded by age and by a row cap.
  const historyCutoff = now - (policy.historyRetentionDays ?? policy.runRetentionDays) * DAY_MS;
  const byAge = await db.deleteFrom("item_history").where("at", "<", historyCutoff).executeTakeFirst();
  const surplus = await db
    .selectFrom("item_history")
    .select("id")
    .orderBy("id", "desc")
    .offset(MAX_HISTORY_ROWS)
    .limit(1)
    .executeTakeFirst();
  let capped = 0n;
  if (surplus) {
    capped = (await db.deleteFrom("item_history").where("id", "<=", surplus.id).executeTakeFirst())
      .numDeletedRows;
  }
  return {
    logsDeleted,
    runsDeleted: doomed.length,
    historyDeleted: Number(byAge.numDeletedRows + capped),
  };
}
