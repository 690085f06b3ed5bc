// /api/items and /api/stats: what the scans found, searchable and paged.
import type { FastifyInstance } from "fastify";
import type { ItemRecord, ResultsView } from "../../jobs/results-view.js";
import { parseInput } from "../errors.js";
import { type ItemResource, isoTime, itemsQuery } from "../schemas.js";

export function toItemResource(r: ItemRecord): ItemResource {
  return {
    ...r,
    lastCheckedAt: new Date(r.lastCheckedAt).toISOString(),
    lastFailedAt: isoTime(r.lastFailedAt),
    fixedAt: isoTime(r.fixedAt),
    ignoredAt: isoTime(r.ignoredAt),
  };
}

export async function itemRoutes(app: FastifyInstance, deps: { results: ResultsView }): Promise<void> {
  app.get("/api/items", async (request) => {
    const filter = parseInput(itemsQuery, request.query, "query");
    const { items, total } = await deps.results.items(filter);
    return { items: items.map(toItemResource), total, page: filter.page, pageSize: filter.pageSize };
  });

  app.get("/api/stats", async () => {
    const stats = await deps.results.stats();
    return {
      ...stats,
      lastScan: stats.lastScan ? { ...stats.lastScan, finishedAt: isoTime(stats.lastScan.finishedAt) } : null,
    };
  });
}
