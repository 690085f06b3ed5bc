/**
 * Listing query parameters: `type`, `sort`, `limit` and Plex "media query" filters such as
 * `addedAt>>=-30d` (the operator is part of the key, raw or URL-encoded) and `unmatched=1`.
 * Field names may carry a libtype prefix (`episode.addedAt`) as python-plexapi sends them.
 */
import { type Item, isUnmatched } from "./model.js";
import { SORT_FIELDS, type SortField, type SortKey } from "./store.js";
import { normalizeTitle } from "./text.js";

export type Predicate = (item: Item) => boolean;

export interface ListingQuery {
  type?: number;
  sort: SortKey[];
  predicates: Predicate[];
  limit?: number;
}

export class QueryError extends Error {}

/** Parameters that are not filters (includes, paging, client identification). */
const NON_FILTER =
  /^(includ|exclud|X-Plex-|sort$|type$|limit$|push$|pop$|or$|checkFiles$|skipRefresh$|async|sectionID$|contentDirectoryID$|clusterZoomLevel$|group$|having$)/;

const UNIT_SECONDS: Record<string, number> = {
  s: 1,
  m: 60,
  h: 3600,
  d: 86_400,
  w: 7 * 86_400,
  mon: 30 * 86_400,
  y: 365 * 86_400,
};

/** Epoch seconds from an absolute epoch, a relative "-30d", or "YYYY-MM-DD". */
export function parseDate(value: string, now: number): number {
  const rel = /^-?(\d+)(mon|[smhdwy])$/.exec(value);
  if (rel) return now - Number(rel[1]) * (UNIT_SECONDS[rel[2] as string] as number);
  if (/^-?\d+$/.test(value)) return Number(value);
  const ms = Date.parse(value);
  if (Number.isNaN(ms)) throw new QueryError(`bad date ${value}`);
  return Math.floor(ms / 1000);
}

export function parseSort(raw: string): SortKey[] {
  const keys: SortKey[] = [];
  for (const part of raw.split(",")) {
    const m = /^(?:[a-zA-Z]+\.)?([a-zA-Z]+)(?::([a-zA-Z]*))?$/.exec(part.trim());
    if (!m) throw new QueryError(`bad sort ${part}`);
    const field = m[1] === "ratingKey" ? "id" : (m[1] as string);
    const dir = m[2] ?? "";
    if (!SORT_FIELDS.has(field) || !["", "asc", "desc", "nullsLast"].includes(dir)) {
      throw new QueryError(`unknown sort ${part}`);
    }
    keys.push({ field: field as SortField, desc: dir === "desc" });
  }
  return keys;
}

type Getter = (item: Item) => number | string | undefined;
const NUMERIC: Record<string, Getter> = {
  addedAt: (i) => i.addedAt,
  updatedAt: (i) => i.updatedAt,
  year: (i) => i.year,
  id: (i) => i.rk,
  index: (i) => i.index,
  duration: (i) => i.duration,
};
const DATE_FIELDS = new Set(["addedAt", "updatedAt"]);

function numericPredicate(get: Getter, op: string, values: number[]): Predicate {
  const test = (v: number, x: number): boolean => {
    switch (op) {
      case "":
        return v === x;
      case "!":
        return v !== x;
      case ">>":
        return v > x;
      case "<<":
        return v < x;
      case ">":
        return v >= x;
      case "<":
        return v <= x;
      default:
        throw new QueryError(`bad operator ${op}`);
    }
  };
  // A comma in the value means OR (REFERENCE §2.4), except for "is not" which is AND.
  return (item) => {
    const v = get(item);
    if (typeof v !== "number") return op === "!";
    return op === "!" ? values.every((x) => test(v, x)) : values.some((x) => test(v, x));
  };
}

function stringPredicate(get: (i: Item) => string, op: string, values: string[]): Predicate {
  const wanted = values.map((v) => v.toLowerCase());
  const test = (v: string, x: string): boolean => {
    switch (op) {
      case "":
        return v.includes(x);
      case "!":
        return !v.includes(x);
      case "=":
        return v === x;
      case "!=":
        return v !== x;
      case "<":
        return v.startsWith(x);
      case ">":
        return v.endsWith(x);
      default:
        throw new QueryError(`bad operator ${op}`);
    }
  };
  return (item) => {
    const v = get(item).toLowerCase();
    return op.startsWith("!") ? wanted.every((x) => test(v, x)) : wanted.some((x) => test(v, x));
  };
}

export function parseListingQuery(params: URLSearchParams, now: number): ListingQuery {
  const q: ListingQuery = { sort: [], predicates: [] };
  const type = params.get("type");
  if (type !== null && type !== "") {
    if (!/^\d+$/.test(type)) throw new QueryError("bad type");
    q.type = Number(type);
  }
  const sort = params.get("sort");
  if (sort) q.sort = parseSort(sort);
  const limit = params.get("limit");
  if (limit !== null && limit !== "") {
    if (!/^\d+$/.test(limit)) throw new QueryError("bad limit");
    q.limit = Number(limit);
  }
  for (const [rawKey, value] of params) {
    if (NON_FILTER.test(rawKey)) continue;
    // "addedAt>>" + "=" value: URLSearchParams splits at the first "=", so the operator
    // stays in the key. "title==" arrives as key "title" with value "=…".
    const m = /^(?:([a-zA-Z]+)\.)?([a-zA-Z]+)([!<>]*)$/.exec(rawKey);
    if (!m) continue;
    const field = m[2] as string;
    let op = m[3] as string;
    let raw = value;
    if (raw.startsWith("=") && (op === "" || op === "!")) {
      op = `${op}=`;
      raw = raw.slice(1);
    }
    const values = raw.split(",");
    const getter = NUMERIC[field];
    if (getter) {
      const nums = values.map((v) => (DATE_FIELDS.has(field) ? parseDate(v, now) : Number(v)));
      if (nums.some((n) => Number.isNaN(n))) throw new QueryError(`bad value for ${field}`);
      q.predicates.push(numericPredicate(getter, op, nums));
    } else if (field === "unmatched") {
      const want = raw === "1" || raw === "true";
      q.predicates.push((item) => isUnmatched(item) === want);
    } else if (field === "title") {
      q.predicates.push(
        stringPredicate((i) => normalizeTitle(i.edits?.title ?? i.title), op, values.map(normalizeTitle)),
      );
    } else if (field === "guid") {
      q.predicates.push((item) => values.includes(item.guid) === !op.startsWith("!"));
    }
    // Other fields are accepted and ignored: PMS is lenient about parameters it skips.
  }
  return q;
}
