// SQLite implementation of the scan engine's memory: latest state per item plus an append-only
// history of attempts.
import type { Kysely } from "kysely";
import { readJsonColumn } from "../db/json-column.js";
import type { Database } from "../db/schema.js";
import type { ItemState, KnownItem } from "../scan/policy.js";
import type { ItemResult, MatchRef, ScanStore } from "../scan/store.js";

/** SQLite's default limit on bound parameters is far above this; keeps statements small. */
const KEY_CHUNK = 500;

export class SqliteScanStore implements ScanStore {
  constructor(
    private readonly db: Kysely<Database>,
    private readonly jobId: number | null,
    /** Where results without a job come from (`watch`), kept in the history (migration 007). */
    private readonly source: string | null = null,
  ) {}

  async knownStates(ratingKeys: readonly string[]): Promise<Map<string, KnownItem>> {
    const known = new Map<string, KnownItem>();
    for (let i = 0; i < ratingKeys.length; i += KEY_CHUNK) {
      const rows = await this.db
        .selectFrom("items")
        .select(["rating_key", "state", "last_failed_at", "ignored_at", "match_undone_at"])
        .where("rating_key", "in", ratingKeys.slice(i, i + KEY_CHUNK))
        .execute();
      for (const r of rows)
        known.set(r.rating_key, {
          state: r.state as ItemState,
          lastFailedAt: r.last_failed_at,
          // The ignore list travels with the known states, so triage sees it for every item.
          ...(r.ignored_at !== null ? { ignored: true } : {}),
          ...(r.match_undone_at !== null ? { matchUndone: true } : {}),
        });
    }
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
    const attempted = r.action === "refresh" || r.action === "match";
    // Fields every write sets; the counters and first-seen times differ between insert and update.
    const latest = {
      section_id: r.sectionId,
      library: r.library,
      type: r.type,
      title: r.title,
      year: r.year,
      parent_rating_key: r.parentRatingKey,
      state: r.state,
      problems_json: JSON.stringify(r.problems),
      note: r.note,
      candidates_json: r.candidates ? JSON.stringify(r.candidates) : null,
      last_job_id: this.jobId,
      last_checked_at: r.at,
      // A match that changed the guid keeps what it replaced; an undo marks the item as decided
      // by a person, and any later match by the app (or by hand) clears that mark again.
      ...(r.matchedFrom
        ? { previous_match_json: JSON.stringify(r.matchedFrom), match_undone_at: r.undone ? r.at : null }
        : {}),
    };
    await this.db.transaction().execute(async (tx) => {
      await tx
        .insertInto("items")
        .values({
          ...latest,
          rating_key: r.ratingKey,
          attempts: attempted ? 1 : 0,
          last_failed_at: r.state === "failed" ? r.at : null,
          fixed_at: r.state === "fixed" ? r.at : null,
        })
        .onConflict((oc) =>
          oc.column("rating_key").doUpdateSet((eb) => ({
            ...latest,
            attempts: attempted ? eb("items.attempts", "+", 1) : eb.ref("items.attempts"),
            last_failed_at: r.state === "failed" ? r.at : eb.ref("items.last_failed_at"),
            fixed_at: r.state === "fixed" ? r.at : eb.ref("items.fixed_at"),
          })),
        )
        .execute();
      await tx
        .insertInto("item_history")
        .values({
          rating_key: r.ratingKey,
          job_id: this.jobId,
          source: this.source,
          at: r.at,
          action: r.action,
          outcome: r.state,
          problems_json: latest.problems_json,
          note: r.note,
        })
        .execute();
    });
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
