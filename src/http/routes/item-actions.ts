// /api/items/:ratingKey/…: the detail drawer, refresh now, match candidates, apply a match,
// undo the app's last match, ignore/unignore, and the poster proxies (the browser never sees the Plex token or Plex's
// address, and never names an address for the server to fetch).
import type { FastifyInstance, FastifyReply } from "fastify";
import {
  candidatePosterParamsSchema,
  candidatePosterQuerySchema,
  type IgnoreBody,
  type ItemDetail,
  ignoreBodySchema,
  type MatchesResponse,
  type MatchRef,
  matchesQuerySchema,
} from "../../contracts/index.js";
import type { SqliteScanStore } from "../../jobs/item-store.js";
import type { ResultsView } from "../../jobs/results-view.js";
import { isServerPath, type PlexClient, type PlexImage, sanitizeUrl } from "../../plex/index.js";
import {
  applyMatch,
  ItemNotFoundError,
  matchCandidates,
  refreshItem,
  undoMatch,
} from "../../scan/item-actions.js";
import { CandidateSearches } from "../candidate-searches.js";
import { HttpError, parseInput } from "../errors.js";
import { isoTime, matchBody, ratingKeyParams } from "../schemas.js";
import { toItemResource } from "./items.js";

/** A thumbnail width: Plex's transcoder scales the poster, so a table row loads a few KB. */
const posterQuery = candidatePosterQuerySchema.pick({ width: true }).strict();

export interface ItemActionRouteDeps {
  store: () => SqliteScanStore;
  plex: () => PlexClient;
  timeoutMs: number;
  results: ResultsView;
  /** Sets (reason) or clears (null) an item's ignore; false when no scan recorded the item. */
  setIgnored: (ratingKey: string, ignore: { reason: string | null } | null) => Promise<boolean>;
  /** PLEX_URL, for the "Open in Plex" link. */
  plexUrl: string;
  /** What the app's last match replaced: null = never matched by the app, undefined = not recorded. */
  previousMatch: (ratingKey: string) => Promise<MatchRef | null | undefined>;
}

function sendImage(reply: FastifyReply, image: PlexImage) {
  return reply
    .type(image.contentType.startsWith("image/") ? image.contentType : "application/octet-stream")
    .header("Cache-Control", "private, max-age=3600")
    .send(Buffer.from(image.body));
}

export async function itemActionRoutes(app: FastifyInstance, deps: ItemActionRouteDeps): Promise<void> {
  const actionDeps = () => ({
    plex: deps.plex(),
    store: deps.store(),
    timeoutMs: deps.timeoutMs,
  });
  const notFound = (error: unknown): never => {
    if (error instanceof ItemNotFoundError) throw new HttpError(404, error.message);
    throw error;
  };
  const searches = new CandidateSearches();

  // One refresh or match per item at a time: a repeated click joins the action under way
  // instead of sending Plex a second one; a different action on the same item is refused.
  const running = new Map<string, { kind: string; result: Promise<unknown> }>();
  const once = (ratingKey: string, kind: string, run: () => Promise<unknown>): Promise<unknown> => {
    const current = running.get(ratingKey);
    if (current?.kind === kind) return current.result;
    if (current) throw new HttpError(409, "Another action on this item is under way", { code: "item_busy" });
    const result = run().finally(() => running.delete(ratingKey));
    running.set(ratingKey, { kind, result });
    return result;
  };

  // The server id changes only when Plex is reinstalled; ask once, and again after a failure.
  let machineId: Promise<string | null> | undefined;
  const plexLink = async (ratingKey: string): Promise<string | null> => {
    machineId ??= deps
      .plex()
      .identity()
      .then((i) => i.machineIdentifier || null)
      .catch(() => null);
    const id = await machineId;
    if (!id) machineId = undefined;
    if (!id) return null;
    // A user:password in PLEX_URL is masked as in the logs: the link is shown on a page.
    const base = sanitizeUrl(deps.plexUrl).replace(/\/+$/, "");
    return `${base}/web/index.html#!/server/${encodeURIComponent(id)}/details?key=/library/metadata/${ratingKey}`;
  };

  app.get("/api/items/:ratingKey", async (request): Promise<ItemDetail> => {
    const { ratingKey } = parseInput(ratingKeyParams, request.params, "params");
    const detail = await deps.results.item(ratingKey);
    if (!detail) throw new HttpError(404, `No item ${ratingKey} has been recorded`);
    return {
      item: toItemResource(detail.item),
      history: detail.history.map((h) => ({ ...h, at: new Date(h.at).toISOString() })),
      lastScan: detail.lastScan
        ? {
            id: detail.lastScan.id,
            status: detail.lastScan.status as NonNullable<ItemDetail["lastScan"]>["status"],
            startedAt: isoTime(detail.lastScan.startedAt),
            finishedAt: isoTime(detail.lastScan.finishedAt),
          }
        : null,
      plexLink: await plexLink(ratingKey),
      previousMatch: (await deps.previousMatch(ratingKey)) ?? null,
    };
  });

  app.post("/api/items/:ratingKey/refresh", async (request) => {
    const { ratingKey } = parseInput(ratingKeyParams, request.params, "params");
    return once(ratingKey, "refresh", () => refreshItem(actionDeps(), ratingKey)).catch(notFound);
  });

  app.get("/api/items/:ratingKey/matches", async (request): Promise<MatchesResponse> => {
    const { ratingKey } = parseInput(ratingKeyParams, request.params, "params");
    const { title, year } = parseInput(matchesQuerySchema, request.query, "query");
    const found = await matchCandidates(actionDeps(), ratingKey, title, year).catch(notFound);
    return {
      searchId: searches.remember(
        ratingKey,
        found.candidates.map((c) => c.thumb),
      ),
      item: found.item,
      query: found.query,
      candidates: found.candidates.map((c) => ({
        guid: c.guid,
        name: c.name,
        year: c.year ?? null,
        score: c.score ?? null,
        summary: c.summary ?? null,
        hasPoster: !!c.thumb,
      })),
    };
  });

  app.post("/api/items/:ratingKey/match", async (request) => {
    const { ratingKey } = parseInput(ratingKeyParams, request.params, "params");
    const target = parseInput(matchBody, request.body, "body");
    return once(ratingKey, "match", () => applyMatch(actionDeps(), ratingKey, target)).catch(notFound);
  });

  // Undo: the match the app's last match replaced comes back (a match to it, or an unmatch),
  // verified like any fix. Only the app's own matches are undone, never one made in Plex.
  app.post("/api/items/:ratingKey/undo-match", async (request) => {
    const { ratingKey } = parseInput(ratingKeyParams, request.params, "params");
    const to = await deps.previousMatch(ratingKey);
    if (to === undefined) throw new HttpError(404, `No item ${ratingKey} has been recorded`);
    if (to === null)
      throw new HttpError(409, "This app never matched this item, so there is no earlier match to restore", {
        code: "nothing_to_undo",
      });
    return once(ratingKey, "undo-match", () => undoMatch(actionDeps(), ratingKey, to)).catch(notFound);
  });

  const ignore = async (ratingKey: string, value: { reason: string | null } | null) => {
    if (!(await deps.setIgnored(ratingKey, value)))
      throw new HttpError(404, `No item ${ratingKey} has been recorded`);
    const detail = await deps.results.item(ratingKey);
    if (!detail) throw new HttpError(404, `No item ${ratingKey} has been recorded`);
    return toItemResource(detail.item);
  };

  app.post("/api/items/:ratingKey/ignore", async (request) => {
    const { ratingKey } = parseInput(ratingKeyParams, request.params, "params");
    const body: IgnoreBody = parseInput(ignoreBodySchema, request.body, "body");
    return ignore(ratingKey, { reason: body.reason || null });
  });

  app.delete("/api/items/:ratingKey/ignore", async (request) => {
    const { ratingKey } = parseInput(ratingKeyParams, request.params, "params");
    return ignore(ratingKey, null);
  });

  app.get("/api/items/:ratingKey/poster", async (request, reply) => {
    const { ratingKey } = parseInput(ratingKeyParams, request.params, "params");
    const { width } = parseInput(posterQuery, request.query, "query");
    const plex = deps.plex();
    const [item] = await plex.metadata([ratingKey]);
    if (!item) throw new HttpError(404, `No item ${ratingKey} in Plex`);
    const path = item.thumb ?? item.art;
    if (!path) throw new HttpError(404, "This item has no poster", { code: "no_poster" });
    // Only images on the configured Plex server are fetched; an absolute URL in the metadata is
    // someone else's host and stays unfetched.
    if (!isServerPath(path))
      throw new HttpError(404, "This item's poster is not on the Plex server", { code: "no_poster" });
    const image = await plex.thumb(
      path,
      width === undefined ? {} : { width, height: Math.round(width * 1.5) },
    );
    return sendImage(reply, image);
  });

  // A candidate's poster by its position in a list the server holds: the picker's search
  // (`?search=`) or the candidates the scan stored. Whatever the list says, the image is asked
  // of the configured Plex server only (a server path, or its photo transcoder for a URL).
  app.get("/api/items/:ratingKey/candidates/:n/poster", async (request, reply) => {
    const { ratingKey, n } = parseInput(candidatePosterParamsSchema, request.params, "params");
    const { width, search } = parseInput(candidatePosterQuerySchema, request.query, "query");
    let source: string | undefined;
    if (search !== undefined) {
      if (!searches.has(search, ratingKey))
        throw new HttpError(404, "This search has expired; search again", { code: "not_found" });
      source = searches.thumb(search, ratingKey, n);
    } else {
      const detail = await deps.results.item(ratingKey);
      if (!detail) throw new HttpError(404, `No item ${ratingKey} has been recorded`);
      const thumb = detail.item.candidates?.[n]?.thumb;
      source = typeof thumb === "string" ? thumb : undefined;
    }
    if (!source) throw new HttpError(404, "This candidate has no poster", { code: "no_poster" });
    const image = await deps
      .plex()
      .photo(source, width === undefined ? {} : { width, height: Math.round(width * 1.5) })
      .catch((error: unknown) => {
        if (error instanceof TypeError)
          throw new HttpError(404, "This candidate's poster cannot be fetched", { code: "no_poster" });
        throw error;
      });
    return sendImage(reply, image);
  });
}
