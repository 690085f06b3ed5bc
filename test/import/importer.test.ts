import { existsSync, readdirSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import Sqlite from "better-sqlite3";
import { afterEach, describe, expect, it } from "vitest";
import { DB_FILE_NAME, openDatabase } from "../../src/db/connection.js";
import { loadSettings } from "../../src/db/settings-repo.js";
import { READ_LIMITS } from "../../src/import/db-guard.js";
import { ImportInputError } from "../../src/import/errors.js";
import { applyImport, IMPORT_SOURCE, importLegacy, planImport } from "../../src/import/importer.js";
import { IMPORT_NOTE } from "../../src/import/mapping.js";
import { readLegacyDir } from "../../src/import/read.js";
import { runPsr } from "../helpers/cli.js";
import { tempDir } from "../helpers/tmp.js";
import {
  ORIGINAL_SETTINGS,
  writeDamagedDb,
  writeDefaultBombDb,
  writeFts5Db,
  writeGeneratedBombDb,
  writeOriginalDb,
  writeOriginalDir,
  writeOriginalSettings,
} from "./legacy-fixture.js";

const cleanups: (() => void)[] = [];
afterEach(() => {
  for (const c of cleanups.splice(0)) c();
});

function dirs() {
  const old = tempDir("psr-import-old-");
  const data = tempDir("psr-import-data-");
  cleanups.push(old.cleanup, data.cleanup);
  return { old: old.dir, data: data.dir };
}

/** What our database holds, read with a plain connection. */
function snapshot(dataDir: string) {
  const path = join(dataDir, DB_FILE_NAME);
  if (!existsSync(path)) return null;
  const db = new Sqlite(path, { readonly: true });
  try {
    return {
      settings: db.prepare("select key, value from settings where key not like 'state:%' order by key").all(),
      items: db.prepare("select * from items order by rating_key").all() as Record<string, unknown>[],
      runs: db
        .prepare(
          "select status, source, settings_json, stats_json, error, created_at, started_at, finished_at, log_path from scan_runs order by id",
        )
        .all() as Record<string, unknown>[],
    };
  } finally {
    db.close();
  }
}

/** The refusal reason of what `read` throws. */
function refusalOf(read: () => unknown): string | undefined {
  try {
    read();
  } catch (error) {
    return error instanceof ImportInputError ? error.reason : `not an ImportInputError: ${error}`;
  }
  return undefined;
}

async function expectInputError(promise: Promise<unknown>, file: RegExp, text: RegExp) {
  const error = await promise.then(
    () => undefined,
    (e: unknown) => e,
  );
  expect(error).toBeInstanceOf(ImportInputError);
  expect((error as ImportInputError).file).toMatch(file);
  expect((error as ImportInputError).message).toMatch(text);
  expect((error as ImportInputError).exitCode).toBe(2);
}

describe("importLegacy", () => {
  it("imports the original's settings, items and runs", async () => {
    const { old, data } = dirs();
    writeOriginalDir(old);
    const summary = await importLegacy(old, { dataDir: data, now: 1_700_000_000_000 });

    expect(summary.settings?.values).toEqual({
      libraries: ["Filme", "Serien"],
      days: 14,
      maxItems: 200,
      dryRun: false,
      schedule: { enabled: true, mode: "daily", time: "04:30", cron: null, timezone: null },
      itemTimeoutSeconds: 20,
      retryPoolLimit: 25,
      backoffHours: 12,
    });
    expect(summary.settings?.ignored).toEqual(["theme"]);
    expect(summary.settings?.notes.join("\n")).toMatch(/refresh_wait_interval_seconds has no equivalent/);
    expect(summary.items).toMatchObject({
      rows: 7,
      imported: 6,
      byState: { fixed: 2, failed: 3, would_fix: 1 },
      keptNewer: 0,
      skipped: [{ ratingKey: "2004", reason: 'unknown status "mystery"' }],
    });
    expect(summary.runs).toMatchObject({
      rows: 5,
      imported: 4,
      alreadyImported: 0,
      byStatus: { success: 1, cancelled: 1, failed: 1, interrupted: 1 },
      skipped: [{ jobId: "deadbeefdeadbeefdeadbeefdeadbeef", reason: 'unknown status "exploded"' }],
    });

    // Through our own repository: the settings load as stored.
    const db = await openDatabase(data);
    try {
      const settings = await loadSettings(db.kysely);
      expect(settings).toMatchObject({ days: 14, maxItems: 200, retryPoolLimit: 25, backoffHours: 12 });
      expect(settings.schedule).toMatchObject({ enabled: true, mode: "daily", time: "04:30" });
    } finally {
      await db.close();
    }

    const snap = snapshot(data)!;
    const metropolis = snap.items.find((i) => i.rating_key === "1002");
    const at = new Date(2025, 11, 20, 4, 2, 40).getTime();
    expect(metropolis).toMatchObject({
      title: "Metropolis",
      library: "Filme",
      state: "failed",
      problems_json: "[]",
      note: `${IMPORT_NOTE}: Timeout (20s)`,
      attempts: 1,
      last_checked_at: at,
      last_failed_at: at,
      fixed_at: null,
      last_job_id: null,
    });
    expect(snap.items.find((i) => i.rating_key === "1003")).toMatchObject({
      state: "would_fix",
      attempts: 0,
    });
    expect(snap.items.map((i) => i.rating_key)).not.toContain("2004");

    expect(snap.runs).toHaveLength(4);
    for (const run of snap.runs) {
      expect(run.source).toBe(IMPORT_SOURCE);
      expect(run.log_path).toBeNull();
      expect(run.finished_at).not.toBeNull();
    }
    const success = snap.runs.find((r) => r.status === "success")!;
    expect(JSON.parse(String(success.settings_json))).toEqual({
      importedFrom: { jobId: "a1b2c3d4e5f60718293a4b5c6d7e8f90" },
    });
    expect(JSON.parse(String(success.stats_json))).toMatchObject({
      checked: 120,
      fixed: 2,
      wouldFix: 0,
      failed: 3,
      durationMs: 240_000,
    });
    expect(success.started_at).toBe(Date.UTC(2025, 11, 20, 3, 0, 0));
    expect(snap.runs.find((r) => r.status === "interrupted")).toMatchObject({
      error: "imported while running",
    });

    // The original's folder is left as it was (no -wal/-shm beside its database).
    expect(readdirSync(old).sort()).toEqual(["refresh_state.db", "settings.json"]);
  });

  it("gives the same result when run twice", async () => {
    const { old, data } = dirs();
    writeOriginalDir(old);
    await importLegacy(old, { dataDir: data, now: 1 });
    const first = snapshot(data);
    const again = await importLegacy(old, { dataDir: data, now: 1 });
    expect(snapshot(data)).toEqual(first);
    expect(again.items).toMatchObject({ imported: 6, keptNewer: 0 });
    expect(again.runs).toMatchObject({ imported: 0, alreadyImported: 4 });
  });

  it("keeps items that a later scan of ours already knows", async () => {
    const { old, data } = dirs();
    writeOriginalDir(old);
    const db = await openDatabase(data);
    try {
      await db.kysely
        .insertInto("items")
        .values({
          rating_key: "1002",
          section_id: "1",
          library: "Filme",
          type: "movie",
          title: "Metropolis (1927)",
          year: 1927,
          parent_rating_key: null,
          state: "fixed",
          note: "fixed by us",
          candidates_json: null,
          last_job_id: null,
          last_checked_at: Date.UTC(2026, 0, 1),
          last_failed_at: null,
          fixed_at: Date.UTC(2026, 0, 1),
        })
        .execute();
    } finally {
      await db.close();
    }
    const summary = await importLegacy(old, { dataDir: data });
    expect(summary.items).toMatchObject({ imported: 5, keptNewer: 1 });
    expect(snapshot(data)!.items.find((i) => i.rating_key === "1002")).toMatchObject({
      state: "fixed",
      note: "fixed by us",
      type: "movie",
    });
  });

  it("imports a settings.json alone, and a database alone", async () => {
    const a = dirs();
    writeOriginalSettings(a.old);
    const onlySettings = await importLegacy(a.old, { dataDir: a.data });
    expect(onlySettings.items).toBeNull();
    expect(onlySettings.notes.join("\n")).toMatch(/no refresh_state.db/);
    expect(snapshot(a.data)!.settings).toHaveLength(8);

    const b = dirs();
    writeOriginalDb(b.old, { runs: null });
    const onlyDb = await importLegacy(b.old, { dataDir: b.data });
    expect(onlyDb.settings).toBeNull();
    expect(onlyDb.runs).toBeNull();
    expect(onlyDb.notes.join("\n")).toMatch(/no scan_runs table/);
    expect(snapshot(b.data)).toMatchObject({ settings: [], runs: [] });
    expect(snapshot(b.data)!.items).toHaveLength(6);
  });

  it("reads other spellings of the columns (epoch times, status, tries)", async () => {
    const { old, data } = dirs();
    const db = new Sqlite(join(old, "refresh_state.db"));
    db.exec(
      "create table media_state (ratingKey integer primary key, name text, section text, status text, last_attempt integer, tries integer, error text)",
    );
    db.prepare("insert into media_state values (?, ?, ?, ?, ?, ?, ?)").run(
      5,
      "Alien",
      "Movies",
      "success",
      1766203273,
      2,
      null,
    );
    db.prepare("insert into media_state values (?, ?, ?, ?, ?, ?, ?)").run(
      6,
      "Heat",
      "Movies",
      "error",
      1766203273000,
      4,
      "boom",
    );
    db.close();
    const summary = await importLegacy(old, { dataDir: data });
    expect(summary.items?.byState).toEqual({ fixed: 1, failed: 1 });
    expect(snapshot(data)!.items).toMatchObject([
      {
        rating_key: "5",
        title: "Alien",
        library: "Movies",
        state: "fixed",
        attempts: 2,
        last_checked_at: 1766203273000,
      },
      { rating_key: "6", title: "Heat", state: "failed", attempts: 4, note: `${IMPORT_NOTE}: boom` },
    ]);
  });

  it("a dry run validates and reports without opening our database", async () => {
    const { old, data } = dirs();
    writeOriginalDir(old);
    const summary = await importLegacy(old, { dataDir: data, dryRun: true });
    expect(summary.dryRun).toBe(true);
    expect(summary.items?.imported).toBe(6);
    expect(summary.runs?.imported).toBe(4);
    expect(existsSync(join(data, DB_FILE_NAME))).toBe(false);
  });

  describe("bad input changes nothing", () => {
    /** Seeds our database with one import, then checks a bad import leaves it exactly so. */
    async function expectUnchanged(
      prepare: (old: string) => void,
      file: RegExp,
      text: RegExp,
      seeded = false,
    ) {
      const { old, data } = dirs();
      if (seeded) {
        const good = dirs();
        writeOriginalDir(good.old);
        await importLegacy(good.old, { dataDir: data });
      }
      const before = snapshot(data);
      prepare(old);
      await expectInputError(importLegacy(old, { dataDir: data }), file, text);
      expect(snapshot(data)).toEqual(before);
    }

    it("a write that fails after others were made rolls all of them back", async () => {
      const { old, data } = dirs();
      await (await openDatabase(data)).close();
      const before = snapshot(data);
      writeOriginalDir(old);
      const plan = planImport(readLegacyDir(old));
      // The database refuses the last run, after the settings, the items and the other runs.
      const runs = plan.runs!.runs;
      expect(runs.length).toBeGreaterThan(0);
      expect(plan.items!.items.length).toBeGreaterThan(0);
      runs.push({ ...runs[0]!, jobId: "refused", status: "bogus" as never });
      const db = await openDatabase(data);
      try {
        await expect(applyImport(db.kysely, plan)).rejects.toThrow(/CHECK constraint/);
      } finally {
        await db.close();
      }
      expect(snapshot(data)).toEqual(before);
    });

    it("a setting out of range: names the file and the field; no database is created", async () => {
      await expectUnchanged(
        (old) => {
          writeOriginalSettings(old, { ...ORIGINAL_SETTINGS, days: 0 });
          writeOriginalDb(old);
        },
        /settings\.json$/,
        /days: Too small.*\(got 0\)/,
      );
    });

    it("a setting out of range leaves an existing database as it was", async () => {
      await expectUnchanged(
        (old) => {
          writeOriginalSettings(old, { ...ORIGINAL_SETTINGS, days: 3, schedule_time: "24:00" });
          writeOriginalDb(old, {
            items: [["1001", "Filme", "X", "2025-01-01T00:00:00", "failed", "", "2025-01-01T00:00:00"]],
          });
        },
        /settings\.json$/,
        /schedule_time: expected a time as HH:MM/,
        true,
      );
    });

    it("invalid JSON", async () => {
      await expectUnchanged(
        (old) => {
          writeFileSync(join(old, "settings.json"), '{\n    "days": 3,\n}');
          writeOriginalDb(old);
        },
        /settings\.json$/,
        /invalid JSON.*line 3/,
        true,
      );
    });

    it("a corrupt database file", async () => {
      await expectUnchanged(
        (old) => {
          writeOriginalSettings(old);
          writeFileSync(join(old, "refresh_state.db"), Buffer.alloc(4096, 7));
        },
        /refresh_state\.db$/,
        /cannot read the SQLite database: file is not a database/,
        true,
      );
    });

    it("a valid SQLite file with one damaged page (an index the read never touches)", async () => {
      await expectUnchanged(
        (old) => {
          writeOriginalSettings(old);
          writeDamagedDb(old);
        },
        /refresh_state\.db$/,
        /the database is damaged \(quick_check: .*Tree \d+ page \d+/s,
        true,
      );
      const { old } = dirs();
      writeDamagedDb(old);
      expect(refusalOf(() => readLegacyDir(old))).toBe("damaged");
    });

    it("crafted files that exhausted memory: refused before a row is read", async () => {
      for (const [craft, text] of [
        [writeDefaultBombDb, /media_state\.note has a default value of 4194306 bytes/],
        [writeGeneratedBombDb, /media_state\.note is a generated or hidden column/],
        [writeFts5Db, /media_state is a virtual table/],
      ] as const) {
        await expectUnchanged((old) => craft(old), /refresh_state\.db$/, text, true);
        const { old } = dirs();
        craft(old);
        expect(refusalOf(() => readLegacyDir(old))).toBe("unsupported_schema");
      }
    });

    it("more data than the read budget, or one value over its cap: refused as too much", async () => {
      // A default at the cap (with its quotes) on 10,000 rows: 40 MB of notes from a small file.
      await expectUnchanged(
        (old) => writeDefaultBombDb(old, 10_000, READ_LIMITS.defaultBytes - 2),
        /refresh_state\.db$/,
        /more than 32 MB to import \(stopped at media_state row \d+\)/,
        true,
      );
      const { old } = dirs();
      writeOriginalDb(old, {
        items: [
          ["1", "Filme", "X", "2025-01-01", "failed", "y".repeat(READ_LIMITS.valueBytes + 1), "2025-01-01"],
        ],
      });
      expect(refusalOf(() => readLegacyDir(old))).toBe("too_much_data");
      expect(() => readLegacyDir(old)).toThrow(/media_state row 1 holds a value of 65537 bytes/);
    });

    it("a settings.json nested too deeply for validation", async () => {
      await expectUnchanged(
        (old) =>
          writeFileSync(join(old, "settings.json"), `{"days": ${"[".repeat(100_000)}${"]".repeat(100_000)}}`),
        /settings\.json$/,
        /nested more than 32 levels deep/,
        true,
      );
    });

    it("a database without media_state", async () => {
      await expectUnchanged(
        (old) => {
          writeOriginalSettings(old);
          const db = new Sqlite(join(old, "refresh_state.db"));
          db.exec("create table something_else (x)");
          db.close();
        },
        /refresh_state\.db$/,
        /media_state: table not found/,
      );
    });

    it("a media_state without a status column", async () => {
      await expectUnchanged(
        (old) => {
          const db = new Sqlite(join(old, "refresh_state.db"));
          db.exec("create table media_state (rating_key text, title text)");
          db.close();
        },
        /refresh_state\.db$/,
        /media_state\.state: no such column/,
      );
    });

    it("neither file", async () => {
      await expectUnchanged(() => {}, /psr-import-old-/, /neither settings\.json nor refresh_state\.db/);
    });
  });
});

describe("psr import (CLI)", () => {
  it("imports, prints a summary and JSON, and is idempotent", async () => {
    const { old, data } = dirs();
    writeOriginalDir(old);
    const env = { PSR_DATA_DIR: data };
    const first = await runPsr(["import", old], env, data);
    expect(first.code, first.stderr).toBe(0);
    expect(first.stdout).toMatch(/Imported 8 setting\(s\)/);
    expect(first.stdout).toMatch(/days: 14/);
    expect(first.stdout).toMatch(/Imported 6 of 7 item\(s\) \(fixed 2, failed 3, would_fix 1\)/);
    expect(first.stdout).toMatch(/2004: unknown status "mystery"/);
    expect(first.stdout).toMatch(/Imported 4 of 5 scan run\(s\)/);
    const afterFirst = snapshot(data);

    const second = await runPsr(["import", old, "--json"], env, data);
    expect(second.code, second.stderr).toBe(0);
    const summary = JSON.parse(second.stdout);
    expect(summary).toMatchObject({
      dryRun: false,
      items: { imported: 6, byState: { fixed: 2, failed: 3, would_fix: 1 } },
      runs: { imported: 0, alreadyImported: 4 },
    });
    const afterSecond = snapshot(data)!;
    expect(afterSecond.items).toEqual(afterFirst!.items);
    expect(afterSecond.runs).toEqual(afterFirst!.runs);
  });

  it("exits 2 on a bad settings.json and writes nothing", async () => {
    const { old, data } = dirs();
    writeOriginalSettings(old, { ...ORIGINAL_SETTINGS, days: 0 });
    writeOriginalDb(old);
    const r = await runPsr(["import", old], { PSR_DATA_DIR: data }, data);
    expect(r.code).toBe(2);
    expect(r.stderr).toMatch(/settings\.json: days: Too small/);
    expect(snapshot(data)).toBeNull();
  });

  it("exits 2 on a corrupt database and on a missing folder", async () => {
    const { old, data } = dirs();
    writeOriginalSettings(old);
    writeFileSync(join(old, "refresh_state.db"), "this is not sqlite at all, just text ".repeat(200));
    const corrupt = await runPsr(["import", old], { PSR_DATA_DIR: data }, data);
    expect(corrupt.code).toBe(2);
    expect(corrupt.stderr).toMatch(/refresh_state\.db: cannot read the SQLite database/);
    expect(snapshot(data)).toBeNull();

    const missing = await runPsr(["import", join(old, "nope")], { PSR_DATA_DIR: data }, data);
    expect(missing.code).toBe(2);
    expect(missing.stderr).toMatch(/not a directory/);

    const usage = await runPsr(["import"], { PSR_DATA_DIR: data }, data);
    expect(usage.code).toBe(2);
  });
});
