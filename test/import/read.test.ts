// The import reader's own edges, on real files: settings.json as text, the SQLite file opened
// read-only, and the original's folder left exactly as it was found.
import {
  copyFileSync,
  existsSync,
  mkdirSync,
  readdirSync,
  readFileSync,
  statSync,
  writeFileSync,
} from "node:fs";
import { join } from "node:path";
import Sqlite from "better-sqlite3";
import { afterEach, describe, expect, it } from "vitest";
import { ImportInputError } from "../../src/import/errors.js";
import { readLegacyDir, readSettingsJson, readStateDb } from "../../src/import/read.js";
import { tempDir } from "../helpers/tmp.js";
import { ORIGINAL_ITEMS, writeOriginalDb, writeOriginalSettings } from "./legacy-fixture.js";

const cleanups: (() => void)[] = [];
afterEach(() => {
  for (const c of cleanups.splice(0)) c();
});
function folder(): string {
  const t = tempDir("psr-read-");
  cleanups.push(t.cleanup);
  return t.dir;
}

/** The ImportInputError a read throws, as what a person is told. */
function refusal(read: () => unknown): { reason: string; message: string; problems: unknown } {
  try {
    read();
  } catch (error) {
    if (error instanceof ImportInputError)
      return { reason: error.reason, message: error.message, problems: error.problems };
    throw error;
  }
  throw new Error("no refusal");
}

describe("readSettingsJson", () => {
  it("reads JSON with a byte-order mark", () => {
    const path = join(folder(), "settings.json");
    writeFileSync(path, `\uFEFF{"days": 3}`);
    expect(readSettingsJson(path)).toEqual({ days: 3 });
  });

  it.each([
    { name: "line 1", text: "{,}", where: "(line 1, column 2)" },
    { name: "a later line", text: '{\n  "days": 3,\n  x\n}', where: "(line 3, column 3)" },
  ])("names where invalid JSON breaks: $name", ({ text, where }) => {
    const path = join(folder(), "settings.json");
    writeFileSync(path, text);
    const r = refusal(() => readSettingsJson(path));
    expect(r.reason).toBe("not_json");
    expect(r.message).toContain(`${path}: invalid JSON: `);
    expect(r.message.endsWith(where)).toBe(true);
  });

  it("an error without a position gets no line and column", () => {
    const path = join(folder(), "settings.json");
    writeFileSync(path, "");
    const r = refusal(() => readSettingsJson(path));
    expect(r.reason).toBe("not_json");
    expect(r.message).toBe(`${path}: invalid JSON: Unexpected end of JSON input`);
  });

  it("only a leading byte-order mark is dropped; one inside a value stays", () => {
    const path = join(folder(), "settings.json");
    writeFileSync(path, `{"theme": "a\uFEFFb"}`);
    expect(readSettingsJson(path)).toEqual({ theme: "a\uFEFFb" });
  });

  it("a null as deep as the limit allows is read (only arrays and objects count)", () => {
    const path = join(folder(), "settings.json");
    const text = `${"[".repeat(32)}null${"]".repeat(32)}`;
    writeFileSync(path, text);
    expect(readSettingsJson(path)).toEqual(JSON.parse(text));
  });

  it.each([
    { name: "32 levels deep is read", depth: 32, refused: false },
    { name: "33 levels deep is refused", depth: 33, refused: true },
    { name: "33 levels of objects are refused", depth: 33, refused: true, objects: true },
  ])("$name", ({ depth, refused, objects }) => {
    const path = join(folder(), "settings.json");
    const text = objects
      ? `${'{"a":'.repeat(depth)}1${"}".repeat(depth)}`
      : `${"[".repeat(depth)}${"]".repeat(depth)}`;
    writeFileSync(path, text);
    if (!refused) return expect(readSettingsJson(path)).toEqual(JSON.parse(text));
    expect(refusal(() => readSettingsJson(path))).toMatchObject({
      reason: "invalid_settings",
      message: `${path}: nested more than 32 levels deep`,
    });
  });

  it("siblings do not add up to depth", () => {
    const path = join(folder(), "settings.json");
    const wide = Array.from({ length: 40 }, (_, i) => `"k${i}": [[1]]`).join(",");
    writeFileSync(path, `{${wide}}`);
    expect(Object.keys(readSettingsJson(path) as object)).toHaveLength(40);
  });

  it("a settings.json that cannot be read (a folder) is damaged", () => {
    const path = join(folder(), "settings.json");
    mkdirSync(path);
    const r = refusal(() => readSettingsJson(path));
    expect(r.reason).toBe("damaged");
    expect(r.message).toMatch(/: cannot read: EISDIR/);
  });
});

describe("readLegacyDir", () => {
  it.each([
    { name: "a folder that does not exist", make: (dir: string) => join(dir, "missing") },
    {
      name: "a file instead of a folder",
      make: (dir: string) => {
        writeFileSync(join(dir, "file"), "x");
        return join(dir, "file");
      },
    },
  ])("$name: not a directory", ({ make }) => {
    const path = make(folder());
    expect(refusal(() => readLegacyDir(path))).toMatchObject({
      reason: "no_files",
      message: `${path}: not a directory`,
    });
  });

  it("a folder with neither file says what it looked for", () => {
    const dir = folder();
    expect(refusal(() => readLegacyDir(dir))).toMatchObject({
      reason: "no_files",
      message: expect.stringContaining("neither settings.json nor refresh_state.db found"),
    });
  });

  it("reads a folder with only settings.json, and one with only the database", () => {
    const settingsOnly = folder();
    writeOriginalSettings(settingsOnly, { days: 5 });
    const a = readLegacyDir(settingsOnly);
    expect(a).toEqual({
      dir: settingsOnly,
      settings: { path: join(settingsOnly, "settings.json"), value: { days: 5 } },
      db: null,
    });
    const dbOnly = folder();
    writeOriginalDb(dbOnly);
    const b = readLegacyDir(dbOnly);
    expect(b.settings).toBeNull();
    expect(b.db?.mediaState.rows).toHaveLength(ORIGINAL_ITEMS.length);
  });
});

describe("readStateDb", () => {
  it("reads the tables whatever their case; a missing scan_runs is null", () => {
    const dir = folder();
    const path = join(dir, "refresh_state.db");
    const db = new Sqlite(path);
    db.exec("create table MEDIA_STATE (rating_key text, state text, title text)");
    db.prepare("insert into MEDIA_STATE values (?, ?, ?)").run("1", "fixed", "Heat");
    db.close();
    const read = readStateDb(path);
    expect(read.mediaState.name).toBe("MEDIA_STATE");
    expect(read.mediaState.columns).toEqual(["rating_key", "state", "title"]);
    expect(read.mediaState.rows).toEqual([{ rating_key: "1", state: "fixed", title: "Heat" }]);
    expect(read.scanRuns).toBeNull();
    expect(read.path).toBe(path);
    expect(Number.isInteger(read.mtimeMs)).toBe(true);
  });

  it("reads a table whose name needs quoting", () => {
    const dir = folder();
    const path = join(dir, "refresh_state.db");
    const db = new Sqlite(path);
    db.exec(
      'create table media_state (rating_key text, state text); create table "scan_RUNS" (job_id text, status text)',
    );
    db.prepare("insert into scan_RUNS values (?, ?)").run("j1", "success");
    db.close();
    expect(readStateDb(path).scanRuns).toMatchObject({
      name: "scan_RUNS",
      rows: [{ job_id: "j1", status: "success" }],
    });
  });

  it("a database without tables says so", () => {
    const dir = folder();
    const path = join(dir, "refresh_state.db");
    new Sqlite(path).exec("pragma user_version = 1").close();
    expect(refusal(() => readStateDb(path))).toMatchObject({
      reason: "wrong_tables",
      problems: [{ field: "media_state", message: expect.stringMatching(/\(tables: none\)$/) }],
    });
  });

  it("a database with other tables lists them", () => {
    const dir = folder();
    const path = join(dir, "refresh_state.db");
    new Sqlite(path).exec("create table alpha (a); create table beta (b)").close();
    expect(refusal(() => readStateDb(path)).problems).toEqual([
      {
        field: "media_state",
        message: "table not found; is this the original's refresh_state.db? (tables: alpha, beta)",
      },
    ]);
  });

  it("a path with no file is refused and no file is made", () => {
    const dir = folder();
    const path = join(dir, "refresh_state.db");
    expect(refusal(() => readStateDb(path)).reason).toBe("not_sqlite");
    expect(readdirSync(dir)).toEqual([]);
  });

  it("a SQLite file whose schema page is broken is damaged, not 'not SQLite'", () => {
    const dir = folder();
    const path = writeOriginalDb(dir);
    new Sqlite(path).pragma("journal_mode = DELETE");
    const bytes = readFileSync(path);
    bytes.fill(0xff, 100, 4096); // page 1 after the file header: sqlite_schema's b-tree
    writeFileSync(path, bytes);
    const r = refusal(() => readStateDb(path));
    // SQLite's own SQLITE_CORRUPT, before any check of ours could run.
    expect(r).toMatchObject({
      reason: "damaged",
      message: expect.stringContaining("cannot read the SQLite database:"),
    });
  });

  it("opens read-only: a copy with unsaved WAL pages is read and left unchanged", () => {
    const live = folder();
    const path = writeOriginalDb(live);
    const writer = new Sqlite(path);
    cleanups.push(() => writer.close());
    writer.pragma("wal_autocheckpoint = 0");
    writer.prepare("insert into media_state(rating_key, state) values (?, ?)").run("in-wal", "fixed");
    // The folder as a backup taken while the original ran: the database and its -wal.
    const copy = folder();
    const copied = join(copy, "refresh_state.db");
    copyFileSync(path, copied);
    copyFileSync(`${path}-wal`, `${copied}-wal`);
    const before = [readFileSync(copied), readFileSync(`${copied}-wal`)];
    expect(readStateDb(copied).mediaState.rows.map((r) => r.rating_key)).toContain("in-wal");
    expect([readFileSync(copied), readFileSync(`${copied}-wal`)]).toEqual(before);
    expect(readdirSync(copy).sort()).toEqual(["refresh_state.db", "refresh_state.db-wal"]);
  });

  it("keeps the empty WAL files of a connection that is still open", () => {
    const dir = folder();
    const path = writeOriginalDb(dir);
    const other = new Sqlite(path);
    cleanups.push(() => other.close());
    other.pragma("wal_checkpoint(TRUNCATE)");
    expect(statSync(`${path}-wal`).size).toBe(0);
    readStateDb(path);
    expect(readdirSync(dir).sort()).toEqual([
      "refresh_state.db",
      "refresh_state.db-shm",
      "refresh_state.db-wal",
    ]);
  });

  it("leaves the original's folder as it was: the WAL files it made are removed", () => {
    const dir = folder();
    const path = writeOriginalDb(dir); // WAL mode, as the original runs it
    const before = readdirSync(dir).sort();
    expect(before).toEqual(["refresh_state.db"]);
    readStateDb(path);
    expect(readdirSync(dir).sort()).toEqual(before);
  });

  it("never removes a -wal that holds data (another connection is writing)", () => {
    const dir = folder();
    const path = writeOriginalDb(dir);
    const writer = new Sqlite(path);
    cleanups.push(() => writer.close());
    writer.pragma("wal_autocheckpoint = 0");
    writer.prepare("insert into media_state(rating_key, state) values (?, ?)").run("new", "fixed");
    expect(existsSync(`${path}-wal`)).toBe(true);
    const read = readStateDb(path);
    expect(read.mediaState.rows.map((r) => r.rating_key)).toContain("new");
    expect(existsSync(`${path}-wal`)).toBe(true);
    expect(existsSync(`${path}-shm`)).toBe(true);
  });

  it.each([
    {
      name: "not SQLite at all",
      bytes: Buffer.from("hello, this is not a database at all".repeat(200)),
      reason: "not_sqlite",
    },
    { name: "an empty file is an empty database", bytes: Buffer.alloc(0), reason: "wrong_tables" },
  ])("$name → $reason", ({ bytes, reason }) => {
    const dir = folder();
    const path = join(dir, "refresh_state.db");
    writeFileSync(path, bytes);
    const r = refusal(() => readStateDb(path));
    expect(r.reason).toBe(reason);
    if (reason === "not_sqlite")
      expect(r.message).toMatch(/cannot read the SQLite database: file is not a database/);
    expect(readdirSync(dir)).toEqual(["refresh_state.db"]);
  });
});
