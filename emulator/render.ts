/**
 * Turns model items into PMS elements: <Video> for movies and episodes, <Directory> for
 * shows, seasons, artists and albums, <Track> for tracks. Attribute names, order and JSON
 * types follow the captured fixtures.
 */
import { customTags } from "./customizations.js";
import { type El, el } from "./el.js";
import { type Item, isLegacyGuid, isUnmatched, type Section, TYPE_NUMBER } from "./model.js";
import { PEOPLE } from "./names.js";
import { hash32 } from "./random.js";
import type { Store } from "./store.js";
import { episodeSummary, pathSafe, workSummary } from "./text.js";

export interface RenderOptions {
  /** Full item (GET /library/metadata/{id}) rather than a listing row. */
  detail: boolean;
  includeGuids: boolean;
  excludeFields?: ReadonlySet<string>;
  excludeElements?: ReadonlySet<string>;
}

/**
 * PMS's response customisation (`excludeFields`, `excludeElements`: comma-separated names),
 * honoured on listings and full items alike. Fields are the item's own attributes, elements
 * its direct children (Genre, Role, Media…).
 */
export function customisation(
  query: URLSearchParams,
): Pick<RenderOptions, "excludeFields" | "excludeElements"> {
  return {
    excludeFields: nameSet(query.get("excludeFields")),
    excludeElements: nameSet(query.get("excludeElements")),
  };
}

function nameSet(v: string | null): Set<string> | undefined {
  const names = (v ?? "").split(",").filter(Boolean);
  return names.length > 0 ? new Set(names) : undefined;
}

const SURNAMES = [
  "Lindqvist",
  "Moreau",
  "Okafor",
  "Tanaka",
  "Novak",
  "García",
  "Brennan",
  "Sørensen",
  "Weber",
  "Costa",
];
const CHARACTERS = ["The Stranger", "Detective Hale", "Captain Ivers", "Maya", "The Keeper", "Young Tom"];

function person(seed: number): string {
  return `${PEOPLE[seed % PEOPLE.length]} ${SURNAMES[(seed >>> 5) % SURNAMES.length]}`;
}

function tagId(kind: string, value: string): number {
  return (hash32(kind, value) % 90_000) + 100;
}

function tags(tag: string, filter: string, names: readonly string[], detail: boolean): El[] {
  return names.map((name) =>
    detail
      ? el(tag, { id: tagId(tag, name), filter: `${filter}=${tagId(tag, name)}`, tag: name })
      : el(tag, { tag: name }),
  );
}

/** A MusicBrainz-style uuid derived from the ratingKey. */
function mbid(rk: number): string {
  const h = hash32("mbid", rk).toString(16).padStart(8, "0");
  return `${h}-${h.slice(0, 4)}-4${h.slice(1, 4)}-8${h.slice(4, 7)}-${h}${h.slice(0, 4)}`;
}

const img = (item: Item, kind: string): string => `/library/metadata/${item.rk}/${kind}/${item.thumbAt}`;

export class Renderer {
  constructor(private readonly store: Store) {}

  private sectionAttrs(section: Section) {
    return {
      librarySectionTitle: section.title,
      librarySectionID: section.id,
      librarySectionKey: `/library/sections/${section.id}`,
    };
  }

  /** External ids (Guid children) the item exposes. */
  guids(item: Item): string[] {
    const root = this.store.root(item);
    const work = root.work;
    if (!work || root.noGuids || item.noGuids || isLegacyGuid(item.guid) || isUnmatched(item)) return [];
    const section = this.store.section(item.sectionId);
    if (section?.kind !== "new") return [];
    if (item === root) return [`imdb://${work.imdb}`, `tmdb://${work.tmdb}`, `tvdb://${work.tvdb}`];
    const h = hash32("guid", item.rk);
    if (item.type === "season")
      return [`tmdb://${(h % 900_000) + 10_000}`, `tvdb://${(h % 900_000) + 70_000}`];
    return [
      `imdb://tt${String((h % 9_000_000) + 100_000).padStart(7, "0")}`,
      `tmdb://${(h % 900_000) + 10_000}`,
      `tvdb://${(h % 900_000) + 70_000}`,
    ];
  }

  summaryText(item: Item): string | undefined {
    if (!item.summary) {
      // A missing summary is sometimes absent and sometimes "": clients must handle both.
      return item.rk % 2 === 0 ? "" : undefined;
    }
    if (item.type === "episode") return episodeSummary(item, this.store.root(item).title);
    if (item.work) return workSummary(item.work);
    return `${item.title}.`;
  }

  render(item: Item, opts: RenderOptions): El {
    let e: El;
    switch (item.type) {
      case "movie":
        e = this.movie(item, opts);
        break;
      case "show":
        e = this.show(item, opts);
        break;
      case "season":
        e = this.season(item, opts);
        break;
      case "episode":
        e = this.episode(item, opts);
        break;
      case "artist":
      case "album":
        e = this.musicDirectory(item, opts);
        break;
      case "track":
        e = this.track(item, opts);
        break;
    }
    e.json = "Metadata";
    this.customize(e, item, opts);
    if (opts.excludeFields) for (const f of opts.excludeFields) delete e.attrs[f];
    if (opts.excludeElements && e.children) {
      const ex = opts.excludeElements;
      e.children = e.children.filter((c) => !ex.has(c.tag));
    }
    return e;
  }

  /** A person's edits replace the agent's values; labels and collections join the tags. */
  private customize(e: El, item: Item, opts: RenderOptions): void {
    if (item.edits) {
      for (const [field, value] of Object.entries(item.edits)) {
        e.attrs[field] = field === "year" ? Number(value) : value;
      }
    }
    // Most items have no tags of their own: skip the work on a 100,000-item listing.
    if (!item.labels && !item.collections) return;
    const extra = customTags(item, (tag, filter, names) => tags(tag, filter, names, opts.detail));
    if (extra.length > 0) e.children = [...(e.children ?? []), ...extra];
  }

  private common(item: Item, opts: RenderOptions, children: El[]): void {
    const guids = opts.includeGuids ? this.guids(item) : [];
    for (const id of guids) children.push(el("Guid", { id }));
    for (const name of item.locked ?? []) children.push(el("Field", { locked: true, name }));
  }

  private media(item: Item, file: string): El {
    const h = hash32("media", item.rk);
    const mp4 = file.endsWith(".mp4");
    const container = file.slice(file.lastIndexOf(".") + 1);
    const hd = h % 3 !== 0;
    const width = hd ? 1920 : 1280;
    const height = hd ? 800 + (h % 3) * 16 : 720;
    const partId = item.rk * 2 + 100_000;
    const part = el("Part", {
      id: partId,
      key: `/library/parts/${partId}/${item.addedAt - 3600}/file.${container}`,
      duration: item.duration,
      file,
      size: Math.round(item.duration * (hd ? 1.1 : 0.6)) * 1000 + (h % 1000),
      audioProfile: "lc",
      container,
      has64bitOffsets: mp4 ? false : undefined,
      optimizedForStreaming: mp4 ? true : undefined,
      videoProfile: "high",
    });
    return el(
      "Media",
      {
        id: item.rk * 2 + 50_000,
        duration: item.duration,
        bitrate: hd ? 8000 + (h % 4000) : 3000 + (h % 2000),
        width,
        height,
        aspectRatio: hd ? 2.35 : 1.78,
        audioChannels: h % 2 === 0 ? 6 : 2,
        audioCodec: h % 2 === 0 ? "ac3" : "aac",
        videoCodec: h % 5 === 0 ? "hevc" : "h264",
        videoResolution: hd ? "1080" : "720",
        container,
        videoFrameRate: "24p",
        optimizedForStreaming: mp4 ? 1 : undefined,
        audioProfile: "lc",
        has64bitOffsets: mp4 ? false : undefined,
        videoProfile: "high",
      },
      [part],
    );
  }

  private movie(item: Item, opts: RenderOptions): El {
    const section = this.store.section(item.sectionId) as Section;
    const w = item.work;
    const h = hash32("people", item.rk);
    const attrs = {
      ratingKey: String(item.rk),
      key: `/library/metadata/${item.rk}`,
      guid: item.guid,
      studio: w?.studio,
      type: "movie",
      title: item.title,
      titleSort: item.titleSort,
      ...(opts.detail ? this.sectionAttrs(section) : {}),
      contentRating: w?.contentRating,
      summary: this.summaryText(item),
      rating: w?.rating,
      audienceRating: w ? Math.min(10, Math.round((w.rating + 0.7) * 10) / 10) : undefined,
      year: item.year,
      tagline: w ? `Every ${w.title.split(" ").pop()} has its price.` : undefined,
      thumb: item.thumb ? img(item, "thumb") : undefined,
      art: w ? img(item, "art") : undefined,
      duration: item.duration,
      originallyAvailableAt: w?.originallyAvailableAt,
      addedAt: item.addedAt,
      updatedAt: item.updatedAt,
      audienceRatingImage: w ? "rottentomatoes://image.rating.upright" : undefined,
      ratingImage: w ? "rottentomatoes://image.rating.ripe" : undefined,
    };
    const children: El[] = [this.media(item, item.path ?? `${section.location}/${pathSafe(item.title)}.mkv`)];
    if (w) {
      children.push(...tags("Genre", "genre", w.genres, opts.detail));
      children.push(...tags("Director", "director", [person(h)], opts.detail));
      children.push(...tags("Writer", "writer", [person(h >>> 3)], opts.detail));
      children.push(...tags("Producer", "producer", [person(h >>> 7)], opts.detail));
      children.push(
        ...tags("Country", "country", [h % 2 ? "Germany" : "United States of America"], opts.detail),
      );
    }
    this.common(item, opts, children);
    if (w) children.push(...this.roles(h, opts.detail ? 3 : 1, opts.detail));
    return el("Video", attrs, children);
  }

  private roles(h: number, n: number, detail: boolean): El[] {
    const out: El[] = [];
    for (let i = 0; i < n; i++) {
      const name = person(h + i * 7);
      out.push(
        detail
          ? el("Role", {
              id: tagId("Role", name),
              filter: `actor=${tagId("Role", name)}`,
              tag: name,
              role: CHARACTERS[(h + i) % CHARACTERS.length],
              thumb: `https://metadata-static.plex.tv/people/${tagId("Role", name).toString(16)}.jpg`,
            })
          : el("Role", { tag: name }),
      );
    }
    return out;
  }

  private show(item: Item, opts: RenderOptions): El {
    const section = this.store.section(item.sectionId) as Section;
    const w = item.work;
    const seasons = this.store.children(item);
    let leafCount = 0;
    for (const s of seasons) leafCount += s.childRks?.length ?? 0;
    const attrs = {
      ratingKey: String(item.rk),
      key: `/library/metadata/${item.rk}/children`,
      guid: item.guid,
      studio: w?.studio,
      type: "show",
      title: item.title,
      titleSort: item.titleSort,
      ...(opts.detail ? this.sectionAttrs(section) : {}),
      contentRating: w?.contentRating,
      summary: this.summaryText(item),
      index: 1,
      rating: w?.rating,
      year: item.year,
      thumb: item.thumb ? img(item, "thumb") : undefined,
      art: w ? img(item, "art") : undefined,
      banner: w ? img(item, "banner") : undefined,
      theme: w ? img(item, "theme") : undefined,
      duration: item.duration,
      originallyAvailableAt: w?.originallyAvailableAt,
      leafCount,
      viewedLeafCount: 0,
      childCount: seasons.length,
      addedAt: item.addedAt,
      updatedAt: item.updatedAt,
    };
    const children: El[] = [];
    if (w) children.push(...tags("Genre", "genre", w.genres, opts.detail));
    this.common(item, opts, children);
    if (w) children.push(...this.roles(hash32("people", item.rk), opts.detail ? 3 : 1, opts.detail));
    if (opts.detail && item.path) children.push(el("Location", { path: item.path }));
    return el("Directory", attrs, children);
  }

  private season(item: Item, opts: RenderOptions): El {
    const section = this.store.section(item.sectionId) as Section;
    const show = this.store.parent(item) as Item;
    const attrs = {
      ratingKey: String(item.rk),
      key: `/library/metadata/${item.rk}/children`,
      parentRatingKey: String(show.rk),
      guid: item.guid,
      parentGuid: show.guid,
      parentStudio: show.work?.studio,
      type: "season",
      title: item.title,
      parentKey: `/library/metadata/${show.rk}`,
      parentTitle: show.title,
      ...(opts.detail ? this.sectionAttrs(section) : {}),
      summary: "",
      index: item.index,
      parentIndex: 1,
      parentYear: show.year,
      thumb: item.thumb ? img(item, "thumb") : undefined,
      art: show.work ? img(show, "art") : undefined,
      parentThumb: show.thumb ? img(show, "thumb") : undefined,
      parentTheme: show.work ? img(show, "theme") : undefined,
      leafCount: item.childRks?.length ?? 0,
      viewedLeafCount: 0,
      addedAt: item.addedAt,
      updatedAt: item.updatedAt,
    };
    const children: El[] = [];
    this.common(item, opts, children);
    return el("Directory", attrs, children);
  }

  episodeFile(item: Item): string {
    const season = this.store.parent(item) as Item;
    const show = this.store.parent(season) as Item;
    const s = String(season.index ?? 1).padStart(2, "0");
    const e = String(item.index ?? 1).padStart(2, "0");
    const name = show.path?.slice(show.path.lastIndexOf("/") + 1) ?? pathSafe(show.title);
    return `${show.path}/Season ${s}/${name} - s${s}e${e} - ${pathSafe(item.title)}.mkv`;
  }

  private episode(item: Item, opts: RenderOptions): El {
    const section = this.store.section(item.sectionId) as Section;
    const season = this.store.parent(item) as Item;
    const show = this.store.parent(season) as Item;
    const w = show.work;
    const h = hash32("people", item.rk);
    const attrs = {
      ratingKey: String(item.rk),
      key: `/library/metadata/${item.rk}`,
      parentRatingKey: String(season.rk),
      grandparentRatingKey: String(show.rk),
      guid: item.guid,
      parentGuid: season.guid,
      grandparentGuid: show.guid,
      type: "episode",
      title: item.title,
      grandparentKey: `/library/metadata/${show.rk}`,
      parentKey: `/library/metadata/${season.rk}`,
      grandparentTitle: show.title,
      parentTitle: season.title,
      ...(opts.detail ? this.sectionAttrs(section) : {}),
      contentRating: w?.contentRating,
      summary: this.summaryText(item),
      index: item.index,
      parentIndex: season.index,
      rating: w ? Math.round(((w.rating + (h % 10) / 10) % 10) * 10) / 10 : undefined,
      year: item.year,
      thumb: item.thumb ? img(item, "thumb") : undefined,
      art: w ? img(show, "art") : undefined,
      parentThumb: season.thumb ? img(season, "thumb") : undefined,
      grandparentThumb: show.thumb ? img(show, "thumb") : undefined,
      grandparentArt: w ? img(show, "art") : undefined,
      grandparentTheme: w ? img(show, "theme") : undefined,
      duration: item.duration,
      originallyAvailableAt: item.airDate
        ? item.airDate
        : w && item.year
          ? `${item.year}-${String(((h >>> 4) % 12) + 1).padStart(2, "0")}-${String(((h >>> 8) % 28) + 1).padStart(2, "0")}`
          : undefined,
      addedAt: item.addedAt,
      updatedAt: item.updatedAt,
    };
    const children: El[] = [this.media(item, this.episodeFile(item))];
    if (w) {
      children.push(...tags("Director", "director", [person(h)], opts.detail));
      children.push(...tags("Writer", "writer", [person(h >>> 3)], opts.detail));
    }
    this.common(item, opts, children);
    return el("Video", attrs, children);
  }

  private musicDirectory(item: Item, opts: RenderOptions): El {
    const section = this.store.section(item.sectionId) as Section;
    const parent = this.store.parent(item);
    const attrs = {
      ratingKey: String(item.rk),
      key: `/library/metadata/${item.rk}/children`,
      parentRatingKey: parent ? String(parent.rk) : undefined,
      guid: item.guid,
      parentGuid: parent?.guid,
      type: item.type,
      title: item.title,
      parentKey: parent ? `/library/metadata/${parent.rk}` : undefined,
      parentTitle: parent?.title,
      ...(opts.detail ? this.sectionAttrs(section) : {}),
      summary:
        item.type === "artist"
          ? `${item.title} is a band from ${SURNAMES[item.rk % SURNAMES.length]}ville.`
          : "",
      index: item.index,
      year: item.year,
      thumb: item.thumb ? img(item, "thumb") : undefined,
      art: img(parent ?? item, "art"),
      parentThumb: parent?.thumb ? img(parent, "thumb") : undefined,
      leafCount: item.type === "album" ? (item.childRks?.length ?? 0) : undefined,
      addedAt: item.addedAt,
      updatedAt: item.updatedAt,
    };
    const children: El[] = [];
    if (opts.includeGuids && item.type === "artist") {
      children.push(el("Guid", { id: `mbid://${mbid(item.rk)}` }));
    }
    if (opts.detail && item.type === "artist" && item.path)
      children.push(el("Location", { path: item.path }));
    return el("Directory", attrs, children);
  }

  private track(item: Item, opts: RenderOptions): El {
    const section = this.store.section(item.sectionId) as Section;
    const album = this.store.parent(item) as Item;
    const artist = this.store.parent(album) as Item;
    const file = `${artist.path}/${pathSafe(album.title)}/${String(item.index).padStart(2, "0")} - ${pathSafe(item.title)}.flac`;
    const partId = item.rk * 2 + 100_000;
    const attrs = {
      ratingKey: String(item.rk),
      key: `/library/metadata/${item.rk}`,
      parentRatingKey: String(album.rk),
      grandparentRatingKey: String(artist.rk),
      guid: item.guid,
      parentGuid: album.guid,
      grandparentGuid: artist.guid,
      type: "track",
      title: item.title,
      grandparentKey: `/library/metadata/${artist.rk}`,
      parentKey: `/library/metadata/${album.rk}`,
      parentStudio: "Northlight Records",
      grandparentTitle: artist.title,
      parentTitle: album.title,
      ...(opts.detail ? this.sectionAttrs(section) : {}),
      summary: "",
      index: item.index,
      parentIndex: 1,
      parentYear: album.year,
      thumb: img(album, "thumb"),
      art: img(artist, "art"),
      parentThumb: img(album, "thumb"),
      grandparentThumb: img(artist, "thumb"),
      grandparentArt: img(artist, "art"),
      duration: item.duration,
      addedAt: item.addedAt,
      updatedAt: item.updatedAt,
    };
    const part = el("Part", {
      id: partId,
      key: `/library/parts/${partId}/${item.addedAt}/file.flac`,
      duration: item.duration,
      file,
      size: item.duration * 110,
      container: "flac",
      hasThumbnail: "1",
    });
    const media = el(
      "Media",
      {
        id: item.rk * 2 + 50_000,
        duration: item.duration,
        bitrate: 900,
        audioChannels: 2,
        audioCodec: "flac",
        container: "flac",
      },
      [part],
    );
    const children = [media];
    if (opts.includeGuids) children.push(el("Guid", { id: `mbid://${mbid(item.rk)}` }));
    return el("Track", attrs, children);
  }

  /** Context used by the timeline notifications and /activities. */
  typeNumber(item: Item): number {
    return TYPE_NUMBER[item.type];
  }
}
