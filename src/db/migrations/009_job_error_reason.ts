import type { Kysely } from "kysely";

// Why a job failed or was interrupted, as {code, params} JSON the SPA translates. The English
// `error` stays for logs, the CLI and API clients; jobs recorded before keep a null here.
export async function up(db: Kysely<unknown>): Promise<void> {
  await db.schema.alterTable("scan_runs").addColumn("error_reason_json", "text").execute();
}
