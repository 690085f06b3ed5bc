// The search step of a fix, for the three plans that search before they write: matching an
// unmatched item, re-matching an id_conflict to the ID in its path, and confirming (or clearing)
// a year suspicion. Each answers a settled outcome, or the request to send with what a dry run
// records instead. Plex is reached only through `search` and `read`.
import type { ScanSettings } from "../config/settings.js";
import type { Reason } from "../contracts/index.js";
import type { PlexItem, PlexSection } from "../plex/index.js";
import { type Detection, PROBLEM_CODES, type ProblemCode } from "./detect.js";
import { type FixRequest, MAX_STORED_CANDIDATES, matchDecision, refreshIntent } from "./fix.js";
import { type Candidate, chooseById, idLookupTitle } from "./match-choice.js";
import { chooseMatch, idQuery, type MatchQuery, matchPolicyOf, titleQuery } from "./match-search.js";
import { candidateLabel, HEALTHY, type Outcome, outcome } from "./outcome.js";
import type { KnownItem } from "./policy.js";
import { reasonText } from "./reason-text.js";
import { displayTitle } from "./title.js";
import type { FixPlan } from "./triage.js";
import { confirmYear, wrongMatchEvidence } from "./wrong-match.js";

export type FixStep = Outcome | { request: FixRequest; intent: Outcome };

export interface StepInput {
  item: PlexItem;
  section: PlexSection | undefined;
  detection: Detection;
  prior: KnownItem | undefined;
  settings: Pick<ScanSettings, "matchAutomatically" | "matchMinScore" | "matchMinLead">;
  search: (query: MatchQuery) => Promise<Candidate[]>;
}

export async function fixStep(plan: FixPlan, input: StepInput): Promise<FixStep> {
  const { item, section, detection, search, settings } = input;
  if (plan === "refresh") return { request: { kind: "refresh" }, intent: refreshIntent(item, detection) };
  if (plan === "match") {
    const choice = await chooseMatch(item, section, search, matchPolicyOf(settings));
    return matchDecision(item, detection, choice);
  }
  if (plan === "rematch") return rematch(input);
  return checkYear(input);
}

/** An id_conflict: the ID in the path names the work; Plex's ID lookup finds it. */
async function rematch({
  item,
  section,
  detection: d,
  prior,
  settings,
  search,
}: StepInput): Promise<FixStep> {
  const w = d.wrongMatch;
  if (w?.kind !== "id_conflict") return HEALTHY;
  const evidence = wrongMatchEvidence(w);
  const title = displayTitle(item);
  const choice = chooseById(w.pathId, await search(idQuery(w.pathId, section)));
  const review = (why: Reason, candidates: readonly Candidate[]) => {
    const reason: Reason = { code: "wrong_match_review", params: { evidence, why } };
    return outcome("needs_review", "match", reason, d.problems, {
      candidates: candidates.slice(0, MAX_STORED_CANDIDATES),
      log: { level: "warn", message: `Needs review: ${title} — ${reasonText(reason)}` },
    });
  };
  if (choice.decision === "none") return review(choice.reason, []);
  if (choice.decision === "review") return review(choice.reason, choice.candidates);
  const target = choice.candidate;
  // The agent resolves the path's ID to the very work Plex already has: the data disagree.
  if (target.guid === item.guid)
    return review({ code: "id_resolves_to_current", params: { id: idLookupTitle(w.pathId) } }, []);
  if (!settings.matchAutomatically) return review({ code: "person_decides_matching_off" }, [target]);
  if (prior?.matchUndone) return review({ code: "person_decides_match_undone" }, [target]);
  const reason: Reason = {
    code: "id_from_path",
    params: { id: idLookupTitle(w.pathId), had: idLookupTitle(w.matchedId) },
  };
  const label = candidateLabel(target);
  const intent = outcome(
    "would_fix",
    "match",
    { code: "would_rematch", params: { evidence, to: label, guid: target.guid } },
    d.problems,
    {
      candidates: [target],
      log: { level: "info", message: `Would re-match: ${title} → ${label} (${reasonText(reason)})` },
    },
  );
  return { request: { kind: "match", target, reason }, intent };
}

/** A year suspicion: a year_conflict when the search offers exactly the path's year. */
async function checkYear({ item, section, detection: d, prior, search }: StepInput): Promise<FixStep> {
  const w = d.wrongMatch;
  if (w?.kind !== "year_suspect") return HEALTHY;
  const query = titleQuery(item, section, { title: w.title, year: w.pathYear });
  const exact = confirmYear(w, await search(query));
  if (exact) {
    const evidence = wrongMatchEvidence(w, exact);
    const problems = withWrongMatch(d.problems);
    return outcome("needs_review", "check", evidence, problems, {
      candidates: exact.slice(0, MAX_STORED_CANDIDATES),
      log: { level: "warn", message: `Needs review: ${displayTitle(item)} — ${reasonText(evidence)}` },
    });
  }
  // Nothing of that year: the year difference alone is no evidence.
  if (d.problems.length > 0) return { request: { kind: "refresh" }, intent: refreshIntent(item, d) };
  return prior && prior.state !== "fixed"
    ? outcome("fixed", "check", { code: "healthy_on_recheck" }, [])
    : HEALTHY;
}

function withWrongMatch(problems: readonly ProblemCode[]): ProblemCode[] {
  const set = new Set<ProblemCode>([...problems, "wrong_match"]);
  return PROBLEM_CODES.filter((p) => set.has(p));
}

/**
 * Show listings carry no folder (`Location` comes with the item's own metadata), so the shows
 * of a page that could be judged by their folder name are read once, together, for it.
 */
export async function withShowFolders<T extends { item: PlexItem }>(
  batch: T[],
  read: (keys: string[]) => Promise<PlexItem[]>,
): Promise<T[]> {
  const keys = batch
    .filter(({ item }) => item.type === "show" && item.locations.length === 0 && isMatched(item.guid))
    .map(({ item }) => item.ratingKey);
  if (keys.length === 0) return batch;
  const folders = new Map((await read(keys)).map((i) => [i.ratingKey, i.locations]));
  return batch.map((c) => {
    const locations = folders.get(c.item.ratingKey);
    return locations && locations.length > 0 ? { ...c, item: { ...c.item, locations } } : c;
  });
}

function isMatched(guid: string | undefined): boolean {
  return (
    !!guid && (guid.startsWith("plex://") || /^com\.plexapp\.agents\.(imdb|themoviedb|thetvdb):/.test(guid))
  );
}
