// Lenient schemas for the few Plex payloads we read. Plex's JSON is loose (flags as 1/"1"/true,
// numbers as strings in XML, empty arrays omitted) and a library may hold one odd item; a strict
// schema would reject a whole page for it. So every field coerces, unknown keys are dropped,
// missing arrays become [], and lists are parsed item by item: an item that fails is dropped
// and counted, never the page.
import { z } from "zod";

// ---------------------------------------------------------------------------------------------
// Field coercions. Each one accepts anything and never fails.

export function toBool(value: unknown): boolean | undefined {
  if (typeof value === "boolean") return value;
  if (typeof value === "number") return value !== 0;
  if (typeof value === "string") {
    const v = value.trim().toLowerCase();
    if (v === "1" || v === "true") return true;
    if (v === "0" || v === "false" || v === "") return false;
  }
  return undefined;
}

export function toNumber(value: unknown): number | undefined {
  if (typeof value === "number") return Number.isFinite(value) ? value : undefined;
  if (typeof value === "string" && value.trim() !== "") {
    const n = Number(value);
    return Number.isFinite(n) ? n : undefined;
  }
  return undefined;
}

export function toStr(value: unknown): string | undefined {
  if (typeof value === "string") return value;
  if (typeof value === "number" && Number.isFinite(value)) return String(value);
  return undefined;
}

/** Strings where "" means "absent" (summary, thumb): Plex sends `summary: ""` for none. */
export function toText(value: unknown): string | undefined {
  const s = toStr(value);
  return s === undefined || s.trim() === "" ? undefined : s;
}

// `.optional()` lets a key be missing (zod 4 would otherwise demand it once transformed).
const bool = z.unknown().transform(toBool).optional();
const num = z.unknown().transform(toNumber).optional();
const str = z.unknown().transform(toStr).optional();
const text = z.unknown().transform(toText).optional();
/** A string that must be there (ratingKey, Guid id…): a missing one fails the item, not the page. */
const requiredStr = z.unknown().transform((value, ctx) => {
  const s = toText(value);
  if (s === undefined) {
    ctx.addIssue({ code: "custom", message: "expected a non-empty string or number" });
    return z.NEVER;
  }
  return s;
});

export interface ListResult<T> {
  items: T[];
  /** Elements in the input, including those dropped: what the server actually returned. */
  received: number;
  /** Elements that failed their schema and were left out. */
  dropped: number;
}

/** Parses a Plex child array item by item. A single object counts as a one-item list. */
export function parseList<T>(schema: z.ZodType<T>, value: unknown): ListResult<T> {
  const raw = Array.isArray(value) ? value : value !== null && typeof value === "object" ? [value] : [];
  const items: T[] = [];
  for (const element of raw) {
    const parsed = schema.safeParse(element);
    if (parsed.success) items.push(parsed.data);
  }
  return { items, received: raw.length, dropped: raw.length - items.length };
}

/** A child array: parsed item by item, missing → []. */
const list = <T>(schema: z.ZodType<T>) =>
  z
    .unknown()
    .transform((value) => parseList(schema, value).items)
    .default(() => []);

// ---------------------------------------------------------------------------------------------
// Payload schemas.

export const GuidSchema = z.object({ id: requiredStr });
export const FieldSchema = z.object({ name: requiredStr, locked: bool });
export const PartSchema = z.object({ file: text });
export const MediaSchema = z.object({ Part: list(PartSchema) });
export const LocationSchema = z.object({ path: requiredStr });

/** One `Metadata[]` element (a movie, show, season, episode, artist, album, track…). */
export const MetadataSchema = z.object({
  ratingKey: requiredStr,
  key: text,
  guid: text,
  type: text,
  title: str,
  year: num,
  summary: text,
  thumb: text,
  art: text,
  addedAt: num,
  updatedAt: num,
  librarySectionID: str,
  librarySectionTitle: text,
  parentRatingKey: text,
  grandparentRatingKey: text,
  parentGuid: text,
  grandparentGuid: text,
  parentTitle: text,
  grandparentTitle: text,
  index: num,
  parentIndex: num,
  leafCount: num,
  childCount: num,
  originallyAvailableAt: text,
  Guid: list(GuidSchema),
  Field: list(FieldSchema),
  Media: list(MediaSchema),
  // The Home Assistant XML fixture has <Part> as a sibling of <Media>; accept that too.
  Part: list(PartSchema),
  Location: list(LocationSchema),
});
export type RawMetadata = z.infer<typeof MetadataSchema>;

/** A Label or Collection tag (python-plexapi media.py MediaTag: `tag`). */
export const TagSchema = z.object({ tag: requiredStr });

/**
 * What a person may have customised on an item (issue 23): the editable fields, locks, labels,
 * collections and the artwork shown. Read from a full item only, so listings stay lean.
 */
export const CustomizedSchema = z.object({
  ratingKey: requiredStr,
  type: text,
  librarySectionID: str,
  title: str,
  titleSort: str,
  originalTitle: str,
  summary: str,
  tagline: str,
  year: num,
  originallyAvailableAt: text,
  contentRating: str,
  studio: str,
  thumb: text,
  art: text,
  Field: list(FieldSchema),
  Label: list(TagSchema),
  Collection: list(TagSchema),
});
export type RawCustomized = z.infer<typeof CustomizedSchema>;

/** One poster of GET …/posters (python-plexapi media.py BaseResource). */
export const PosterSchema = z.object({
  ratingKey: requiredStr,
  key: text,
  thumb: text,
  provider: text,
  selected: bool,
});

/** The container fields of an item listing; the items themselves are parsed one by one. */
export const ItemContainerSchema = z.object({
  size: num,
  totalSize: num,
  offset: num,
  librarySectionID: str,
  librarySectionTitle: text,
  Metadata: z.unknown().optional(),
});

export const SectionSchema = z.object({
  key: requiredStr,
  title: str,
  type: str,
  agent: str,
  scanner: str,
  language: str,
  uuid: text,
  refreshing: bool,
  Location: list(LocationSchema),
});
export type RawSection = z.infer<typeof SectionSchema>;

export const SearchResultSchema = z.object({
  guid: requiredStr,
  name: text,
  title: text,
  year: num,
  score: num,
  type: text,
  thumb: text,
  summary: text,
});
export type RawSearchResult = z.infer<typeof SearchResultSchema>;

export const IdentitySchema = z.object({
  machineIdentifier: text,
  version: text,
  claimed: bool,
});

export const ServerSchema = z.object({
  friendlyName: str,
  machineIdentifier: text,
  version: text,
  platform: text,
  myPlexUsername: text,
});

/** `{ MediaContainer: {…} }` → the container object, or `{}` for anything else. */
export function mediaContainer(body: unknown): Record<string, unknown> {
  if (body !== null && typeof body === "object" && "MediaContainer" in body) {
    const container = (body as { MediaContainer: unknown }).MediaContainer;
    if (container !== null && typeof container === "object" && !Array.isArray(container)) {
      return container as Record<string, unknown>;
    }
  }
  return {};
}
