// /api/plex/libraries: the Plex libraries, with item counts, for choosing what to scan.
import type { FastifyInstance } from "fastify";
import type { PlexClient } from "../../plex/index.js";
import { librariesWithCounts } from "../../scan/libraries.js";

export async function plexRoutes(app: FastifyInstance, deps: { plex: () => PlexClient }): Promise<void> {
  app.get("/api/plex/libraries", async () => ({ libraries: await librariesWithCounts(deps.plex()) }));
}
