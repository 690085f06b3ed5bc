import type { Kysely } from "kysely";

// Where an attempt came from when it belongs to no job: `watch` for watch mode's checks, so
// the item history can tell a repair right after Plex added the item from a scan's.
export async function up(db: Kysely<unknown>): Promise<void> {
  await db.schema.alterTable("item_history").addColumn("source", "text").execute();
}
