import { type Kysely, sql } from "kysely";

// Settings are one row per key with a JSON value, so a partial update never rewrites the
// whole blob (the original kept settings in three separate files).
export async function up(db: Kysely<unknown>): Promise<void> {
  await db.schema
    .createTable("settings")
    .addColumn("key", "text", (c) => c.primaryKey())
    .addColumn("value", "text", (c) => c.notNull())
    .addColumn("updated_at", "integer", (c) => c.notNull().defaultTo(sql`(unixepoch() * 1000)`))
    .execute();
}

export async function down(db: Kysely<unknown>): Promise<void> {
  await db.schema.dropTable("settings").execute();
}
