// The one action the drawer puts first for an item, decided from its state, its reason and the
// evidence: what a person opened the drawer to do. Pure; the drawer only renders the choice.
import type { Reason } from "../../../../src/contracts/reasons";
import type { ItemDetail, MatchCandidate } from "../../../../src/contracts/schemas";

export type PrimaryAction =
  /** A wrong or missing match with a known right candidate: use it (after the picker's confirmation). */
  | { kind: "use_candidate"; candidate: MatchCandidate }
  /** Unmatched, or a match to review with no single right candidate: the match picker. */
  | { kind: "find_match" }
  /** A refresh cannot change a locked field: unlock it in Plex. `fields` are problem codes. */
  | { kind: "locked"; fields: string[] }
  /** A season or episode waits for its show's match: the show's drawer. */
  | { kind: "go_to_show"; showRatingKey: string }
  | { kind: "unignore" }
  | { kind: "refresh" }
  /** Nothing is wrong: no action is put first. */
  | { kind: "none" };

export type PrimaryInput = Pick<ItemDetail, "item" | "candidates"> & {
  plex: Pick<NonNullable<ItemDetail["plex"]>, "showRatingKey"> | null;
};

const WRONG_MATCH_CODES = new Set(["id_conflict", "year_conflict", "wrong_match_review", "would_rematch"]);
const REVIEW_CODES = new Set(["match_review", "no_match_found", "matching_off", "match_undone_by_person"]);

const param = (reason: Reason | null, name: string) => reason?.params?.[name];

/** The wrong-match evidence inside a reason (`wrong_match_review` and `would_rematch` nest it). */
function evidenceOf(reason: Reason | null): Reason | null {
  if (!reason) return null;
  if (reason.code === "id_conflict" || reason.code === "year_conflict") return reason;
  const nested = param(reason, "evidence");
  return typeof nested === "object" && nested !== null && !Array.isArray(nested) ? (nested as Reason) : null;
}

/**
 * The right candidate, when one is known: the scan's chosen target (`guid` in would_match and
 * would_rematch), or the only candidate of the path's year for a year conflict, or the only
 * candidate that is not the current match. Several equally likely ones are the picker's job.
 */
export function knownRightCandidate(
  reason: Reason | null,
  candidates: readonly MatchCandidate[],
): MatchCandidate | null {
  const others = candidates.filter((c) => !c.current);
  const target = param(reason, "guid");
  if (typeof target === "string") return others.find((c) => c.guid === target) ?? null;
  const evidence = evidenceOf(reason);
  const pathYear = param(evidence, "pathYear");
  const pool =
    evidence?.code === "year_conflict" && typeof pathYear === "number"
      ? others.filter((c) => c.year === pathYear)
      : others;
  return pool.length === 1 ? (pool[0] ?? null) : null;
}

function lockedFields(reason: Reason | null): string[] {
  const locked = param(reason, "locked");
  return Array.isArray(locked) ? locked.filter((f): f is string => typeof f === "string") : [];
}

export function primaryAction({ item, plex, candidates }: PrimaryInput): PrimaryAction {
  const reason = item.reason;
  const code = reason?.code;
  if (item.state === "ignored") return { kind: "unignore" };
  if (code === "show_not_matched")
    return plex?.showRatingKey ? { kind: "go_to_show", showRatingKey: plex.showRatingKey } : { kind: "none" };
  if (item.state === "locked" || code === "locked_fields")
    return { kind: "locked", fields: lockedFields(reason) };
  const wrongMatch =
    item.problems.includes("wrong_match") || (code !== undefined && WRONG_MATCH_CODES.has(code));
  const unmatched = item.problems.includes("unmatched") || code === "would_match";
  if (wrongMatch || unmatched) {
    // An unmatched item's only candidate is not known to be right unless the scan chose it.
    const right =
      wrongMatch || typeof param(reason, "guid") === "string"
        ? knownRightCandidate(reason, candidates)
        : null;
    return right ? { kind: "use_candidate", candidate: right } : { kind: "find_match" };
  }
  if (item.state === "needs_review" || (code !== undefined && REVIEW_CODES.has(code)))
    return { kind: "find_match" };
  if (item.problems.length > 0 || ["failed", "error", "would_fix"].includes(item.state))
    return { kind: "refresh" };
  return { kind: "none" };
}
