// A data folder of the Python original, as its code writes it (xxEmc2xx/plex-smart-refresher:
// logic.py init_db/save_result/save_settings, jobs.py create_scan_job/set_job_status).
import { closeSync, openSync, writeFileSync, writeSync } from "node:fs";
import { join } from "node:path";
import Sqlite from "better-sqlite3";

export const ORIGINAL_SETTINGS = {
  libraries: ["Filme", "Serien"],
  days: 14,
  max_items: 200,
  dry_run: false,
  schedule_active: true,
  schedule_time: "04:30",
  refresh_wait_total_seconds: 20,
  refresh_wait_interval_seconds: 4,
  failed_retry_pool_limit: 25,
  failed_backoff_hours: 12,
  theme: "dark",
};

/** media_state rows: rating_key, library, title, updated_at, state, note, last_scan (naive local ISO). */
export const ORIGINAL_ITEMS: [string, string, string, string, string, string, string][] = [
  ["1001", "Filme", "Das Boot", "2025-12-20T04:01:13", "fixed", "Gefixt nach 8s", "2025-12-20T04:01:13"],
  ["1002", "Filme", "Metropolis", "2025-12-20T04:02:40", "failed", "Timeout (20s)", "2025-12-20T04:02:40"],
  ["1003", "Filme", "Nosferatu", "2025-12-19T04:00:55", "dry_run", "Simulation", "2025-12-19T04:00:55"],
  ["2001", "Serien", "Dark", "2025-12-20T04:03:02", "fixed", "Gefixt nach 4s", "2025-12-20T04:03:02"],
  [
    "2002",
    "Serien",
    "Babylon Berlin",
    "2025-12-20T04:03:30",
    "failed",
    "API Fehler: 500",
    "2025-12-20T04:03:30",
  ],
  [
    "2003",
    "Serien",
    "ERROR_ITEM",
    "2025-12-20T04:03:31",
    "failed",
    "'NoneType' object",
    "2025-12-20T04:03:31",
  ],
  ["2004", "Serien", "Tatort", "2025-12-18T04:00:10", "mystery", "?", "2025-12-18T04:00:10"],
];

/** scan_runs rows: job_id, status, started_at, finished_at, stats_json, log_path, error, cancel_requested. */
export const ORIGINAL_RUNS: [
  string,
  string,
  string,
  string | null,
  string | null,
  string,
  string | null,
  number,
][] = [
  [
    "a1b2c3d4e5f60718293a4b5c6d7e8f90",
    "success",
    "2025-12-20T03:00:00+00:00",
    "2025-12-20T03:04:00+00:00",
    JSON.stringify({ checked: 120, fixed: 2, would_fix: 0, failed: 3 }),
    "/opt/plex_gui/logs/scan_a1b2c3d4e5f60718293a4b5c6d7e8f90.log",
    null,
    0,
  ],
  [
    "0f1e2d3c4b5a69788796a5b4c3d2e1f0",
    "cancelled",
    "2025-12-19T03:00:00+00:00",
    "2025-12-19T03:01:00+00:00",
    JSON.stringify({ checked: 40, fixed: 0, would_fix: 1, failed: 0, success_rate: 0 }),
    "/opt/plex_gui/logs/scan_0f1e2d3c4b5a69788796a5b4c3d2e1f0.log",
    "cancelled",
    1,
  ],
  [
    "11112222333344445555666677778888",
    "failed",
    "2025-12-18T03:00:00+00:00",
    "2025-12-18T03:00:05+00:00",
    null,
    "/opt/plex_gui/logs/scan_11112222333344445555666677778888.log",
    "Verbindungsfehler",
    0,
  ],
  [
    "99990000aaaabbbbccccddddeeeeffff",
    "running",
    "2025-12-21T03:00:00+00:00",
    null,
    null,
    "/opt/plex_gui/logs/scan_99990000aaaabbbbccccddddeeeeffff.log",
    null,
    0,
  ],
  [
    "deadbeefdeadbeefdeadbeefdeadbeef",
    "exploded",
    "2025-12-17T03:00:00+00:00",
    null,
    null,
    "/opt/plex_gui/logs/x.log",
    null,
    0,
  ],
];

export function writeOriginalSettings(dir: string, settings: unknown = ORIGINAL_SETTINGS): void {
  // Python's json.dump(settings, f, indent=4)
  writeFileSync(join(dir, "settings.json"), JSON.stringify(settings, null, 4));
}

export function writeOriginalDb(
  dir: string,
  options: { items?: typeof ORIGINAL_ITEMS; runs?: typeof ORIGINAL_RUNS | null } = {},
): string {
  const path = join(dir, "refresh_state.db");
  const db = new Sqlite(path);
  try {
    db.pragma("journal_mode = WAL");
    db.exec(`
      CREATE TABLE IF NOT EXISTS media_state(
        rating_key TEXT PRIMARY KEY,
        library TEXT,
        title TEXT,
        updated_at TEXT,
        state TEXT,
        note TEXT,
        last_scan TEXT
      )`);
    const insert = db.prepare(
      "INSERT INTO media_state(rating_key, library, title, updated_at, state, note, last_scan) VALUES (?, ?, ?, ?, ?, ?, ?)",
    );
    for (const row of options.items ?? ORIGINAL_ITEMS) insert.run(...row);
    if (options.runs !== null) {
      db.exec(`
        CREATE TABLE IF NOT EXISTS scan_runs(
          job_id TEXT PRIMARY KEY,
          status TEXT NOT NULL,
          started_at TEXT NOT NULL,
          finished_at TEXT,
          stats_json TEXT,
          log_path TEXT,
          error TEXT,
          cancel_requested INTEGER NOT NULL DEFAULT 0
        )`);
      const run = db.prepare(
        "INSERT INTO scan_runs(job_id, status, started_at, finished_at, stats_json, log_path, error, cancel_requested) VALUES (?, ?, ?, ?, ?, ?, ?, ?)",
      );
      for (const row of options.runs ?? ORIGINAL_RUNS) run.run(...row);
    }
  } finally {
    db.close();
  }
  return path;
}

export function writeOriginalDir(dir: string): void {
  writeOriginalSettings(dir);
  writeOriginalDb(dir);
}

// ---------------------------------------------------------------------------------------------
// Crafted databases (the 2026 audit, finding 2): small files that made the old reader exhaust
// the heap, and a damaged one. Each writes `refresh_state.db` into `dir` and returns its path.

function craft(dir: string, build: (db: Sqlite.Database) => void): string {
  const path = join(dir, "refresh_state.db");
  const db = new Sqlite(path);
  try {
    build(db);
  } finally {
    db.close();
  }
  return path;
}

/** `rows` plain rows, then a column added with a default of `defaultBytes`: every row reads it. */
export function writeDefaultBombDb(dir: string, rows = 100_000, defaultBytes = 4 * 1024 * 1024): string {
  return craft(dir, (db) => {
    db.exec("create table media_state(rating_key text, state text)");
    const insert = db.prepare("insert into media_state values (?, 'fixed')");
    db.transaction(() => {
      for (let i = 0; i < rows; i++) insert.run(String(i));
    })();
    db.exec(`alter table media_state add column note text default '${"x".repeat(defaultBytes)}'`);
  });
}

/** A virtual generated column of 50 MB per row on 2,000 rows (a 72 KB file). */
export function writeGeneratedBombDb(dir: string): string {
  return craft(dir, (db) => {
    db.exec("create table media_state(rating_key text, state text)");
    const insert = db.prepare("insert into media_state values (?, 'fixed')");
    db.transaction(() => {
      for (let i = 0; i < 2000; i++) insert.run(String(i));
    })();
    // Added afterwards: an insert would compute the 50 MB for every row (minutes).
    db.exec(
      "alter table media_state add column note text generated always as (printf('%.*c', 50000000, 'x')) virtual",
    );
  });
}

/** media_state as an FTS5 virtual table with the original's columns. */
export function writeFts5Db(dir: string): string {
  return craft(dir, (db) => {
    db.exec("create virtual table media_state using fts5(rating_key, library, title, state, note)");
    db.prepare("insert into media_state values ('1001', 'Filme', 'Das Boot', 'fixed', 'ok')").run();
  });
}

/**
 * The original's database with enough items for a multi-page primary-key index, whose root page
 * is then overwritten: a valid SQLite file that only an integrity check finds damaged (the
 * import reads the table, never that index).
 */
export function writeDamagedDb(dir: string): string {
  const items = Array.from({ length: 3000 }, (_, i): (typeof ORIGINAL_ITEMS)[number] => [
    `key-${String(i).padStart(40, "0")}`,
    "Filme",
    `Title ${i}`,
    "2025-12-20T04:01:13",
    "fixed",
    "",
    "2025-12-20T04:01:13",
  ]);
  const path = writeOriginalDb(dir, { items });
  const db = new Sqlite(path);
  db.pragma("journal_mode = DELETE");
  const pageSize = db.pragma("page_size", { simple: true }) as number;
  const { rootpage } = db
    .prepare("select rootpage from sqlite_schema where name = 'sqlite_autoindex_media_state_1'")
    .get() as { rootpage: number };
  db.close();
  const fd = openSync(path, "r+");
  try {
    writeSync(fd, Buffer.alloc(pageSize, 0xff), 0, pageSize, (rootpage - 1) * pageSize);
  } finally {
    closeSync(fd);
  }
  return path;
}
