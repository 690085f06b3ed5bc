// The one English rendering of a reason code, for log lines, the CLI and the stored `note` that
// older clients and old rows read. The SPA words the same codes itself, in the reader's language.
import { PROBLEM_LIST_PARAMS, type ProblemCode, type Reason, type ReasonParam } from "../contracts/index.js";
import { PROBLEM_TEXT } from "./detect.js";

type Params = NonNullable<Reason["params"]>;

const LATE = " (Plex did not report completion in time)";

/** The English sentence for a reason, nested reasons included. */
export function reasonText(r: Reason): string {
  const p: Params = r.params ?? {};
  const text = (name: string) => paramText(p[name]);
  const late = p.late === true ? LATE : "";
  const unmatchedOr = (name: string) =>
    p[name] === null || p[name] === undefined ? "unmatched" : text(name);
  switch (r.code) {
    case "ignored_by_hand":
      return "ignored by hand: never refreshed or matched";
    case "show_ignored_by_hand":
      return "its show is ignored by hand: never refreshed or matched";
    case "personal_media":
      return "personal media: never refreshed or matched";
    case "healthy_on_recheck":
      return "healthy on re-check";
    case "show_not_matched":
      return "the show is not matched; match the show first";
    case "locked_fields":
      return `locked field: ${text("locked")}; unlock it in Plex to allow a fix`;
    case "backoff":
      return `failed recently; waiting${p.until ? ` until ${text("until")}` : ""} before the next try`;
    case "waiting_upstream":
      return `placeholder episode: waiting for upstream data; next check ${text("until")}`;
    case "waiting_upstream_manual":
      return "placeholder episode: waiting for upstream data; no further scheduled check, check again by hand";
    case "matching_off":
      return "unmatched; automatic matching is switched off";
    case "match_undone_by_person":
      return "unmatched; a person undid the app's match";
    case "would_refresh":
      return `would refresh: ${text("problems")}`;
    case "would_match":
      return `would match to ${text("to")} [${text("guid")}] by ${text("by")}`;
    case "would_rematch":
      return `${text("evidence")}; would match to ${text("to")} [${text("guid")}]`;
    case "fixed":
      return `fixed: ${text("cleared") || "no problems left"}${late}`;
    case "fixed_locked":
      return `${listed(p.cleared) ? `fixed: ${text("cleared")}; ` : ""}locked field: ${text("locked")}${late}`;
    case "still_broken":
      return `still ${text("remaining")} after refresh${listed(p.cleared) ? ` (fixed: ${text("cleared")})` : ""}${late}`;
    case "matched":
      return `matched to ${text("to")} by ${text("by")}; ${text("verdict")}`;
    case "match_not_taken":
      return `match to ${text("to")} did not take${late}`;
    case "undo_done": {
      const left = p.evidence ? `; ${text("evidence")}` : listed(p.problems) ? `; ${text("problems")}` : "";
      return `match undone: back to ${unmatchedOr("to")} (was ${unmatchedOr("was")})${left}`;
    }
    case "undo_not_taken":
      return `undo did not take: still ${unmatchedOr("still")}${late}`;
    case "no_match_found":
      return `unmatched; no match found (${text("why")})`;
    case "match_review":
      return `unmatched; ${text("why")}`;
    case "wrong_match_review":
      return `${text("evidence")}; ${text("why")}`;
    case "id_conflict":
      return `wrong match (id_conflict): the path names ${text("pathId")}, Plex matched ${text("matchedId")}`;
    case "year_conflict":
      return `possible wrong match (year_conflict): the path says ${text("pathYear")}, Plex matched ${text("matchedYear")}${p.offer ? `; the search offers ${text("offer")}` : ""}`;
    case "id_no_result":
      return `no result for ${text("id")}`;
    case "id_from_filename":
      return `ID ${text("id")} from the file name`;
    case "id_several":
      return `${text("count")} results for ${text("id")}`;
    case "id_from_path":
      return `ID ${text("id")} from the path (Plex had ${text("had")})`;
    case "id_resolves_to_current":
      return `${text("id")} resolves to the current match`;
    case "no_usable_title":
      return "the item has no usable title";
    case "no_candidates":
      return "Plex found no match candidates";
    case "score_clear":
      return `score ${text("score")} (runner-up ${p.runnerUp ?? "none"})`;
    case "score_inconclusive":
      return `best score ${text("score")}${p.runnerUp != null ? `, runner-up ${text("runnerUp")}` : ""} is not conclusive`;
    case "exact_title_near_year":
      return "exact title, year within ±1";
    case "exact_title_only_exact_year":
      return "exact title and the only exact year";
    case "shared_title_year":
      return `${text("count")} candidates share title and year`;
    case "no_same_title_year":
      return "no candidate has the same title and year";
    case "person_decides_matching_off":
      return `${p.why ? `${text("why")}; ` : ""}automatic matching is off, so a person decides`;
    case "person_decides_match_undone":
      return "a person undid the app's match, so a person decides";
    case "chosen_by_hand":
      return "hand";
    case "top_candidate_by_hand":
      return "hand (top candidate)";
    case "deleted_while_scanning":
      return "no longer in Plex (deleted while scanning)";
    case "plex_error":
      return `Plex error: ${text("message")}`;
    case "already_ignored":
      return "already ignored";
    case "not_ignored":
      return "not ignored";
    case "ignored_unignore_first":
      return "ignored; unignore it first";
    case "not_in_review":
      return `does not need review (${text("state")})`;
    case "no_stored_candidate":
      return "no stored candidate to accept";
    case "top_candidate_tied":
      return `${text("count")} candidates tie for the top place; choose one by hand`;
    case "top_candidate_unclear":
      return `no clear top candidate (${text("why")}); choose one by hand`;
    case "no_longer_recorded":
      return "no longer recorded";
    case "no_longer_in_plex":
      return "no longer in Plex";
    case "server_shutdown":
      return "the server is shutting down";
    case "server_restarted":
      return "the server restarted while it ran";
    case "job_never_started":
      return "it never started: the process that queued it is gone";
    case "job_process_gone":
      return `the process that ran it (pid ${text("pid")}) is gone`;
    case "job_heartbeat_lost":
      return `no heartbeat for ${text("minutes")} minutes (limit ${text("limit")})`;
    case "plex_outage":
      return `Plex did not come back within ${text("seconds")} s`;
    case "library_not_found":
      return `no library named "${text("name")}"`;
    case "library_not_scannable":
      return `"${text("name")}" is a ${text("type")} library; only movie and show libraries can be scanned`;
    case "internal_error":
      return `internal error${p.message ? `: ${text("message")}` : ""}`;
  }
}

function listed(value: ReasonParam | undefined): boolean {
  return Array.isArray(value) && value.length > 0;
}

function paramText(value: ReasonParam | undefined): string {
  if (value === undefined || value === null) return "";
  if (Array.isArray(value))
    return (value as readonly ProblemCode[]).map((c) => PROBLEM_TEXT[c] ?? c).join(", ");
  if (typeof value === "object") return reasonText(value as Reason);
  return String(value);
}

/** Whether a parameter name holds problem codes (for renderers that translate them). */
export function isProblemList(name: string): boolean {
  return (PROBLEM_LIST_PARAMS as readonly string[]).includes(name);
}
