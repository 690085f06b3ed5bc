/**
 * What a person changes by hand, and the edit calls that change it. Sources:
 * - python-plexapi plexapi/library.py `LibrarySection._edit`: every edit is
 *   `PUT /library/sections/{id}/all?type=<n>&id=<ratingKey[,…]>&…`;
 * - plexapi/mixins.py `EditFieldMixin.editField`: `{field}.value=<v>&{field}.locked=1|0`;
 * - plexapi/mixins.py `EditTagsMixin.editTags` / `_tagHelper`: `label[0].tag.tag=A&label[1].tag.tag=B`
 *   (plexapi sends the existing tags plus the new ones: the indexed list is the new set),
 *   `label[].tag.tag-=A,B` (comma-joined, each URL-quoted) removes, `label.locked=1`;
 *   the same for `collection`;
 * - plexapi/base.py `PlexPartialObject.isLocked` and video.py `_loadData`: `Field` (name, locked),
 *   `Label` and `Collection` tags in the metadata answer;
 * - plexapi/mixins.py `PosterMixin.posters/uploadPoster/setPoster` and media.py
 *   `BaseResource.select`: GET `/library/metadata/{key}/posters` (Photo elements with key,
 *   ratingKey, selected, thumb, provider), POST `…/posters` with the image as the body or
 *   `?url=`, PUT `…/poster?url=<poster ratingKey>`;
 * - plexapi/library.py `refresh()` docstring and REFERENCE §3.4: a refresh leaves locked fields
 *   alone; labels, collections and a chosen poster are the user's and survive it.
 * A chosen or uploaded poster locks `thumb`, as Plex Web shows after choosing one.
 */
import { createHash } from "node:crypto";
import { HttpError } from "./context.js";
import type { El } from "./el.js";
import {
  EDITABLE_FIELDS,
  type EditableField,
  type Item,
  type PosterUpload,
  type Section,
  TYPE_NUMBER,
} from "./model.js";
import { hex24 } from "./random.js";
import type { Store } from "./store.js";

const EDITABLE: ReadonlySet<string> = new Set(EDITABLE_FIELDS);
const TAGS = { label: "labels", collection: "collections" } as const;
type TagKind = keyof typeof TAGS;

export const isLocked = (item: Item, field: string): boolean => item.locked?.includes(field) ?? false;

function setLock(item: Item, field: string, on: boolean): void {
  const locked = new Set(item.locked ?? []);
  if (on) locked.add(field);
  else locked.delete(field);
  if (locked.size > 0) item.locked = [...locked];
  else delete item.locked;
}

/** One validated edit request, applied only once every part of it was understood. */
interface EditPlan {
  values: Map<EditableField, string>;
  locks: Map<string, boolean>;
  setTags: Map<TagKind, string[]>;
  removeTags: Map<TagKind, string[]>;
}

function validValue(field: EditableField, value: string): boolean {
  if (value === "") return true; // empty: back to the agent's value
  if (field === "year") return /^\d{4}$/.test(value);
  if (field === "originallyAvailableAt") return /^\d{4}-\d{2}-\d{2}$/.test(value);
  return value.length <= 10_000;
}

function planEdit(query: URLSearchParams): EditPlan {
  const plan: EditPlan = { values: new Map(), locks: new Map(), setTags: new Map(), removeTags: new Map() };
  const indexed = new Map<TagKind, Map<number, string>>();
  for (const [key, value] of query) {
    if (key === "id" || key === "type" || key.toLowerCase() === "x-plex-token") continue;
    let m = /^(\w+)\.value$/.exec(key);
    if (m) {
      const field = m[1] as string;
      if (!EDITABLE.has(field) || !validValue(field as EditableField, value)) throw new HttpError(400);
      plan.values.set(field as EditableField, value);
      continue;
    }
    m = /^(\w+)\.locked$/.exec(key);
    if (m) {
      if (value !== "0" && value !== "1") throw new HttpError(400);
      plan.locks.set(m[1] as string, value === "1");
      continue;
    }
    m = /^(label|collection)\[(\d*)\]\.tag\.tag(-?)$/.exec(key);
    if (!m) throw new HttpError(400);
    const kind = m[1] as TagKind;
    if (m[3] === "-") {
      // _tagHelper quotes each name and joins them with commas.
      const names = value.split(",").map((n) => safeDecode(n).trim());
      if (m[2] !== "" || names.some((n) => n === "")) throw new HttpError(400);
      plan.removeTags.set(kind, [...(plan.removeTags.get(kind) ?? []), ...names]);
      continue;
    }
    if (m[2] === "" || value.trim() === "") throw new HttpError(400);
    const list = indexed.get(kind) ?? new Map<number, string>();
    list.set(Number(m[2]), value.trim());
    indexed.set(kind, list);
  }
  for (const [kind, list] of indexed) {
    const names = [...list.entries()].sort((a, b) => a[0] - b[0]).map(([, n]) => n);
    plan.setTags.set(kind, [...new Set(names)]);
  }
  return plan;
}

function safeDecode(s: string): string {
  try {
    return decodeURIComponent(s);
  } catch {
    throw new HttpError(400);
  }
}

/**
 * PUT /library/sections/{id}/all: validates the whole request first (an unknown item is 404,
 * a wrong type or an unknown parameter 400), then applies it. Returns the items changed.
 */
export function applySectionEdit(
  store: Store,
  section: Section,
  query: URLSearchParams,
  now: number,
): Item[] {
  const idText = query.get("id") ?? "";
  if (!/^\d+(,\d+)*$/.test(idText)) throw new HttpError(400);
  const items = idText.split(",").map((id) => store.get(Number(id)));
  if (items.some((i) => i === undefined || i.sectionId !== section.id)) throw new HttpError(404);
  const typeText = query.get("type");
  if (typeText !== null && !(items as Item[]).every((i) => String(TYPE_NUMBER[i.type]) === typeText))
    throw new HttpError(400);
  const plan = planEdit(query);
  for (const item of items as Item[]) applyPlan(item, plan, now);
  if (plan.values.size > 0) store.touchMeta();
  store.touchUpdated();
  return items as Item[];
}

function applyPlan(item: Item, plan: EditPlan, now: number): void {
  for (const [field, value] of plan.values) {
    const edits = item.edits ?? {};
    if (value === "") delete edits[field];
    else edits[field] = value;
    if (Object.keys(edits).length > 0) item.edits = edits;
    else delete item.edits;
  }
  for (const [kind, names] of plan.setTags) item[TAGS[kind]] = names;
  for (const [kind, names] of plan.removeTags) {
    const gone = new Set(names.map((n) => n.toLowerCase()));
    const left = (item[TAGS[kind]] ?? []).filter((n) => !gone.has(n.toLowerCase()));
    item[TAGS[kind]] = left;
  }
  for (const kind of Object.keys(TAGS) as TagKind[])
    if (item[TAGS[kind]]?.length === 0) delete item[TAGS[kind]];
  for (const [field, on] of plan.locks) setLock(item, field, on);
  item.updatedAt = Math.max(now, item.updatedAt + 1);
}

/** A refresh or re-match replaces what is not locked: unlocked edits go back to the agent's. */
export function dropUnlockedEdits(item: Item): void {
  if (!item.edits) return;
  for (const field of Object.keys(item.edits) as EditableField[])
    if (!isLocked(item, field)) delete item.edits[field];
  if (Object.keys(item.edits).length === 0) delete item.edits;
}

// --- Posters ------------------------------------------------------------------------------

export interface PosterEntry {
  ratingKey: string;
  provider?: string;
  upload?: PosterUpload;
}

/** The agent's posters (two per matched item, one for an item with a poster of its own) and uploads. */
export function posterList(item: Item, section: Section | undefined): PosterEntry[] {
  const out: PosterEntry[] = [];
  const agent = section?.agent ?? "tv.plex.agents.none";
  const count = item.work ? 2 : item.thumb ? 1 : 0;
  for (let i = 0; i < count; i++) {
    out.push({ ratingKey: `metadata://posters/${agent}_${hex24("poster", item.rk, i)}`, provider: agent });
  }
  for (const u of item.uploads ?? []) out.push({ ratingKey: u.ratingKey, upload: u });
  return out;
}

/** The poster shown: the chosen one, else the agent's first while the item has a poster. */
export function selectedPoster(item: Item, section: Section | undefined): string | undefined {
  if (item.selectedPoster) return item.selectedPoster;
  return item.thumb ? posterList(item, section)[0]?.ratingKey : undefined;
}

export function selectPoster(item: Item, ratingKey: string, now: number): void {
  item.selectedPoster = ratingKey;
  item.thumb = true;
  setLock(item, "thumb", true);
  item.updatedAt = Math.max(now, item.updatedAt + 1);
  item.thumbAt = item.updatedAt;
}

const MAGIC: [string, number[]][] = [
  ["image/png", [0x89, 0x50, 0x4e, 0x47]],
  ["image/jpeg", [0xff, 0xd8, 0xff]],
  ["image/webp", [0x52, 0x49, 0x46, 0x46]],
];

/** The image type by its first bytes; undefined for anything that is no image Plex takes. */
export function sniffImage(bytes: Buffer): string | undefined {
  return MAGIC.find(([, sig]) => sig.every((b, i) => bytes[i] === b))?.[0];
}

/** Stores an upload (named by its content, like Plex) and selects it. */
export function addUpload(item: Item, bytes: Buffer, contentType: string, now: number): string {
  const ratingKey = `upload://posters/${createHash("sha1").update(bytes).digest("hex")}`;
  const uploads = item.uploads ?? [];
  if (!uploads.some((u) => u.ratingKey === ratingKey)) uploads.push({ ratingKey, contentType, bytes });
  item.uploads = uploads;
  selectPoster(item, ratingKey, now);
  return ratingKey;
}

/** A customisation as a child element, in the listing or full form like other tags. */
export function customTags(item: Item, tag: (tag: string, filter: string, names: string[]) => El[]): El[] {
  return [
    ...tag("Collection", "collection", item.collections ?? []),
    ...tag("Label", "label", item.labels ?? []),
  ];
}
