// SQLite implementation of the scan engine's memory: latest state per item plus an append-only
// history of attempts.
import type Sqlite from "better-sqlite3";
import type { Kysely } from "kysely";
import { sqliteOf } from "../db/connection.js";
import { readJsonColumn } from "../db/json-column.js";
import type { Database } from "../db/schema.js";
import type { ItemState, KnownItem } from "../scan/policy.js";
import type { ItemResult, MatchRef, ScanStore } from "../scan/store.js";

/**
 * The statements a scan runs once per item, prepared once per database handle. A scan over a
 * large library records tens of thousands of results; building a Kysely query object for each
 * was the largest share of the garbage a whole-library dry run made (issue 10 §6).
 */
interface ItemStatements {
  known: Sqlite.Statement<[string], KnownRow>;
  /** The latest state and the history entry, in one transaction. */
  record: (latest: UpsertParams, history: HistoryParams) => void;
}

interface KnownRow {
  rating_key: string;
  state: string;
  last_failed_at: number | null;
  ignored_at: number | null;
  match_undone_at: number | null;
  next_check_at: number | null;
}

interface UpsertParams {
  ratingKey: string;
  sectionId: string | null;
  library: string | null;
  type: string;
  title: string;
  year: number | null;
  parentRatingKey: string | null;
  state: string;
  problems: string;
  note: string;
  reason: string | null;
  candidates: string | null;
  jobId: number | null;
  at: number;
  attempts: 0 | 1;
  failedAt: number | null;
  fixedAt: number | null;
  /** 1 when this result replaces the match (and so sets the two match columns), else 0. */
  setMatch: 0 | 1;
  previousMatch: string | null;
  undoneAt: number | null;
  nextCheckAt: number | null;
}

interface HistoryParams {
  ratingKey: string;
  jobId: number | null;
  source: string | null;
  at: number;
  action: string;
  outcome: string;
  problems: string;
  note: string;
  reason: string | null;
}

const statementsByHandle = new WeakMap<Sqlite.Database, ItemStatements>();

function itemStatements(sqlite: Sqlite.Database): ItemStatements {
  const cached = statementsByHandle.get(sqlite);
  if (cached) return cached;
  // One JSON array parameter instead of a list of placeholders: the same statement for any page.
  const known = sqlite.prepare<[string], KnownRow>(
    `select rating_key, state, last_failed_at, ignored_at, match_undone_at, next_check_at from items
     where rating_key in (select value from json_each(?))`,
  );
  // Counters and first-seen times differ between insert and update: a refresh or match counts
  // an attempt, and the failure/fix times keep their last value unless this result sets them.
  // A match that changed the guid keeps what it replaced; an undo marks the item as decided by
  // a person, and any later match by the app (or by hand) clears that mark again.
  const upsert = sqlite.prepare<[UpsertParams]>(
    `insert into items (rating_key, section_id, library, type, title, year, parent_rating_key, state,
       problems_json, note, reason_json, candidates_json, last_job_id, last_checked_at, attempts,
       last_failed_at, fixed_at, previous_match_json, match_undone_at, next_check_at)
     values (@ratingKey, @sectionId, @library, @type, @title, @year, @parentRatingKey, @state,
       @problems, @note, @reason, @candidates, @jobId, @at, @attempts, @failedAt, @fixedAt, @previousMatch,
       @undoneAt, @nextCheckAt)
     on conflict (rating_key) do update set
       section_id = excluded.section_id, library = excluded.library, type = excluded.type,
       title = excluded.title, year = excluded.year, parent_rating_key = excluded.parent_rating_key,
       state = excluded.state, problems_json = excluded.problems_json, note = excluded.note,
       reason_json = excluded.reason_json, candidates_json = excluded.candidates_json, last_job_id = excluded.last_job_id,
       last_checked_at = excluded.last_checked_at,
       attempts = items.attempts + excluded.attempts,
       last_failed_at = coalesce(excluded.last_failed_at, items.last_failed_at),
       fixed_at = coalesce(excluded.fixed_at, items.fixed_at),
       previous_match_json = iif(@setMatch, excluded.previous_match_json, items.previous_match_json),
       match_undone_at = iif(@setMatch, excluded.match_undone_at, items.match_undone_at),
       next_check_at = excluded.next_check_at`,
  );
  const history = sqlite.prepare<[HistoryParams]>(
    `insert into item_history (rating_key, job_id, source, at, action, outcome, problems_json, note,
       reason_json)
     values (@ratingKey, @jobId, @source, @at, @action, @outcome, @problems, @note, @reason)`,
  );
  const record = sqlite.transaction((latest: UpsertParams, entry: HistoryParams) => {
    upsert.run(latest);
    history.run(entry);
  });
  const statements = { known, record };
  statementsByHandle.set(sqlite, statements);
  return statements;
}

export class SqliteScanStore implements ScanStore {
  private readonly sqlite: Sqlite.Database;

  constructor(
    private readonly db: Kysely<Database>,
    private readonly jobId: number | null,
    /** Where results without a job come from (`watch`), kept in the history (migration 007). */
    private readonly source: string | null = null,
  ) {
    this.sqlite = sqliteOf(db);
  }

  async knownStates(ratingKeys: readonly string[]): Promise<Map<string, KnownItem>> {
    const known = new Map<string, KnownItem>();
    if (ratingKeys.length === 0) return known;
    await this.whenNoTransaction();
    for (const r of itemStatements(this.sqlite).known.iterate(JSON.stringify(ratingKeys)))
      known.set(r.rating_key, {
        state: r.state as ItemState,
        lastFailedAt: r.last_failed_at,
        // The ignore list travels with the known states, so triage sees it for every item.
        ...(r.ignored_at !== null ? { ignored: true } : {}),
        ...(r.match_undone_at !== null ? { matchUndone: true } : {}),
        ...(r.state === "waiting" ? { nextCheckAt: r.next_check_at } : {}),
      });
    return known;
  }

  async retryPool(limit: number): Promise<string[]> {
    if (limit <= 0) return [];
    const rows = await this.db
      .selectFrom("items")
      .select("rating_key")
      .where("state", "in", ["failed", "error"])
      .where("ignored_at", "is", null)
      .orderBy("last_checked_at", "desc")
      .limit(limit)
      .execute();
    return rows.map((r) => r.rating_key);
  }

  async record(r: ItemResult): Promise<void> {
    const problems = JSON.stringify(r.problems);
    const reason = r.reason ? JSON.stringify(r.reason) : null;
    const latest: UpsertParams = {
      ratingKey: r.ratingKey,
      sectionId: r.sectionId,
      library: r.library,
      type: r.type,
      title: r.title,
      year: r.year,
      parentRatingKey: r.parentRatingKey,
      state: r.state,
      problems,
      note: r.note,
      reason,
      candidates: r.candidates ? JSON.stringify(r.candidates) : null,
      jobId: this.jobId,
      at: r.at,
      attempts: r.action === "refresh" || r.action === "match" ? 1 : 0,
      failedAt: r.state === "failed" ? r.at : null,
      fixedAt: r.state === "fixed" ? r.at : null,
      setMatch: r.matchedFrom ? 1 : 0,
      previousMatch: r.matchedFrom ? JSON.stringify(r.matchedFrom) : null,
      undoneAt: r.matchedFrom && r.undone ? r.at : null,
      // Only a placeholder left waiting has a scheduled check; any other result ends it.
      nextCheckAt: r.state === "waiting" ? (r.nextCheckAt ?? null) : null,
    };
    const entry: HistoryParams = {
      ratingKey: r.ratingKey,
      jobId: this.jobId,
      source: this.source,
      at: r.at,
      action: r.action,
      outcome: r.state,
      problems,
      note: r.note,
      reason,
    };
    await this.whenNoTransaction();
    itemStatements(this.sqlite).record(latest, entry);
  }

  /**
   * The statements run synchronously, so nothing can interleave with them; but a Kysely
   * transaction elsewhere (an ignore from the web UI) may be open across an await, and a write
   * made now would join it and share its fate. Then wait for Kysely's connection, which that
   * transaction holds until it ends. `inTransaction` is false again once we have it.
   */
  private async whenNoTransaction(): Promise<void> {
    while (this.sqlite.inTransaction) await this.db.connection().execute(async () => undefined);
  }
}

/**
 * Sets an item aside (reason may be null) or takes it back (`ignore` null). Scans read the
 * flag through knownStates and never overwrite it. The change is kept in the item's history.
 * Resolves false when no scan has recorded the item.
 */
export async function setIgnored(
  db: Kysely<Database>,
  ratingKey: string,
  ignore: { reason: string | null } | null,
  at: number,
  /** The bulk job that made the change, so the item's history links to it. */
  jobId: number | null = null,
): Promise<boolean> {
  return db.transaction().execute(async (tx) => {
    const row = await tx
      .selectFrom("items")
      .select(["state", "problems_json", "ignored_at"])
      .where("rating_key", "=", ratingKey)
      .executeTakeFirst();
    if (!row) return false;
    await tx
      .updateTable("items")
      .set(
        ignore
          ? { ignored_at: row.ignored_at ?? at, ignore_reason: ignore.reason }
          : { ignored_at: null, ignore_reason: null },
      )
      .where("rating_key", "=", ratingKey)
      .execute();
    await tx
      .insertInto("item_history")
      .values({
        rating_key: ratingKey,
        job_id: jobId,
        at,
        action: ignore ? "ignore" : "unignore",
        outcome: ignore ? "ignored" : row.state,
        problems_json: row.problems_json,
        note: ignore?.reason ?? null,
      })
      .execute();
    return true;
  });
}

/**
 * What the app's last match of an item replaced: null when the app never matched it, undefined
 * when no scan or action has recorded the item at all.
 */
export async function previousMatch(
  db: Kysely<Database>,
  ratingKey: string,
): Promise<MatchRef | null | undefined> {
  const row = await db
    .selectFrom("items")
    .select("previous_match_json")
    .where("rating_key", "=", ratingKey)
    .executeTakeFirst();
  if (!row) return undefined;
  return row.previous_match_json ? parseMatchRef(row.previous_match_json) : null;
}

/** Lenient: a row that does not hold a usable reference counts as none. */
function parseMatchRef(json: string): MatchRef | null {
  const v = readJsonColumn(json) as Partial<MatchRef> | null;
  if (!v || typeof v !== "object" || typeof v.title !== "string") return null;
  if (v.guid !== null && typeof v.guid !== "string") return null;
  return { guid: v.guid ?? null, title: v.title, year: typeof v.year === "number" ? v.year : null };
}
