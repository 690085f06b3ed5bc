// Pure mapping from the Python original's data (settings.json, refresh_state.db) to ours.
// No I/O here: the reader hands in parsed JSON and plain row objects, the importer writes.
//
// What the original writes (xxEmc2xx/plex-smart-refresher, logic.py and jobs.py):
// - settings.json: json.dump of {libraries, days, max_items, dry_run, schedule_active,
//   schedule_time "HH:MM", …}; later versions add refresh_wait_total_seconds,
//   refresh_wait_interval_seconds, failed_retry_pool_limit, failed_backoff_hours (read with int()).
// - media_state(rating_key TEXT PRIMARY KEY, library, title, updated_at, state, note, last_scan),
//   upserted per item; state is "fixed", "failed" or "dry_run"; times are naive local ISO text.
// - scan_runs(job_id uuid hex, status running|success|failed|cancelled|interrupted, started_at,
//   finished_at (UTC ISO with +00:00), stats_json {checked, fixed, would_fix, failed}, log_path,
//   error, cancel_requested).
// Other builds of the tool differ in column names, so columns are found by name from a list of
// plausible spellings and times are accepted as epoch seconds, epoch milliseconds or ISO text.
import type { AppSettings } from "../config/settings.js";
import { appSettingsSchema } from "../config/settings.js";
import type { ScanStatus } from "../db/schema.js";
import { ITEM_STATES, type ItemState } from "../scan/policy.js";
import { emptyStats, type ScanStats } from "../scan/stats.js";

export const IMPORT_NOTE = "imported from the Python version";

// ---------------------------------------------------------------------------------------------
// Settings

export interface Problem {
  field: string | null;
  message: string;
}

export interface SettingsMapping {
  /** Our top-level settings keys with the values to store (validated separately). */
  patch: Partial<Record<keyof AppSettings, unknown>>;
  /** Which original key each of our keys came from (for error messages and the summary). */
  sources: Partial<Record<keyof AppSettings, string[]>>;
  notes: string[];
  /** Keys of the original we do not know: reported, not fatal. */
  ignored: string[];
  problems: Problem[];
}

/** Keys copied as they are (the schema checks type and range). */
const DIRECT_KEYS: Record<string, keyof AppSettings> = {
  libraries: "libraries",
  days: "days",
  max_items: "maxItems",
  dry_run: "dryRun",
};

const HANDLED_KEYS = new Set([
  ...Object.keys(DIRECT_KEYS),
  "schedule_active",
  "schedule_time",
  "refresh_wait_total_seconds",
  "refresh_wait_interval_seconds",
  "failed_retry_pool_limit",
  "failed_backoff_hours",
]);

/** The original's defaults where its code substitutes them for missing or non-positive values. */
export const ORIGINAL_DEFAULTS = { scheduleTime: "04:00", refreshWaitTotalSeconds: 20 } as const;

/** Our bounds for itemTimeoutSeconds (kept in sync with scanSettingsSchema by a test). */
export const ITEM_TIMEOUT_BOUNDS = { min: 5, max: 3600 } as const;

/** The original reads these with int(): numbers and whole-number strings both work there. */
function intLike(value: unknown): number | undefined {
  if (typeof value === "number" && Number.isFinite(value)) return Math.trunc(value);
  if (typeof value === "string" && /^\s*-?\d+\s*$/.test(value)) return Number(value.trim());
  return undefined;
}

/** "4:00" (Python's strptime accepts it) → "04:00"; anything else is left for the schema to reject. */
export function normaliseTime(value: unknown): unknown {
  if (typeof value !== "string") return value;
  const m = /^\s*(\d{1,2}):(\d{2})\s*$/.exec(value);
  return m ? `${m[1]?.padStart(2, "0")}:${m[2]}` : value;
}

export function mapLegacySettings(raw: unknown): SettingsMapping {
  const out: SettingsMapping = { patch: {}, sources: {}, notes: [], ignored: [], problems: [] };
  if (raw === null || typeof raw !== "object" || Array.isArray(raw)) {
    out.problems.push({ field: null, message: "expected a JSON object with the settings" });
    return out;
  }
  const s = raw as Record<string, unknown>;
  const set = (key: keyof AppSettings, value: unknown, ...from: string[]) => {
    out.patch[key] = value;
    out.sources[key] = from;
  };

  for (const [from, to] of Object.entries(DIRECT_KEYS)) {
    if (from in s) set(to, s[from], from);
  }

  if ("schedule_time" in s || "schedule_active" in s) {
    const time = "schedule_time" in s ? normaliseTime(s.schedule_time) : ORIGINAL_DEFAULTS.scheduleTime;
    let enabled: unknown = s.schedule_active;
    if (!("schedule_active" in s)) {
      enabled = false;
      out.notes.push("schedule_active is missing: the original treats the schedule as off, so it is off");
    } else if (enabled === 0 || enabled === 1) {
      enabled = enabled === 1;
    }
    const from = ["schedule_time", "schedule_active"].filter((k) => k in s);
    set("schedule", { enabled, mode: "daily", time }, ...from);
  }

  if ("refresh_wait_total_seconds" in s) {
    const n = intLike(s.refresh_wait_total_seconds);
    if (n === undefined) {
      set("itemTimeoutSeconds", s.refresh_wait_total_seconds, "refresh_wait_total_seconds");
    } else {
      const effective = n > 0 ? n : ORIGINAL_DEFAULTS.refreshWaitTotalSeconds;
      if (n <= 0)
        out.notes.push(
          `refresh_wait_total_seconds ${n} is not positive; the original used ${effective} s instead`,
        );
      const clamped = Math.min(ITEM_TIMEOUT_BOUNDS.max, Math.max(ITEM_TIMEOUT_BOUNDS.min, effective));
      if (clamped !== effective)
        out.notes.push(
          `refresh_wait_total_seconds ${effective} is outside ${ITEM_TIMEOUT_BOUNDS.min}-${ITEM_TIMEOUT_BOUNDS.max}; itemTimeoutSeconds is set to ${clamped}`,
        );
      set("itemTimeoutSeconds", clamped, "refresh_wait_total_seconds");
    }
  }

  if ("refresh_wait_interval_seconds" in s) {
    out.notes.push(
      "refresh_wait_interval_seconds has no equivalent: completion is detected from Plex's notifications (with a re-read), not by polling every few seconds; ignored",
    );
  }

  for (const [from, to, meaning] of [
    ["failed_retry_pool_limit", "retryPoolLimit", "disables the retry pool"],
    ["failed_backoff_hours", "backoffHours", "means no back-off"],
  ] as const) {
    if (!(from in s)) continue;
    const n = intLike(s[from]);
    if (n !== undefined && n < 0) {
      out.notes.push(`${from} ${n} ${meaning} in the original; stored as 0`);
      set(to, 0, from);
    } else {
      set(to, n ?? s[from], from);
    }
  }

  out.ignored = Object.keys(s).filter((k) => !HANDLED_KEYS.has(k));
  return out;
}

/** Our field path → the original's key, for messages that name what the user wrote. */
function originalField(path: PropertyKey[], sources: SettingsMapping["sources"]): string {
  const [top, ...rest] = path.map(String);
  if (top === undefined) return "settings";
  if (top === "schedule") {
    const sub = rest[0];
    if (sub === "enabled") return "schedule_active";
    if (sub === "time") return "schedule_time";
    return `schedule_time (${rest.join(".") || "schedule"})`;
  }
  const from = sources[top as keyof AppSettings]?.[0] ?? top;
  return rest.length > 0 ? `${from}[${rest.join("][")}]` : from;
}

/**
 * Validates the mapped values the way saveSettings does: nested objects merge with their base
 * value, then the whole result must pass appSettingsSchema. Problems name the original keys.
 */
export function validateSettings(
  mapping: SettingsMapping,
  base: AppSettings,
): { ok: true; settings: AppSettings } | { ok: false; problems: Problem[] } {
  if (mapping.problems.length > 0) return { ok: false, problems: mapping.problems };
  const merged: Record<string, unknown> = { ...base };
  for (const [key, value] of Object.entries(mapping.patch)) {
    const old = (base as Record<string, unknown>)[key];
    merged[key] =
      value && typeof value === "object" && !Array.isArray(value) && old && typeof old === "object"
        ? { ...old, ...value }
        : value;
  }
  const parsed = appSettingsSchema.safeParse(merged);
  if (parsed.success) return { ok: true, settings: parsed.data };
  return {
    ok: false,
    problems: parsed.error.issues.map((i) => {
      const field = originalField(i.path, mapping.sources);
      const got = valueAt(mapping, i.path);
      return { field, message: `${i.message}${got === undefined ? "" : ` (got ${JSON.stringify(got)})`}` };
    }),
  };
}

function valueAt(mapping: SettingsMapping, path: PropertyKey[]): unknown {
  let v: unknown = mapping.patch;
  for (const p of path) {
    if (v === null || typeof v !== "object") return undefined;
    v = (v as Record<string, unknown>)[String(p)];
  }
  return v;
}

// ---------------------------------------------------------------------------------------------
// Columns, times, states

/** Plausible column names per field, in order of preference; matched case-insensitively. */
export const MEDIA_STATE_COLUMNS = {
  ratingKey: ["rating_key", "ratingkey", "key", "item_key", "item_id", "id"],
  title: ["title", "name", "item_title"],
  library: ["library", "library_name", "library_title", "section", "section_title", "section_name"],
  state: ["state", "status", "result"],
  time: [
    "last_scan",
    "updated_at",
    "last_checked",
    "last_checked_at",
    "last_attempt",
    "checked_at",
    "timestamp",
    "ts",
  ],
  attempts: ["attempts", "tries", "attempt_count", "retries", "retry_count"],
  note: ["note", "last_error", "error", "message", "msg", "details", "reason"],
} as const;

export const SCAN_RUNS_COLUMNS = {
  jobId: ["job_id", "jobid", "run_id", "id"],
  status: ["status", "state"],
  startedAt: ["started_at", "start", "started", "created_at"],
  finishedAt: ["finished_at", "ended_at", "completed_at", "finished", "end"],
  stats: ["stats_json", "stats"],
  error: ["error", "error_message", "message"],
} as const;

export type ColumnSpec = Readonly<Record<string, readonly string[]>>;
export type ResolvedColumns<S extends ColumnSpec> = { [K in keyof S]: string[] };

/** For each field, the table's columns that match one of its names (best first). */
export function resolveColumns<S extends ColumnSpec>(
  columns: readonly string[],
  spec: S,
): ResolvedColumns<S> {
  const byLower = new Map(columns.map((c) => [c.toLowerCase(), c]));
  const used = new Set<string>();
  const out = {} as Record<string, string[]>;
  for (const [field, names] of Object.entries(spec)) {
    const found: string[] = [];
    for (const name of names) {
      const col = byLower.get(name.toLowerCase());
      if (col !== undefined && !used.has(col)) found.push(col);
    }
    // A column serves one field only (e.g. "id" is not also the key when "rating_key" exists).
    for (const c of found) used.add(c);
    out[field] = found;
  }
  return out as ResolvedColumns<S>;
}

/** Epoch seconds, epoch milliseconds or ISO-like text → epoch ms; undefined when unusable. */
export function parseLegacyTime(value: unknown): number | undefined {
  if (typeof value === "bigint") return parseLegacyTime(Number(value));
  if (typeof value === "number") {
    if (!Number.isFinite(value) || value <= 0) return undefined;
    // Below 10^11 is seconds (that is the year 5138); above, milliseconds.
    return Math.round(value < 1e11 ? value * 1000 : value);
  }
  if (typeof value !== "string") return undefined;
  const text = value.trim();
  if (text === "") return undefined;
  if (/^\d+(\.\d+)?$/.test(text)) return parseLegacyTime(Number(text));
  // "2025-01-02 03:04:05" → ISO; text without an offset is local time, as Python's now() wrote it.
  const iso = text.replace(/^(\d{4}-\d{2}-\d{2})[ T]/, "$1T");
  const ms = Date.parse(iso);
  return Number.isNaN(ms) || ms <= 0 ? undefined : ms;
}

const ITEM_STATE_ALIASES: Record<string, ItemState> = {
  fixed: "fixed",
  success: "fixed",
  succeeded: "fixed",
  ok: "fixed",
  done: "fixed",
  repaired: "fixed",
  refreshed: "fixed",
  gefixt: "fixed",
  failed: "failed",
  fail: "failed",
  failure: "failed",
  error: "failed",
  timeout: "failed",
  fehler: "failed",
  would_fix: "would_fix",
  wouldfix: "would_fix",
  dry_run: "would_fix",
  dryrun: "would_fix",
  simulation: "would_fix",
  simulated: "would_fix",
  skipped: "skipped",
  skip: "skipped",
  backoff: "skipped",
  needs_review: "needs_review",
  locked: "locked",
};

/** The original's item status → one of ours, or undefined when it is unknown. */
export function mapItemState(raw: unknown): ItemState | undefined {
  if (typeof raw !== "string") return undefined;
  const key = raw
    .trim()
    .toLowerCase()
    .replace(/[\s-]+/g, "_");
  const state = ITEM_STATE_ALIASES[key];
  return state !== undefined && (ITEM_STATES as readonly string[]).includes(state) ? state : undefined;
}

const RUN_STATUS_ALIASES: Record<string, { status: ScanStatus; error?: string }> = {
  success: { status: "success" },
  succeeded: { status: "success" },
  done: { status: "success" },
  completed: { status: "success" },
  finished: { status: "success" },
  ok: { status: "success" },
  failed: { status: "failed" },
  failure: { status: "failed" },
  error: { status: "failed" },
  cancelled: { status: "cancelled" },
  canceled: { status: "cancelled" },
  aborted: { status: "cancelled" },
  interrupted: { status: "interrupted" },
  running: { status: "interrupted", error: "imported while running" },
  queued: { status: "interrupted", error: "imported while running" },
  pending: { status: "interrupted", error: "imported while running" },
  started: { status: "interrupted", error: "imported while running" },
};

/** The original's job status → our final status (a running one becomes interrupted). */
export function mapRunStatus(raw: unknown): { status: ScanStatus; error?: string } | undefined {
  if (typeof raw !== "string") return undefined;
  return RUN_STATUS_ALIASES[raw.trim().toLowerCase()];
}

const STAT_ALIASES: Record<string, keyof ScanStats> = {
  error: "errors",
  skip: "skipped",
  matches: "matched",
  duration_ms: "durationMs",
};

function camel(key: string): string {
  return key.replace(/[_-]+([a-z0-9])/gi, (_, c: string) => c.toUpperCase());
}

/**
 * stats_json of the original → our ScanStats: names that match (snake_case or camelCase) are
 * copied, the rest (success_rate …) dropped; absent counters are 0.
 */
export function mapLegacyStats(raw: unknown): {
  stats: ScanStats | null;
  dropped: string[];
  problem?: string;
} {
  if (raw === null || raw === undefined || raw === "") return { stats: null, dropped: [] };
  let value: unknown = raw;
  if (typeof raw === "string") {
    try {
      value = JSON.parse(raw);
    } catch {
      return { stats: null, dropped: [], problem: "stats_json is not valid JSON; stats left empty" };
    }
  }
  if (value === null) return { stats: null, dropped: [] };
  if (typeof value !== "object" || Array.isArray(value))
    return { stats: null, dropped: [], problem: "stats_json is not an object; stats left empty" };
  const stats = emptyStats();
  const known = new Set(Object.keys(stats));
  const dropped: string[] = [];
  for (const [key, v] of Object.entries(value as Record<string, unknown>)) {
    const ours = STAT_ALIASES[key.toLowerCase()] ?? camel(key);
    if (known.has(ours) && typeof v === "number" && Number.isFinite(v)) {
      stats[ours as keyof ScanStats] = v;
    } else {
      dropped.push(key);
    }
  }
  return { stats, dropped };
}

// ---------------------------------------------------------------------------------------------
// Rows

export type Row = Record<string, unknown>;

export interface ImportedItem {
  ratingKey: string;
  title: string;
  library: string | null;
  state: ItemState;
  note: string;
  attempts: number;
  checkedAt: number;
  failedAt: number | null;
  fixedAt: number | null;
  /** The row had no usable time; `checkedAt` is the fallback. */
  timeGuessed: boolean;
}

export type RowResult<T> = { ok: true; value: T } | { ok: false; key: string | null; reason: string };

function firstValue(row: Row, columns: readonly string[]): unknown {
  for (const c of columns) {
    const v = row[c];
    if (v !== null && v !== undefined && v !== "") return v;
  }
  return undefined;
}

function text(value: unknown): string | null {
  if (value === undefined || value === null) return null;
  if (typeof value === "string") return value.trim() === "" ? null : value;
  if (typeof value === "number" || typeof value === "bigint") return String(value);
  if (Buffer.isBuffer(value)) return value.toString("utf8");
  return null;
}

/** One media_state row → an item for our `items` table, or the reason it is skipped. */
export function mapItemRow(
  row: Row,
  cols: ResolvedColumns<typeof MEDIA_STATE_COLUMNS>,
  fallbackTime: number,
): RowResult<ImportedItem> {
  const ratingKey = text(firstValue(row, cols.ratingKey))?.trim() ?? null;
  if (ratingKey === null) return { ok: false, key: null, reason: "no rating key" };
  const rawState = firstValue(row, cols.state);
  const state = mapItemState(rawState);
  if (state === undefined) {
    return {
      ok: false,
      key: ratingKey,
      reason:
        rawState === undefined ? "no status" : `unknown status ${JSON.stringify(text(rawState) ?? rawState)}`,
    };
  }
  let checkedAt: number | undefined;
  for (const c of cols.time) {
    checkedAt = parseLegacyTime(row[c]);
    if (checkedAt !== undefined) break;
  }
  const timeGuessed = checkedAt === undefined;
  const at = checkedAt ?? fallbackTime;
  const oldNote = text(firstValue(row, cols.note));
  const rawAttempts = firstValue(row, cols.attempts);
  const counted = typeof rawAttempts === "string" ? Number(rawAttempts) : rawAttempts;
  // Without an attempts column (the original has none) a fixed or failed item was tried once.
  const attempts =
    typeof counted === "number" && Number.isInteger(counted) && counted >= 0
      ? counted
      : state === "fixed" || state === "failed"
        ? 1
        : 0;
  return {
    ok: true,
    value: {
      ratingKey,
      title: text(firstValue(row, cols.title)) ?? `Item ${ratingKey}`,
      library: text(firstValue(row, cols.library)),
      state,
      note: oldNote ? `${IMPORT_NOTE}: ${oldNote}` : IMPORT_NOTE,
      attempts,
      checkedAt: at,
      failedAt: state === "failed" ? at : null,
      fixedAt: state === "fixed" ? at : null,
      timeGuessed,
    },
  };
}

export interface ImportedRun {
  jobId: string;
  status: ScanStatus;
  startedAt: number;
  finishedAt: number;
  stats: ScanStats | null;
  error: string | null;
  warnings: string[];
}

/** One scan_runs row → a finished run for our `scan_runs`, or the reason it is skipped. */
export function mapRunRow(row: Row, cols: ResolvedColumns<typeof SCAN_RUNS_COLUMNS>): RowResult<ImportedRun> {
  const jobId = text(firstValue(row, cols.jobId))?.trim() ?? null;
  if (jobId === null) return { ok: false, key: null, reason: "no job id" };
  const rawStatus = firstValue(row, cols.status);
  const mapped = mapRunStatus(rawStatus);
  if (!mapped) {
    return {
      ok: false,
      key: jobId,
      reason:
        rawStatus === undefined
          ? "no status"
          : `unknown status ${JSON.stringify(text(rawStatus) ?? rawStatus)}`,
    };
  }
  const started = parseLegacyTime(firstValue(row, cols.startedAt));
  const finished = parseLegacyTime(firstValue(row, cols.finishedAt));
  const startedAt = started ?? finished;
  if (startedAt === undefined) return { ok: false, key: jobId, reason: "no usable start or finish time" };
  const warnings: string[] = [];
  const { stats, problem } = mapLegacyStats(firstValue(row, cols.stats));
  if (problem) warnings.push(problem);
  if (stats && stats.durationMs === 0 && started !== undefined && finished !== undefined) {
    stats.durationMs = Math.max(0, finished - started);
  }
  const oldError = text(firstValue(row, cols.error));
  return {
    ok: true,
    value: {
      jobId,
      status: mapped.status,
      startedAt,
      // A run that never finished is history now: it ends where it began.
      finishedAt: finished ?? startedAt,
      stats,
      error: mapped.error ? (oldError ? `${mapped.error}: ${oldError}` : mapped.error) : oldError,
      warnings,
    },
  };
}
