// /api/plex/libraries: the Plex libraries, with item counts, for choosing what to scan.
import type { FastifyInstance } from "fastify";
import type { PlexClient } from "../../plex/index.js";

const COUNT_TYPE: Record<string, number> = { movie: 1, show: 2 };

export async function plexRoutes(app: FastifyInstance, deps: { plex: () => PlexClient }): Promise<void> {
  app.get("/api/plex/libraries", async () => {
    const plex = deps.plex();
    const sections = await plex.sections();
    const libraries = await Promise.all(
      sections.map(async (s) => {
        const type = COUNT_TYPE[s.type];
        return {
          id: s.id,
          title: s.title,
          type: s.type,
          agent: s.agent,
          language: s.language,
          personal: s.isPersonal,
          scannable: type !== undefined,
          count: type === undefined ? null : await plex.count(s.id, { type }),
        };
      }),
    );
    return { libraries };
  });
}
