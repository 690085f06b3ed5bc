// What the scan engine needs to remember between scans. The engine depends on this interface
// only; jobs/item-store.ts implements it on SQLite.
import type { ProblemCode } from "./detect.js";
import type { Candidate } from "./match-choice.js";
import type { ItemState, KnownItem } from "./policy.js";

export type ItemAction = "check" | "refresh" | "match" | "undo_match" | "dry_run" | "skip";

/** What an item is matched to: a guid with its title and year, or unmatched (guid null). */
export interface MatchRef {
  guid: string | null;
  title: string;
  year: number | null;
}

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
  candidates: Candidate[] | null;
  action: ItemAction;
  at: number;
  /** A match (or an undo) changed the item's guid: what it was matched to before, for undo. */
  matchedFrom?: MatchRef;
  /** This result is an undo: scans then leave the item's match to a person. */
  undone?: boolean;
}

export interface ScanStore {
  /** Latest states of the given items (absent when never recorded). */
  knownStates(ratingKeys: readonly string[]): Promise<Map<string, KnownItem>>;
  /** Items the retry pool should re-check, most recently failed first. */
  retryPool(limit: number): Promise<string[]>;
  /** Upserts the latest state and appends an attempt to the history. */
  record(result: ItemResult): Promise<void>;
}
