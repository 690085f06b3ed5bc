// The scan's shared vocabulary: what an item's state, outcome and stored result are. Types only
// (plus one label helper), imported by every scan module and importing none of them, so the
// modules that decide (detect, triage, fix, policy) never import each other in a circle.
import type { ItemState, ProblemCode } from "../contracts/constants.js";
import type { Reason } from "../contracts/reasons.js";
import type { PlexItem } from "../plex/index.js";

export type { ItemState, ProblemCode };

/** A match Plex offers for an item. */
export interface Candidate {
  guid: string;
  name: string;
  year?: number;
  score?: number;
  thumb?: string;
  summary?: string;
}

/** "Heat (1995)": a candidate's name and year as one label. */
export function candidateLabel(c: Pick<Candidate, "name" | "year">): string {
  return `${c.name}${c.year ? ` (${c.year})` : ""}`;
}

/** The latest state of an item, as stored after each scan. */
export interface KnownItem {
  state: ItemState;
  lastFailedAt: number | null;
  /** Set aside by hand: scans neither refresh nor match it (absent means not ignored). */
  ignored?: boolean;
  /** A person undid the app's match: scans no longer match it by themselves. */
  matchUndone?: boolean;
  /** A waiting placeholder's next scheduled check (epoch ms); null: only a person's check. */
  nextCheckAt?: number | null;
}

export type ItemAction = "check" | "refresh" | "match" | "undo_match" | "dry_run" | "skip";

/** What an item is matched to: a guid with its title and year, or unmatched (guid null). */
export interface MatchRef {
  guid: string | null;
  title: string;
  year: number | null;
}

/** One item's row as the store records it. */
export interface ItemResult {
  ratingKey: string;
  sectionId: string | null;
  library: string | null;
  type: string;
  title: string;
  year: number | null;
  parentRatingKey: string | null;
  state: ItemState;
  problems: ProblemCode[];
  note: string;
  /** The note as a code the SPA translates (rows written before codes have none). */
  reason?: Reason;
  candidates: Candidate[] | null;
  action: ItemAction;
  at: number;
  /** A match (or an undo) changed the item's guid: what it was matched to before, for undo. */
  matchedFrom?: MatchRef;
  /** This result is an undo: scans then leave the item's match to a person. */
  undone?: boolean;
  /** A waiting placeholder's next scheduled check (epoch ms), null when none is left. */
  nextCheckAt?: number | null;
}

export interface LogLine {
  level: "info" | "warn" | "error";
  message: string;
}

/** What a run concluded about one item, as a value; settled (recorded, counted, logged) in one place. */
export interface Outcome {
  /** The item's state after this scan; "healthy" records and counts nothing. */
  state: ItemState | "healthy";
  action: ItemAction;
  /** Why, as a code the SPA translates. */
  reason: Reason;
  /** The reason in English, for logs, the CLI and clients that predate the codes. */
  note: string;
  problems: readonly ProblemCode[];
  candidates: readonly Candidate[] | null;
  /** Counted but no row written: personal media the scan has never recorded gets none. */
  record: boolean;
  log: LogLine | null;
  /** A match took (counted as `matched` besides the state). */
  matched?: boolean;
  /** The item as re-read after a fix: the row describes it, not the listed one. */
  item?: PlexItem;
  /** A season or episode that only matching its show can fix: the show's ratingKey. */
  waitsForShow?: string;
  /** A match or an undo changed the item's guid: what it was matched to before. */
  matchedFrom?: MatchRef;
  undone?: boolean;
  /** A placeholder left waiting: its next scheduled check (epoch ms), null when none is left. */
  nextCheckAt?: number | null;
}

/** An outcome with a state to record (everything but "healthy"). */
export type Settled = Outcome & { state: ItemState };
