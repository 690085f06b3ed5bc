// One SQLite file in the data directory, opened with the pragmas a small always-on service
// needs: WAL so readers never block the scan writer, a busy timeout so the CLI and the server
// can share the file, and enforced foreign keys.
import { join } from "node:path";
import Sqlite from "better-sqlite3";
import { type DialectAdapter, Kysely, SqliteAdapter, SqliteDialect } from "kysely";
import { migrateToLatest } from "./migrate.js";
import { ensurePrivateDir, makePrivate } from "./private-files.js";
import type { Database } from "./schema.js";

export interface Db {
  sqlite: Sqlite.Database;
  kysely: Kysely<Database>;
  path: string;
  close(): Promise<void>;
}

export const DB_FILE_NAME = "psr.sqlite";

export function openSqlite(path: string): Sqlite.Database {
  const sqlite = new Sqlite(path);
  sqlite.pragma("journal_mode = WAL");
  sqlite.pragma("busy_timeout = 5000");
  sqlite.pragma("foreign_keys = ON");
  // NORMAL is durable across application crashes in WAL mode; only an OS crash can lose the
  // last transactions, which a re-scan recovers.
  sqlite.pragma("synchronous = NORMAL");
  return sqlite;
}

// SQLite has transactional DDL, but Kysely's adapter does not claim it, so its Migrator would
// run migrations without a transaction and a failure could leave a half-migrated file.
class TransactionalDdlSqliteAdapter extends SqliteAdapter {
  override get supportsTransactionalDdl(): boolean {
    return true;
  }
}

class PsrSqliteDialect extends SqliteDialect {
  override createAdapter(): DialectAdapter {
    return new TransactionalDdlSqliteAdapter();
  }
}

/** The better-sqlite3 handle under each Kysely made here (weakly held, gone with the Kysely). */
const handles = new WeakMap<object, Sqlite.Database>();

export function createKysely<T = Database>(sqlite: Sqlite.Database): Kysely<T> {
  const kysely = new Kysely<T>({ dialect: new PsrSqliteDialect({ database: sqlite }) });
  handles.set(kysely, sqlite);
  return kysely;
}

/**
 * The handle under a Kysely from `createKysely`, for the few hot paths (a scan's per-item
 * writes) that use prepared statements instead of building a query object per row.
 */
export function sqliteOf(kysely: object): Sqlite.Database {
  const sqlite = handles.get(kysely);
  if (!sqlite) throw new Error("this Kysely instance was not made by createKysely");
  return sqlite;
}

/** Opens (creating if needed) the database in `dataDir` and brings its schema up to date. */
export async function openDatabase(dataDir: string, options: { migrate?: boolean } = {}): Promise<Db> {
  ensurePrivateDir(dataDir);
  const path = join(dataDir, DB_FILE_NAME);
  const sqlite = openSqlite(path);
  makePrivate(path, `${path}-wal`, `${path}-shm`);
  const kysely = createKysely(sqlite);
  let closed = false;
  const db: Db = {
    sqlite,
    kysely,
    path,
    async close() {
      if (closed) return;
      closed = true;
      await kysely.destroy(); // also closes the better-sqlite3 handle
    },
  };
  if (options.migrate !== false) {
    try {
      await migrateToLatest(kysely);
    } catch (error) {
      await db.close();
      throw error;
    }
  }
  return db;
}
