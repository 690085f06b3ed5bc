// /api/items and /api/stats: what the scans found, searchable and paged.
import type { FastifyInstance } from "fastify";
import type { Kysely, Selectable } from "kysely";
import type { Database, ItemsTable } from "../../db/schema.js";
import type { ItemState } from "../../scan/policy.js";
import { parseInput } from "../errors.js";
import { type ItemResource, isoTime, itemsQuery } from "../schemas.js";

function parseArray(text: string | null): unknown[] | null {
  if (text === null) return null;
  try {
    const v = JSON.parse(text);
    return Array.isArray(v) ? v : null;
  } catch {
    return null;
  }
}

export function toItemResource(r: Selectable<ItemsTable>): ItemResource {
  return {
    ratingKey: r.rating_key,
    library: r.library,
    type: r.type,
    title: r.title,
    year: r.year,
    state: r.state as ItemState,
    problems: (parseArray(r.problems_json) ?? []) as string[],
    note: r.note,
    candidates: parseArray(r.candidates_json) as Record<string, unknown>[] | null,
    attempts: r.attempts,
    lastCheckedAt: new Date(r.last_checked_at).toISOString(),
    lastFailedAt: isoTime(r.last_failed_at),
    fixedAt: isoTime(r.fixed_at),
  };
}

export async function itemRoutes(app: FastifyInstance, deps: { db: Kysely<Database> }): Promise<void> {
  const { db } = deps;

  app.get("/api/items", async (request) => {
    const { page, pageSize, state, q, library } = parseInput(itemsQuery, request.query, "query");
    let query = db.selectFrom("items");
    if (state) query = query.where("state", "=", state);
    if (library) query = query.where("library", "=", library);
    if (q) {
      // LIKE with escaped wildcards: the search is literal text.
      const pattern = `%${q.replace(/[\\%_]/g, (c) => `\\${c}`)}%`;
      query = query.where((eb) => eb.or([eb("title", "like", eb.val(pattern)), eb("rating_key", "=", q)]));
    }
    const [rows, count] = await Promise.all([
      query
        .selectAll()
        .orderBy("last_checked_at", "desc")
        .orderBy("rating_key")
        .limit(pageSize)
        .offset((page - 1) * pageSize)
        .execute(),
      query.select((eb) => eb.fn.countAll<number>().as("n")).executeTakeFirstOrThrow(),
    ]);
    return { items: rows.map(toItemResource), total: Number(count.n), page, pageSize };
  });

  app.get("/api/stats", async () => {
    const byState = await db
      .selectFrom("items")
      .select(["state", (eb) => eb.fn.countAll<number>().as("n")])
      .groupBy("state")
      .execute();
    const byLibrary = await db
      .selectFrom("items")
      .select(["library", "state", (eb) => eb.fn.countAll<number>().as("n")])
      .groupBy(["library", "state"])
      .execute();
    const lastScan = await db
      .selectFrom("scan_runs")
      .select(["id", "status", "finished_at", "stats_json"])
      .where("finished_at", "is not", null)
      .orderBy("id", "desc")
      .executeTakeFirst();
    const states = Object.fromEntries(byState.map((r) => [r.state, Number(r.n)]));
    const libraries: Record<string, Record<string, number>> = {};
    for (const r of byLibrary) {
      const name = r.library ?? "unknown";
      libraries[name] ??= {};
      libraries[name][r.state] = Number(r.n);
    }
    const fixed = states.fixed ?? 0;
    const failed = states.failed ?? 0;
    return {
      items: { total: Object.values(states).reduce((a, b) => a + b, 0), byState: states },
      libraries,
      successRate: fixed + failed > 0 ? fixed / (fixed + failed) : null,
      lastScan: lastScan
        ? {
            id: lastScan.id,
            status: lastScan.status,
            finishedAt: isoTime(lastScan.finished_at),
            stats: lastScan.stats_json ? JSON.parse(lastScan.stats_json) : null,
          }
        : null,
    };
  });
}
