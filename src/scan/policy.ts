// Pure scan policy: which known item states are skipped, retried or re-checked, and what a
// re-read after a fix means. The engine supplies times; nothing here reads a clock.
import { ITEM_STATES, type ItemState } from "../contracts/constants.js";
import type { Reason } from "../contracts/reasons.js";
import { type Detection, PROBLEM_TEXT, type ProblemCode } from "./detect.js";
import type { KnownItem } from "./model.js";

/** The latest state of an item, as stored after each scan; the API contract defines the list. */
export { ITEM_STATES, type ItemState, type KnownItem };

export const HOUR_MS = 3_600_000;

/**
 * A failed item waits `backoffHours` before it is tried again. An `error` (Plex unreachable,
 * timeout, 5xx) is not the item's fault: it is retried at the next scan with no back-off.
 */
export function inBackoff(known: KnownItem | undefined, now: number, backoffHours: number): boolean {
  if (known?.state !== "failed" || known.lastFailedAt === null) return false;
  return now - known.lastFailedAt < backoffHours * HOUR_MS;
}

/** When a failed item becomes eligible again (for notes such as "retry after …"). */
export function retryAt(known: KnownItem, backoffHours: number): number | undefined {
  return known.state === "failed" && known.lastFailedAt !== null
    ? known.lastFailedAt + backoffHours * HOUR_MS
    : undefined;
}

/** Items the retry pool brings back regardless of age: past failures and transport errors. */
export function inRetryPool(known: KnownItem): boolean {
  return known.state === "failed" || known.state === "error";
}

export interface Verdict {
  state: "fixed" | "failed" | "locked" | "waiting";
  remaining: ProblemCode[];
  cleared: ProblemCode[];
  reason: Reason;
}

/** Compares the problems before and after a refresh or match (locked problems excepted). */
export function verdictAfterFix(before: Detection, after: Detection): Verdict {
  const remaining = after.problems.filter((p) => !after.locked.includes(p));
  const cleared = before.problems.filter((p) => !after.problems.includes(p));
  if (remaining.length === 1 && remaining[0] === "placeholder_episode") {
    // Nothing upstream yet: no failure, the air-date schedule checks it again (the caller
    // fills in when; see waitingReason).
    return { state: "waiting", remaining, cleared, reason: { code: "waiting_upstream_manual" } };
  }
  if (remaining.length === 0 && after.locked.length > 0) {
    // What a refresh could fix is fixed; the rest sits in locked fields.
    return {
      state: "locked",
      remaining,
      cleared,
      reason: { code: "fixed_locked", params: { cleared, locked: after.locked } },
    };
  }
  if (remaining.length === 0) {
    return {
      state: "fixed",
      remaining,
      cleared,
      reason: { code: "fixed", params: { cleared } },
    };
  }
  return {
    state: "failed",
    remaining,
    cleared,
    reason: { code: "still_broken", params: { remaining, cleared } },
  };
}

/** Why a placeholder is left waiting: until its next scheduled check, or for a person's check. */
export function waitingReason(nextCheckAt: number | null | undefined): Reason {
  return typeof nextCheckAt === "number"
    ? { code: "waiting_upstream", params: { until: new Date(nextCheckAt).toISOString() } }
    : { code: "waiting_upstream_manual" };
}

/** The problems as English text, joined for a note or a log line. */
export function describeProblems(codes: readonly ProblemCode[]): string {
  return codes.map((c) => PROBLEM_TEXT[c]).join(", ");
}
