/**
 * In-memory model of the emulated Plex library. Items are kept compact (flags instead of
 * copied strings, texts derived on render) so 100,000 top-level items with their seasons
 * and episodes fit comfortably in memory.
 */

import type { WrongMatchFact } from "./wrong-matches.js";

export type ItemType = "movie" | "show" | "season" | "episode" | "artist" | "album" | "track";

/** Plex metadata type numbers (utils.SEARCHTYPES in python-plexapi). */
export const TYPE_NUMBER: Record<ItemType, number> = {
  movie: 1,
  show: 2,
  season: 3,
  episode: 4,
  artist: 8,
  album: 9,
  track: 10,
};

export const TYPE_BY_NUMBER: Record<number, ItemType> = {
  1: "movie",
  2: "show",
  3: "season",
  4: "episode",
  8: "artist",
  9: "album",
  10: "track",
};

export type BrokenKind =
  | "no-poster"
  | "no-guids"
  | "no-summary"
  | "unmatched"
  | "locked"
  | "unfixable"
  | "broken-children";

export type SectionKind = "new" | "legacy" | "personal" | "music";

export interface Section {
  id: number;
  type: "movie" | "show" | "artist";
  kind: SectionKind;
  title: string;
  agent: string;
  scanner: string;
  language: string;
  uuid: string;
  locationId: number;
  location: string;
  createdAt: number;
  updatedAt: number;
  scannedAt: number;
  contentChangedAt: number;
  /** ratingKeys per item type, in generation order. */
  byType: Map<ItemType, number[]>;
}

/** A work known to the (simulated) metadata agent: what a match can resolve to. */
export interface Work {
  id: number;
  type: "movie" | "show";
  guid: string; // plex://movie/<24 hex>
  title: string;
  year: number;
  imdb: string; // tt0123456
  tmdb: number;
  tvdb: number;
  studio: string;
  contentRating: string;
  rating: number;
  genres: readonly string[];
  originallyAvailableAt: string;
}

export interface Item {
  rk: number;
  type: ItemType;
  sectionId: number;
  parentRk?: number;
  childRks?: number[];
  title: string;
  titleSort?: string;
  year?: number;
  index?: number;
  guid: string;
  /** Matched work (movies/shows); absent for unmatched and personal items. */
  work?: Work;
  /** Poster present (thumb attribute). */
  thumb: boolean;
  /** Summary present. */
  summary: boolean;
  /** plex:// item whose Guid[] is empty. */
  noGuids?: boolean;
  addedAt: number;
  updatedAt: number;
  /** Suffix of thumb/art URLs; changes when artwork changes. */
  thumbAt: number;
  duration: number;
  /** Movies: file path; shows/artists: folder path; derived for episodes/tracks. */
  path?: string;
  /** Locked field names (Field locked=1). */
  locked?: string[];
  /** Air date, `YYYY-MM-DD` (episodes added by a library scan; generated ones derive theirs). */
  airDate?: string;
  /** A placeholder episode (see Placeholder); gone once a refresh found its data. */
  placeholder?: Placeholder;
  /** A person's edits (customizations.ts): shown instead of the agent's value. */
  edits?: Partial<Record<EditableField, string>>;
  /** Label and Collection tags, in the order given. */
  labels?: string[];
  collections?: string[];
  /** Posters uploaded to this item (POST …/posters), with their bytes. */
  uploads?: PosterUpload[];
  /** ratingKey of the chosen poster (PUT …/poster?url=); absent = the agent's first. */
  selectedPoster?: string;
}

/**
 * Fields a person can edit (python-plexapi mixins.py: TitleMixin, SortTitleMixin,
 * OriginalTitleMixin, SummaryMixin, TaglineMixin, OriginallyAvailableMixin, ContentRatingMixin,
 * StudioMixin; `year` as Plex Web's edit dialog sends it).
 */
export const EDITABLE_FIELDS = [
  "title",
  "titleSort",
  "originalTitle",
  "summary",
  "tagline",
  "year",
  "originallyAvailableAt",
  "contentRating",
  "studio",
] as const;
export type EditableField = (typeof EDITABLE_FIELDS)[number];

export interface PosterUpload {
  /** `upload://posters/<sha1>`, as Plex names uploads (python-plexapi media.py BaseResource). */
  ratingKey: string;
  contentType: string;
  bytes: Buffer;
}

/**
 * A new episode whose metadata is not upstream yet: Plex shows "Episode 4" or "TBA" with no
 * summary and no thumbnail for hours or days (Kometa-Team/Kometa#294, JBOPS#127,
 * Casvt/Plex-scripts#42 and #101; python-plexapi's Episode carries the `title`, `index` and
 * `originallyAvailableAt` a client judges it by). A refresh before `arrivesAt` finishes as
 * usual and changes nothing; one after fills in the title, summary and thumbnail.
 */
export interface Placeholder {
  /** The real title, shown once the data has arrived. */
  title: string;
  /** Epoch ms when the data is upstream. */
  arrivesAt: number;
}

export interface FileId {
  source: "imdb" | "tmdb" | "tvdb";
  id: string;
  /** The token as written in the file or folder name, e.g. "{imdb-tt0123456}". */
  text: string;
}

/** Hidden per-item facts used for truth() and to decide what a refresh can do. */
export interface Hidden {
  kinds: BrokenKind[];
  unfixable?: boolean;
  /** The work an unmatched item really is. */
  trueWork?: Work;
  ambiguous?: boolean;
  decoy?: Work;
  fileId?: FileId;
}

export interface GeneratedLibrary {
  seed: number;
  now: number;
  machineIdentifier: string;
  sections: Section[];
  /** Indexed by ratingKey; index 0 unused. */
  items: (Item | undefined)[];
  works: Work[];
  hidden: Map<number, Hidden>;
  /** Top-level video items (movies + shows across the video sections). */
  topLevelCount: number;
  /** Planted wrong matches and their decoys (emulator/wrong-matches.ts); empty for most profiles. */
  wrongMatches: WrongMatchFact[];
}

export const isLegacyGuid = (guid: string): boolean => guid.startsWith("com.plexapp.agents.");
export const NEW_UNMATCHED_SCHEME = "tv.plex.agents.none://";

/**
 * Unmatched, in either form: `local://<id>` (legacy agents, older servers) or, on current servers,
 * `tv.plex.agents.none://<ratingKey>` for an unmatched Plex Movie or Plex TV Series item — the
 * scheme Personal Media libraries use too (Kometa-Team/Kometa#3561: "unmatch the Plex item,
 * which changes its primary GUID to tv.plex.agents.none://<ratingKey>").
 */
export const isUnmatched = (item: Item): boolean =>
  item.guid.startsWith("local://") || item.guid.startsWith(NEW_UNMATCHED_SCHEME);
/** Which guid form unmatched items get: old (`local://`), new (none agent) or, alternating, both. */
export type UnmatchedForm = "local" | "new" | "mixed";

/** The guid an unmatch gives an item: the new form in a library with a new Plex agent. */
export function unmatchedGuid(
  section: Pick<Section, "kind"> | undefined,
  rk: number,
  newForm = true,
): string {
  return section?.kind === "new" && newForm ? `${NEW_UNMATCHED_SCHEME}${rk}` : `local://${rk}`;
}
