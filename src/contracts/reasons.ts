// Why an item ended as it did, as a code with parameters: the server decides, the SPA words it
// in the reader's language (web/src/i18n, `reason.<code>`), and the server's English rendering
// for logs and the CLI lives in one place (src/scan/reason-text.ts). Plain constants, no zod.
import type { ProblemCode } from "./constants.js";

export const REASON_CODES = [
  // Triage: settled without a Plex write.
  "ignored_by_hand",
  "show_ignored_by_hand",
  "personal_media",
  "healthy_on_recheck",
  "show_not_matched",
  "locked_fields",
  "backoff",
  "matching_off",
  "match_undone_by_person",
  // A placeholder episode: the next check by the air-date schedule (`until`), or none left
  // (a person's "check again" only).
  "waiting_upstream",
  "waiting_upstream_manual",
  // Dry run and intent.
  "would_refresh",
  "would_match",
  "would_rematch",
  // After a fix, as re-read from Plex.
  "fixed",
  "fixed_locked",
  "still_broken",
  "matched",
  "match_not_taken",
  "undo_done",
  "undo_not_taken",
  // Match searches.
  "no_match_found",
  "match_review",
  "wrong_match_review",
  "id_conflict",
  "year_conflict",
  // Why a match was or was not chosen (nested in the codes above as `why` or `by`).
  "id_no_result",
  "id_from_filename",
  "id_several",
  "id_from_path",
  "id_resolves_to_current",
  "no_usable_title",
  "no_candidates",
  "score_clear",
  "score_inconclusive",
  "exact_title_near_year",
  "exact_title_only_exact_year",
  "shared_title_year",
  "no_same_title_year",
  "person_decides_matching_off",
  "person_decides_match_undone",
  "chosen_by_hand",
  "top_candidate_by_hand",
  // Errors.
  "deleted_while_scanning",
  "plex_error",
  // A bulk job's skips.
  "already_ignored",
  "not_ignored",
  "ignored_unignore_first",
  "not_in_review",
  "no_stored_candidate",
  // accept_top leaves alone what its rule cannot single out (scan/accept-top.ts).
  "top_candidate_tied",
  "top_candidate_unclear",
  "no_longer_recorded",
  "no_longer_in_plex",
  // Why a job failed or was interrupted (its `errorReason`).
  "server_shutdown",
  "server_restarted",
  "job_never_started",
  "job_process_gone",
  "job_heartbeat_lost",
  "plex_outage",
  "library_not_found",
  "library_not_scannable",
  "internal_error",
] as const;
export type ReasonCode = (typeof REASON_CODES)[number];

/**
 * A parameter: Plex text or an ID shown as it is (string), a count or a year (number), problem
 * codes (`problems`, `cleared`, `remaining`, `locked`: translated one by one), a time (`until`:
 * an ISO date the SPA formats), a yes/no (`late`: Plex did not confirm in time), or a nested
 * reason (`why`, `by`, `verdict`, `evidence`, `left`).
 */
export type ReasonParam = string | number | boolean | null | readonly ProblemCode[] | Reason;

export interface Reason {
  code: ReasonCode;
  /** An absent (undefined) parameter is the same as one left out. */
  params?: { readonly [name: string]: ReasonParam | undefined };
}

/** Parameter names whose value is a list of problem codes. */
export const PROBLEM_LIST_PARAMS = ["problems", "cleared", "remaining", "locked"] as const;

export function isReason(value: unknown): value is Reason {
  return (
    typeof value === "object" &&
    value !== null &&
    !Array.isArray(value) &&
    typeof (value as { code?: unknown }).code === "string" &&
    (REASON_CODES as readonly string[]).includes((value as { code: string }).code)
  );
}

/** A reason without parameters, or with them. */
export function reason(code: ReasonCode, params?: Reason["params"]): Reason {
  return params === undefined ? { code } : { code, params };
}
