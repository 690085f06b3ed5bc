// SQLite implementation of the scan engine's memory: latest state per item plus an append-only
// history of attempts.
import type { Kysely } from "kysely";
import type { Database } from "../db/schema.js";
import type { ItemState, KnownItem } from "../scan/policy.js";
import type { ItemResult, ScanStore } from "../scan/store.js";

/** SQLite's default limit on bound parameters is far above this; keeps statements small. */
const KEY_CHUNK = 500;

export class SqliteScanStore implements ScanStore {
  constructor(
    private readonly db: Kysely<Database>,
    private readonly jobId: number | null,
  ) {}

  async knownStates(ratingKeys: readonly string[]): Promise<Map<string, KnownItem>> {
    const known = new Map<string, KnownItem>();
    for (let i = 0; i < ratingKeys.length; i += KEY_CHUNK) {
      const rows = await this.db
        .selectFrom("items")
        .select(["rating_key", "state", "last_failed_at"])
        .where("rating_key", "in", ratingKeys.slice(i, i + KEY_CHUNK))
        .execute();
      for (const r of rows)
        known.set(r.rating_key, { state: r.state as ItemState, lastFailedAt: r.last_failed_at });
    }
    return known;
  }

  async retryPool(limit: number): Promise<string[]> {
    if (limit <= 0) return [];
    const rows = await this.db
      .selectFrom("items")
      .select("rating_key")
      .where("state", "in", ["failed", "error"])
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
