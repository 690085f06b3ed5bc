// Which stored candidate "Accept top candidate" takes for an item in review, or why it leaves
// the item alone. The item went to review because the scan's confidence rule was not sure, so
// a person accepting "the top one" in bulk takes over the rule's thresholds (any score, any
// lead) but nothing else: the same rule (match-choice.ts) must still single out one candidate,
// with a near year and, without scores, the same title. Two candidates it cannot tell apart
// are a tie; a top one it would not take at all is unclear. Both are left alone. Pure.
import type { Reason } from "../contracts/reasons.js";
import { type Candidate, chooseByTitle, type ScoreRule, searchTitle } from "./match-choice.js";

/** A person's bulk accept: any score will do, as long as it is strictly ahead of the next one. */
export const PERSON_RULE: ScoreRule = { minScore: Number.NEGATIVE_INFINITY, minLead: Number.MIN_VALUE };

export type TopChoice = { target: Candidate } | { skip: Reason };

/** The item as it was searched for: the clean title, and its year (or one in the title). */
export interface SearchedAs {
  title: string;
  year?: number | undefined;
}

/** Stored candidates, read leniently: an old row may hold odd values, which are passed over. */
export function storedCandidates(candidates: readonly unknown[] | null): Candidate[] {
  const out: Candidate[] = [];
  for (const c of candidates ?? []) {
    if (typeof c !== "object" || c === null) continue;
    const { guid, name, year, score } = c as Record<string, unknown>;
    if (typeof guid !== "string" || guid === "" || typeof name !== "string" || name === "") continue;
    out.push({
      guid,
      name,
      ...(typeof year === "number" && Number.isInteger(year) ? { year } : {}),
      ...(typeof score === "number" && Number.isFinite(score) ? { score } : {}),
    });
  }
  return out;
}

/** The candidate to accept for an item searched as `item`, or the reason to leave it alone. */
export function topChoice(item: SearchedAs, candidates: readonly unknown[] | null): TopChoice {
  const stored = storedCandidates(candidates);
  if (stored.length === 0) return { skip: { code: "no_stored_candidate" } };
  const query = item.year === undefined ? { title: item.title } : { title: item.title, year: item.year };
  const choice = chooseByTitle(query, stored, PERSON_RULE);
  if (choice.decision === "match") {
    const { guid, name, year } = choice.candidate;
    return { target: year === undefined ? { guid, name } : { guid, name, year } };
  }
  const why = choice.reason;
  const tied =
    why.code === "shared_title_year" ||
    (why.code === "score_inconclusive" && why.params?.runnerUp === why.params?.score);
  if (tied) return { skip: { code: "top_candidate_tied", params: { count: tiedCount(stored, choice) } } };
  return { skip: { code: "top_candidate_unclear", params: { why } } };
}

/** How many candidates share the top place. */
function tiedCount(stored: readonly Candidate[], choice: ReturnType<typeof chooseByTitle>): number {
  if (choice.decision !== "review") return 0;
  const best = choice.candidates[0]?.score;
  return best === undefined ? choice.candidates.length : stored.filter((c) => c.score === best).length;
}

/** How an item recorded under a display title ("Heat (1995)") was searched for. */
export function searchedAs(title: string, year: number | null | undefined): SearchedAs {
  const clean = searchTitle(title);
  return { title: clean.title, year: year ?? clean.year };
}
