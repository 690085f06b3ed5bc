import { type Kysely, sql } from "kysely";

export async function up(db: Kysely<unknown>): Promise<void> {
  await db.schema
    .createTable("scan_runs")
    .addColumn("id", "integer", (c) => c.primaryKey().autoIncrement())
    .addColumn("status", "text", (c) =>
      c.notNull().check(sql`status in ('queued','running','success','failed','cancelled','interrupted')`),
    )
    .addColumn("source", "text", (c) => c.notNull())
    .addColumn("settings_json", "text", (c) => c.notNull().defaultTo("{}"))
    .addColumn("stats_json", "text")
    .addColumn("progress_json", "text")
    .addColumn("error", "text")
    .addColumn("cancel_requested", "integer", (c) => c.notNull().defaultTo(0))
    .addColumn("pid", "integer")
    .addColumn("heartbeat_at", "integer")
    .addColumn("log_path", "text")
    .addColumn("created_at", "integer", (c) => c.notNull())
    .addColumn("started_at", "integer")
    .addColumn("finished_at", "integer")
    .execute();
  // The database itself guarantees one scan at a time, across processes (server and CLI).
  await sql`create unique index scan_runs_one_active on scan_runs ((1)) where status in ('queued','running')`.execute(
    db,
  );
  await db.schema.createIndex("scan_runs_created_at").on("scan_runs").column("created_at").execute();

  // Latest known state per Plex item.
  await db.schema
    .createTable("items")
    .addColumn("rating_key", "text", (c) => c.primaryKey())
    .addColumn("section_id", "text")
    .addColumn("library", "text")
    .addColumn("type", "text", (c) => c.notNull())
    .addColumn("title", "text", (c) => c.notNull())
    .addColumn("year", "integer")
    .addColumn("parent_rating_key", "text")
    .addColumn("state", "text", (c) => c.notNull())
    .addColumn("problems_json", "text", (c) => c.notNull().defaultTo("[]"))
    .addColumn("note", "text")
    .addColumn("candidates_json", "text")
    .addColumn("attempts", "integer", (c) => c.notNull().defaultTo(0))
    .addColumn("last_job_id", "integer", (c) => c.references("scan_runs.id").onDelete("set null"))
    .addColumn("last_checked_at", "integer", (c) => c.notNull())
    .addColumn("last_failed_at", "integer")
    .addColumn("fixed_at", "integer")
    .execute();
  await db.schema.createIndex("items_state").on("items").columns(["state", "last_checked_at"]).execute();
  await db.schema.createIndex("items_library").on("items").column("library").execute();

  // Append-only history of attempts; retention keeps it bounded.
  await db.schema
    .createTable("item_history")
    .addColumn("id", "integer", (c) => c.primaryKey().autoIncrement())
    .addColumn("rating_key", "text", (c) => c.notNull())
    .addColumn("job_id", "integer", (c) => c.references("scan_runs.id").onDelete("set null"))
    .addColumn("at", "integer", (c) => c.notNull())
    .addColumn("action", "text", (c) => c.notNull())
    .addColumn("outcome", "text", (c) => c.notNull())
    .addColumn("problems_json", "text", (c) => c.notNull().defaultTo("[]"))
    .addColumn("note", "text")
    .execute();
  await db.schema
    .createIndex("item_history_rating_key")
    .on("item_history")
    .columns(["rating_key", "at"])
    .execute();
  await db.schema.createIndex("item_history_at").on("item_history").column("at").execute();
}

export async function down(db: Kysely<unknown>): Promise<void> {
  await db.schema.dropTable("item_history").execute();
  await db.schema.dropTable("items").execute();
  await db.schema.dropTable("scan_runs").execute();
}
