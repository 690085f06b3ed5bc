import type { Kysely } from "kysely";

// Items set aside by hand. Kept apart from `state` (which scans keep writing) so that unignoring
// restores whatever the scans last found, and so that no scan result can clear an ignore.
export async function up(db: Kysely<unknown>): Promise<void> {
  await db.schema.alterTable("items").addColumn("ignored_at", "integer").execute();
  await db.schema.alterTable("items").addColumn("ignore_reason", "text").execute();
  await db.schema.createIndex("items_ignored_at").on("items").column("ignored_at").execute();
}
