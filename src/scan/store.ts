// What the scan engine needs to remember between scans. The engine depends on this interface
// only; jobs/item-store.ts implements it on SQLite.
import type { ItemResult, KnownItem } from "./model.js";

export type { ItemAction, ItemResult, MatchRef } from "./model.js";

export interface ScanStore {
  /** Latest states of the given items (absent when never recorded). */
  knownStates(ratingKeys: readonly string[]): Promise<Map<string, KnownItem>>;
  /** Items the retry pool should re-check, most recently failed first. */
  retryPool(limit: number): Promise<string[]>;
  /** Upserts the latest state and appends an attempt to the history. */
  record(result: ItemResult): Promise<void>;
}
