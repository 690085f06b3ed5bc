// Turns Plex response bodies (JSON, or XML already converted by xml.ts) into the normalised
// shapes the rest of the app sees. Pure functions: no I/O.
import {
  CustomizedSchema,
  IdentitySchema,
  ItemContainerSchema,
  mediaContainer,
  PosterSchema,
  parseList,
  type RawCustomized,
  type RawMetadata,
  type RawSearchResult,
  type RawSection,
  SearchResultSchema,
  SectionSchema,
  ServerSchema,
  toBool,
  toNumber,
  toStr,
  toText,
} from "./schemas.js";

/** A library item as the scan engine sees it. */
export interface PlexItem {
  ratingKey: string;
  key: string;
  guid?: string;
  /** movie | show | season | episode | artist | album | track | … ("unknown" when Plex omits it) */
  type: string;
  title: string;
  year?: number;
  summary?: string;
  thumb?: string;
  art?: string;
  addedAt?: number;
  updatedAt?: number;
  librarySectionId?: string;
  librarySectionTitle?: string;
  parentRatingKey?: string;
  grandparentRatingKey?: string;
  /** The parent's and grandparent's guid (a season's show, an episode's season and show). */
  parentGuid?: string;
  grandparentGuid?: string;
  parentTitle?: string;
  grandparentTitle?: string;
  index?: number;
  parentIndex?: number;
  leafCount?: number;
  childCount?: number;
  /** Air or release date as Plex gives it (`2026-03-14`); a placeholder episode is judged by it. */
  originallyAvailableAt?: string;
  /** `Guid[].id`, e.g. `imdb://tt0253556`; empty for legacy agents (their id is in `guid`). */
  guids: string[];
  /** Names of locked fields (`Field[]` with `locked`). */
  lockedFields: string[];
  /** Server-side file paths (`Media[].Part[].file`). */
  files: string[];
  /** Folder paths (`Location[].path`, shows). */
  locations: string[];
}

export interface PlexSection {
  /** The section id as used in URLs (Plex calls it `key`). */
  id: string;
  key: string;
  title: string;
  type: string;
  agent: string;
  scanner: string;
  language: string;
  uuid?: string;
  refreshing: boolean;
  locations: string[];
  /** Personal media (agent `com.plexapp.agents.none` / `tv.plex.agents.none`): never "fix". */
  isPersonal: boolean;
}

export interface PlexSearchResult {
  guid: string;
  name: string;
  year?: number;
  score?: number;
  type?: string;
  thumb?: string;
  summary?: string;
}

export interface PlexIdentity {
  machineIdentifier: string;
  version: string;
  claimed?: boolean;
}

export interface PlexServerInfo {
  friendlyName: string;
  machineIdentifier: string;
  version: string;
  platform?: string;
  myPlexUsername?: string;
}

export interface ItemsPage {
  items: PlexItem[];
  /** Rows the server returned, including dropped ones: the pager advances by this. */
  received: number;
  /** Rows that failed the schema and were left out. */
  dropped: number;
  size?: number;
  totalSize?: number;
  offset?: number;
}

const PERSONAL_AGENTS = new Set(["com.plexapp.agents.none", "tv.plex.agents.none"]);

/** Removes undefined values so results compare and serialise cleanly. */
function compact<T extends object>(value: T): T {
  for (const key of Object.keys(value) as (keyof T)[]) {
    if (value[key] === undefined) delete value[key];
  }
  return value;
}

export function toPlexItem(
  raw: RawMetadata,
  container: { librarySectionID?: string; librarySectionTitle?: string } = {},
): PlexItem {
  const files = [...raw.Media.flatMap((media) => media.Part), ...raw.Part]
    .map((part) => part.file)
    .filter((file): file is string => file !== undefined);
  return compact<PlexItem>({
    ratingKey: raw.ratingKey,
    key: raw.key ?? `/library/metadata/${raw.ratingKey}`,
    guid: raw.guid,
    type: raw.type ?? "unknown",
    title: raw.title ?? "",
    year: raw.year,
    summary: raw.summary,
    thumb: raw.thumb,
    art: raw.art,
    addedAt: raw.addedAt,
    updatedAt: raw.updatedAt,
    // Children listings carry the section on the container, not on each item.
    librarySectionId: raw.librarySectionID ?? container.librarySectionID,
    librarySectionTitle: raw.librarySectionTitle ?? container.librarySectionTitle,
    parentRatingKey: raw.parentRatingKey,
    grandparentRatingKey: raw.grandparentRatingKey,
    parentGuid: raw.parentGuid,
    grandparentGuid: raw.grandparentGuid,
    parentTitle: raw.parentTitle,
    grandparentTitle: raw.grandparentTitle,
    index: raw.index,
    parentIndex: raw.parentIndex,
    leafCount: raw.leafCount,
    childCount: raw.childCount,
    originallyAvailableAt: raw.originallyAvailableAt,
    guids: [...new Set(raw.Guid.map((g) => g.id))],
    lockedFields: raw.Field.filter((f) => f.locked === true).map((f) => f.name),
    files: [...new Set(files)],
    locations: raw.Location.map((l) => l.path),
  });
}

// ---------------------------------------------------------------------------------------------
// Listing items, read by hand. A whole-library scan parses every item of every page, and a zod
// object parse per item (plus one per Guid, Field, Media and Part) allocated several times the
// item's own size; these readers apply exactly MetadataSchema's rules (the same coercions, the
// same drops) and build the PlexItem directly, without the intermediate RawMetadata.

type Obj = Record<string, unknown>;

/** What `z.object` accepts: any non-null, non-array object. */
function isObj(value: unknown): value is Obj {
  return value !== null && typeof value === "object" && !Array.isArray(value);
}

/** A Plex child array as `parseList` reads it: an array, a single object as one, else none. */
function elements(value: unknown): readonly unknown[] {
  if (Array.isArray(value)) return value;
  return isObj(value) ? [value] : [];
}

/** `requiredStr` fields of every element that has one (elements without are dropped). */
function requiredStrings(value: unknown, field: string, out: string[]): void {
  for (const el of elements(value)) {
    if (!isObj(el)) continue;
    const s = toText(el[field]);
    if (s !== undefined) out.push(s);
  }
}

/** `Part[].file` of a Part list (a Part that is not an object is dropped; `file` is optional). */
function partFiles(value: unknown, out: string[]): void {
  for (const part of elements(value)) {
    if (!isObj(part)) continue;
    const file = toText(part.file);
    if (file !== undefined) out.push(file);
  }
}

/**
 * One `Metadata[]` element → a PlexItem, or undefined when MetadataSchema would reject it (not an
 * object, or no ratingKey). Same result as `toPlexItem(MetadataSchema.parse(el), container)`.
 */
export function readPlexItem(
  el: unknown,
  container: { librarySectionID?: string; librarySectionTitle?: string } = {},
): PlexItem | undefined {
  if (!isObj(el)) return undefined;
  const ratingKey = toText(el.ratingKey);
  if (ratingKey === undefined) return undefined;

  const guids: string[] = [];
  requiredStrings(el.Guid, "id", guids);
  const lockedFields: string[] = [];
  for (const f of elements(el.Field)) {
    if (!isObj(f)) continue;
    const name = toText(f.name);
    if (name !== undefined && toBool(f.locked) === true) lockedFields.push(name);
  }
  const files: string[] = [];
  for (const media of elements(el.Media)) if (isObj(media)) partFiles(media.Part, files);
  partFiles(el.Part, files);
  const locations: string[] = [];
  requiredStrings(el.Location, "path", locations);

  // Keys in toPlexItem's order, undefined ones left out (as compact() does, without `delete`,
  // which would turn every item into a slow, larger dictionary-mode object). Plain named stores,
  // one per field: a keyed store through a helper (`item[name] = value`) made V8 allocate some
  // 3 KB per item in transient property arrays, more than the item itself, on every listed item.
  const item = { ratingKey, key: toText(el.key) ?? `/library/metadata/${ratingKey}` } as PlexItem;
  const guid = toText(el.guid);
  if (guid !== undefined) item.guid = guid;
  item.type = toText(el.type) ?? "unknown";
  item.title = toStr(el.title) ?? "";
  const year = toNumber(el.year);
  if (year !== undefined) item.year = year;
  const summary = toText(el.summary);
  if (summary !== undefined) item.summary = summary;
  const thumb = toText(el.thumb);
  if (thumb !== undefined) item.thumb = thumb;
  const art = toText(el.art);
  if (art !== undefined) item.art = art;
  const addedAt = toNumber(el.addedAt);
  if (addedAt !== undefined) item.addedAt = addedAt;
  const updatedAt = toNumber(el.updatedAt);
  if (updatedAt !== undefined) item.updatedAt = updatedAt;
  const librarySectionId = toStr(el.librarySectionID) ?? container.librarySectionID;
  if (librarySectionId !== undefined) item.librarySectionId = librarySectionId;
  const librarySectionTitle = toText(el.librarySectionTitle) ?? container.librarySectionTitle;
  if (librarySectionTitle !== undefined) item.librarySectionTitle = librarySectionTitle;
  const parentRatingKey = toText(el.parentRatingKey);
  if (parentRatingKey !== undefined) item.parentRatingKey = parentRatingKey;
  const grandparentRatingKey = toText(el.grandparentRatingKey);
  if (grandparentRatingKey !== undefined) item.grandparentRatingKey = grandparentRatingKey;
  const parentGuid = toText(el.parentGuid);
  if (parentGuid !== undefined) item.parentGuid = parentGuid;
  const grandparentGuid = toText(el.grandparentGuid);
  if (grandparentGuid !== undefined) item.grandparentGuid = grandparentGuid;
  const parentTitle = toText(el.parentTitle);
  if (parentTitle !== undefined) item.parentTitle = parentTitle;
  const grandparentTitle = toText(el.grandparentTitle);
  if (grandparentTitle !== undefined) item.grandparentTitle = grandparentTitle;
  const index = toNumber(el.index);
  if (index !== undefined) item.index = index;
  const parentIndex = toNumber(el.parentIndex);
  if (parentIndex !== undefined) item.parentIndex = parentIndex;
  const leafCount = toNumber(el.leafCount);
  if (leafCount !== undefined) item.leafCount = leafCount;
  const childCount = toNumber(el.childCount);
  if (childCount !== undefined) item.childCount = childCount;
  const originallyAvailableAt = toText(el.originallyAvailableAt);
  if (originallyAvailableAt !== undefined) item.originallyAvailableAt = originallyAvailableAt;
  item.guids = guids.length > 1 ? [...new Set(guids)] : guids;
  item.lockedFields = lockedFields;
  item.files = files.length > 1 ? [...new Set(files)] : files;
  item.locations = locations;
  return item;
}

/**
 * What a listing may leave out (PMS's `excludeElements` / `excludeFields`, REFERENCE §3.1):
 * elements and item attributes that readPlexItem never reads. A whole-library scan lists every
 * item, and these tags and display attributes made up a third of each page's JSON, which was
 * received, decoded and parsed only to be dropped. Guid, Field, Media/Part and Location stay,
 * as does every attribute PlexItem carries (test/plex/listing-trim.test.ts checks both).
 */
export const LISTING_EXCLUDE_ELEMENTS = [
  "Genre",
  "Director",
  "Writer",
  "Producer",
  "Country",
  "Role",
  "Collection",
  "Label",
  "Similar",
  "Mood",
  "Style",
  "Rating",
  "Image",
  "UltraBlurColors",
] as const;

export const LISTING_EXCLUDE_FIELDS = [
  "studio",
  "titleSort",
  "originalTitle",
  "contentRating",
  "rating",
  "audienceRating",
  "audienceRatingImage",
  "ratingImage",
  "tagline",
  "duration",
  "banner",
  "theme",
  "parentKey",
  "grandparentKey",
  "parentThumb",
  "parentTheme",
  "parentStudio",
  "parentYear",
  "grandparentThumb",
  "grandparentArt",
  "grandparentTheme",
  "viewedLeafCount",
  "viewCount",
  "lastViewedAt",
  "skipCount",
  "chapterSource",
  "primaryExtraKey",
] as const;

/** A `MediaContainer` holding `Metadata[]` → normalised items plus the paging fields. */
export function parseItemsPage(body: unknown): ItemsPage {
  return itemsPageOf(body, elements(mediaContainer(body).Metadata));
}

/**
 * A listing page from its container (whose Metadata is not read) and its Metadata elements,
 * which may be an iterable that parses them as it goes (listing-body.ts).
 */
export function itemsPageOf(body: unknown, raw: Iterable<unknown>): ItemsPage {
  const container = ItemContainerSchema.parse(mediaContainer(body));
  const items: PlexItem[] = [];
  let received = 0;
  for (const el of raw) {
    received++;
    const item = readPlexItem(el, container);
    if (item !== undefined) items.push(item);
  }
  return compact<ItemsPage>({
    items,
    received,
    dropped: received - items.length,
    size: container.size,
    totalSize: container.totalSize,
    offset: container.offset,
  });
}

export function toPlexSection(raw: RawSection): PlexSection {
  const agent = raw.agent ?? "";
  return compact<PlexSection>({
    id: raw.key,
    key: raw.key,
    title: raw.title ?? "",
    type: raw.type ?? "unknown",
    agent,
    scanner: raw.scanner ?? "",
    language: raw.language ?? "",
    uuid: raw.uuid,
    refreshing: raw.refreshing ?? false,
    locations: raw.Location.map((l) => l.path),
    isPersonal: PERSONAL_AGENTS.has(agent),
  });
}

export function parseSections(body: unknown): PlexSection[] {
  return parseList(SectionSchema, mediaContainer(body).Directory).items.map(toPlexSection);
}

export function toPlexSearchResult(raw: RawSearchResult): PlexSearchResult | undefined {
  const name = raw.name ?? raw.title;
  if (name === undefined) return undefined;
  return compact<PlexSearchResult>({
    guid: raw.guid,
    name,
    year: raw.year,
    score: raw.score,
    type: raw.type,
    thumb: raw.thumb,
    summary: raw.summary,
  });
}

/** `SearchResult[]` (what PMS sends); `Metadata[]` is accepted too, as the OpenAPI spec claims. */
export function parseSearchResults(body: unknown): PlexSearchResult[] {
  const container = mediaContainer(body);
  const raw = container.SearchResult ?? container.Metadata;
  return parseList(SearchResultSchema, raw)
    .items.map(toPlexSearchResult)
    .filter((r): r is PlexSearchResult => r !== undefined);
}

/** Undefined when the body is not a Plex identity (no machineIdentifier). */
export function parseIdentity(body: unknown): PlexIdentity | undefined {
  const raw = IdentitySchema.parse(mediaContainer(body));
  if (raw.machineIdentifier === undefined) return undefined;
  return compact<PlexIdentity>({
    machineIdentifier: raw.machineIdentifier,
    version: raw.version ?? "",
    claimed: raw.claimed,
  });
}

/** Undefined when the body is not a Plex server root (no machineIdentifier). */
export function parseServer(body: unknown): PlexServerInfo | undefined {
  const raw = ServerSchema.parse(mediaContainer(body));
  if (raw.machineIdentifier === undefined) return undefined;
  return compact<PlexServerInfo>({
    friendlyName: raw.friendlyName ?? "",
    machineIdentifier: raw.machineIdentifier,
    version: raw.version ?? "",
    platform: raw.platform,
    myPlexUsername: raw.myPlexUsername,
  });
}

// ---------------------------------------------------------------------------------------------
// Customizations (issue 23): read from full items and the poster list only.

/** Fields a person can edit and lock (python-plexapi mixins.py EditFieldMixin subclasses). */
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

/** An item's customisable state: every editable value, the locks, labels, collections, artwork. */
export interface PlexCustomizations {
  ratingKey: string;
  type: string;
  librarySectionId?: string;
  /** Values as Plex shows them now (the year as text, like every edit sends it). */
  values: Partial<Record<EditableField, string>>;
  lockedFields: string[];
  labels: string[];
  collections: string[];
  thumb?: string;
  art?: string;
}

export interface PlexPoster {
  /** What PUT …/poster?url= takes: `metadata://…`, `upload://…` or an http(s) address. */
  ratingKey: string;
  key?: string;
  thumb?: string;
  provider?: string;
  selected: boolean;
}

export function toPlexCustomizations(raw: RawCustomized): PlexCustomizations {
  const values: Partial<Record<EditableField, string>> = {};
  for (const field of EDITABLE_FIELDS) {
    const v = raw[field];
    if (v !== undefined) values[field] = String(v);
  }
  return compact<PlexCustomizations>({
    ratingKey: raw.ratingKey,
    type: raw.type ?? "unknown",
    librarySectionId: raw.librarySectionID,
    values,
    lockedFields: raw.Field.filter((f) => f.locked === true).map((f) => f.name),
    labels: [...new Set(raw.Label.map((t) => t.tag))],
    collections: [...new Set(raw.Collection.map((t) => t.tag))],
    thumb: raw.thumb,
    art: raw.art,
  });
}

/** A full-item answer → one entry per item; malformed items are left out. */
export function parseCustomizations(body: unknown): PlexCustomizations[] {
  return parseList(CustomizedSchema, mediaContainer(body).Metadata).items.map(toPlexCustomizations);
}

/** GET …/posters → the posters (`Metadata`; XML's `<Photo>` arrives as that too, xml.ts). */
export function parsePosters(body: unknown): PlexPoster[] {
  return parseList(PosterSchema, mediaContainer(body).Metadata).items.map((p) =>
    compact<PlexPoster>({ ...p, selected: p.selected === true }),
  );
}
