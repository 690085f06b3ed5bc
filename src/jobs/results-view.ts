// What the scans found, read back for the API: items paged and filtered, and the counts behind
// /api/stats. The read side of item-store.ts; HTTP only turns these values into JSON.
import { type Kysely, type Selectable, sql } from "kysely";
import { BULK_SOURCE } from "../contracts/bulk-constants.js";
import {
  ATTENTION_FILTER,
  ATTENTION_STATES,
  type ItemStateFilter,
  type ProblemCode,
} from "../contracts/constants.js";
import { isReason, type Reason } from "../contracts/reasons.js";
import { readJsonArray, readJsonColumn } from "../db/json-column.js";
import type { Database, ItemsTable } from "../db/schema.js";
import type { ItemState } from "../scan/policy.js";
import { JobStore } from "./job-store.js";

export interface ItemRecord {
  ratingKey: string;
  library: string | null;
  type: string;
  title: string;
  year: number | null;
  state: ItemState;
  problems: string[];
  note: string | null;
  /** The note as a code; null on rows from before codes, which show `note`. */
  reason: Reason | null;
  candidates: Record<string, unknown>[] | null;
  attempts: number;
  lastCheckedAt: number;
  lastFailedAt: number | null;
  fixedAt: number | null;
  /** When it was set aside by hand (then `state` reads "ignored"), and why. */
  ignoredAt: number | null;
  ignoreReason: string | null;
  lastJobId: number | null;
}

export interface ItemHistoryEntry {
  at: number;
  jobId: number | null;
  action: string;
  outcome: string;
  problems: string[];
  note: string | null;
  reason: Reason | null;
  /** "watch" when watch mode did it; null for scans and item actions. */
  source: string | null;
}

/** One item with its attempts and the scan that last saw it (the UI's detail drawer). */
export interface ItemDetail {
  item: ItemRecord;
  history: ItemHistoryEntry[];
  lastScan: { id: number; status: string; startedAt: number | null; finishedAt: number | null } | null;
}

/** The newest attempts shown per item; older ones stay in the table. */
export const HISTORY_LIMIT = 50;

export interface ItemFilter {
  /** One state, or "attention": every state in ATTENTION_STATES. */
  state?: ItemStateFilter | undefined;
  /** Items whose problem list holds this code. */
  problem?: ProblemCode | undefined;
  library?: string | undefined;
  /** Literal text in the title, or an exact ratingKey. */
  q?: string | undefined;
  page: number;
  pageSize: number;
}

export interface ResultStats {
  items: { total: number; byState: Record<string, number> };
  libraries: Record<string, Record<string, number>>;
  /** Fixed ÷ (fixed + failed) over every item, or null before anything was attempted. */
  successRate: number | null;
  /** Items waiting for a review (not ignored), by problem; see statsResponseSchema. */
  needsReview: { wrongMatch: number; unmatched: number; other: number };
  lastScan: { id: number; status: string; finishedAt: number | null; stats: unknown } | null;
  /** No scan has succeeded yet, so the next one started without a dryRun is a dry run. */
  firstScanPending: boolean;
}

export function toItemRecord(r: Selectable<ItemsTable>): ItemRecord {
  return {
    ratingKey: r.rating_key,
    library: r.library,
    type: r.type,
    title: r.title,
    year: r.year,
    // An ignore overrides what the scans found; the stored state comes back on unignore.
    state: r.ignored_at !== null ? "ignored" : (r.state as ItemState),
    problems: (readJsonArray(r.problems_json) ?? []) as string[],
    note: r.note,
    reason: readReason(r.reason_json),
    candidates: readJsonArray(r.candidates_json) as Record<string, unknown>[] | null,
    attempts: r.attempts,
    lastCheckedAt: r.last_checked_at,
    lastFailedAt: r.last_failed_at,
    fixedAt: r.fixed_at,
    ignoredAt: r.ignored_at,
    ignoreReason: r.ignore_reason,
    lastJobId: r.last_job_id,
  };
}

/** A stored reason, or null when the row has none or it is not one we know (an older code). */
function readReason(text: string | null): Reason | null {
  const value = readJsonColumn(text);
  return isReason(value) ? value : null;
}

/** Whether an item's problem list holds `problem`; a damaged list holds nothing. */
function hasProblem(problem: ProblemCode) {
  return sql<boolean>`exists (select 1 from json_each(case when json_valid(problems_json) then problems_json else '[]' end) where value = ${problem})`;
}

/** Fixed out of attempted; null when nothing has been attempted. Pure. */
export function successRate(fixed: number, failed: number): number | null {
  return fixed + failed > 0 ? fixed / (fixed + failed) : null;
}

export class ResultsView {
  constructor(private readonly db: Kysely<Database>) {}

  async items(filter: ItemFilter): Promise<{ items: ItemRecord[]; total: number }> {
    let query = this.db.selectFrom("items");
    if (filter.state === "ignored") query = query.where("ignored_at", "is not", null);
    else if (filter.state === ATTENTION_FILTER)
      query = query.where("state", "in", ATTENTION_STATES).where("ignored_at", "is", null);
    else if (filter.state) query = query.where("state", "=", filter.state).where("ignored_at", "is", null);
    if (filter.problem) query = query.where(hasProblem(filter.problem));
    if (filter.library) query = query.where("library", "=", filter.library);
    if (filter.q) {
      const q = filter.q;
      // LIKE with escaped wildcards: the search is literal text.
      const pattern = `%${q.replace(/[\\%_]/g, (c) => `\\${c}`)}%`;
      query = query.where((eb) => eb.or([eb("title", "like", eb.val(pattern)), eb("rating_key", "=", q)]));
    }
    const [rows, count] = await Promise.all([
      query
        .selectAll()
        .orderBy("last_checked_at", "desc")
        .orderBy("rating_key")
        .limit(filter.pageSize)
        .offset((filter.page - 1) * filter.pageSize)
        .execute(),
      query.select((eb) => eb.fn.countAll<number>().as("n")).executeTakeFirstOrThrow(),
    ]);
    return { items: rows.map(toItemRecord), total: Number(count.n) };
  }

  async item(ratingKey: string): Promise<ItemDetail | null> {
    const row = await this.db
      .selectFrom("items")
      .selectAll()
      .where("rating_key", "=", ratingKey)
      .executeTakeFirst();
    if (!row) return null;
    const [history, scan] = await Promise.all([
      this.db
        .selectFrom("item_history")
        .selectAll()
        .where("rating_key", "=", ratingKey)
        .orderBy("id", "desc")
        .limit(HISTORY_LIMIT)
        .execute(),
      row.last_job_id === null
        ? Promise.resolve(undefined)
        : this.db
            .selectFrom("scan_runs")
            .select(["id", "status", "started_at", "finished_at"])
            .where("id", "=", row.last_job_id)
            .executeTakeFirst(),
    ]);
    return {
      item: toItemRecord(row),
      history: history.map((h) => ({
        at: h.at,
        jobId: h.job_id,
        action: h.action,
        outcome: h.outcome,
        problems: (readJsonArray(h.problems_json) ?? []) as string[],
        note: h.note,
        reason: readReason(h.reason_json),
        source: h.source,
      })),
      lastScan: scan
        ? { id: scan.id, status: scan.status, startedAt: scan.started_at, finishedAt: scan.finished_at }
        : null,
    };
  }

  async stats(): Promise<ResultStats> {
    // Ignored items count as "ignored", whatever the scans last found.
    const state = sql<string>`case when ignored_at is not null then 'ignored' else state end`;
    const byLibrary = await this.db
      .selectFrom("items")
      .select(["library", state.as("state"), (eb) => eb.fn.countAll<number>().as("n")])
      .groupBy(["library", state])
      .execute();
    const review = await this.db
      .selectFrom("items")
      .select([
        sql<number>`coalesce(sum(${hasProblem("wrong_match")}), 0)`.as("wrongMatch"),
        sql<number>`coalesce(sum(${hasProblem("unmatched")}), 0)`.as("unmatched"),
        sql<number>`coalesce(sum(not ${hasProblem("wrong_match")} and not ${hasProblem("unmatched")}), 0)`.as(
          "other",
        ),
      ])
      .where("state", "=", "needs_review")
      .where("ignored_at", "is", null)
      .executeTakeFirstOrThrow();
    const lastScan = await this.db
      .selectFrom("scan_runs")
      .select(["id", "status", "finished_at", "stats_json"])
      .where("finished_at", "is not", null)
      // A bulk job is not a scan: "last scan" and the per-scan figures leave it out.
      .where("source", "!=", BULK_SOURCE)
      .orderBy("id", "desc")
      .executeTakeFirst();
    // The rule ScanService.start applies: until one scan has succeeded, a scan is a dry run.
    const firstScanPending = !(await new JobStore(this.db).anyScanSucceeded());
    const byState: Record<string, number> = {};
    const libraries: Record<string, Record<string, number>> = {};
    for (const r of byLibrary) {
      const n = Number(r.n);
      byState[r.state] = (byState[r.state] ?? 0) + n;
      const name = r.library ?? "unknown";
      libraries[name] ??= {};
      libraries[name][r.state] = n;
    }
    return {
      items: { total: Object.values(byState).reduce((a, b) => a + b, 0), byState },
      libraries,
      successRate: successRate(byState.fixed ?? 0, byState.failed ?? 0),
      needsReview: {
        wrongMatch: Number(review.wrongMatch),
        unmatched: Number(review.unmatched),
        other: Number(review.other),
      },
      lastScan: lastScan
        ? {
            id: lastScan.id,
            status: lastScan.status,
            finishedAt: lastScan.finished_at,
            stats: readJsonColumn(lastScan.stats_json),
          }
        : null,
      firstScanPending,
    };
  }
}

// ---- statistics over time (the Statistics page) ------------------------------------------

export interface ScanPoint {
  id: number;
  status: string;
  startedAt: number;
  finishedAt: number;
  checked: number;
  fixed: number;
  failed: number;
  wouldFix: number;
  durationMs: number;
}

export interface StatsHistory {
  days: number;
  since: number;
  totals: { scans: number; checked: number; fixed: number; failed: number; wouldFix: number };
  successRate: number | null;
  meanDurationMs: number | null;
  meanChecked: number | null;
  scans: ScanPoint[];
  topProblems: { library: string; problems: { problem: string; count: number }[] }[];
}

/** How many problems each library lists on the page. */
export const TOP_PROBLEMS_PER_LIBRARY = 5;

/** A count from a stats_json object; an old or damaged row counts 0 rather than failing. */
function statCount(stats: unknown, name: string): number {
  if (typeof stats !== "object" || stats === null) return 0;
  const value = (stats as Record<string, unknown>)[name];
  return typeof value === "number" && Number.isFinite(value) && value >= 0 ? value : 0;
}

export async function statsHistory(db: Kysely<Database>, days: number, now: number): Promise<StatsHistory> {
  const since = now - days * 86_400_000;
  // Only scans that ended: a running one has no final figures yet. One query, JSON read in JS:
  // 1,000 small stats objects parse in well under a millisecond.
  const runs = await db
    .selectFrom("scan_runs")
    .select(["id", "status", "started_at", "finished_at", "stats_json"])
    .where("finished_at", "is not", null)
    .where("started_at", "is not", null)
    .where("started_at", ">=", since)
    .where("source", "!=", BULK_SOURCE)
    .orderBy("started_at")
    .orderBy("id")
    .execute();
  // json_each spreads each item's problem list into rows so SQLite does the counting.
  const problemRows = await sql<{ library: string | null; problem: string; n: number }>`
    select i.library as library, p.value as problem, count(*) as n
    from items i, json_each(case when json_valid(i.problems_json) then i.problems_json else '[]' end) p
    where i.ignored_at is null and i.last_checked_at >= ${since} and p.type = 'text'
    group by i.library, p.value
    order by i.library, n desc, p.value`.execute(db);

  const scans: ScanPoint[] = runs.map((r) => {
    const stats = readJsonColumn(r.stats_json);
    const startedAt = r.started_at as number;
    const finishedAt = r.finished_at as number;
    return {
      id: r.id,
      status: r.status,
      startedAt,
      finishedAt,
      checked: statCount(stats, "checked"),
      fixed: statCount(stats, "fixed"),
      failed: statCount(stats, "failed"),
      wouldFix: statCount(stats, "wouldFix"),
      durationMs: Math.max(0, finishedAt - startedAt),
    };
  });
  const totals = { scans: scans.length, checked: 0, fixed: 0, failed: 0, wouldFix: 0 };
  let duration = 0;
  for (const s of scans) {
    totals.checked += s.checked;
    totals.fixed += s.fixed;
    totals.failed += s.failed;
    totals.wouldFix += s.wouldFix;
    duration += s.durationMs;
  }
  const byLibrary = new Map<string, { problem: string; count: number }[]>();
  for (const r of problemRows.rows) {
    const name = r.library ?? "unknown";
    const list = byLibrary.get(name) ?? [];
    if (list.length < TOP_PROBLEMS_PER_LIBRARY) list.push({ problem: r.problem, count: Number(r.n) });
    byLibrary.set(name, list);
  }
  return {
    days,
    since,
    totals,
    successRate: successRate(totals.fixed, totals.failed),
    meanDurationMs: scans.length > 0 ? duration / scans.length : null,
    meanChecked: scans.length > 0 ? totals.checked / scans.length : null,
    scans,
    topProblems: [...byLibrary].map(([library, problems]) => ({ library, problems })),
  };
}
