import { copyFileSync } from "node:fs";
import { join } from "node:path";
import { type Kysely, sql } from "kysely";
import { afterEach, describe, expect, it } from "vitest";
import { createKysely, DB_FILE_NAME, openDatabase, openSqlite } from "../../src/db/connection.js";
import { migrateTo, migrateToLatest } from "../../src/db/migrate.js";
import { migrations } from "../../src/db/migrations/index.js";
import { SqliteScanStore, setIgnored } from "../../src/jobs/item-store.js";
import { JobStore } from "../../src/jobs/job-store.js";
import { ResultsView } from "../../src/jobs/results-view.js";
import { tempDir } from "../helpers/tmp.js";

const cleanups: (() => void | Promise<void>)[] = [];
afterEach(async () => {
  for (const c of cleanups.splice(0).reverse()) await c();
});

function rawDb(file: string) {
  const sqlite = openSqlite(file);
  const kysely = createKysely<unknown>(sqlite);
  cleanups.push(() => kysely.destroy());
  return { sqlite, kysely };
}

/** The schema as SQLite stores it, minus the migrator's own bookkeeping tables. */
function schemaOf(sqlite: import("better-sqlite3").Database): string[] {
  const rows = sqlite
    .prepare(
      "select type, name, sql from sqlite_master where name not like 'kysely_%' and name not like 'sqlite_%' order by name",
    )
    .all() as { type: string; name: string; sql: string | null }[];
  return rows.map((r) => `${r.type} ${r.name}: ${r.sql ?? ""}`);
}

describe("database", () => {
  it("creates a fresh database file with WAL, foreign keys and every table", async () => {
    const { dir, cleanup } = tempDir();
    cleanups.push(cleanup);
    const db = await openDatabase(join(dir, "nested", "data"));
    cleanups.push(() => db.close());
    expect(db.sqlite.pragma("journal_mode", { simple: true })).toBe("wal");
    expect(db.sqlite.pragma("foreign_keys", { simple: true })).toBe(1);
    expect(db.sqlite.pragma("busy_timeout", { simple: true })).toBe(5000);
    const tables = (
      db.sqlite.prepare("select name from sqlite_master where type='table'").all() as { name: string }[]
    )
      .map((r) => r.name)
      .filter((n) => !n.startsWith("kysely_") && !n.startsWith("sqlite_"))
      .sort();
    expect(tables).toEqual([
      "api_keys",
      "auth_user",
      "item_history",
      "items",
      "login_attempts",
      "scan_runs",
      "sessions",
      "settings",
    ]);
    await db.kysely.insertInto("settings").values({ key: "days", value: "30" }).execute();
    const row = await db.kysely.selectFrom("settings").selectAll().executeTakeFirstOrThrow();
    expect(row.value).toBe("30");
  });

  it("is idempotent: opening an up-to-date database applies nothing", async () => {
    const { dir, cleanup } = tempDir();
    cleanups.push(cleanup);
    const first = await openDatabase(dir);
    await first.close();
    const second = await openDatabase(dir, { migrate: false });
    cleanups.push(() => second.close());
    expect(await migrateToLatest(second.kysely)).toEqual([]);
  });

  const names = Object.keys(migrations).sort();
  it.each(names.map((name, i) => [name, i === 0 ? "none" : names[i - 1]!] as const))(
    "upgrades to %s from %s and ends with the same schema as a fresh database",
    async (_name, previous) => {
      const { dir, cleanup } = tempDir();
      cleanups.push(cleanup);
      const fresh = rawDb(join(dir, "fresh.sqlite"));
      await migrateToLatest(fresh.kysely);

      const upgraded = rawDb(join(dir, "upgraded.sqlite"));
      await migrateTo(upgraded.kysely, previous);
      if (previous !== "none") {
        // Data written under the older schema survives the upgrade.
        await sql`insert into settings (key, value) values ('days', '7')`.execute(upgraded.kysely);
      }
      await migrateToLatest(upgraded.kysely);
      expect(schemaOf(upgraded.sqlite)).toEqual(schemaOf(fresh.sqlite));
      if (previous !== "none") {
        const kept = upgraded.sqlite.prepare("select value from settings where key='days'").get() as {
          value: string;
        };
        expect(kept.value).toBe("7");
      }
    },
  );

  it("upgrades a database file written by the released schema (b4a1c9e) and keeps its data", async () => {
    // Made once by test/fixtures/db/make-released-db.ts from that commit's own migrator, so a
    // change to an old migration here cannot make both sides of this comparison agree.
    const { dir, cleanup } = tempDir();
    cleanups.push(cleanup);
    copyFileSync(
      join(import.meta.dirname, "../fixtures/db/released-b4a1c9e.sqlite"),
      join(dir, DB_FILE_NAME),
    );
    const db = await openDatabase(dir);
    cleanups.push(() => db.close());
    const fresh = rawDb(join(dir, "fresh.sqlite"));
    await migrateToLatest(fresh.kysely);
    expect(schemaOf(db.sqlite)).toEqual(schemaOf(fresh.sqlite));
    expect(db.sqlite.pragma("journal_mode", { simple: true })).toBe("wal");

    // What the released version wrote reads back through today's code.
    const job = await new JobStore(db.kysely).get(1);
    expect(job).toMatchObject({ status: "success", source: "scheduler", stats: { checked: 120, fixed: 3 } });
    const known = await new SqliteScanStore(db.kysely, null).knownStates(["101", "102"]);
    expect(known.get("101")).toEqual({ state: "fixed", lastFailedAt: null });
    expect(known.get("102")?.state).toBe("failed");
    expect(await new SqliteScanStore(db.kysely, null).retryPool(10)).toEqual(["102"]);
    const users = db.sqlite.prepare("select username from auth_user").all();
    expect(users).toEqual([{ username: "admin" }]);
    // And today's code can write to it.
    await new SqliteScanStore(db.kysely, 1).record({
      ratingKey: "102",
      sectionId: "1",
      library: "Movies",
      type: "movie",
      title: "Ronin (1998)",
      year: 1998,
      parentRatingKey: null,
      state: "fixed",
      problems: [],
      note: "healthy on re-check",
      candidates: null,
      action: "check",
      at: Date.now(),
    });
    const history = db.sqlite
      .prepare("select outcome from item_history where rating_key = '102' order by id")
      .all();
    expect(history).toEqual([{ outcome: "failed" }, { outcome: "fixed" }]);
  });

  it("004 adds the ignore to items written before it; scans read it and never clear it", async () => {
    const { dir, cleanup } = tempDir();
    cleanups.push(cleanup);
    const { kysely } = rawDb(join(dir, "ignore.sqlite"));
    await migrateTo(kysely, "003_auth");
    await sql`insert into items (rating_key, type, title, state, last_checked_at, last_failed_at)
      values ('7', 'movie', 'Heat (1995)', 'failed', 1000, 1000)`.execute(kysely);
    await migrateToLatest(kysely);
    // biome-ignore lint/suspicious/noExplicitAny: the migrated database under today's types
    const db = kysely as Kysely<any>;
    const store = new SqliteScanStore(db, null);
    expect((await store.knownStates(["7"])).get("7")).toEqual({ state: "failed", lastFailedAt: 1000 });
    expect(await store.retryPool(10)).toEqual(["7"]);

    expect(await setIgnored(db, "7", { reason: "a home video" }, 2000)).toBe(true);
    expect(await setIgnored(db, "8", { reason: null }, 2000)).toBe(false);
    expect((await store.knownStates(["7"])).get("7")).toEqual({
      state: "failed",
      lastFailedAt: 1000,
      ignored: true,
    });
    expect(await store.retryPool(10)).toEqual([]);
    const view = new ResultsView(db);
    expect((await view.items({ state: "ignored", page: 1, pageSize: 10 })).total).toBe(1);
    expect((await view.items({ state: "failed", page: 1, pageSize: 10 })).total).toBe(0);
    expect((await view.stats()).items.byState).toEqual({ ignored: 1 });

    // A later write (a hand refresh) keeps the ignore; unignoring brings back the stored state.
    await store.record({
      ratingKey: "7",
      sectionId: "1",
      library: "Movies",
      type: "movie",
      title: "Heat (1995)",
      year: 1995,
      parentRatingKey: null,
      state: "needs_review",
      problems: ["unmatched"],
      note: "n",
      candidates: null,
      action: "refresh",
      at: 3000,
    });
    const ignored = await view.item("7");
    expect(ignored?.item).toMatchObject({ state: "ignored", ignoredAt: 2000, ignoreReason: "a home video" });
    expect(await setIgnored(db, "7", null, 4000)).toBe(true);
    const back = await view.item("7");
    expect(back?.item).toMatchObject({ state: "needs_review", ignoredAt: null, ignoreReason: null });
    expect(back?.history.map((h) => [h.action, h.outcome])).toEqual([
      ["unignore", "needs_review"],
      ["refresh", "needs_review"],
      ["ignore", "ignored"],
    ]);
  });

  it("rolls back a failing migration completely", async () => {
    const { dir, cleanup } = tempDir();
    cleanups.push(cleanup);
    const { sqlite, kysely } = rawDb(join(dir, "broken.sqlite"));
    const broken = {
      ...migrations,
      "999_broken": {
        async up(db: Kysely<unknown>) {
          await db.schema.createTable("half_done").addColumn("id", "integer").execute();
          throw new Error("boom");
        },
      },
    };
    await expect(migrateToLatest(kysely, broken)).rejects.toThrow(/migration 999_broken failed: boom/);
    const names = (
      sqlite.prepare("select name from sqlite_master where type='table'").all() as { name: string }[]
    ).map((r) => r.name);
    expect(names).not.toContain("half_done");
    expect(names).not.toContain("settings");
  });

  it("allows only one queued or running scan at a time", async () => {
    const { dir, cleanup } = tempDir();
    cleanups.push(cleanup);
    const db = await openDatabase(dir);
    cleanups.push(() => db.close());
    const insert = (status: "running" | "queued" | "success") =>
      db.kysely.insertInto("scan_runs").values({ status, source: "test", created_at: Date.now() }).execute();
    await insert("success");
    await insert("running");
    await expect(insert("queued")).rejects.toThrow(/UNIQUE/);
    await insert("success");
  });
});
