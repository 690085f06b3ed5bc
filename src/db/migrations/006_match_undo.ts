import type { Kysely } from "kysely";

// Undo of the app's matches: what the item was matched to before the app's last match (JSON
// {guid|null, title, year}; null = the app never matched it), and when a person undid a match,
// after which scans leave the item's match to people.
export async function up(db: Kysely<unknown>): Promise<void> {
  await db.schema.alterTable("items").addColumn("previous_match_json", "text").execute();
  await db.schema.alterTable("items").addColumn("match_undone_at", "integer").execute();
}
