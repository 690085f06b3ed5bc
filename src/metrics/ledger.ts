// The Prometheus counters as plain data, folded from the database's append-only facts (finished
// scan runs, item history rows) and kept in the state table, so they survive restarts and never
// go down when retention deletes old rows. Pure: the I/O lives in metrics-view.ts.

/** Upper bounds (seconds) of psr_scan_duration_seconds: a 5-second check up to a 2-hour full scan. */
export const SCAN_DURATION_BUCKETS = [1, 5, 15, 30, 60, 120, 300, 600, 1200, 1800, 3600, 7200] as const;

/** History actions that are not repairs: checks, skips, dry-run intents and ignore flags. */
const NOT_REPAIRS = new Set(["check", "skip", "dry_run", "ignore", "unignore"]);

export interface CounterLedger {
  version: 1;
  /** Every scan run with an id at or below this was counted (or never finished before it was deleted). */
  scanFloor: number;
  /** Runs above the floor counted already (an older run was still going when they ended). */
  scansAbove: number[];
  /** Finished runs by `[source, status]` (JSON-encoded, so any text is a safe key). */
  scans: Record<string, number>;
  /** Non-cumulative counts per bucket of SCAN_DURATION_BUCKETS, the last one for +Inf. */
  durationCounts: number[];
  durationSum: number;
  /** Every item_history row up to this id was counted. */
  historyFloor: number;
  /** Repair attempts by `[action, result]` (JSON-encoded). */
  repairs: Record<string, number>;
}

export function emptyLedger(): CounterLedger {
  return {
    version: 1,
    scanFloor: 0,
    scansAbove: [],
    scans: {},
    durationCounts: new Array(SCAN_DURATION_BUCKETS.length + 1).fill(0),
    durationSum: 0,
    historyFloor: 0,
    repairs: {},
  };
}

/** A stored ledger, or an empty one when it is missing or not in the shape this version writes. */
export function readLedger(value: unknown): CounterLedger {
  const v = value as Partial<CounterLedger> | null | undefined;
  const ok =
    v?.version === 1 &&
    Number.isFinite(v.scanFloor) &&
    Array.isArray(v.scansAbove) &&
    typeof v.scans === "object" &&
    v.scans !== null &&
    Array.isArray(v.durationCounts) &&
    v.durationCounts.length === SCAN_DURATION_BUCKETS.length + 1 &&
    Number.isFinite(v.durationSum) &&
    Number.isFinite(v.historyFloor) &&
    typeof v.repairs === "object" &&
    v.repairs !== null;
  return ok ? (v as CounterLedger) : emptyLedger();
}

export const labelKey = (a: string, b: string): string => JSON.stringify([a, b]);

export function splitLabelKey(key: string): [string, string] {
  const parsed = JSON.parse(key) as unknown;
  return Array.isArray(parsed) && parsed.length === 2 ? [String(parsed[0]), String(parsed[1])] : ["", ""];
}

export interface FinishedRun {
  id: number;
  source: string;
  status: string;
  startedAt: number | null;
  finishedAt: number;
}

/**
 * Counts the finished runs above the floor that were not counted yet. `oldestOpen` is the
 * smallest id above the floor that has not finished (null: none), `maxId` the highest id: the
 * floor moves up to just below the oldest run still going.
 */
export function foldScanRuns(
  ledger: CounterLedger,
  finished: readonly FinishedRun[],
  oldestOpen: number | null,
  maxId: number,
): CounterLedger {
  const seen = new Set(ledger.scansAbove);
  const scans = { ...ledger.scans };
  const durationCounts = [...ledger.durationCounts];
  let durationSum = ledger.durationSum;
  for (const run of finished) {
    if (run.id <= ledger.scanFloor || seen.has(run.id)) continue;
    seen.add(run.id);
    const key = labelKey(run.source, run.status);
    scans[key] = (scans[key] ?? 0) + 1;
    if (run.startedAt !== null) {
      const seconds = Math.max(0, run.finishedAt - run.startedAt) / 1000;
      const bucket = SCAN_DURATION_BUCKETS.findIndex((bound) => seconds <= bound);
      const index = bucket === -1 ? SCAN_DURATION_BUCKETS.length : bucket;
      durationCounts[index] = (durationCounts[index] ?? 0) + 1;
      durationSum += seconds;
    }
  }
  const scanFloor = Math.max(ledger.scanFloor, oldestOpen !== null ? oldestOpen - 1 : maxId);
  return {
    ...ledger,
    scanFloor,
    scansAbove: [...seen].filter((id) => id > scanFloor).sort((a, b) => a - b),
    scans,
    durationCounts,
    durationSum,
  };
}

export interface HistoryGroup {
  action: string;
  outcome: string;
  n: number;
}

/** Adds the history rows above the floor (grouped, up to `maxId`); only repairs are counted. */
export function foldHistory(
  ledger: CounterLedger,
  groups: readonly HistoryGroup[],
  maxId: number,
): CounterLedger {
  const repairs = { ...ledger.repairs };
  for (const g of groups) {
    if (NOT_REPAIRS.has(g.action) || !(g.n > 0)) continue;
    const key = labelKey(g.action, g.outcome);
    repairs[key] = (repairs[key] ?? 0) + g.n;
  }
  return { ...ledger, historyFloor: Math.max(ledger.historyFloor, maxId), repairs };
}

/** Whether a fold changed anything worth writing back. */
export function sameLedger(a: CounterLedger, b: CounterLedger): boolean {
  return JSON.stringify(a) === JSON.stringify(b);
}
