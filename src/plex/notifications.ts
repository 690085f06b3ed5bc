// Reading Plex notification frames (REFERENCE §4.2–4.5): which items have finished a refresh or
// a match. Pure functions, table-tested; the websocket itself is in listener.ts.

export type FinishedSource = "activity" | "timeline";

export interface FinishedEvent {
  ratingKey: string;
  source: FinishedSource;
}

const LIBRARY_IDENTIFIER = "com.plexapp.plugins.library";
const REFRESH_ACTIVITY = "library.refresh.items";
const METADATA_KEY = /^\/library\/metadata\/([^/]+)$/;

type Obj = Record<string, unknown>;

function isObj(value: unknown): value is Obj {
  return value !== null && typeof value === "object" && !Array.isArray(value);
}

function asList(value: unknown): unknown[] {
  if (Array.isArray(value)) return value;
  return isObj(value) ? [value] : [];
}

/** A ratingKey from a string or a number; anything else is not one. */
function ratingKeyOf(value: unknown): string | undefined {
  if (typeof value === "number" && Number.isInteger(value) && value > 0) return String(value);
  if (typeof value === "string" && /^[^\s/?#,]+$/.test(value.trim())) return value.trim();
  return undefined;
}

function present(value: unknown): boolean {
  return value !== undefined && value !== null;
}

/** `/library/metadata/8201/children?x=1` → ["8201"]; `/library/metadata/1,2` → ["1","2"]. */
export function ratingKeysFromKey(key: unknown): string[] {
  if (typeof key !== "string") return [];
  const path =
    key
      .split(/[?#]/, 1)[0]
      ?.replace(/\/children\/?$/, "")
      .replace(/\/+$/, "") ?? "";
  const match = METADATA_KEY.exec(path);
  if (!match?.[1]) return [];
  return match[1]
    .split(",")
    .map((k) => ratingKeyOf(decodeURIComponentSafe(k)))
    .filter((k): k is string => k !== undefined);
}

function decodeURIComponentSafe(text: string): string {
  try {
    return decodeURIComponent(text);
  } catch {
    return text;
  }
}

/** Accepts a raw text frame, a parsed `{NotificationContainer: …}` or the bare container. */
function containerOf(frame: unknown): Obj | undefined {
  let value = frame;
  if (typeof value === "string") {
    try {
      value = JSON.parse(value);
    } catch {
      return undefined;
    }
  }
  if (!isObj(value)) return undefined;
  return isObj(value.NotificationContainer) ? value.NotificationContainer : value;
}

/** Every completion in a frame, in frame order, with where it was seen. Never throws. */
export function finishedEvents(frame: unknown): FinishedEvent[] {
  const container = containerOf(frame);
  if (!container) return [];
  const events: FinishedEvent[] = [];

  // (a) activity `ended` of type library.refresh.items for /library/metadata/<id>[/children]
  for (const element of asList(container.ActivityNotification)) {
    if (!isObj(element) || element.event !== "ended") continue;
    const activity = element.Activity;
    if (!isObj(activity) || activity.type !== REFRESH_ACTIVITY) continue;
    const context = activity.Context;
    if (!isObj(context)) continue;
    for (const ratingKey of ratingKeysFromKey(context.key)) events.push({ ratingKey, source: "activity" });
  }

  // (b) timeline entry: library item, state 5, no metadataState/mediaState, not a delete (type -1)
  for (const entry of asList(container.TimelineEntry)) {
    if (!isObj(entry) || entry.identifier !== LIBRARY_IDENTIFIER) continue;
    if (Number(entry.state) !== 5 || typeof entry.state === "boolean") continue;
    if (present(entry.metadataState) || present(entry.mediaState)) continue;
    if (Number(entry.type) === -1) continue;
    const ratingKey = ratingKeyOf(entry.itemID);
    if (ratingKey !== undefined) events.push({ ratingKey, source: "timeline" });
  }
  return events;
}

/** RatingKeys whose refresh or match completed according to this frame (unique, in order). */
export function finishedItems(frame: unknown): string[] {
  return [...new Set(finishedEvents(frame).map((e) => e.ratingKey))];
}

/** A library timeline entry, read leniently (REFERENCE §4.3); absent fields stay undefined. */
export interface TimelineItem {
  ratingKey: string;
  /** `"-1"` for items outside a section. */
  sectionId: string | undefined;
  /** Plex metadata type number (1 movie, 2 show, 3 season, 4 episode, -1 on deletes). */
  type: number | undefined;
  state: number | undefined;
  metadataState: string | undefined;
  mediaState: string | undefined;
  parentRatingKey: string | undefined;
  rootRatingKey: string | undefined;
}

function finiteNumber(value: unknown): number | undefined {
  if (typeof value === "boolean" || value === null || value === "") return undefined;
  const n = Number(value);
  return Number.isFinite(n) ? n : undefined;
}

function textOf(value: unknown): string | undefined {
  return typeof value === "string" ? value : undefined;
}

/** Every library timeline entry of a frame, in frame order. Never throws. */
export function timelineItems(frame: unknown): TimelineItem[] {
  const container = containerOf(frame);
  if (!container) return [];
  const out: TimelineItem[] = [];
  for (const entry of asList(container.TimelineEntry)) {
    if (!isObj(entry) || entry.identifier !== LIBRARY_IDENTIFIER) continue;
    const ratingKey = ratingKeyOf(entry.itemID);
    if (ratingKey === undefined) continue;
    const section = ratingKeyOf(entry.sectionID) ?? (finiteNumber(entry.sectionID) === -1 ? "-1" : undefined);
    out.push({
      ratingKey,
      sectionId: section,
      type: finiteNumber(entry.type),
      state: finiteNumber(entry.state),
      metadataState: present(entry.metadataState) ? String(entry.metadataState) : undefined,
      mediaState: present(entry.mediaState) ? String(entry.mediaState) : undefined,
      parentRatingKey: ratingKeyOf(entry.parentItemID),
      rootRatingKey: ratingKeyOf(entry.rootItemID),
    });
  }
  return out;
}

export interface SectionScanEvent {
  event: "started" | "updated" | "ended";
  /** The section being scanned, when Plex says which. */
  sectionId: string | undefined;
}

/** `library.update.section` activities (a library scan) in a frame. Never throws. */
export function sectionScanEvents(frame: unknown): SectionScanEvent[] {
  const container = containerOf(frame);
  if (!container) return [];
  const out: SectionScanEvent[] = [];
  for (const element of asList(container.ActivityNotification)) {
    if (!isObj(element)) continue;
    const event = textOf(element.event);
    if (event !== "started" && event !== "updated" && event !== "ended") continue;
    const activity = element.Activity;
    if (!isObj(activity) || activity.type !== "library.update.section") continue;
    const context = isObj(activity.Context) ? activity.Context : {};
    out.push({ event, sectionId: ratingKeyOf(context.librarySectionID) });
  }
  return out;
}
