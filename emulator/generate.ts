/**
 * Seeded library generator: sections like a real server, movies, shows with seasons and
 * episodes, a little music, a hidden catalogue of works for matching, and a chosen share
 * of items with broken metadata. Deterministic for a given seed, profile and `now`.
 */
import {
  type BrokenKind,
  type GeneratedLibrary,
  type Hidden,
  type Item,
  type Section,
  type UnmatchedForm,
  unmatchedGuid,
  type Work,
} from "./model.js";
import {
  ADJECTIVES,
  CONTENT_RATINGS,
  GENRES,
  HOME_VIDEO_EVENTS,
  NOUNS,
  PEOPLE,
  PLACES,
  SCENE_JUNK,
  SPECIAL_MOVIE_TITLES,
  SPECIAL_SHOW_TITLES,
  STUDIOS,
  TV_RATINGS,
} from "./names.js";
import { type Plan, type Planned, planByDraw, planExactly, type Slot } from "./plan.js";
import { type DatasetProfile, PROFILES, type Profile, type UnmatchedNaming } from "./profiles.js";
import { hash32, Rng } from "./random.js";
import { asciiFold, episodeTitle, normalizeTitle, pathSafe, sortTitle } from "./text.js";
import { plantWrongMatches, type WrongMatchCounts } from "./wrong-matches.js";

export interface GenerateOptions {
  seed: number;
  items: number;
  /** Share of top-level items generated broken; default: the profile's. */
  brokenShare?: number;
  /** Default "standard", the dataset the tests and benchmarks are calibrated on. */
  profile?: DatasetProfile;
  /** Epoch seconds the library is "generated at"; default: start of the current UTC day. */
  now?: number;
  /** Wrong matches and decoys to plant; default: the profile's (standard: none). */
  wrongMatches?: WrongMatchCounts;
  /** The guid form of unmatched items in the new-agent libraries; default the profile's. */
  unmatchedForm?: UnmatchedForm;
}

const DAY = 86_400;

/** How a broken episode is broken in the demo profile (standard: always the summary). */
const EPISODE_BREAKS: readonly (readonly BrokenKind[])[] = [
  ["no-summary"],
  ["no-poster"],
  ["no-poster", "no-summary"],
];

export function generateLibrary(opts: GenerateOptions): GeneratedLibrary {
  const profile = PROFILES[opts.profile ?? "standard"];
  const total = Math.max(1, Math.floor(opts.items));
  const brokenShare = Math.min(1, Math.max(0, opts.brokenShare ?? profile.brokenShare));
  const now = opts.now ?? Math.floor(Date.now() / 1000 / DAY) * DAY;
  const rng = new Rng(opts.seed);
  const g = new Generator(rng, now, profile, opts.unmatchedForm ?? profile.unmatchedForm);

  // Split of top-level video items across the four video sections.
  const nLegacy = Math.max(1, Math.round(total * 0.08));
  const nPersonal = Math.max(1, Math.round(total * 0.04));
  const nShows = Math.max(1, Math.round(total * 0.3));
  const nMovies = Math.max(1, total - nLegacy - nPersonal - nShows);

  const movies = g.section(
    1,
    "movie",
    "new",
    "Movies",
    "tv.plex.agents.movie",
    "Plex Movie",
    "en-US",
    "/data/media/Movies",
  );
  const shows = g.section(
    2,
    "show",
    "new",
    "TV Shows",
    "tv.plex.agents.series",
    "Plex TV Series",
    "en-US",
    "/data/media/TV Shows",
  );
  const legacy = g.section(
    3,
    "movie",
    "legacy",
    "Classic Movies",
    "com.plexapp.agents.imdb",
    "Plex Movie Scanner",
    "en",
    "/mnt/legacy/Classics",
  );
  const personal = g.section(
    4,
    "movie",
    "personal",
    "Home Videos",
    "com.plexapp.agents.none",
    "Plex Video Files Scanner",
    "xn",
    "/data/media/Home Videos",
  );
  const music = g.section(
    5,
    "artist",
    "music",
    "Music",
    "tv.plex.agents.music",
    "Plex Music",
    "en",
    "/data/media/Music",
  );

  // Decide up front which top-level items are broken and how, so shares are exact.
  const slots: Slot[] = [
    { section: movies, n: nMovies, kinds: profile.kinds.movie },
    { section: shows, n: nShows, kinds: profile.kinds.show },
    { section: legacy, n: nLegacy, kinds: profile.kinds.legacy },
    { section: personal, n: nPersonal, kinds: null },
  ];
  const plan: Plan =
    profile.planning === "exact"
      ? planExactly(rng, slots, brokenShare, profile)
      : planByDraw(rng, slots, total, brokenShare);

  for (let i = 0; i < nMovies; i++) g.movie(movies, g.newWork("movie"), plan[0]?.get(i));
  for (let i = 0; i < nShows; i++) g.show(shows, g.newWork("show"), plan[1]?.get(i));
  for (let i = 0; i < nLegacy; i++) g.movie(legacy, g.newWork("movie"), plan[2]?.get(i));
  for (let i = 0; i < nPersonal; i++) g.homeVideo(personal);
  const nArtists = Math.min(200, Math.max(3, Math.round(total * 0.01)));
  for (let i = 0; i < nArtists; i++) g.artist(music);
  // Works the agent knows that are not in the library: candidates that must not win.
  const extraWorks = Math.max(5, Math.round(total * 0.1));
  for (let i = 0; i < extraWorks; i++) g.newWork(rng.chance(0.7) ? "movie" : "show");

  const sections = [movies, shows, legacy, personal, music];
  const base = { seed: opts.seed, now, sections, items: g.items, works: g.works, hidden: g.hidden };
  const wrongMatches = plantWrongMatches(base, opts.wrongMatches ?? profile.wrongMatches, profile.recentDays);
  return {
    ...base,
    machineIdentifier: new Rng(hash32("machine", opts.seed)).hex(40),
    topLevelCount: nMovies + nShows + nLegacy + nPersonal,
    wrongMatches,
  };
}

class Generator {
  readonly items: (Item | undefined)[] = [undefined];
  readonly works: Work[] = [];
  readonly hidden = new Map<number, Hidden>();
  private readonly usedTitles = new Set<string>();
  private specialMovie = 0;
  private specialShow = 0;
  /** Unmatched top-level items so far: "mixed" gives every second one the new guid form. */
  private unmatchedCount = 0;

  constructor(
    private readonly rng: Rng,
    private readonly now: number,
    private readonly profile: Profile,
    private readonly unmatchedForm: UnmatchedForm,
  ) {}

  /** Whether the next unmatched top-level item takes the new form (no random draw: seeds stay). */
  private nextUnmatchedNew(): boolean {
    const n = this.unmatchedCount++;
    return this.unmatchedForm === "new" || (this.unmatchedForm === "mixed" && n % 2 === 1);
  }

  section(
    id: number,
    type: Section["type"],
    kind: Section["kind"],
    title: string,
    agent: string,
    scanner: string,
    language: string,
    location: string,
  ): Section {
    const r = this.rng;
    const createdAt = this.now - 5 * 365 * DAY + r.int(0, 30 * DAY);
    const uuid = `${r.hex(8)}-${r.hex(4)}-4${r.hex(3)}-a${r.hex(3)}-${r.hex(12)}`;
    return {
      id,
      type,
      kind,
      title,
      agent,
      scanner,
      language,
      uuid,
      locationId: id,
      location,
      createdAt,
      updatedAt: this.now - r.int(DAY, 90 * DAY),
      scannedAt: this.now - r.int(60, 6 * 3600),
      contentChangedAt: r.int(100_000_000, 200_000_000),
      byType: new Map(),
    };
  }

  private nextRk(): number {
    return this.items.length;
  }

  private add(section: Section, item: Item): Item {
    this.items[item.rk] = item;
    let list = section.byType.get(item.type);
    if (!list) {
      list = [];
      section.byType.set(item.type, list);
    }
    list.push(item.rk);
    return item;
  }

  private title(type: "movie" | "show"): string {
    const r = this.rng;
    if (type === "movie" && this.specialMovie < SPECIAL_MOVIE_TITLES.length) {
      return SPECIAL_MOVIE_TITLES[this.specialMovie++] as string;
    }
    if (type === "show" && this.specialShow < SPECIAL_SHOW_TITLES.length) {
      return SPECIAL_SHOW_TITLES[this.specialShow++] as string;
    }
    for (let attempt = 0; ; attempt++) {
      const a = r.pick(ADJECTIVES);
      const n = r.pick(NOUNS);
      let t: string;
      switch (r.int(0, 5)) {
        case 0:
          t = `The ${a} ${n}`;
          break;
        case 1:
          t = `${n} of ${r.pick(PLACES)}`;
          break;
        case 2:
          t = `${r.pick(PEOPLE)} and the ${a} ${n}`;
          break;
        case 3:
          t = `${a} ${n}s`;
          break;
        case 4:
          t = `The ${a} ${n} of ${r.pick(PLACES)}`;
          break;
        default:
          t = `${r.pick(PEOPLE)}'s ${n}`;
      }
      if (attempt > 6) t = `${t} ${r.int(2, 9)}`;
      const key = normalizeTitle(t);
      if (!this.usedTitles.has(key) || attempt > 12) {
        this.usedTitles.add(key);
        return t;
      }
    }
  }

  newWork(type: "movie" | "show", like?: Work): Work {
    const r = this.rng;
    const id = this.works.length + 1;
    const year = like ? like.year + (r.chance(0.5) ? 1 : -1) : r.int(1950, 2024);
    const month = String(r.int(1, 12)).padStart(2, "0");
    const day = String(r.int(1, 28)).padStart(2, "0");
    const work: Work = {
      id,
      type,
      guid: `plex://${type}/${r.hex(24)}`,
      title: like ? like.title : this.title(type),
      year,
      imdb: `tt${String(((id * 7919) % 9_000_000) + 100_000).padStart(7, "0")}`,
      tmdb: ((id * 104_729) % 900_000) + 10_000,
      tvdb: ((id * 15_485_863) % 900_000) + 70_000,
      studio: r.pick(STUDIOS),
      contentRating: type === "movie" ? r.pick(CONTENT_RATINGS) : r.pick(TV_RATINGS),
      rating: Math.round(r.next() * 60 + 35) / 10,
      genres: [r.pick(GENRES), r.pick(GENRES)].filter((v, i, a) => a.indexOf(v) === i),
      originallyAvailableAt: `${year}-${month}-${day}`,
    };
    this.works.push(work);
    return work;
  }

  /** `recent` as planned, or by the profile's share (standard: about 10% in a 30-day window). */
  private addedAt(recent?: boolean): number {
    const r = this.rng;
    const p = this.profile;
    if (recent ?? r.chance(p.recentShare)) return this.now - r.int(60, p.recentDays * DAY - 60);
    return this.now - r.int(p.olderDays * DAY, 4 * 365 * DAY);
  }

  private stamps(recent?: boolean): { addedAt: number; updatedAt: number } {
    const addedAt = this.addedAt(recent);
    const updatedAt = Math.min(this.now, addedAt + this.rng.int(0, 20 * DAY));
    return { addedAt, updatedAt };
  }

  /**
   * Unmatched file naming: id token, year and title as they appear on disk. `planned` says which
   * way the match should go; without it, chance decides (a quarter ambiguous, a third with an ID).
   */
  private unmatchedNaming(
    work: Work,
    hidden: Hidden,
    kindOfItem: "movie" | "show",
    planned?: UnmatchedNaming,
  ): { title: string; year?: number; folder: string } {
    const r = this.rng;
    const ambiguous = planned ? planned === "ambiguous" : r.chance(0.25);
    let year: number | undefined = work.year;
    if (ambiguous) {
      hidden.ambiguous = true;
      hidden.decoy = this.newWork(work.type, work);
      year = undefined; // no year on disk: the agent cannot tell the two apart
    }
    if (planned ? planned === "id" : r.chance(0.35)) {
      if (kindOfItem === "show")
        hidden.fileId = { source: "tvdb", id: String(work.tvdb), text: `{tvdb-${work.tvdb}}` };
      else if (r.chance(0.6)) hidden.fileId = { source: "imdb", id: work.imdb, text: `{imdb-${work.imdb}}` };
      else hidden.fileId = { source: "tmdb", id: String(work.tmdb), text: `{tmdb-${work.tmdb}}` };
    }
    const style = r.weighted({ exact: 40, ascii: 30, scene: 30 });
    let title: string;
    let folder: string;
    const yearPart = year ? ` (${year})` : "";
    const idPart = hidden.fileId ? ` ${hidden.fileId.text}` : "";
    if (style === "scene") {
      const junk = `${r.pick(SCENE_JUNK)} ${r.pick(SCENE_JUNK)}`;
      const base = asciiFold(work.title)
        .replace(/[^A-Za-z0-9]+/g, " ")
        .trim();
      title = `${base.toLowerCase()} ${junk.toLowerCase()}`;
      folder = `${base.replace(/ /g, ".")}${year ? `.${year}` : ""}.${junk.replace(/ /g, ".")}${idPart}`;
    } else {
      title = style === "ascii" ? asciiFold(work.title) : work.title;
      folder = `${pathSafe(title)}${yearPart}${idPart}`;
    }
    return year === undefined ? { title, folder } : { title, year, folder };
  }

  movie(section: Section, work: Work, planned?: Planned): void {
    const r = this.rng;
    const rk = this.nextRk();
    const kinds = planned?.kinds ?? [];
    const { addedAt, updatedAt } = this.stamps(planned?.recent);
    const hidden: Hidden = { kinds };
    const item: Item = {
      rk,
      type: "movie",
      sectionId: section.id,
      title: work.title,
      year: work.year,
      guid: section.kind === "legacy" ? `com.plexapp.agents.imdb://${work.imdb}?lang=en` : work.guid,
      work,
      thumb: true,
      summary: true,
      addedAt,
      updatedAt,
      thumbAt: updatedAt,
      duration: r.int(80, 170) * 60_000 + r.int(0, 59_999),
    };
    const st = sortTitle(work.title);
    if (st) item.titleSort = st;
    let folder = `${pathSafe(work.title)} (${work.year})`;
    this.applyKinds(section, item, hidden, kinds);
    if (kinds.includes("unmatched")) {
      const naming = this.unmatchedNaming(work, hidden, "movie", planned?.naming);
      hidden.trueWork = work;
      item.title = naming.title;
      delete item.titleSort;
      if (naming.year === undefined) delete item.year;
      else item.year = naming.year;
      folder = naming.folder;
    }
    const ext = section.kind === "legacy" ? "avi" : r.pick(["mkv", "mkv", "mp4"]);
    item.path =
      section.kind === "legacy"
        ? `${section.location}/${folder}.${ext}`
        : `${section.location}/${folder}/${folder}.${ext}`;
    this.add(section, item);
    if (kinds.length > 0) this.hidden.set(rk, hidden);
  }

  /** Applies the item-level effects of broken kinds (the unmatched naming is separate). */
  private applyKinds(section: Section, item: Item, hidden: Hidden, kinds: BrokenKind[]): void {
    for (const kind of kinds) {
      switch (kind) {
        case "no-poster":
          item.thumb = false;
          break;
        case "no-guids":
          item.noGuids = true;
          break;
        case "no-summary":
          item.summary = false;
          break;
        case "locked":
          item.thumb = false;
          item.locked = ["thumb"];
          // The standard profile has no such items and must not spend a draw on the question.
          if (this.profile.lockedSummaryShare > 0 && this.rng.chance(this.profile.lockedSummaryShare)) {
            item.summary = false;
            item.locked.push("summary");
          }
          break;
        case "unfixable":
          item.thumb = false;
          hidden.unfixable = true;
          break;
        case "unmatched":
          item.guid = unmatchedGuid(section, item.rk, this.nextUnmatchedNew());
          delete item.work;
          item.summary = false;
          // Mostly no poster at all; sometimes a frame grab Plex took from the file.
          item.thumb = this.rng.chance(0.3);
          break;
        case "broken-children":
          break;
      }
    }
  }

  show(section: Section, work: Work, planned?: Planned): void {
    const r = this.rng;
    const rk = this.nextRk();
    const kinds = planned?.kinds ?? [];
    const { addedAt, updatedAt } = this.stamps(planned?.recent);
    const hidden: Hidden = { kinds };
    const show: Item = {
      rk,
      type: "show",
      sectionId: section.id,
      title: work.title,
      year: work.year,
      index: 1,
      guid: work.guid,
      work,
      thumb: true,
      summary: true,
      addedAt,
      updatedAt,
      thumbAt: updatedAt,
      duration: r.pick([22, 25, 30, 42, 45, 50, 60]) * 60_000,
      childRks: [],
    };
    const st = sortTitle(work.title);
    if (st) show.titleSort = st;
    let folder = `${pathSafe(work.title)} (${work.year})`;
    this.applyKinds(section, show, hidden, kinds);
    // Seasons and episodes of an unmatched show take the show's guid form.
    const newForm = !show.guid.startsWith("local://");
    const unmatched = kinds.includes("unmatched");
    if (unmatched) {
      const naming = this.unmatchedNaming(work, hidden, "show", planned?.naming);
      hidden.trueWork = work;
      show.title = naming.title;
      delete show.titleSort;
      if (naming.year === undefined) delete show.year;
      else show.year = naming.year;
      folder = naming.folder;
    }
    show.path = `${section.location}/${folder}`;
    this.add(section, show);
    if (kinds.length > 0) this.hidden.set(rk, hidden);

    const seasons = r.int(1, 3);
    const brokenSeason = kinds.includes("broken-children") ? r.int(1, seasons) : 0;
    for (let s = 1; s <= seasons; s++) {
      const seasonRk = this.nextRk();
      const season: Item = {
        rk: seasonRk,
        type: "season",
        sectionId: section.id,
        parentRk: rk,
        title: `Season ${s}`,
        index: s,
        guid: unmatched ? unmatchedGuid(section, seasonRk, newForm) : `plex://season/${r.hex(24)}`,
        thumb: !unmatched,
        summary: false,
        addedAt,
        updatedAt,
        thumbAt: updatedAt,
        duration: 0,
        childRks: [],
      };
      if (s === brokenSeason) {
        season.thumb = false;
        this.hidden.set(seasonRk, { kinds: ["no-poster"] });
      }
      this.add(section, season);
      show.childRks?.push(seasonRk);
      const episodes = r.int(2, 8);
      const brokenEpisodes = new Set<number>();
      if (s === brokenSeason) {
        brokenEpisodes.add(r.int(1, episodes));
        // Demo: often a second one; the standard profile must not spend a draw on it.
        if (this.profile.variedEpisodes) brokenEpisodes.add(r.int(1, episodes));
      }
      for (let e = 1; e <= episodes; e++) {
        const epRk = this.nextRk();
        const epAdded = Math.min(this.now, addedAt + (s - 1) * 7 * DAY + e * 3600);
        const episode: Item = {
          rk: epRk,
          type: "episode",
          sectionId: section.id,
          parentRk: seasonRk,
          title: unmatched ? `Episode ${e}` : episodeTitle(hash32(work.id, s, e)),
          index: e,
          guid: unmatched ? unmatchedGuid(section, epRk, newForm) : `plex://episode/${r.hex(24)}`,
          thumb: true,
          summary: !unmatched,
          addedAt: epAdded,
          updatedAt: Math.max(epAdded, updatedAt),
          thumbAt: Math.max(epAdded, updatedAt),
          duration: show.duration + r.int(-120_000, 120_000),
        };
        if (!unmatched) episode.year = work.year + s - 1;
        if (brokenEpisodes.has(e)) this.breakEpisode(episode);
        this.add(section, episode);
        season.childRks?.push(epRk);
      }
    }
  }

  private breakEpisode(episode: Item): void {
    // Standard libraries only ever lose the summary, and take no draw for it.
    const kinds = this.profile.variedEpisodes ? [...this.rng.pick(EPISODE_BREAKS)] : ["no-summary" as const];
    if (kinds.includes("no-summary")) episode.summary = false;
    if (kinds.includes("no-poster")) episode.thumb = false;
    this.hidden.set(episode.rk, { kinds });
  }

  homeVideo(section: Section): void {
    const r = this.rng;
    const rk = this.nextRk();
    const { addedAt, updatedAt } = this.stamps();
    const year = r.int(2005, 2024);
    const date = `${year}-${String(r.int(1, 12)).padStart(2, "0")}-${String(r.int(1, 28)).padStart(2, "0")}`;
    const title = `${date} ${r.pick(HOME_VIDEO_EVENTS)}`;
    this.add(section, {
      rk,
      type: "movie",
      sectionId: section.id,
      title,
      year,
      guid: `com.plexapp.agents.none://${r.hex(40)}?lang=xn`,
      thumb: true,
      summary: false,
      addedAt,
      updatedAt,
      thumbAt: updatedAt,
      duration: r.int(1, 40) * 60_000,
      path: `${section.location}/${year}/${title}.mp4`,
    });
  }

  artist(section: Section): void {
    const r = this.rng;
    const rk = this.nextRk();
    const { addedAt, updatedAt } = this.stamps();
    const name = `${r.pick(PEOPLE)} ${r.pick(NOUNS)}`;
    const artist: Item = {
      rk,
      type: "artist",
      sectionId: section.id,
      title: name,
      index: 1,
      guid: `plex://artist/${r.hex(24)}`,
      thumb: true,
      summary: true,
      addedAt,
      updatedAt,
      thumbAt: updatedAt,
      duration: 0,
      childRks: [],
      path: `${section.location}/${pathSafe(name)}`,
    };
    this.add(section, artist);
    const albums = r.int(1, 2);
    for (let a = 1; a <= albums; a++) {
      const albumRk = this.nextRk();
      const albumTitle = `${r.pick(ADJECTIVES)} ${r.pick(NOUNS)}`;
      const album: Item = {
        rk: albumRk,
        type: "album",
        sectionId: section.id,
        parentRk: rk,
        title: albumTitle,
        year: r.int(1970, 2024),
        index: 1,
        guid: `plex://album/${r.hex(24)}`,
        thumb: true,
        summary: false,
        addedAt,
        updatedAt,
        thumbAt: updatedAt,
        duration: 0,
        childRks: [],
      };
      this.add(section, album);
      artist.childRks?.push(albumRk);
      const tracks = r.int(3, 6);
      for (let t = 1; t <= tracks; t++) {
        const trackRk = this.nextRk();
        this.add(section, {
          rk: trackRk,
          type: "track",
          sectionId: section.id,
          parentRk: albumRk,
          title: `${r.pick(ADJECTIVES)} ${r.pick(NOUNS)}`,
          index: t,
          guid: `plex://track/${r.hex(24)}`,
          thumb: false,
          summary: false,
          addedAt,
          updatedAt,
          thumbAt: updatedAt,
          duration: r.int(120, 420) * 1000,
        });
        album.childRks?.push(trackRk);
      }
    }
  }
}
