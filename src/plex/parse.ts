// Turns Plex response bodies (JSON, or XML already converted by xml.ts) into the normalised
// shapes the rest of the app sees. Pure functions: no I/O.
import {
  IdentitySchema,
  ItemContainerSchema,
  MetadataSchema,
  mediaContainer,
  parseList,
  type RawMetadata,
  type RawSearchResult,
  type RawSection,
  SearchResultSchema,
  SectionSchema,
  ServerSchema,
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
    guids: [...new Set(raw.Guid.map((g) => g.id))],
    lockedFields: raw.Field.filter((f) => f.locked === true).map((f) => f.name),
    files: [...new Set(files)],
    locations: raw.Location.map((l) => l.path),
  });
}

/** A `MediaContainer` holding `Metadata[]` → normalised items plus the paging fields. */
export function parseItemsPage(body: unknown): ItemsPage {
  const container = ItemContainerSchema.parse(mediaContainer(body));
  const { items, received, dropped } = parseList(MetadataSchema, container.Metadata);
  return compact<ItemsPage>({
    items: items.map((raw) => toPlexItem(raw, container)),
    received,
    dropped,
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
