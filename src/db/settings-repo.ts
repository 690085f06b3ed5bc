// Settings live in the database, one row per top-level key (JSON value). The database is the
// one source of truth; the schema in config/settings.ts validates every value on the way in
// and out, and a partial update rewrites only the keys it names.
import type { Kysely } from "kysely";
import { type AppSettings, appSettingsSchema, SETTINGS_KEYS } from "../config/settings.js";
import { codedIssue, type ValidationIssue } from "../contracts/validation.js";
import { FORBIDDEN_IN_SETTINGS } from "../log-text.js";
import { issuesFromZod } from "../validation-issues.js";
import { readJsonColumn } from "./json-column.js";
import type { Database } from "./schema.js";

/** Refused settings: each issue a code with params (contracts/validation), named by its dotted field. */
export class SettingsValidationError extends Error {
  constructor(readonly issues: ValidationIssue[]) {
    super(issues.map((i) => `${i.field}: ${i.message}`).join("; "));
    this.name = "SettingsValidationError";
  }
}

/** The paths of strings (values or keys) in `value` that hold characters no setting may contain. */
function forbiddenText(value: unknown, path: string): string[] {
  if (typeof value === "string") return FORBIDDEN_IN_SETTINGS.test(value) ? [path || "settings"] : [];
  if (value === null || typeof value !== "object") return [];
  return Object.entries(value).flatMap(([key, v]) => {
    const at = path === "" ? key : `${path}.${key}`;
    return FORBIDDEN_IN_SETTINGS.test(key) ? [at] : forbiddenText(v, at);
  });
}

async function readStored(db: Kysely<Database>): Promise<Record<string, unknown>> {
  const rows = await db
    .selectFrom("settings")
    .select(["key", "value"])
    .where("key", "in", SETTINGS_KEYS)
    .execute();
  const stored: Record<string, unknown> = {};
  for (const row of rows) {
    // An unreadable value is left out, so its default applies.
    const value = readJsonColumn(row.value);
    if (value !== null) stored[row.key] = value;
  }
  return stored;
}

/** The stored settings over the defaults. A stored value that no longer validates is dropped. */
export async function loadSettings(db: Kysely<Database>): Promise<AppSettings> {
  const stored = await readStored(db);
  const parsed = appSettingsSchema.safeParse(stored);
  if (parsed.success) return parsed.data;
  const bad = new Set(parsed.error.issues.map((i) => String(i.path[0])));
  return appSettingsSchema.parse(Object.fromEntries(Object.entries(stored).filter(([k]) => !bad.has(k))));
}

/** Validates and stores a partial update in one transaction; invalid input changes nothing. */
export async function saveSettings(
  db: Kysely<Database>,
  patch: Record<string, unknown>,
  now = Date.now(),
): Promise<AppSettings> {
  const current = await loadSettings(db);
  const unknown = Object.keys(patch).filter((k) => !SETTINGS_KEYS.includes(k as keyof AppSettings));
  if (unknown.length > 0) {
    throw new SettingsValidationError(unknown.map((k) => codedIssue(k, "unknown_setting")));
  }
  const controls = forbiddenText(patch, "");
  if (controls.length > 0) {
    throw new SettingsValidationError(controls.map((path) => codedIssue(path, "control_characters")));
  }
  // Nested objects (schedule) merge with their current value, so a client can send one field.
  const merged: Record<string, unknown> = { ...current };
  for (const [key, value] of Object.entries(patch)) {
    const old = (current as Record<string, unknown>)[key];
    merged[key] =
      value && typeof value === "object" && !Array.isArray(value) && old && typeof old === "object"
        ? { ...old, ...value }
        : value;
  }
  const parsed = appSettingsSchema.safeParse(merged);
  if (!parsed.success) {
    throw new SettingsValidationError(issuesFromZod(parsed.error, [], "settings"));
  }
  const next = parsed.data;
  await db.transaction().execute(async (tx) => {
    for (const key of Object.keys(patch) as (keyof AppSettings)[]) {
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

/** Internal state (not user settings) kept in the same table under a "state:" key. */
export async function readState<T>(db: Kysely<Database>, key: string): Promise<T | undefined> {
  const row = await db
    .selectFrom("settings")
    .select("value")
    .where("key", "=", `state:${key}`)
    .executeTakeFirst();
  return (readJsonColumn(row?.value) ?? undefined) as T | undefined;
}

export async function writeState(
  db: Kysely<Database>,
  key: string,
  value: unknown,
  now = Date.now(),
): Promise<void> {
  const text = JSON.stringify(value);
  await db
    .insertInto("settings")
    .values({ key: `state:${key}`, value: text, updated_at: now })
    .onConflict((oc) => oc.column("key").doUpdateSet({ value: text, updated_at: now }))
    .execute();
}

/** Loading and saving settings, bound to one database: what the HTTP layer is given. */
export interface SettingsAccess {
  load(): Promise<AppSettings>;
  save(patch: Record<string, unknown>): Promise<AppSettings>;
}

export function settingsAccess(db: Kysely<Database>): SettingsAccess {
  return { load: () => loadSettings(db), save: (patch) => saveSettings(db, patch) };
}
