import type { Kysely } from "kysely";

// A placeholder episode waiting for upstream data: when its air-date schedule checks it next
// (epoch ms); null when no check is scheduled or the item is not waiting (issue 22 §2).
export async function up(db: Kysely<unknown>): Promise<void> {
  await db.schema.alterTable("items").addColumn("next_check_at", "integer").execute();
}
