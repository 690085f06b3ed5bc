import { type Kysely, sql } from "kysely";

// Login: one user, server-side sessions (only a hash of the session id is stored), login
// attempts for the lock-out (persisted so a restart does not reset it), and API keys.
export async function up(db: Kysely<unknown>): Promise<void> {
  await db.schema
    .createTable("auth_user")
    .addColumn("id", "integer", (c) => c.primaryKey().check(sql`id = 1`)) // a single user
    .addColumn("username", "text", (c) => c.notNull())
    .addColumn("password_hash", "text", (c) => c.notNull())
    .addColumn("changed_at", "integer", (c) => c.notNull())
    .execute();
  await db.schema
    .createTable("sessions")
    .addColumn("id_hash", "text", (c) => c.primaryKey())
    .addColumn("csrf_token", "text", (c) => c.notNull())
    .addColumn("created_at", "integer", (c) => c.notNull())
    .addColumn("last_seen_at", "integer", (c) => c.notNull())
    .addColumn("expires_at", "integer", (c) => c.notNull())
    .addColumn("user_agent", "text")
    .addColumn("ip", "text")
    .execute();
  await db.schema.createIndex("sessions_expires_at").on("sessions").column("expires_at").execute();
  await db.schema
    .createTable("login_attempts")
    .addColumn("id", "integer", (c) => c.primaryKey().autoIncrement())
    .addColumn("key", "text", (c) => c.notNull())
    .addColumn("at", "integer", (c) => c.notNull())
    .execute();
  await db.schema.createIndex("login_attempts_key_at").on("login_attempts").columns(["key", "at"]).execute();
  await db.schema
    .createTable("api_keys")
    .addColumn("id", "integer", (c) => c.primaryKey().autoIncrement())
    .addColumn("name", "text", (c) => c.notNull())
    .addColumn("key_hash", "text", (c) => c.notNull().unique())
    .addColumn("prefix", "text", (c) => c.notNull())
    .addColumn("created_at", "integer", (c) => c.notNull())
    .addColumn("last_used_at", "integer")
    .addColumn("revoked_at", "integer")
    .execute();
}

export async function down(db: Kysely<unknown>): Promise<void> {
  await db.schema.dropTable("api_keys").execute();
  await db.schema.dropTable("login_attempts").execute();
  await db.schema.dropTable("sessions").execute();
  await db.schema.dropTable("auth_user").execute();
}
