// What the scans found, read back for the API: items paged and filtered, and the counts behind
// /api/stats. The read side of item-store.ts; HTTP only turns these values into JSON.
import type { Kysely, Selectable } from "kysely";
import { readJsonArray, readJsonColumn } from "../db/json-column.js";
import type { Database, ItemsTable } from "../db/schema.js";
import type { ItemState } from "../scan/policy.js";

export interface ItemRecord {
  ratingKey: string;
  library: string | null;
  type: string;
  title: string;
  year: number | null;
  state: ItemState;
  problems: string[];
  note: string | null;
  candidates: Record<string, unknown>[] | null;
  attempts: number;
  lastCheckedAt: number;
  lastFailedAt: number | null;
  fixedAt: number | null;
}

export interface ItemFilter {
  state?: ItemState | undefined;
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
  lastScan: { id: number; status: string; finishedAt: number | null; stats: unknown } | null;
}

export function toItemRecord(r: Selectable<ItemsTable>): ItemRecord {
  return {
    ratingKey: r.rating_key,
    library: r.library,
    type: r.type,
    title: r.title,
    year: r.year,
    state: r.state as ItemState,
    problems: (readJsonArray(r.problems_json) ?? []) as string[],
    note: r.note,
    candidates: readJsonArray(r.candidates_json) as Record<string, unknown>[] | null,
    attempts: r.attempts,
    lastCheckedAt: r.last_checked_at,
    lastFailedAt: r.last_failed_at,
    fixedAt: r.fixed_at,
  };
}

/** Fixed out of attempted; null when nothing has been attempted. Pure. */
export function successRate(fixed: number, failed: number): number | null {
  return fixed + failed > 0 ? fixed / (fixed + failed) : null;
}

export class ResultsView {
  constructor(private readonly db: Kysely<Database>) {}

  async items(filter: ItemFilter): Promise<{ items: ItemRecord[]; total: number }> {
    let query = this.db.selectFrom("items");
    if (filter.state) query = query.where("state", "=", filter.state);
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

  async stats(): Promise<ResultStats> {
    const byLibrary = await this.db
      .selectFrom("items")
      .select(["library", "state", (eb) => eb.fn.countAll<number>().as("n")])
      .groupBy(["library", "state"])
      .execute();
    const lastScan = await this.db
      .selectFrom("scan_runs")
      .select(["id", "status", "finished_at", "stats_json"])
      .where("finished_at", "is not", null)
      .orderBy("id", "desc")
      .executeTakeFirst();
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
      lastScan: lastScan
        ? {
            id: lastScan.id,
            status: lastScan.status,
            finishedAt: lastScan.finished_at,
            stats: readJsonColumn(lastScan.stats_json),
          }
        : null,
    };
  }
}
