/** Item endpoints: metadata, children, allLeaves, refresh, matches, match, unmatch, images. */
import { type EmulatorContext, HttpError, PMS_CONTAINER, type Route } from "../context.js";
import { type El, el } from "../el.js";
import { posterPng } from "../images.js";
import { searchResultElement } from "../matches.js";
import type { Item } from "../model.js";
import { applyUnmatch } from "../mutations.js";
import { timelineUpdate } from "../notifications.js";
import { applyPage, pageAttrs, parsePage } from "../paging.js";
import { customisation } from "../render.js";
import { sendBytes, sendContainer, sendEmpty, sendError } from "../respond.js";
import { chosenUpload } from "./posters.js";

const nowSeconds = (): number => Math.floor(Date.now() / 1000);

function itemFor(ctx: EmulatorContext, id: string | undefined): Item {
  const item = ctx.store.get(Number(id));
  if (!item) throw new HttpError(404);
  return item;
}

function sectionAttrs(ctx: EmulatorContext, item: Item) {
  const section = ctx.store.section(item.sectionId);
  return {
    librarySectionID: item.sectionId,
    librarySectionTitle: section?.title,
    librarySectionUUID: section?.uuid,
  };
}

const img = (item: Item, kind: string): string => `/library/metadata/${item.rk}/${kind}/${item.thumbAt}`;

/** Container attributes of a children listing, following the seasons/episodes fixtures. */
function childrenContainer(
  ctx: EmulatorContext,
  parent: Item,
  viewGroup: string,
): Record<string, string | number | boolean | undefined> {
  const root = ctx.store.root(parent);
  const section = ctx.store.section(parent.sectionId);
  const common = {
    allowSync: true,
    art: root.work ? img(root, "art") : undefined,
    banner: root.type === "show" && root.work ? img(root, "banner") : undefined,
  };
  if (parent.type === "season" || parent.type === "album") {
    return {
      ...common,
      grandparentContentRating: root.work?.contentRating,
      grandparentRatingKey: root.rk,
      grandparentStudio: root.work?.studio,
      grandparentTheme: root.work ? img(root, "theme") : undefined,
      grandparentThumb: root.thumb ? img(root, "thumb") : undefined,
      grandparentTitle: root.title,
      identifier: PMS_CONTAINER.identifier,
      key: String(parent.rk),
      ...sectionAttrs(ctx, parent),
      mediaTagPrefix: PMS_CONTAINER.mediaTagPrefix,
      mediaTagVersion: PMS_CONTAINER.mediaTagVersion,
      nocache: true,
      parentIndex: parent.index,
      parentTitle: root.title,
      theme: root.work ? img(root, "theme") : undefined,
      thumb: parent.thumb ? img(parent, "thumb") : undefined,
      title1: root.title,
      title2: parent.title,
      viewGroup,
      viewMode: 65592,
    };
  }
  return {
    ...common,
    identifier: PMS_CONTAINER.identifier,
    key: String(parent.rk),
    ...sectionAttrs(ctx, parent),
    mediaTagPrefix: PMS_CONTAINER.mediaTagPrefix,
    mediaTagVersion: PMS_CONTAINER.mediaTagVersion,
    nocache: true,
    parentIndex: 1,
    parentTitle: parent.title,
    parentYear: parent.year,
    summary: ctx.render.summaryText(parent),
    theme: root.work && parent.type === "show" ? img(parent, "theme") : undefined,
    thumb: parent.thumb ? img(parent, "thumb") : undefined,
    title1: section?.title,
    title2: parent.title,
    viewGroup,
    viewMode: viewGroup === "season" ? 65593 : 65592,
  };
}

async function childListing(
  ctx: EmulatorContext,
  r: Parameters<Route["handler"]>[1],
  parent: Item,
  rows: Item[],
  viewGroup: string,
  head: El[],
): Promise<void> {
  const page = parsePage(r.req, r.query);
  const w = applyPage(rows, page);
  const { attrs: pa, headers } = pageAttrs(page, w);
  const opts = {
    detail: false,
    includeGuids: r.query.get("includeGuids") === "1",
    ...customisation(r.query),
  };
  await sendContainer(r.res, r.format, {
    attrs: {
      size: pa.size,
      totalSize: pa.totalSize,
      offset: pa.offset,
      ...childrenContainer(ctx, parent, viewGroup),
    },
    head: page.start === 0 ? head : [],
    items: w.rows.map((i) => ctx.render.render(i, opts)),
    headers,
  });
}

function enqueueOrFail(
  ctx: EmulatorContext,
  item: Item,
  kind: "refresh" | "match",
  work?: Parameters<EmulatorContext["queue"]["enqueue"]>[2],
): void {
  if (ctx.queue.enqueue(item, kind, work) === "full") throw new HttpError(503);
}

export const metadataRoutes: Route[] = [
  {
    method: "GET",
    name: "GET /library/metadata/:ids",
    pattern: /^\/library\/metadata\/(\d+(?:,\d+)*)\/?$/,
    handler: (ctx, { res, format, params, query }) => {
      const items = (params[0] as string)
        .split(",")
        .map((id) => ctx.store.get(Number(id)))
        .filter((i): i is Item => i !== undefined);
      if (items.length === 0) throw new HttpError(404);
      const first = items[0] as Item;
      const sameSection = items.every((i) => i.sectionId === first.sectionId);
      // Full items carry their Guid list unless the client opts out with includeGuids=0.
      const opts = {
        detail: true,
        includeGuids: query.get("includeGuids") !== "0",
        ...customisation(query),
      };
      return sendContainer(res, format, {
        attrs: {
          size: items.length,
          allowSync: true,
          identifier: PMS_CONTAINER.identifier,
          ...(sameSection ? sectionAttrs(ctx, first) : {}),
          mediaTagPrefix: PMS_CONTAINER.mediaTagPrefix,
          mediaTagVersion: PMS_CONTAINER.mediaTagVersion,
        },
        items: items.map((i) => ctx.render.render(i, opts)),
      });
    },
  },
  {
    method: "GET",
    name: "GET /library/metadata/:id/children",
    pattern: /^\/library\/metadata\/(\d+)\/children$/,
    handler: (ctx, r) => {
      const parent = itemFor(ctx, r.params[0]);
      const rows = ctx.store.children(parent);
      const viewGroup = rows[0]?.type ?? (parent.type === "show" ? "season" : "episode");
      const head: El[] = [];
      if (parent.type === "show" && r.query.get("excludeAllLeaves") !== "1") {
        const leaves = ctx.store.leaves(parent).length;
        const all = el("Directory", {
          leafCount: leaves,
          thumb: parent.thumb ? img(parent, "thumb") : undefined,
          viewedLeafCount: 0,
          key: `/library/metadata/${parent.rk}/allLeaves`,
          title: "All episodes",
        });
        head.push(all);
      }
      return childListing(ctx, r, parent, rows, viewGroup, head);
    },
  },
  {
    method: "GET",
    name: "GET /library/metadata/:id/allLeaves",
    pattern: /^\/library\/metadata\/(\d+)\/allLeaves$/,
    handler: (ctx, r) => {
      const parent = itemFor(ctx, r.params[0]);
      const rows = ctx.store.leaves(parent);
      return childListing(ctx, r, parent, rows, rows[0]?.type ?? "episode", []);
    },
  },
  {
    method: "PUT",
    name: "PUT /library/metadata/:ids/refresh",
    pattern: /^\/library\/metadata\/(\d+(?:,\d+)*)\/refresh$/,
    handler: (ctx, { res, params }) => {
      const items = (params[0] as string)
        .split(",")
        .map((id) => ctx.store.get(Number(id)))
        .filter((i): i is Item => i !== undefined);
      if (items.length === 0) throw new HttpError(404);
      for (const item of items) {
        enqueueOrFail(ctx, item, "refresh");
        ctx.counters.refreshes++;
      }
      sendEmpty(res);
    },
  },
  {
    method: "GET",
    name: "GET /library/metadata/:id/matches",
    pattern: /^\/library\/metadata\/(\d+)\/matches$/,
    handler: (ctx, { res, format, params, query }) => {
      const item = itemFor(ctx, params[0]);
      const section = ctx.store.section(item.sectionId);
      const agent = query.get("agent") || section?.agent || "";
      const titleParam = query.get("title");
      const yearParam = query.get("year");
      const title = titleParam || item.title;
      const yearText = yearParam ?? (titleParam ? "" : String(item.year ?? ""));
      const year = /^\d{4}$/.test(yearText) ? Number(yearText) : undefined;
      const searchable =
        (item.type === "movie" || item.type === "show") &&
        section !== undefined &&
        section.kind !== "personal";
      const results = searchable
        ? ctx.catalogue.search({
            type: item.type as "movie" | "show",
            title,
            agent,
            ...(year ? { year } : {}),
          })
        : [];
      return sendContainer(res, format, {
        attrs: { size: results.length, ...PMS_CONTAINER },
        items: results.map((c) => searchResultElement(c, agent)),
      });
    },
  },
  {
    method: "PUT",
    name: "PUT /library/metadata/:id/match",
    pattern: /^\/library\/metadata\/(\d+)\/match$/,
    handler: (ctx, { res, params, query }) => {
      const item = itemFor(ctx, params[0]);
      const guid = query.get("guid");
      if (!guid) throw new HttpError(400);
      const work = ctx.catalogue.resolveGuid(guid);
      if (!work || work.type !== item.type) throw new HttpError(400);
      enqueueOrFail(ctx, item, "match", work);
      ctx.counters.matches++;
      sendEmpty(res);
    },
  },
  {
    method: "PUT",
    name: "PUT /library/metadata/:id/unmatch",
    pattern: /^\/library\/metadata\/(\d+)\/unmatch$/,
    handler: (ctx, { res, params }) => {
      const item = itemFor(ctx, params[0]);
      if (item.type !== "movie" && item.type !== "show") throw new HttpError(400);
      const touched = applyUnmatch(ctx.store, item, nowSeconds());
      ctx.hub.publish("timeline", touched.map(timelineUpdate));
      sendEmpty(res);
    },
  },
  {
    method: "GET",
    name: "GET /library/metadata/:id/:image/:ts",
    pattern: /^\/library\/metadata\/(\d+)\/(thumb|art|banner|theme)(?:\/(\d+))?$/,
    handler: (ctx, { res, params }) => {
      const item = itemFor(ctx, params[0]);
      const kind = params[1] as string;
      const has = kind === "thumb" ? item.thumb : ctx.store.root(item).work !== undefined;
      if (!has || kind === "theme") {
        sendError(res, 404);
        return;
      }
      const upload = kind === "thumb" ? chosenUpload(item) : undefined;
      if (upload) {
        sendBytes(res, upload.contentType, upload.bytes);
        return;
      }
      sendBytes(
        res,
        "image/png",
        posterPng(
          `${kind}:${item.rk}:${item.thumbAt}${kind === "thumb" && item.selectedPoster ? item.selectedPoster : ""}`,
          kind === "thumb" ? 40 : 64,
          kind === "thumb" ? 60 : 36,
        ),
      );
    },
  },
  {
    // Plex's photo transcoder: `url` names an image of this server or an http(s) address,
    // scaled to width × height.
    // Clients use it for thumbnails; like Plex, it answers 404 for an image that does not exist.
    method: "GET",
    name: "GET /photo/:/transcode",
    pattern: /^\/photo\/:\/transcode$/,
    handler: (ctx, { res, query }) => {
      const url = query.get("url") ?? "";
      const source = /^\/library\/metadata\/(\d+)\/(thumb|art)(?:\/(\d+))?$/.exec(url);
      const width = Math.min(Math.max(Number(query.get("width")) || 0, 1), 400);
      const height = Math.min(Math.max(Number(query.get("height")) || 0, 1), 600);
      if (/^https?:\/\//.test(url)) {
        // Plex fetches an absolute URL itself (e.g. a candidate's poster on metadata-static.plex.tv)
        // and scales it. The emulator is offline: it draws a stand-in image keyed by the URL.
        sendBytes(res, "image/png", posterPng(`remote:${url}`, width, height));
        return;
      }
      const rk = source?.[1];
      const item = rk === undefined ? undefined : ctx.store.get(Number(rk));
      const has = item && (source?.[2] === "thumb" ? item.thumb : ctx.store.root(item).work !== undefined);
      if (!item || !has) {
        sendError(res, 404);
        return;
      }
      sendBytes(res, "image/png", posterPng(`${source?.[2]}:${item.rk}:${item.thumbAt}`, width, height));
    },
  },
];
