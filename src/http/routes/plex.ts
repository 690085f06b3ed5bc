// /api/plex: the Plex libraries with item counts, for choosing what to scan, and a connection
// test for the settings page.
import type { FastifyInstance } from "fastify";
import { errorMessage } from "../../error-message.js";
import { PlexAuthError, type PlexClient, PlexError, PlexUnreachableError } from "../../plex/index.js";
import { librariesWithCounts } from "../../scan/libraries.js";

/** The error code of a failed connection test, as the API's error bodies name it. */
function failureCode(error: unknown): string {
  if (error instanceof PlexAuthError) return "plex_auth";
  if (error instanceof PlexUnreachableError) return "plex_unreachable";
  if (error instanceof PlexError) return "plex_error";
  return "internal";
}

export async function plexRoutes(app: FastifyInstance, deps: { plex: () => PlexClient }): Promise<void> {
  app.get("/api/plex/libraries", async () => ({ libraries: await librariesWithCounts(deps.plex()) }));

  // A failed test is an answer, not an error: 200 with the reason, so the page shows it beside
  // the button instead of treating it as a broken request.
  app.post("/api/plex/test", async (request) => {
    try {
      const plex = deps.plex();
      const server = await plex.server();
      const libraries = await librariesWithCounts(plex);
      return {
        ok: true as const,
        server: { name: server.friendlyName, version: server.version, platform: server.platform },
        libraries,
      };
    } catch (error) {
      const code = failureCode(error);
      // Plex errors say what went wrong (refused, timed out, 401) and never carry the token;
      // anything else is logged and reported without internals.
      if (code === "internal") request.log.error({ err: error }, "Plex connection test failed");
      return {
        ok: false as const,
        code,
        reason: code === "internal" ? "unexpected error" : errorMessage(error),
      };
    }
  });
}
