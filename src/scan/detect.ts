// Pure checks: which metadata problems does an item have? No I/O here; the engine feeds items
// read from Plex (listed with includeGuids=1) and acts on the answer.
import { PROBLEM_CODES, type ProblemCode } from "../contracts/constants.js";
import type { PlexItem } from "../plex/index.js";
import { isPlaceholderEpisode } from "./placeholder.js";
import { checkWrongMatch, type WrongMatch } from "./wrong-match.js";

/** Stable problem codes, shown to the user and stored with each item (the API contract's list). */
export { PROBLEM_CODES, type ProblemCode };

/** The Plex field a refresh would have to change to clear a problem; a lock on it blocks the fix. */
const FIELD_OF: Partial<Record<ProblemCode, string>> = {
  no_poster: "thumb",
  season_no_poster: "thumb",
  episode_no_poster: "thumb",
  no_summary: "summary",
  episode_no_summary: "summary",
};

export type GuidKind = "unmatched" | "personal" | "legacy" | "plex" | "other" | "none";

/** What detection knows besides the item: its library (PlexSection's fields) and the time. */
export interface DetectContext {
  /** The section's agent; undefined when the section is unknown. */
  agent?: string | undefined;
  /** The section's language, e.g. `en-US` or `de` (placeholder titles differ per language). */
  language?: string | undefined;
  /** Epoch ms; placeholder episodes are recognised only with a clock (they depend on the air date). */
  now?: number | undefined;
  /** When a placeholder left waiting is checked next (ScanSettings.placeholderCheckOffsetsMinutes). */
  placeholderCheckOffsetsMinutes?: readonly number[] | undefined;
}

/** The agents of Personal Media libraries: their items are never matched. */
export const PERSONAL_AGENTS: readonly string[] = ["tv.plex.agents.none", "com.plexapp.agents.none"];

/** Guids of the "none" agents: personal media, or an unmatched item of another library. */
const NEW_NONE_GUID = "tv.plex.agents.none://";
const LEGACY_NONE_GUID = "com.plexapp.agents.none://";

/**
 * Classifies an item's primary guid in its library (REFERENCE §2.4, DESIGN §2). The library's
 * agent decides: everything in a Personal Media library is personal; elsewhere `local://` and
 * the none agents' guids mean unmatched, because current Plex unmatches a Plex Movie or Plex
 * TV Series item to `tv.plex.agents.none://<ratingKey>` (Kometa-Team/Kometa#3561), older
 * servers and legacy agents to `local://`. Without a known library (a caller that could not
 * look it up), the legacy none guid means personal, as only Personal Media libraries ever had
 * it, and the new one means unmatched, as that is what an unmatch on current Plex leaves.
 */
export function guidKind(guid: string | undefined, library: DetectContext = {}): GuidKind {
  const { agent } = library;
  if (agent !== undefined && PERSONAL_AGENTS.includes(agent)) return "personal";
  if (!guid) return "none";
  if (guid.startsWith("local://")) return "unmatched";
  if (guid.startsWith(NEW_NONE_GUID)) return "unmatched";
  if (guid.startsWith(LEGACY_NONE_GUID)) return agent === undefined ? "personal" : "unmatched";
  if (guid.startsWith("plex://")) return "plex";
  if (guid.startsWith("com.plexapp.agents.")) return "legacy";
  return "other";
}

/** Not matched to any agent: what an undo to "unmatched" restores, in either form. */
export function isUnmatchedGuid(guid: string | undefined, library: DetectContext = {}): boolean {
  const kind = guidKind(guid, library);
  return kind === "unmatched" || kind === "none";
}

export interface Detection {
  /** Every problem found, in PROBLEM_CODES order. */
  problems: ProblemCode[];
  /** Problems a refresh cannot fix because the field they live in is locked. */
  locked: ProblemCode[];
  /** True for personal media (agent "none"): never refreshed or matched. */
  personal: boolean;
  /** A season or episode of an unmatched show: only matching the show can fix it. */
  parentUnmatched?: boolean;
  /**
   * Evidence against the item's match (src/scan/wrong-match.ts). An id_conflict is certain and
   * listed as `wrong_match`; a year suspicion is not a problem until a title search confirms it.
   */
  wrongMatch?: WrongMatch;
}

const NONE: Detection = { problems: [], locked: [], personal: false };

/** The show a season or episode belongs to, by its guid. */
function showGuid(item: PlexItem): string | undefined {
  return item.type === "episode"
    ? item.grandparentGuid
    : item.type === "season"
      ? item.parentGuid
      : undefined;
}

/**
 * Checks one movie, show, season or episode. Other types (music, photos) are not checked.
 * - unmatched: guid local://… or tv.plex.agents.none://… outside Personal Media (see guidKind),
 *   or no guid at all on a top-level item;
 * - no poster: thumb absent, or the item is unmatched so its thumb can only be a frame grab;
 * - no external IDs: a new-agent (plex://) item whose Guid[] is empty; legacy agents keep their
 *   ID inside guid and count as matched;
 * - no summary: summary absent or blank.
 * Seasons are checked for a poster only (Plex leaves most season summaries empty); episodes for
 * a poster and a summary, or (given the time) as a placeholder waiting for its data.
 */
export function detectProblems(item: PlexItem, library: DetectContext = {}): Detection {
  const kind = guidKind(item.guid, library);
  if (kind === "personal") return { ...NONE, personal: true };
  const found = new Set<ProblemCode>();
  let wrongMatch: WrongMatch | undefined;
  switch (item.type) {
    case "movie":
    case "show": {
      const unmatched = kind === "unmatched" || kind === "none";
      if (unmatched) found.add("unmatched");
      if (!item.thumb || unmatched) found.add("no_poster");
      if (kind === "plex" && item.guids.length === 0) found.add("no_ids");
      if (!item.summary) found.add("no_summary");
      wrongMatch = unmatched ? undefined : checkWrongMatch(item);
      if (wrongMatch?.kind === "id_conflict") found.add("wrong_match");
      break;
    }
    case "season":
      if (!item.thumb) found.add("season_no_poster");
      break;
    case "episode":
      // A placeholder's missing summary and thumbnail are the placeholder: one problem, on its
      // own schedule (src/scan/placeholder.ts), not a refresh at every scan.
      if (
        library.now !== undefined &&
        guidKind(item.grandparentGuid, library) !== "unmatched" &&
        isPlaceholderEpisode(item, library.language, library.now)
      ) {
        found.add("placeholder_episode");
        break;
      }
      if (!item.thumb) found.add("episode_no_poster");
      if (!item.summary) found.add("episode_no_summary");
      break;
    default:
      return NONE;
  }
  const problems = PROBLEM_CODES.filter((code) => found.has(code));
  const lockedFields = new Set(item.lockedFields);
  const locked = problems.filter((code) => {
    const field = FIELD_OF[code];
    return field !== undefined && lockedFields.has(field);
  });
  const parentUnmatched = problems.length > 0 && guidKind(showGuid(item), library) === "unmatched";
  const d: Detection = { problems, locked, personal: false };
  if (parentUnmatched) d.parentUnmatched = true;
  if (wrongMatch) d.wrongMatch = wrongMatch;
  return d;
}

/** An item whose every problem sits in a locked field: a refresh can change nothing. */
export function isFullyLocked(d: Detection): boolean {
  return d.problems.length > 0 && d.locked.length === d.problems.length;
}

/** Human-readable text for each code (English; the UI translates codes itself). */
export const PROBLEM_TEXT: Record<ProblemCode, string> = {
  unmatched: "not matched to any agent",
  no_poster: "no poster",
  no_ids: "no external IDs",
  no_summary: "no summary",
  season_no_poster: "season has no poster",
  episode_no_poster: "episode has no thumbnail",
  episode_no_summary: "episode has no summary",
  wrong_match: "wrong match",
  placeholder_episode: "placeholder episode (no data upstream yet)",
};
