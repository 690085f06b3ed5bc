// What a scan counts. Kept apart from the engine so that modules which only carry the figures
// (the importer, notifications) do not depend on the engine.
import type { ScanSettings } from "../config/settings.js";
import type { Completion } from "./completion.js";
import type { ItemState } from "./policy.js";

export interface ScanStats {
  checked: number;
  fixed: number;
  wouldFix: number;
  failed: number;
  matched: number;
  needsReview: number;
  skipped: number;
  locked: number;
  errors: number;
  /** Broken items found (everything that was refreshed, matched, or would have been). */
  broken: number;
  fromRetryPool: number;
  completedByEvent: number;
  completedByPoll: number;
  timeouts: number;
  outages: number;
  /** Until every library was listed and triaged (fixes overlap with it). */
  collectMs: number;
  durationMs: number;
}

export function emptyStats(): ScanStats {
  return {
    checked: 0,
    fixed: 0,
    wouldFix: 0,
    failed: 0,
    matched: 0,
    needsReview: 0,
    skipped: 0,
    locked: 0,
    errors: 0,
    broken: 0,
    fromRetryPool: 0,
    completedByEvent: 0,
    completedByPoll: 0,
    timeouts: 0,
    outages: 0,
    collectMs: 0,
    durationMs: 0,
  };
}

/** The counter each recorded state adds to. */
export const STAT_OF_STATE: Record<ItemState, keyof ScanStats> = {
  fixed: "fixed",
  failed: "failed",
  would_fix: "wouldFix",
  needs_review: "needsReview",
  locked: "locked",
  skipped: "skipped",
  error: "errors",
  ignored: "skipped",
  // Waiting for upstream data is no failure: it counts with the items left alone.
  waiting: "skipped",
};

export function summarizeStats(s: ScanStats): string {
  return `checked ${s.checked}, fixed ${s.fixed}, matched ${s.matched}, would fix ${s.wouldFix}, failed ${s.failed}, needs review ${s.needsReview}, locked ${s.locked}, skipped ${s.skipped}, errors ${s.errors} in ${(s.durationMs / 1000).toFixed(1)} s`;
}

export function countCompletion(stats: ScanStats, how: Completion): void {
  if (how === "event") stats.completedByEvent++;
  else if (how === "poll") stats.completedByPoll++;
  else stats.timeouts++;
}

/** What a scan covers, for its first log line. */
export function describeScope(
  s: Pick<ScanSettings, "all" | "days" | "maxItems" | "dryRun" | "concurrency">,
): string {
  const scope = s.all
    ? "whole libraries"
    : `added in the last ${s.days} days, newest ${s.maxItems} per library`;
  return `${scope}${s.dryRun ? ", dry run" : ""}, concurrency ${s.concurrency}`;
}
