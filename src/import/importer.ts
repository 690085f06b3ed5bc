// `psr import`: plan (read and validate everything, pure after the read) → apply (one
// transaction). A problem anywhere stops the import before anything is written.
import type { Kysely } from "kysely";
import { type AppSettings, appSettingsSchema } from "../config/settings.js";
import { openDatabase } from "../db/connection.js";
import type { Database, ScanStatus } from "../db/schema.js";
import { loadSettings } from "../db/settings-repo.js";
import type { ItemState } from "../scan/policy.js";
import { ImportInputError } from "./errors.js";
import {
  type ImportedItem,
  type ImportedRun,
  MEDIA_STATE_COLUMNS,
  mapItemRow,
  mapLegacySettings,
  mapRunRow,
  resolveColumns,
  SCAN_RUNS_COLUMNS,
  type SettingsMapping,
  validateSettings,
} from "./mapping.js";
import { type LegacyData, readLegacyDir } from "./read.js";

export const IMPORT_SOURCE = "import";
/** Imported items carry no Plex type; the next scan that sees them fills it in. */
export const IMPORTED_ITEM_TYPE = "unknown";

export interface ImportPlan {
  dir: string;
  settings: { file: string; mapping: SettingsMapping } | null;
  items: {
    file: string;
    rows: number;
    items: ImportedItem[];
    skipped: { ratingKey: string | null; reason: string }[];
    guessedTimes: number;
  } | null;
  runs: {
    file: string;
    rows: number;
    runs: ImportedRun[];
    skipped: { jobId: string | null; reason: string }[];
    warnings: string[];
  } | null;
  notes: string[];
}

export interface ImportSummary {
  dir: string;
  dryRun: boolean;
  /** Our database file (null on a dry run, which does not open it). */
  database: string | null;
  settings: {
    file: string;
    /** Our settings as stored (or as they would be, on a dry run), by our key. */
    values: Partial<AppSettings>;
    notes: string[];
    ignored: string[];
  } | null;
  items: {
    file: string;
    rows: number;
    imported: number;
    byState: Partial<Record<ItemState, number>>;
    /** Items this database already knows from a later scan: left as they are. */
    keptNewer: number;
    skipped: { ratingKey: string | null; reason: string }[];
  } | null;
  runs: {
    file: string;
    rows: number;
    imported: number;
    alreadyImported: number;
    byStatus: Partial<Record<ScanStatus, number>>;
    skipped: { jobId: string | null; reason: string }[];
  } | null;
  notes: string[];
}

function columnProblem(file: string, table: string, field: string, names: readonly string[]) {
  return new ImportInputError(
    file,
    [{ field: `${table}.${field}`, message: `no such column (looked for ${names.join(", ")})` }],
    "wrong_tables",
  );
}

/** Validates and maps everything read from the original's folder. Throws ImportInputError. */
export function planImport(data: LegacyData): ImportPlan {
  const plan: ImportPlan = { dir: data.dir, settings: null, items: null, runs: null, notes: [] };

  if (data.settings) {
    const mapping = mapLegacySettings(data.settings.value);
    const checked = validateSettings(mapping, appSettingsSchema.parse({}));
    if (!checked.ok)
      throw new ImportInputError(
        data.settings.path,
        checked.problems,
        mapping.problems.length > 0 ? "not_object" : "invalid_settings",
      );
    plan.settings = { file: data.settings.path, mapping };
  } else {
    plan.notes.push("no settings.json: settings left as they are");
  }

  if (!data.db) {
    plan.notes.push("no refresh_state.db: no items or runs imported");
    return plan;
  }
  const { path: file, mediaState, scanRuns } = data.db;

  const cols = resolveColumns(mediaState.columns, MEDIA_STATE_COLUMNS);
  if (cols.ratingKey.length === 0)
    throw columnProblem(file, mediaState.name, "rating_key", MEDIA_STATE_COLUMNS.ratingKey);
  if (cols.state.length === 0) throw columnProblem(file, mediaState.name, "state", MEDIA_STATE_COLUMNS.state);
  const byKey = new Map<string, ImportedItem>();
  const skipped: { ratingKey: string | null; reason: string }[] = [];
  for (const row of mediaState.rows) {
    const r = mapItemRow(row, cols, data.db.mtimeMs);
    if (!r.ok) {
      skipped.push({ ratingKey: r.key, reason: r.reason });
      continue;
    }
    const prev = byKey.get(r.value.ratingKey);
    if (prev) {
      const [keep, drop] = prev.checkedAt >= r.value.checkedAt ? [prev, r.value] : [r.value, prev];
      byKey.set(keep.ratingKey, keep);
      skipped.push({ ratingKey: drop.ratingKey, reason: "duplicate rating key (the newest row is kept)" });
    } else {
      byKey.set(r.value.ratingKey, r.value);
    }
  }
  const items = [...byKey.values()];
  const guessedTimes = items.filter((i) => i.timeGuessed).length;
  if (guessedTimes > 0)
    plan.notes.push(
      `${guessedTimes} item(s) had no usable time; the database file's modification time is used`,
    );
  plan.items = { file, rows: mediaState.rows.length, items, skipped, guessedTimes };

  if (!scanRuns) {
    plan.notes.push(
      "no scan_runs table (a version of the original before background jobs): no runs imported",
    );
    return plan;
  }
  const runCols = resolveColumns(scanRuns.columns, SCAN_RUNS_COLUMNS);
  if (runCols.jobId.length === 0) throw columnProblem(file, scanRuns.name, "job_id", SCAN_RUNS_COLUMNS.jobId);
  if (runCols.status.length === 0)
    throw columnProblem(file, scanRuns.name, "status", SCAN_RUNS_COLUMNS.status);
  const runs = new Map<string, ImportedRun>();
  const runSkipped: { jobId: string | null; reason: string }[] = [];
  const warnings: string[] = [];
  for (const row of scanRuns.rows) {
    const r = mapRunRow(row, runCols);
    if (!r.ok) runSkipped.push({ jobId: r.key, reason: r.reason });
    else if (runs.has(r.value.jobId)) runSkipped.push({ jobId: r.value.jobId, reason: "duplicate job id" });
    else {
      runs.set(r.value.jobId, r.value);
      for (const w of r.value.warnings) warnings.push(`run ${r.value.jobId}: ${w}`);
    }
  }
  plan.notes.push("job log files (logs/scan_<job_id>.log) are not imported");
  plan.runs = {
    file,
    rows: scanRuns.rows.length,
    runs: [...runs.values()].sort((a, b) => a.startedAt - b.startedAt),
    skipped: runSkipped,
    warnings,
  };
  plan.notes.push(...warnings);
  return plan;
}

function count<K extends string>(keys: K[]): Partial<Record<K, number>> {
  const out: Partial<Record<K, number>> = {};
  for (const k of keys) out[k] = (out[k] ?? 0) + 1;
  return out;
}

function pick(settings: AppSettings, keys: string[]): Partial<AppSettings> {
  return Object.fromEntries(keys.map((k) => [k, (settings as Record<string, unknown>)[k]]));
}

/** The summary of a dry run: what the plan would write into an empty database. */
export function dryRunSummary(plan: ImportPlan): ImportSummary {
  const s = plan.settings;
  const checked = s ? validateSettings(s.mapping, appSettingsSchema.parse({})) : undefined;
  return {
    dir: plan.dir,
    dryRun: true,
    database: null,
    settings:
      s && checked?.ok
        ? {
            file: s.file,
            values: pick(checked.settings, Object.keys(s.mapping.patch)),
            notes: s.mapping.notes,
            ignored: s.mapping.ignored,
          }
        : null,
    items: plan.items && {
      file: plan.items.file,
      rows: plan.items.rows,
      imported: plan.items.items.length,
      byState: count(plan.items.items.map((i) => i.state)),
      keptNewer: 0,
      skipped: plan.items.skipped,
    },
    runs: plan.runs && {
      file: plan.runs.file,
      rows: plan.runs.rows,
      imported: plan.runs.runs.length,
      alreadyImported: 0,
      byStatus: count(plan.runs.runs.map((r) => r.status)),
      skipped: plan.runs.skipped,
    },
    notes: plan.notes,
  };
}

function importedJobId(settingsJson: string): string | undefined {
  try {
    const v = JSON.parse(settingsJson) as { importedFrom?: { jobId?: unknown } };
    return typeof v.importedFrom?.jobId === "string" ? v.importedFrom.jobId : undefined;
  } catch {
    return undefined;
  }
}

/** Writes the plan in one transaction: settings, items (upsert), runs (skipping those already imported). */
export async function applyImport(
  db: Kysely<Database>,
  plan: ImportPlan,
  now = Date.now(),
): Promise<ImportSummary> {
  const summary = dryRunSummary(plan);
  summary.dryRun = false;
  await db.transaction().execute(async (tx) => {
    if (plan.settings) {
      const { mapping, file } = plan.settings;
      const checked = validateSettings(mapping, await loadSettings(tx));
      if (!checked.ok) throw new ImportInputError(file, checked.problems);
      const keys = Object.keys(mapping.patch) as (keyof AppSettings)[];
      for (const key of keys) {
        const value = JSON.stringify(checked.settings[key]);
        await tx
          .insertInto("settings")
          .values({ key, value, updated_at: now })
          .onConflict((oc) => oc.column("key").doUpdateSet({ value, updated_at: now }))
          .execute();
      }
      summary.settings = {
        file,
        values: pick(checked.settings, keys),
        notes: mapping.notes,
        ignored: mapping.ignored,
      };
    }

    if (plan.items && summary.items) {
      let keptNewer = 0;
      const written: ItemState[] = [];
      for (const item of plan.items.items) {
        const result = await tx
          .insertInto("items")
          .values({
            rating_key: item.ratingKey,
            section_id: null,
            library: item.library,
            type: IMPORTED_ITEM_TYPE,
            title: item.title,
            year: null,
            parent_rating_key: null,
            state: item.state,
            problems_json: "[]",
            note: item.note,
            candidates_json: null,
            attempts: item.attempts,
            last_job_id: null,
            last_checked_at: item.checkedAt,
            last_failed_at: item.failedAt,
            fixed_at: item.fixedAt,
          })
          .onConflict((oc) =>
            oc
              .column("rating_key")
              .doUpdateSet((eb) => ({
                library: eb.ref("excluded.library"),
                title: eb.ref("excluded.title"),
                state: eb.ref("excluded.state"),
                problems_json: eb.ref("excluded.problems_json"),
                note: eb.ref("excluded.note"),
                attempts: eb.ref("excluded.attempts"),
                last_checked_at: eb.ref("excluded.last_checked_at"),
                last_failed_at: eb.ref("excluded.last_failed_at"),
                fixed_at: eb.ref("excluded.fixed_at"),
              }))
              // A later result of ours (a scan since) wins over the old tool's.
              .where("items.last_checked_at", "<=", (eb) => eb.ref("excluded.last_checked_at")),
          )
          .executeTakeFirst();
        if (Number(result.numInsertedOrUpdatedRows ?? 0n) > 0) written.push(item.state);
        else keptNewer++;
      }
      summary.items.imported = written.length;
      summary.items.byState = count(written);
      summary.items.keptNewer = keptNewer;
    }

    if (plan.runs && summary.runs) {
      const existing = await tx
        .selectFrom("scan_runs")
        .select("settings_json")
        .where("source", "=", IMPORT_SOURCE)
        .execute();
      const seen = new Set(
        existing.map((r) => importedJobId(r.settings_json)).filter((id) => id !== undefined),
      );
      const inserted: ScanStatus[] = [];
      let already = 0;
      for (const run of plan.runs.runs) {
        if (seen.has(run.jobId)) {
          already++;
          continue;
        }
        await tx
          .insertInto("scan_runs")
          .values({
            status: run.status,
            source: IMPORT_SOURCE,
            settings_json: JSON.stringify({ importedFrom: { jobId: run.jobId } }),
            stats_json: run.stats ? JSON.stringify(run.stats) : null,
            progress_json: null,
            error: run.error,
            cancel_requested: 0,
            pid: null,
            heartbeat_at: null,
            log_path: null,
            created_at: run.startedAt,
            started_at: run.startedAt,
            finished_at: run.finishedAt,
          })
          .execute();
        inserted.push(run.status);
      }
      summary.runs.imported = inserted.length;
      summary.runs.alreadyImported = already;
      summary.runs.byStatus = count(inserted);
    }
  });
  return summary;
}

export interface ImportOptions {
  dataDir: string;
  dryRun?: boolean;
  now?: number;
}

/** Reads, validates and (unless dry run) imports the original's folder into our database. */
export async function importLegacy(dir: string, options: ImportOptions): Promise<ImportSummary> {
  // Everything is read and validated before our database is even opened.
  const plan = planImport(readLegacyDir(dir));
  if (options.dryRun) return dryRunSummary(plan);
  const db = await openDatabase(options.dataDir);
  try {
    const summary = await applyImport(db.kysely, plan, options.now);
    summary.database = db.path;
    return summary;
  } finally {
    await db.close();
  }
}
