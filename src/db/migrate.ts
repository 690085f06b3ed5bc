import { type Kysely, type Migration, type MigrationProvider, Migrator, NO_MIGRATIONS } from "kysely";
import { errorMessage } from "../error-message.js";
import { migrations } from "./migrations/index.js";

// Migrations are compiled into the program (no directory scan), so a built dist/ and a tsx
// checkout run exactly the same list.
class StaticMigrationProvider implements MigrationProvider {
  constructor(private readonly list: Record<string, Migration>) {}
  async getMigrations(): Promise<Record<string, Migration>> {
    return this.list;
  }
}

export function createMigrator<T>(db: Kysely<T>, list: Record<string, Migration> = migrations): Migrator {
  return new Migrator({ db: db as Kysely<unknown>, provider: new StaticMigrationProvider(list) });
}

export class MigrationError extends Error {
  constructor(message: string, options?: { cause?: unknown }) {
    super(message, options);
    this.name = "MigrationError";
  }
}

async function run(
  result: Promise<{ error?: unknown; results?: { migrationName: string; status: string }[] }>,
) {
  const { error, results } = await result;
  if (error) {
    const failed = results?.find((r) => r.status === "Error")?.migrationName ?? "unknown";
    const reason = errorMessage(error);
    throw new MigrationError(`Database migration ${failed} failed: ${reason}`, { cause: error });
  }
  return (results ?? []).filter((r) => r.status === "Success").map((r) => r.migrationName);
}

/** Applies every pending migration; SQLite has transactional DDL, so a failure changes nothing. */
export function migrateToLatest<T>(
  db: Kysely<T>,
  list: Record<string, Migration> = migrations,
): Promise<string[]> {
  return run(createMigrator(db, list).migrateToLatest());
}

/** Migrates to the named migration (or to an empty schema with "none"); used by upgrade tests. */
export function migrateTo<T>(db: Kysely<T>, name: string | "none"): Promise<string[]> {
  return run(createMigrator(db).migrateTo(name === "none" ? NO_MIGRATIONS : name));
}
