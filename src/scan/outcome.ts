// What the scan concluded about one item, as a value. The engine settles each outcome in one
// place (record, count, log); everything that decides an outcome is a plain function.
import type { Reason } from "../contracts/index.js";
import type { PlexItem, PlexSection } from "../plex/index.js";
import type { ItemAction, ItemResult, ItemState, Outcome, ProblemCode, Settled } from "./model.js";
import { reasonText } from "./reason-text.js";
import { displayTitle } from "./title.js";

export { candidateLabel, type LogLine, type Outcome, type Settled } from "./model.js";

export const HEALTHY: Outcome = {
  state: "healthy",
  action: "check",
  reason: { code: "healthy_on_recheck" },
  note: "",
  problems: [],
  candidates: null,
  record: false,
  log: null,
};

/** An outcome that is recorded and not logged; the common case. */
export function outcome(
  state: ItemState,
  action: ItemAction,
  reason: Reason,
  problems: readonly ProblemCode[],
  extra: Partial<Omit<Outcome, "state" | "reason" | "note">> = {},
): Settled {
  const note = reasonText(reason);
  return { state, action, reason, note, problems, candidates: null, record: true, log: null, ...extra };
}

/**
 * A dry run sends nothing to Plex, so an outcome about a refresh or match is recorded as what
 * would have been done. Checks, skips and real errors (a failed match search) stay as they are.
 */
export function asDryRun(o: Outcome): Outcome {
  if ((o.action !== "refresh" && o.action !== "match") || o.state === "error") return o;
  return { ...o, action: "dry_run", state: o.state === "failed" ? "would_fix" : o.state };
}

/** The stored row for an outcome; `section` may be unknown to a one-item action. */
export function itemResult(
  listed: PlexItem,
  section: Pick<PlexSection, "id" | "title"> | undefined,
  o: Settled,
  at: number,
): ItemResult {
  const item = o.item ?? listed;
  return {
    ratingKey: item.ratingKey,
    sectionId: section?.id ?? item.librarySectionId ?? null,
    library: section?.title ?? item.librarySectionTitle ?? null,
    type: item.type,
    title: displayTitle(item),
    year: item.year ?? null,
    parentRatingKey: item.parentRatingKey ?? null,
    state: o.state,
    problems: [...o.problems],
    note: o.note,
    reason: o.reason,
    candidates: o.candidates ? [...o.candidates] : null,
    action: o.action,
    at,
    ...(o.matchedFrom ? { matchedFrom: o.matchedFrom } : {}),
    ...(o.undone ? { undone: true } : {}),
    ...(o.nextCheckAt !== undefined ? { nextCheckAt: o.nextCheckAt } : {}),
  };
}
