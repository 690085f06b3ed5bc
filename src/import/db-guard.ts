// A refresh_state.db may come from an upload, so SQLite must not be asked to compute anything a
// crafted file defines: quick_check evaluates generated columns on every row, and a read hands
// out a column's default value for every row written before the column was added (a 4 MB
// default on 100,000 rows is 400 GB of strings from a 7 MB file). The schema is therefore
// checked first against what the original's plain CREATE TABLE statements make, and rows are
// read one at a time, only the columns the importer uses, under a total-bytes budget.
import type Sqlite from "better-sqlite3";
import type { Row } from "./mapping.js";

export const READ_LIMITS = {
  /** The original makes two tables and their indexes. */
  schemaEntries: 100,
  /** A column's DEFAULT as written in the schema; the original's are empty or a number. */
  defaultBytes: 4 * 1024,
  /** One value (a title, a note, stats_json); the original's are far below. */
  valueBytes: 64 * 1024,
  /** Everything read from one file, counted as value bytes plus a fixed cost per row. */
  totalBytes: 32 * 1024 * 1024,
  rowOverhead: 128,
} as const;

const quote = (name: string) => `"${name.replaceAll('"', '""')}"`;

/**
 * Why the file's schema is not the original's kind, or null: too many entries, a virtual table,
 * a generated or hidden column, a large default. Only reads the schema; evaluates nothing.
 */
export function schemaProblem(sqlite: Sqlite.Database): string | null {
  const entries = sqlite.prepare("select type, name, sql from sqlite_schema").all() as {
    type: string;
    name: string;
    sql: string | null;
  }[];
  if (entries.length > READ_LIMITS.schemaEntries)
    return `the schema has ${entries.length} entries (the original makes a handful)`;
  for (const entry of entries) {
    if (entry.type !== "table") continue;
    if (/^\s*create\s+virtual\s+table/i.test(entry.sql ?? ""))
      return `${entry.name} is a virtual table (the original makes plain tables)`;
    const columns = sqlite.pragma(`table_xinfo(${quote(entry.name)})`) as {
      name: string;
      dflt_value: string | null;
      hidden: number;
    }[];
    for (const c of columns) {
      if (c.hidden !== 0) return `${entry.name}.${c.name} is a generated or hidden column`;
      const size = Buffer.byteLength(c.dflt_value ?? "");
      if (size > READ_LIMITS.defaultBytes)
        return `${entry.name}.${c.name} has a default value of ${size} bytes (at most ${READ_LIMITS.defaultBytes})`;
    }
  }
  return null;
}

/** What is left of the total budget; shared by the tables of one file. */
export class ReadBudget {
  private left: number = READ_LIMITS.totalBytes;
  /** False once the rows read so far cost more than the budget. */
  spend(bytes: number): boolean {
    this.left -= bytes;
    return this.left >= 0;
  }
}

export class OverBudget extends Error {}

/**
 * The rows of `table` with only `columns`, one at a time. A value over READ_LIMITS.valueBytes is
 * never handed to JavaScript (SQLite measures it first), and the read stops as soon as the
 * budget is spent: either throws OverBudget naming the table and row.
 */
export function readRows(
  sqlite: Sqlite.Database,
  table: string,
  columns: readonly string[],
  budget: ReadBudget,
): Row[] {
  if (columns.length === 0) return [];
  const max = READ_LIMITS.valueBytes;
  const size = (c: string) => `coalesce(octet_length(${quote(c)}), 0)`;
  const statement = sqlite
    .prepare(
      `select ${columns.map(size).join(" + ")}, max(0, 0, ${columns.map(size).join(", ")}), ${columns
        .map((c) => `iif(${size(c)} > ${max}, null, ${quote(c)})`)
        .join(", ")} from ${quote(table)}`,
    )
    .raw();
  const perRow = READ_LIMITS.rowOverhead + 16 * columns.length;
  const rows: Row[] = [];
  for (const values of statement.iterate() as Iterable<unknown[]>) {
    const [bytes, largest] = values as [number, number];
    if (largest > max)
      throw new OverBudget(
        `${table} row ${rows.length + 1} holds a value of ${largest} bytes (at most ${max / 1024} KB per value)`,
      );
    if (!budget.spend(bytes + perRow))
      throw new OverBudget(
        `more than ${READ_LIMITS.totalBytes / 1024 / 1024} MB to import (stopped at ${table} row ${rows.length + 1})`,
      );
    const row: Row = {};
    for (const [i, c] of columns.entries()) row[c] = values[i + 2];
    rows.push(row);
  }
  return rows;
}
