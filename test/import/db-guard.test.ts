// The limits the import reader reads within, on real SQLite files: what a schema may hold, and
// how rows are counted against the read budget.
import { join } from "node:path";
import Sqlite from "better-sqlite3";
import { afterEach, describe, expect, it } from "vitest";
import { OverBudget, READ_LIMITS, ReadBudget, readRows, schemaProblem } from "../../src/import/db-guard.js";
import { tempDir } from "../helpers/tmp.js";

const cleanups: (() => void)[] = [];
afterEach(() => {
  for (const c of cleanups.splice(0).reverse()) c();
});

function database(sql: string): Sqlite.Database {
  const dir = tempDir("psr-guard-");
  const db = new Sqlite(join(dir.dir, "refresh_state.db"));
  cleanups.push(dir.cleanup, () => db.close());
  db.exec(sql);
  return db;
}

/** A budget that records what each row cost and refuses after `allow` rows. */
class RecordingBudget extends ReadBudget {
  readonly spent: number[] = [];
  constructor(private readonly allow = Number.POSITIVE_INFINITY) {
    super();
  }
  override spend(bytes: number): boolean {
    this.spent.push(bytes);
    return this.spent.length <= this.allow;
  }
}

describe("schemaProblem", () => {
  it.each([
    {
      name: "the original's plain tables",
      sql: "create table media_state (rating_key text primary key, state text)",
      problem: null,
    },
    {
      name: "a table whose name needs quoting",
      sql: 'create table media_state (x); create table "we""ird" (a text default \'x\')',
      problem: null,
    },
    {
      name: "a default that merely mentions a virtual table",
      sql: "create table media_state (note text default 'create virtual table x')",
      problem: null,
    },
    {
      name: "a default of exactly 4 KB",
      sql: `create table t (a text default '${"x".repeat(READ_LIMITS.defaultBytes - 2)}')`,
      problem: null,
    },
    {
      name: "a default one byte over 4 KB",
      sql: `create table t (a text default '${"x".repeat(READ_LIMITS.defaultBytes - 1)}')`,
      problem: `t.a has a default value of ${READ_LIMITS.defaultBytes + 1} bytes (at most ${READ_LIMITS.defaultBytes})`,
    },
    {
      name: "a virtual table",
      sql: "create virtual table media_state using fts5(note)",
      problem: "media_state is a virtual table (the original makes plain tables)",
    },
    {
      name: "a generated column",
      sql: "create table media_state (a text, b text generated always as (a || a))",
      problem: "media_state.b is a generated or hidden column",
    },
  ])("$name", ({ sql, problem }) => {
    expect(schemaProblem(database(sql))).toBe(problem);
  });

  it.each([
    { name: "100 entries are read", tables: READ_LIMITS.schemaEntries, problem: null },
    {
      name: "101 entries are too many",
      tables: READ_LIMITS.schemaEntries + 1,
      problem: `the schema has ${READ_LIMITS.schemaEntries + 1} entries (the original makes a handful)`,
    },
  ])("$name", ({ tables, problem }) => {
    const sql = Array.from({ length: tables }, (_, i) => `create table t${i} (a);`).join("");
    expect(schemaProblem(database(sql))).toBe(problem);
  });
});

describe("readRows", () => {
  it("reads only the columns asked for, and nothing when none are", () => {
    const db = database(
      "create table t (a text, b integer, c text); insert into t values ('x', 2, 'skip'), (null, 3, 'skip')",
    );
    expect(readRows(db, "t", ["a", "b"], new ReadBudget())).toEqual([
      { a: "x", b: 2 },
      { a: null, b: 3 },
    ]);
    expect(readRows(db, "t", [], new ReadBudget())).toEqual([]);
  });

  it("reads a table whose name needs quoting", () => {
    const db = database('create table "we""ird" (a text); insert into "we""ird" values (\'x\')');
    expect(readRows(db, 'we"ird', ["a"], new ReadBudget())).toEqual([{ a: "x" }]);
  });

  it("charges each row its value bytes plus a fixed cost per row and column", () => {
    const db = database("create table t (a text, b text); insert into t values ('abc', null), ('', 'hello')");
    const budget = new RecordingBudget();
    readRows(db, "t", ["a", "b"], budget);
    const perRow = READ_LIMITS.rowOverhead + 16 * 2;
    expect(budget.spent).toEqual([3 + perRow, 5 + perRow]);
  });

  it("stops at the row that overdraws the budget and names it", () => {
    const db = database("create table t (a text); insert into t values ('1'), ('2'), ('3'), ('4')");
    const read = () => readRows(db, "t", ["a"], new RecordingBudget(2));
    expect(read).toThrow(OverBudget);
    expect(read).toThrow(`more than 32 MB to import (stopped at t row 3)`);
  });

  it.each([
    { name: "a value of exactly 64 KB is read", bytes: READ_LIMITS.valueBytes, refused: false },
    { name: "one byte more is refused", bytes: READ_LIMITS.valueBytes + 1, refused: true },
  ])("$name", ({ bytes, refused }) => {
    const db = database("create table t (a text)");
    db.prepare("insert into t values ('small'), (?)").run("y".repeat(bytes));
    const read = () => readRows(db, "t", ["a"], new ReadBudget());
    if (!refused) return expect(read()[1]?.a).toHaveLength(bytes);
    expect(read).toThrow(`t row 2 holds a value of ${bytes} bytes (at most 64 KB per value)`);
  });
});

describe("ReadBudget", () => {
  it("may be spent to the last byte, not one byte more", () => {
    const exact = new ReadBudget();
    expect(exact.spend(READ_LIMITS.totalBytes)).toBe(true);
    expect(exact.spend(1)).toBe(false);
    const split = new ReadBudget();
    expect(split.spend(READ_LIMITS.totalBytes - 10)).toBe(true);
    expect(split.spend(10)).toBe(true);
    expect(split.spend(0)).toBe(true);
    expect(split.spend(1)).toBe(false);
  });
});
