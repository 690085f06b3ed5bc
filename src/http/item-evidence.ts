// What the item drawer shows as evidence: the item's files and folders as Plex has them now, the
// IDs and year their names give (the scan's own reading, scan/wrong-match.ts), the poster's
// version, and the stored candidates with their IDs and the current match marked. Pure.
import type { ItemEvidence, MatchCandidate } from "../contracts/index.js";
import type { PlexItem } from "../plex/index.js";
import { showKeyOf } from "../scan/triage.js";
import { matchedIds, nameEvidence } from "../scan/wrong-match.js";

/** The folder of a file path, Unix or Windows style ("" for a bare name). */
function folderOf(file: string): string {
  const cut = Math.max(file.lastIndexOf("/"), file.lastIndexOf("\\"));
  return cut > 0 ? file.slice(0, cut) : "";
}

/**
 * The version at the end of a thumb path (`/library/metadata/123/thumb/1712345678`): Plex changes
 * it when the artwork changes, so an address carrying it can be cached for good.
 */
export function posterVersion(thumb: string | undefined): string | null {
  if (!thumb) return null;
  const path = thumb.split("?")[0] ?? "";
  return /\/(\d{1,20})$/.exec(path)?.[1] ?? null;
}

export function itemEvidence(item: PlexItem): ItemEvidence {
  const names = nameEvidence(item);
  // Shows name their folders (Location); a movie's or an episode's folder is its file's.
  const folders = item.locations.length > 0 ? item.locations : item.files.map(folderOf).filter(Boolean);
  return {
    guid: item.guid ?? null,
    files: item.files,
    folders: [...new Set(folders)],
    pathIds: names.ids,
    pathYear: names.year ?? null,
    matchedIds: matchedIds(item),
    lockedFields: item.lockedFields,
    posterVersion: posterVersion(item.thumb),
    hasPoster: !!item.thumb,
    showRatingKey: showKeyOf(item) ?? null,
  };
}

/** A legacy guid's query (`?lang=en`) is not part of the work it names. */
const sameGuid = (a: string, b: string | null | undefined): boolean =>
  !!b && (a === b || a.split("?")[0] === b.split("?")[0]);

/** A search result, or a stored candidate: JSON from the database, so every field is checked. */
export type CandidateLike = {
  readonly [K in "guid" | "name" | "year" | "score" | "summary" | "thumb"]?: unknown;
};

/** A candidate as the API shows it; undefined when it has no guid. */
export function candidateView(c: CandidateLike, currentGuid: string | null): MatchCandidate | undefined {
  if (typeof c.guid !== "string" || c.guid === "") return undefined;
  const num = (v: unknown) => (typeof v === "number" && Number.isFinite(v) ? v : null);
  return {
    guid: c.guid,
    name: typeof c.name === "string" ? c.name : c.guid,
    year: num(c.year),
    score: num(c.score),
    summary: typeof c.summary === "string" ? c.summary : null,
    hasPoster: typeof c.thumb === "string" && c.thumb !== "",
    ids: matchedIds({ guid: c.guid, guids: [] }),
    current: sameGuid(c.guid, currentGuid),
  };
}
