import type { Kysely } from "kysely";

// Why an item ended as it did, as {code, params} JSON the SPA translates. Rows written before
// keep a null here and show their stored English note.
export async function up(db: Kysely<unknown>): Promise<void> {
  await db.schema.alterTable("items").addColumn("reason_json", "text").execute();
  await db.schema.alterTable("item_history").addColumn("reason_json", "text").execute();
}
