// /api/items/:ratingKey/…: the detail drawer, refresh now, match candidates, apply a match,
// undo the app's last match, ignore/unignore, and the poster proxies (the browser never sees the Plex token or Plex's
// address, and never names an address for the server to fetch).
import { createHash } from "node:crypto";
import type { FastifyInstance, FastifyReply } from "fastify";
import {
  candidatePosterQuerySchema,
  type IgnoreBody,
  type ItemDetail,
  ignoreBodySchema,
  itemPosterQuerySchema,
  type MatchCandidate,
  type MatchesResponse,
  type MatchRef,
  matchesQuerySchema,
} from "../../contracts/index.js";
import { codedIssue } from "../../contracts/validation.js";
import type { SqliteScanStore } from "../../jobs/item-store.js";
import type { ResultsView } from "../../jobs/results-view.js";
import {
  isServerPath,
  type PlexClient,
  type PlexImage,
  type PlexItem,
  sanitizeUrl,
} from "../../plex/index.js";
import {
  applyMatch,
  ItemNotFoundError,
  matchCandidates,
  PastedIdError,
  refreshItem,
  undoMatch,
} from "../../scan/item-actions.js";
import { CandidateSearches } from "../candidate-searches.js";
import { HttpError, invalidInput, parseInput } from "../errors.js";
import { type CandidateLike, candidateView, itemEvidence, posterVersion } from "../item-evidence.js";
import { isoTime, matchBody, ratingKeyParams } from "../schemas.js";
import { toItemResource } from "./items.js";

/** An address that names the poster's version never changes its answer; any other may. */
const CACHE_FOR_GOOD = "private, max-age=31536000, immutable";
const CACHE_REVALIDATE = "private, no-cache";
/** A candidate's poster is a work's artwork, addressed by the work's guid: it rarely changes. */
const CACHE_CANDIDATE = "private, max-age=86400";

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
  /** The stored schedule of a waiting placeholder's checks (the drawer's "check again"). */
  placeholderCheckOffsetsMinutes?: () => Promise<readonly number[]>;
}

function sendImage(reply: FastifyReply, image: PlexImage, cacheControl: string) {
  return reply
    .type(image.contentType.startsWith("image/") ? image.contentType : "application/octet-stream")
    .header("Cache-Control", cacheControl)
    .send(Buffer.from(image.body));
}

const candidateList = (candidates: readonly CandidateLike[] | null, currentGuid: string | null) =>
  (candidates ?? [])
    .map((c) => candidateView(c, currentGuid))
    .filter((c): c is MatchCandidate => c !== undefined);

export async function itemActionRoutes(app: FastifyInstance, deps: ItemActionRouteDeps): Promise<void> {
  const actionDeps = async () => ({
    plex: deps.plex(),
    store: deps.store(),
    timeoutMs: deps.timeoutMs,
    placeholderCheckOffsetsMinutes: await deps.placeholderCheckOffsetsMinutes?.(),
  });
  const notFound = (error: unknown): never => {
    if (error instanceof ItemNotFoundError) throw new HttpError(404, error.message);
    // A pasted ID or link that cannot be searched is the person's input: a 400 on `title`.
    if (error instanceof PastedIdError)
      throw invalidInput([codedIssue("title", error.code, error.params)], "query");
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
    // The item as Plex has it now: the evidence. The drawer still opens when Plex cannot answer.
    const [current, link] = await Promise.all([
      deps
        .plex()
        .metadata([ratingKey])
        .then(([i]): PlexItem | null => i ?? null)
        .catch(() => null),
      plexLink(ratingKey),
    ]);
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
      plexLink: link,
      previousMatch: (await deps.previousMatch(ratingKey)) ?? null,
      plex: current ? itemEvidence(current) : null,
      candidates: candidateList(detail.item.candidates, current?.guid ?? null),
    };
  });

  app.post("/api/items/:ratingKey/refresh", async (request) => {
    const { ratingKey } = parseInput(ratingKeyParams, request.params, "params");
    return once(ratingKey, "refresh", async () => refreshItem(await actionDeps(), ratingKey)).catch(notFound);
  });

  app.get("/api/items/:ratingKey/matches", async (request): Promise<MatchesResponse> => {
    const { ratingKey } = parseInput(ratingKeyParams, request.params, "params");
    const { title, year } = parseInput(matchesQuerySchema, request.query, "query");
    const found = await matchCandidates(await actionDeps(), ratingKey, title, year).catch(notFound);
    const candidates = candidateList(found.candidates, found.item.guid);
    return {
      searchId: searches.remember(ratingKey, found.candidates),
      item: found.item,
      query: found.query,
      candidates: found.foundBy ? candidates.map((c) => ({ ...c, foundBy: found.foundBy })) : candidates,
    };
  });

  app.post("/api/items/:ratingKey/match", async (request) => {
    const { ratingKey } = parseInput(ratingKeyParams, request.params, "params");
    const target = parseInput(matchBody, request.body, "body");
    return once(ratingKey, "match", async () => applyMatch(await actionDeps(), ratingKey, target)).catch(
      notFound,
    );
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
    return once(ratingKey, "undo-match", async () => undoMatch(await actionDeps(), ratingKey, to)).catch(
      notFound,
    );
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

  // The item's poster, never its background art: an item with no poster shows the placeholder.
  // `?v=` (the thumb's version, from the detail) makes the address one the browser keeps for
  // good; without it, or when it is out of date, the browser asks again each time and gets a 304
  // while the thumb is unchanged, so a fix or an undo shows at once.
  app.get("/api/items/:ratingKey/poster", async (request, reply) => {
    const { ratingKey } = parseInput(ratingKeyParams, request.params, "params");
    const { width, v } = parseInput(itemPosterQuerySchema, request.query, "query");
    const plex = deps.plex();
    const [item] = await plex.metadata([ratingKey]);
    if (!item) throw new HttpError(404, `No item ${ratingKey} in Plex`);
    const path = item.thumb;
    if (!path) throw new HttpError(404, "This item has no poster", { code: "no_poster" });
    // Only images on the configured Plex server are fetched; an absolute URL in the metadata is
    // someone else's host and stays unfetched.
    if (!isServerPath(path))
      throw new HttpError(404, "This item's poster is not on the Plex server", { code: "no_poster" });
    const version = posterVersion(path);
    const cacheControl = v !== undefined && v === version ? CACHE_FOR_GOOD : CACHE_REVALIDATE;
    const tag = version ?? createHash("sha256").update(path).digest("hex").slice(0, 16);
    const etag = `"${tag}-${width ?? 0}"`;
    reply.header("ETag", etag).header("Cache-Control", cacheControl);
    if (request.headers["if-none-match"] === etag) return reply.code(304).send();
    const image = await plex.thumb(
      path,
      width === undefined ? {} : { width, height: Math.round(width * 1.5) },
    );
    return sendImage(reply, image, cacheControl);
  });

  // A candidate's poster by its guid in a list the server holds: the picker's search
  // (`?search=`) or the candidates the scan stored. Whatever the list says, the image is asked
  // of the configured Plex server only (a server path, or its photo transcoder for a URL).
  app.get("/api/items/:ratingKey/candidates/poster", async (request, reply) => {
    const { ratingKey } = parseInput(ratingKeyParams, request.params, "params");
    const { guid, width, search } = parseInput(candidatePosterQuerySchema, request.query, "query");
    let source: string | undefined;
    if (search !== undefined) {
      if (!searches.has(search, ratingKey))
        throw new HttpError(404, "This search has expired; search again", { code: "not_found" });
      source = searches.thumb(search, ratingKey, guid);
    } else {
      const detail = await deps.results.item(ratingKey);
      if (!detail) throw new HttpError(404, `No item ${ratingKey} has been recorded`);
      const thumb = detail.item.candidates?.find((c) => c.guid === guid)?.thumb;
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
    return sendImage(reply, image, CACHE_CANDIDATE);
  });
}
