// The triage rules: what a scan does with an item it has just read, before any Plex write.
// Pure: the engine passes the detection, what it knew of the item, the time and the settings.
import type { ScanSettings } from "../config/settings.js";
import type { PlexItem } from "../plex/index.js";
import { type Detection, isFullyLocked } from "./detect.js";
import { HEALTHY, type Outcome, outcome } from "./outcome.js";
import { placeholderDue } from "./placeholder.js";
import { describeProblems, inBackoff, type KnownItem, retryAt, waitingReason } from "./policy.js";
import { displayTitle } from "./title.js";

export interface TriageInput {
  item: PlexItem;
  detection: Detection;
  /** The item's latest recorded state, if any. */
  prior: KnownItem | undefined;
  /** A season or episode whose show a person set aside: it is left alone with its show. */
  showIgnored?: boolean;
  now: number;
  settings: Pick<ScanSettings, "backoffHours">;
}

/** Settles an item that needs no Plex write, or answers "fix". The first rule that applies wins. */
export function triage({
  item,
  detection: d,
  prior,
  showIgnored,
  now,
  settings,
}: TriageInput): Outcome | "fix" {
  if (prior?.ignored || showIgnored) {
    // A person set it (or its show) aside: no Plex write, and no row written either, so the
    // state the scans found before stays as it was and an unignore brings it back.
    const code = prior?.ignored ? "ignored_by_hand" : "show_ignored_by_hand";
    return outcome("ignored", "skip", { code }, d.problems, {
      record: false,
    });
  }
  if (d.personal) {
    // Only a row left from before (e.g. imported) is updated; personal media gets no new rows.
    return outcome("skipped", "skip", { code: "personal_media" }, d.problems, {
      record: prior !== undefined,
    });
  }
  if (d.problems.length === 0 && d.wrongMatch === undefined) {
    // Someone (or Plex) fixed it since we last looked: close the case.
    return prior && prior.state !== "fixed"
      ? outcome("fixed", "check", { code: "healthy_on_recheck" }, [])
      : HEALTHY;
  }
  if (d.parentUnmatched) {
    const show = showKeyOf(item);
    return outcome("skipped", "skip", { code: "show_not_matched" }, d.problems, {
      ...(show ? { waitsForShow: show } : {}),
    });
  }
  if (isFullyLocked(d)) {
    const fields = describeProblems(d.locked);
    return outcome("locked", "check", { code: "locked_fields", params: { locked: d.locked } }, d.problems, {
      log: { level: "info", message: `Locked: ${displayTitle(item)} (${fields})` },
    });
  }
  if (d.problems.includes("placeholder_episode")) {
    // Refreshed once when found, then only when its air-date schedule says (or by hand): a
    // scan or watch event in between leaves it, and its row, as they are.
    if (prior?.state !== "waiting" || placeholderDue(prior.nextCheckAt, now)) return "fix";
    return outcome("waiting", "skip", waitingReason(prior.nextCheckAt), d.problems, { record: false });
  }
  if (inBackoff(prior, now, settings.backoffHours)) {
    const at = prior ? retryAt(prior, settings.backoffHours) : undefined;
    const until = at ? new Date(at).toISOString() : null;
    return outcome("skipped", "skip", { code: "backoff", params: { until } }, d.problems);
  }
  return "fix";
}

/** The show a season or episode belongs to (undefined for movies and shows). */
export function showKeyOf(
  item: Pick<PlexItem, "type" | "parentRatingKey" | "grandparentRatingKey">,
): string | undefined {
  if (item.type === "episode") return item.grandparentRatingKey;
  if (item.type === "season") return item.parentRatingKey;
  return undefined;
}

export type FixPlan = "refresh" | "match" | "rematch" | "check_year";

/**
 * How an item that needs a fix is fixed: a refresh, a match, (matching off) a review, a new
 * match for an id_conflict, or first a title search that confirms or clears a year suspicion.
 * An item whose match a person undid is never matched again by a scan.
 */
export function fixPlan(
  d: Detection,
  settings: Pick<ScanSettings, "matchUnmatched">,
  prior?: Pick<KnownItem, "matchUndone">,
): FixPlan | Outcome {
  if (d.problems.includes("unmatched")) {
    if (!settings.matchUnmatched)
      return outcome("needs_review", "check", { code: "matching_off" }, d.problems);
    if (prior?.matchUndone)
      return outcome("needs_review", "check", { code: "match_undone_by_person" }, d.problems);
    return "match";
  }
  if (d.wrongMatch?.kind === "id_conflict") return "rematch";
  if (d.wrongMatch?.kind === "year_suspect") return "check_year";
  return "refresh";
}
