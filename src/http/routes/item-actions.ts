// /api/items/:ratingKey/…: refresh now, match candidates, apply a match, and the poster proxy
// (the browser never sees the Plex token or Plex's address).
import type { FastifyInstance } from "fastify";
import { z } from "zod";
import type { SqliteScanStore } from "../../jobs/item-store.js";
import { isServerPath, type PlexClient } from "../../plex/index.js";
import { applyMatch, ItemNotFoundError, matchCandidates, refreshItem } from "../../scan/item-actions.js";
import { HttpError, parseInput } from "../errors.js";
import { matchBody, ratingKeyParams } from "../schemas.js";

const matchesQuery = z.object({
  title: z.string().trim().min(1).max(300).optional(),
  year: z.coerce.number().int().min(1800).max(2200).optional(),
});

/** A thumbnail width: Plex's transcoder scales the poster, so a table row loads a few KB. */
const posterQuery = z.object({ width: z.coerce.number().int().min(32).max(1000).optional() }).strict();

export async function itemActionRoutes(
  app: FastifyInstance,
  deps: { store: () => SqliteScanStore; plex: () => PlexClient; timeoutMs: number },
): Promise<void> {
  const actionDeps = () => ({
    plex: deps.plex(),
    store: deps.store(),
    timeoutMs: deps.timeoutMs,
  });
  const notFound = (error: unknown): never => {
    if (error instanceof ItemNotFoundError) throw new HttpError(404, error.message);
    throw error;
  };

  app.post("/api/items/:ratingKey/refresh", async (request) => {
    const { ratingKey } = parseInput(ratingKeyParams, request.params, "params");
    return refreshItem(actionDeps(), ratingKey).catch(notFound);
  });

  app.get("/api/items/:ratingKey/matches", async (request) => {
    const { ratingKey } = parseInput(ratingKeyParams, request.params, "params");
    const { title, year } = parseInput(matchesQuery, request.query, "query");
    return matchCandidates(actionDeps(), ratingKey, title, year).catch(notFound);
  });

  app.post("/api/items/:ratingKey/match", async (request) => {
    const { ratingKey } = parseInput(ratingKeyParams, request.params, "params");
    const target = parseInput(matchBody, request.body, "body");
    return applyMatch(actionDeps(), ratingKey, target).catch(notFound);
  });

  app.get("/api/items/:ratingKey/poster", async (request, reply) => {
    const { ratingKey } = parseInput(ratingKeyParams, request.params, "params");
    const plex = deps.plex();
    const [item] = await plex.metadata([ratingKey]);
    if (!item) throw new HttpError(404, `No item ${ratingKey} in Plex`);
    const path = item.thumb ?? item.art;
    if (!path) throw new HttpError(404, "This item has no poster", { code: "no_poster" });
    // Only images on the configured Plex server are fetched; an absolute URL in the metadata is
    // someone else's host and stays unfetched.
    if (!isServerPath(path))
      throw new HttpError(404, "This item's poster is not on the Plex server", { code: "no_poster" });
    const { width } = parseInput(posterQuery, request.query, "query");
    const image = await plex.thumb(
      path,
      width === undefined ? {} : { width, height: Math.round(width * 1.5) },
    );
    return reply
      .type(image.contentType.startsWith("image/") ? image.contentType : "application/octet-stream")
      .header("Cache-Control", "private, max-age=3600")
      .send(Buffer.from(image.body));
  });
}
