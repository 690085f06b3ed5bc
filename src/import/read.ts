// Reads the original's data directory: settings.json (parsed JSON) and refresh_state.db (opened
// read-only, never changed, read within the limits of db-guard.ts). Everything unreadable
// becomes an ImportInputError naming the file.
import { existsSync, readFileSync, rmSync, statSync } from "node:fs";
import { join, resolve } from "node:path";
import Sqlite from "better-sqlite3";
import type { ImportRefusal } from "../contracts/import.js";
import { OverBudget, ReadBudget, readRows, schemaProblem } from "./db-guard.js";
import { ImportInputError } from "./errors.js";
import {
  type ColumnSpec,
  MEDIA_STATE_COLUMNS,
  type Row,
  resolveColumns,
  SCAN_RUNS_COLUMNS,
} from "./mapping.js";

export const SETTINGS_FILE = "settings.json";
export const STATE_DB_FILE = "refresh_state.db";
export const MEDIA_STATE_TABLE = "media_state";
export const SCAN_RUNS_TABLE = "scan_runs";

export interface LegacyTable {
  name: string;
  columns: string[];
  /** Only the columns the importer maps (see mapping.ts), within READ_LIMITS. */
  rows: Row[];
}

export interface LegacyData {
  dir: string;
  settings: { path: string; value: unknown } | null;
  db: {
    path: string;
    /** Stable across runs (a read-only open does not touch it): the fallback time for rows without one. */
    mtimeMs: number;
    mediaState: LegacyTable;
    /** Absent in versions of the original before background jobs. */
    scanRuns: LegacyTable | null;
  } | null;
}

export function readLegacyDir(dirArg: string): LegacyData {
  const dir = resolve(dirArg);
  if (!existsSync(dir) || !statSync(dir).isDirectory()) {
    throw new ImportInputError(dir, [{ field: null, message: "not a directory" }], "no_files");
  }
  const settingsPath = join(dir, SETTINGS_FILE);
  const dbPath = join(dir, STATE_DB_FILE);
  const hasSettings = existsSync(settingsPath);
  const hasDb = existsSync(dbPath);
  if (!hasSettings && !hasDb) {
    throw new ImportInputError(
      dir,
      [
        {
          field: null,
          message: `neither ${SETTINGS_FILE} nor ${STATE_DB_FILE} found; point psr import at the original's folder (e.g. /opt/plex_gui)`,
        },
      ],
      "no_files",
    );
  }
  return {
    dir,
    settings: hasSettings ? { path: settingsPath, value: readSettingsJson(settingsPath) } : null,
    db: hasDb ? readStateDb(dbPath) : null,
  };
}

export function readSettingsJson(path: string): unknown {
  let raw: string;
  try {
    raw = readFileSync(path, "utf8");
  } catch (error) {
    throw new ImportInputError(
      path,
      [{ field: null, message: `cannot read: ${(error as Error).message}` }],
      "damaged",
    );
  }
  const body = raw.replace(/^\uFEFF/, "");
  let value: unknown;
  try {
    value = JSON.parse(body);
  } catch (error) {
    const message = (error as Error).message;
    const at = /at position (\d+)/.exec(message);
    const before = at ? body.slice(0, Number(at[1])).split("\n") : [];
    const where = at ? ` (line ${before.length}, column ${(before.at(-1)?.length ?? 0) + 1})` : "";
    throw new ImportInputError(
      path,
      [{ field: null, message: `invalid JSON: ${message}${where}` }],
      "not_json",
    );
  }
  // Validation and messages walk the value recursively: a deeply nested file would overflow the stack.
  if (nestedDeeperThan(value, MAX_SETTINGS_DEPTH))
    throw new ImportInputError(
      path,
      [{ field: null, message: `nested more than ${MAX_SETTINGS_DEPTH} levels deep` }],
      "invalid_settings",
    );
  return value;
}

/** The original's settings are at most three levels deep. */
const MAX_SETTINGS_DEPTH = 32;

/** Whether arrays and objects in `value` nest deeper than `limit`; walks without recursion. */
function nestedDeeperThan(value: unknown, limit: number): boolean {
  const stack: [unknown, number][] = [[value, 0]];
  for (let next = stack.pop(); next; next = stack.pop()) {
    const [v, depth] = next;
    if (v === null || typeof v !== "object") continue;
    if (depth >= limit) return true;
    for (const child of Object.values(v)) stack.push([child, depth + 1]);
  }
  return false;
}

function findTable(tables: string[], name: string): string | undefined {
  return tables.find((t) => t.toLowerCase() === name);
}

/** The table's column names, and its rows with only the columns the importer maps. */
function readTable(sqlite: Sqlite.Database, name: string, spec: ColumnSpec, budget: ReadBudget): LegacyTable {
  const columns = (sqlite.pragma(`table_info("${name.replaceAll('"', '""')}")`) as { name: string }[]).map(
    (c) => c.name,
  );
  const used = [...new Set(Object.values(resolveColumns(columns, spec)).flat())];
  return { name, columns, rows: readRows(sqlite, name, used, budget) };
}

/** SQLite's error codes for a file that is SQLite but broken, rather than not SQLite at all. */
const DAMAGED_CODES = new Set(["SQLITE_CORRUPT", "SQLITE_CORRUPT_INDEX", "SQLITE_CORRUPT_SEQUENCE"]);

export function readStateDb(path: string): NonNullable<LegacyData["db"]> {
  const fail = (message: string, reason: ImportRefusal, field: string | null = null) =>
    new ImportInputError(path, [{ field, message }], reason);
  // The original runs SQLite in WAL mode; even a read-only connection then creates -wal and -shm
  // beside the file. Those that did not exist before (so no other connection was open) are
  // removed again afterwards, leaving the original's folder as it was.
  const sidecars = [`${path}-wal`, `${path}-shm`].filter((p) => !existsSync(p));
  let sqlite: Sqlite.Database | undefined;
  try {
    sqlite = new Sqlite(path, { readonly: true, fileMustExist: true });
    // The file may come from an upload: functions in its schema (views, triggers) are not run.
    sqlite.pragma("trusted_schema = OFF");
    // Before anything evaluates the file's schema (quick_check computes generated columns).
    // A file that is not SQLite at all fails here ("file is not a database").
    const unsafe = schemaProblem(sqlite);
    if (unsafe) throw fail(unsafe, "unsupported_schema");
    // A damaged page that the read below would never touch (an index) is found here.
    const check = sqlite.pragma("quick_check(1)", { simple: true });
    if (check !== "ok") throw fail(`the database is damaged (quick_check: ${String(check)})`, "damaged");
    const tables = (
      sqlite.prepare("select name from sqlite_schema where type = 'table'").all() as { name: string }[]
    ).map((t) => t.name);
    const media = findTable(tables, MEDIA_STATE_TABLE);
    if (!media) {
      throw fail(
        `table not found; is this the original's ${STATE_DB_FILE}? (tables: ${tables.join(", ") || "none"})`,
        "wrong_tables",
        MEDIA_STATE_TABLE,
      );
    }
    const runs = findTable(tables, SCAN_RUNS_TABLE);
    const budget = new ReadBudget();
    return {
      path,
      mtimeMs: Math.round(statSync(path).mtimeMs),
      mediaState: readTable(sqlite, media, MEDIA_STATE_COLUMNS, budget),
      scanRuns: runs ? readTable(sqlite, runs, SCAN_RUNS_COLUMNS, budget) : null,
    };
  } catch (error) {
    if (error instanceof ImportInputError) throw error;
    if (error instanceof OverBudget) throw fail(error.message, "too_much_data");
    const message = `cannot read the SQLite database: ${(error as Error).message}`;
    const code = (error as { code?: unknown }).code;
    throw fail(message, typeof code === "string" && DAMAGED_CODES.has(code) ? "damaged" : "not_sqlite");
  } finally {
    sqlite?.close();
    removeEmptySidecars(sidecars);
  }
}

function removeEmptySidecars(paths: string[]): void {
  const wal = paths.find((p) => p.endsWith("-wal"));
  // A -wal with content holds data: never delete it (a read-only connection never writes one).
  if (wal && existsSync(wal) && statSync(wal).size > 0) return;
  for (const p of paths) rmSync(p, { force: true });
}
