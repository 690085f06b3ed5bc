// /api/watch/status: what the dashboard shows about watch mode (state, queue, today's figures).
import type { FastifyInstance } from "fastify";
import type { WatchStatus } from "../../contracts/watch.js";

export interface WatchRouteDeps {
  /** Absent when the server runs without a watcher (it then reports "off"). */
  status?: () => WatchStatus;
}

const OFF: WatchStatus = {
  enabled: false,
  state: "off",
  connected: false,
  settleSeconds: 10,
  queueDepth: 0,
  lastAddedAt: null,
  plexScanning: false,
  waitingForScan: false,
  today: { day: "", checked: 0, fixed: 0, failed: 0 },
};

export async function watchRoutes(app: FastifyInstance, deps: WatchRouteDeps): Promise<void> {
  app.get("/api/watch/status", async () => deps.status?.() ?? OFF);
}
