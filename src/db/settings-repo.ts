// Settings live in the database, one row per key (JSON value). The database is the one source
// of truth; the schema in config/settings.ts validates every value on the way in and out.
import type { Kysely } from "kysely";
import { type ScanSettings, scanSettingsSchema } from "../config/settings.js";
import type { Database } from "./schema.js";

const SCAN_KEYS = Object.keys(scanSettingsSchema.shape) as (keyof ScanSettings)[];

/** The stored scan settings over the defaults. A stored value that no longer validates is dropped. */
export async function loadScanSettings(db: Kysely<Database>): Promise<ScanSettings> {
  const rows = await db
    .selectFrom("settings")
    .select(["key", "value"])
    .where("key", "in", SCAN_KEYS)
    .execute();
  const stored: Record<string, unknown> = {};
  for (const row of rows) {
    try {
      stored[row.key] = JSON.parse(row.value);
    } catch {
      // unreadable value: the default applies
    }
  }
  const parsed = scanSettingsSchema.safeParse(stored);
  if (parsed.success) return parsed.data;
  const bad = new Set(parsed.error.issues.map((i) => String(i.path[0])));
  return scanSettingsSchema.parse(Object.fromEntries(Object.entries(stored).filter(([k]) => !bad.has(k))));
}

/** Validates and stores a partial update in one transaction; invalid input changes nothing. */
export async function saveScanSettings(db: Kysely<Database>, patch: Partial<ScanSettings>, now = Date.now()) {
  const current = await loadScanSettings(db);
  const next = scanSettingsSchema.parse({ ...current, ...patch });
  await db.transaction().execute(async (tx) => {
    for (const key of Object.keys(patch) as (keyof ScanSettings)[]) {
      const value = JSON.stringify(next[key]);
      await tx
        .insertInto("settings")
        .values({ key, value, updated_at: now })
        .onConflict((oc) => oc.column("key").doUpdateSet({ value, updated_at: now }))
        .execute();
    }
  });
  return next;
}
