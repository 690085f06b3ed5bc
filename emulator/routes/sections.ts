/** Section endpoints: the section list, a section's directory, listings with paging/sort/filter. */
import { type EmulatorContext, HttpError, PMS_CONTAINER, type Route, type RouteRequest } from "../context.js";
import { applySectionEdit } from "../customizations.js";
import { type El, el } from "../el.js";
import { parseListingQuery, QueryError } from "../filters.js";
import { metaElement } from "../meta.js";
import { type Item, type ItemType, type Section, TYPE_BY_NUMBER } from "../model.js";
import { timelineUpdate } from "../notifications.js";
import { applyPage, pageAttrs, parsePage } from "../paging.js";
import { customisation, type RenderOptions } from "../render.js";
import { sendContainer, sendEmpty } from "../respond.js";
import type { SortKey } from "../store.js";

const SECTION_ART: Record<Section["type"], { art: string; thumb: string; all: string; viewMode: number }> = {
  movie: {
    art: "/:/resources/movie-fanart.jpg",
    thumb: "/:/resources/movie.png",
    all: "All Movies",
    viewMode: 65592,
  },
  show: {
    art: "/:/resources/show-fanart.jpg",
    thumb: "/:/resources/show.png",
    all: "All Shows",
    viewMode: 131122,
  },
  artist: {
    art: "/:/resources/artist-fanart.jpg",
    thumb: "/:/resources/artist.png",
    all: "All Artists",
    viewMode: 65592,
  },
};

const ALLOWED_TYPES: Record<Section["type"], ItemType[]> = {
  movie: ["movie"],
  show: ["show", "season", "episode"],
  artist: ["artist", "album", "track"],
};

const nowSeconds = (): number => Math.floor(Date.now() / 1000);

function sectionFor(ctx: EmulatorContext, id: string | undefined): Section {
  const section = ctx.store.section(Number(id));
  if (!section) throw new HttpError(404);
  return section;
}

export function sectionDirectory(section: Section): El {
  return el(
    "Directory",
    {
      allowSync: section.kind !== "personal",
      art: SECTION_ART[section.type].art,
      composite: `/library/sections/${section.id}/composite/${section.scannedAt}`,
      filters: true,
      refreshing: false,
      thumb: SECTION_ART[section.type].thumb,
      key: String(section.id),
      type: section.type,
      title: section.title,
      agent: section.agent,
      scanner: section.scanner,
      language: section.language,
      uuid: section.uuid,
      updatedAt: section.updatedAt,
      createdAt: section.createdAt,
      scannedAt: section.scannedAt,
      content: true,
      directory: true,
      contentChangedAt: section.contentChangedAt,
      hidden: 0,
    },
    [el("Location", { id: section.locationId, path: section.location })],
  );
}

interface ListingShape {
  defaultType: ItemType;
  defaultSort: SortKey[];
  title2: string;
  viewGroup: string;
  extra?: Record<string, string | number | boolean>;
}

function* renderRows(ctx: EmulatorContext, rks: number[], opts: RenderOptions): Generator<El> {
  for (const rk of rks) yield ctx.render.render(ctx.store.get(rk) as Item, opts);
}

async function listing(
  ctx: EmulatorContext,
  r: RouteRequest,
  section: Section,
  shape: ListingShape,
): Promise<void> {
  let q: ReturnType<typeof parseListingQuery>;
  try {
    q = parseListingQuery(r.query, nowSeconds());
  } catch (e) {
    if (e instanceof QueryError) throw new HttpError(400);
    throw e;
  }
  const type = q.type === undefined ? shape.defaultType : TYPE_BY_NUMBER[q.type];
  const allowed = type !== undefined && ALLOWED_TYPES[section.type].includes(type);
  let rks: number[] = allowed
    ? ctx.store.sorted(section, type, q.sort.length > 0 ? q.sort : shape.defaultSort)
    : [];
  if (q.predicates.length > 0) {
    const preds = q.predicates;
    rks = rks.filter((rk) => {
      const item = ctx.store.get(rk) as Item;
      for (const p of preds) if (!p(item)) return false;
      return true;
    });
  }
  if (q.limit !== undefined) rks = rks.slice(0, q.limit);
  const page = parsePage(r.req, r.query);
  const w = applyPage(rks, page);
  const { attrs: pa, headers } = pageAttrs(page, w);
  const art = SECTION_ART[section.type];
  const head: El[] = r.query.get("includeMeta") === "1" ? [metaElement(section, false)] : [];
  await sendContainer(r.res, r.format, {
    attrs: {
      size: pa.size,
      totalSize: pa.totalSize,
      allowSync: true,
      art: art.art,
      identifier: PMS_CONTAINER.identifier,
      librarySectionID: section.id,
      librarySectionTitle: section.title,
      librarySectionUUID: section.uuid,
      mediaTagPrefix: PMS_CONTAINER.mediaTagPrefix,
      mediaTagVersion: PMS_CONTAINER.mediaTagVersion,
      nocache: true,
      offset: pa.offset,
      sortAsc: true,
      thumb: art.thumb,
      title1: section.title,
      title2: shape.title2,
      viewGroup: shape.viewGroup,
      viewMode: art.viewMode,
      ...shape.extra,
    },
    head,
    items: renderRows(ctx, w.rows, {
      detail: false,
      includeGuids: r.query.get("includeGuids") === "1",
      ...customisation(r.query),
    }),
    headers,
  });
}

const BY_TITLE: SortKey[] = [{ field: "titleSort", desc: false }];
const NEWEST: SortKey[] = [{ field: "addedAt", desc: true }];

function allShape(section: Section): ListingShape {
  return {
    defaultType: ALLOWED_TYPES[section.type][0] as ItemType,
    defaultSort: BY_TITLE,
    title2: SECTION_ART[section.type].all,
    viewGroup: section.type,
  };
}

const SECTION_DIRECTORIES: [key: string, title: string, secondary?: boolean][] = [
  ["all", "All"],
  ["unwatched", "Unplayed"],
  ["newest", "Recently Released"],
  ["recentlyAdded", "Recently Added"],
  ["recentlyViewed", "Recently Viewed"],
  ["onDeck", "On Deck"],
  ["collection", "By Collection", true],
  ["genre", "By Genre", true],
  ["year", "By Year", true],
  ["decade", "By Decade", true],
  ["contentRating", "By Content Rating", true],
  ["firstCharacter", "By First Letter", true],
  ["folder", "By Folder"],
];

export const sectionRoutes: Route[] = [
  {
    method: "GET",
    name: "GET /library/sections",
    pattern: /^\/library\/sections(?:\/all)?\/?$/,
    handler: (ctx, { res, format }) =>
      sendContainer(res, format, {
        attrs: {
          size: ctx.store.sections.length,
          allowSync: false,
          ...PMS_CONTAINER,
          title1: "Plex Library",
        },
        items: ctx.store.sections.map(sectionDirectory),
      }),
  },
  {
    method: "GET",
    name: "GET /library/sections/:id",
    pattern: /^\/library\/sections\/(\d+)\/?$/,
    handler: (ctx, { res, format, params }) => {
      const section = sectionFor(ctx, params[0]);
      const art = SECTION_ART[section.type];
      return sendContainer(res, format, {
        attrs: {
          size: SECTION_DIRECTORIES.length,
          allowSync: false,
          art: art.art,
          content: "secondary",
          identifier: PMS_CONTAINER.identifier,
          librarySectionID: section.id,
          librarySectionTitle: section.title,
          librarySectionUUID: section.uuid,
          mediaTagPrefix: PMS_CONTAINER.mediaTagPrefix,
          mediaTagVersion: PMS_CONTAINER.mediaTagVersion,
          thumb: art.thumb,
          title1: section.title,
          viewGroup: "secondary",
          viewMode: 65592,
        },
        items: SECTION_DIRECTORIES.map(([key, title, secondary]) =>
          el("Directory", { key, title, secondary }),
        ),
      });
    },
  },
  {
    method: "GET",
    name: "GET /library/sections/:id/all",
    pattern: /^\/library\/sections\/(\d+)\/(all|unwatched)$/,
    handler: (ctx, r) => {
      const section = sectionFor(ctx, r.params[0]);
      return listing(ctx, r, section, allShape(section));
    },
  },
  {
    method: "GET",
    name: "GET /library/sections/:id/newest",
    pattern: /^\/library\/sections\/(\d+)\/newest$/,
    handler: (ctx, r) => {
      const section = sectionFor(ctx, r.params[0]);
      return listing(ctx, r, section, {
        ...allShape(section),
        defaultSort: [{ field: "originallyAvailableAt", desc: true }],
      });
    },
  },
  {
    method: "GET",
    name: "GET /library/sections/:id/recentlyAdded",
    pattern: /^\/library\/sections\/(\d+)\/recentlyAdded$/,
    handler: (ctx, r) => {
      const section = sectionFor(ctx, r.params[0]);
      // TV sections list episodes here, music sections albums (REFERENCE §2.5).
      const type: ItemType =
        section.type === "show" ? "episode" : section.type === "artist" ? "album" : "movie";
      return listing(ctx, r, section, {
        defaultType: type,
        defaultSort: NEWEST,
        title2: "Recently Added",
        viewGroup: type,
        extra: section.type === "movie" ? {} : { mixedParents: true },
      });
    },
  },
  {
    method: "GET",
    name: "GET /library/sections/:id/collections",
    pattern: /^\/library\/sections\/(\d+)\/collections$/,
    handler: (ctx, r) => {
      const section = sectionFor(ctx, r.params[0]);
      const page = parsePage(r.req, r.query);
      const { attrs, headers } = pageAttrs(page, { rows: [], totalSize: 0, offset: page.start });
      return sendContainer(r.res, r.format, {
        attrs: {
          size: attrs.size,
          totalSize: attrs.totalSize,
          allowSync: false,
          art: SECTION_ART[section.type].art,
          identifier: PMS_CONTAINER.identifier,
          librarySectionID: section.id,
          librarySectionTitle: section.title,
          librarySectionUUID: section.uuid,
          mediaTagPrefix: PMS_CONTAINER.mediaTagPrefix,
          mediaTagVersion: PMS_CONTAINER.mediaTagVersion,
          offset: attrs.offset,
          thumb: SECTION_ART[section.type].thumb,
          title1: section.title,
          title2: "Collections",
          viewGroup: "secondary",
          viewMode: 65592,
        },
        head: r.query.get("includeMeta") === "1" ? [metaElement(section, true)] : [],
        headers,
      });
    },
  },
  {
    method: "GET",
    name: "GET /library/sections/:id/refresh",
    pattern: /^\/library\/sections\/(\d+)\/refresh$/,
    handler: (ctx, { res, params }) => {
      const section = sectionFor(ctx, params[0]);
      ctx.hub.publish("status", [
        {
          title: "Scanning",
          description: `Scanning the "${section.title}" section`,
          notificationName: "LIBRARY_UPDATE",
        },
      ]);
      sendEmpty(res);
    },
  },
  {
    // Edits (python-plexapi LibrarySection._edit): field values and locks, labels, collections.
    method: "PUT",
    name: "PUT /library/sections/:id/all",
    pattern: /^\/library\/sections\/(\d+)\/all$/,
    handler: (ctx, { res, params, query }) => {
      const section = sectionFor(ctx, params[0]);
      const items = applySectionEdit(ctx.store, section, query, nowSeconds());
      ctx.hub.publish("timeline", items.map(timelineUpdate));
      sendEmpty(res);
    },
  },
];
