// Which items a scan looks at: the chosen libraries, newest first within the window (or whole
// libraries with `all`), page by page so memory stays bounded, plus the retry pool.
import type { ScanSettings } from "../config/settings.js";
import type { Reason } from "../contracts/reasons.js";
import type { PlexClient, PlexItem, PlexSection } from "../plex/index.js";

export type Origin = "window" | "pool";

export interface Collected {
  item: PlexItem;
  section: PlexSection;
  origin: Origin;
}

/** Plex metadata type numbers listed per section type (REFERENCE §2.4). */
export function listingTypes(section: PlexSection, includeChildren: boolean): number[] {
  if (section.type === "movie") return [1];
  if (section.type === "show") return includeChildren ? [2, 3, 4] : [2];
  return [];
}

const SCANNABLE = new Set(["movie", "show"]);

export class LibrarySelectionError extends Error {
  readonly exitCode = 2;
  constructor(
    message: string,
    /** The same as a code, for a scheduled job that fails on it. */
    readonly reason: Reason,
  ) {
    super(message);
    this.name = "LibrarySelectionError";
  }
}

/**
 * Resolves the requested libraries (titles, case-insensitive, or ids). With none requested:
 * every movie and show library, personal media only when `includePersonal`. Naming a library
 * that does not exist or cannot be scanned is an error, not a silent skip.
 */
export function selectSections(
  sections: readonly PlexSection[],
  requested: readonly string[],
  includePersonal: boolean,
): PlexSection[] {
  if (requested.length === 0) {
    return sections.filter((s) => SCANNABLE.has(s.type) && (includePersonal || !s.isPersonal));
  }
  const chosen = new Map<string, PlexSection>();
  for (const wanted of requested) {
    const w = wanted.trim().toLowerCase();
    const found =
      sections.find((s) => s.id === wanted.trim()) ?? sections.find((s) => s.title.toLowerCase() === w);
    if (!found) {
      const names = sections.filter((s) => SCANNABLE.has(s.type)).map((s) => `"${s.title}"`);
      throw new LibrarySelectionError(
        `No library named "${wanted}". Available: ${names.join(", ") || "none"}`,
        { code: "library_not_found", params: { name: wanted } },
      );
    }
    if (!SCANNABLE.has(found.type)) {
      throw new LibrarySelectionError(
        `"${found.title}" is a ${found.type} library; only movie and show libraries can be scanned`,
        { code: "library_not_scannable", params: { name: found.title, type: found.type } },
      );
    }
    chosen.set(found.id, found);
  }
  return [...chosen.values()];
}

export interface CollectOptions {
  settings: Pick<ScanSettings, "all" | "days" | "maxItems" | "includeChildren">;
  /** Epoch seconds, the reference for the `days` window. */
  nowSeconds: number;
  signal?: AbortSignal;
}

export function windowStart(options: CollectOptions): number | undefined {
  return options.settings.all ? undefined : options.nowSeconds - options.settings.days * 86_400;
}

/** How many items the window holds, from one count request per library and type. */
export async function countWindow(
  plex: PlexClient,
  sections: readonly PlexSection[],
  options: CollectOptions,
): Promise<number> {
  const addedSince = windowStart(options);
  let total = 0;
  for (const section of sections) {
    for (const type of listingTypes(section, options.settings.includeChildren)) {
      const n = await plex.count(section.id, { type, addedSince, signal: options.signal });
      total += options.settings.all ? n : Math.min(n, options.settings.maxItems);
    }
  }
  return total;
}

/**
 * Streams one library and type newest first, one page at a time, at most `maxItems` items
 * (no listing of a whole library to find the newest 50). With `all`, every item, still page
 * by page. The order is stable, so a listing restarted after an outage yields the same items
 * first and the caller's de-duplication makes the restart seamless.
 */
export async function* listWindow(
  plex: PlexClient,
  section: PlexSection,
  type: number,
  options: CollectOptions,
): AsyncGenerator<PlexItem[]> {
  const { all, maxItems } = options.settings;
  let taken = 0;
  const pages = plex.listSection(section.id, {
    type,
    sort: "addedAt:desc",
    addedSince: windowStart(options),
    pageSize: all ? 300 : Math.min(300, maxItems),
    signal: options.signal,
  });
  for await (const page of pages) {
    const items = all ? page : page.slice(0, maxItems - taken);
    taken += items.length;
    if (items.length > 0) yield items;
    if (!all && taken >= maxItems) return; // leaving the loop stops the pager: no more requests
  }
}

/** Re-reads retry-pool items (by ratingKey) that belong to the chosen libraries. */
export async function collectPool(
  plex: PlexClient,
  sections: readonly PlexSection[],
  ratingKeys: readonly string[],
  signal?: AbortSignal,
): Promise<Collected[]> {
  if (ratingKeys.length === 0) return [];
  const byId = new Map(sections.map((s) => [s.id, s]));
  const items = await plex.metadata(ratingKeys, { signal });
  const out: Collected[] = [];
  for (const item of items) {
    const section = item.librarySectionId ? byId.get(item.librarySectionId) : undefined;
    if (section) out.push({ item, section, origin: "pool" });
  }
  return out;
}
