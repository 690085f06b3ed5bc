// Reads the original's data directory: settings.json (parsed JSON) and refresh_state.db (opened
// read-only, never changed). Everything unreadable becomes an ImportInputError naming the file.
import { existsSync, readFileSync, rmSync, statSync } from "node:fs";
import { join, resolve } from "node:path";
import Sqlite from "better-sqlite3";
import type { ImportRefusal } from "../contracts/import.js";
import { ImportInputError } from "./errors.js";
import type { Row } from "./mapping.js";

export const SETTINGS_FILE = "settings.json";
export const STATE_DB_FILE = "refresh_state.db";
export const MEDIA_STATE_TABLE = "media_state";
export const SCAN_RUNS_TABLE = "scan_runs";

export interface LegacyTable {
  name: string;
  columns: string[];
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
  try {
    return JSON.parse(body);
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
}

function findTable(tables: string[], name: string): string | undefined {
  return tables.find((t) => t.toLowerCase() === name);
}

function readTable(sqlite: Sqlite.Database, name: string): LegacyTable {
  const quoted = `"${name.replaceAll('"', '""')}"`;
  const columns = (sqlite.pragma(`table_info(${quoted})`) as { name: string }[]).map((c) => c.name);
  const rows = sqlite.prepare(`select * from ${quoted}`).all() as Row[];
  return { name, columns, rows };
}

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
    // A file that is not SQLite at all fails here ("file is not a database"); a damaged one in the check.
    const check = sqlite.pragma("quick_check", { simple: true });
    if (check !== "ok") throw fail(`the database is damaged (quick_check: ${String(check)})`, "damaged");
    const tables = (
      sqlite.prepare("select name from sqlite_master where type = 'table'").all() as { name: string }[]
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
    return {
      path,
      mtimeMs: Math.round(statSync(path).mtimeMs),
      mediaState: readTable(sqlite, media),
      scanRuns: runs ? readTable(sqlite, runs) : null,
    };
  } catch (error) {
    if (error instanceof ImportInputError) throw error;
    throw fail(`cannot read the SQLite database: ${(error as Error).message}`, "not_sqlite");
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
