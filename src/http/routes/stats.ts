// /api/stats/history: everything the Statistics page shows, in one aggregated answer.
import type { FastifyInstance } from "fastify";
import { type StatsHistory, statsHistoryQuerySchema } from "../../contracts/index.js";
import type { StatsHistory as StatsHistoryRecord } from "../../jobs/results-view.js";
import { parseInput } from "../errors.js";

export async function statsRoutes(
  app: FastifyInstance,
  deps: { history: (days: number, now: number) => Promise<StatsHistoryRecord> },
): Promise<void> {
  app.get("/api/stats/history", async (request): Promise<StatsHistory> => {
    const { days } = parseInput(statsHistoryQuerySchema, request.query, "query");
    const h = await deps.history(days, Date.now());
    return {
      ...h,
      since: new Date(h.since).toISOString(),
      scans: h.scans.map((s) => ({
        ...s,
        startedAt: new Date(s.startedAt).toISOString(),
        finishedAt: new Date(s.finishedAt).toISOString(),
      })),
    };
  });
}
