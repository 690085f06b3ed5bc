// How a match is searched for, the same for a scan and for the match picker: the library's
// agent and language, an ID from the file name first, then the clean part of the title.
import type { PlexItem, PlexSection } from "../plex/index.js";
import {
  type Candidate,
  chooseById,
  chooseByTitle,
  DEFAULT_SCORE_RULE,
  type ExternalId,
  externalIdFromPaths,
  idLookupTitle,
  type MatchChoice,
  type ScoreRule,
  searchTitle,
} from "./match-choice.js";

export interface MatchQuery {
  title: string;
  year?: number;
  agent?: string;
  language?: string;
}

type Library = Pick<PlexSection, "agent" | "language"> | undefined;

/** An ID lookup: the agent resolves `imdb-tt…` style titles to that one work. */
export function idQuery(id: ExternalId, section: Library): MatchQuery {
  return { title: idLookupTitle(id), agent: section?.agent, language: section?.language };
}

/**
 * A title search. Unmatched items often carry a raw file name as their title, so the clean part
 * is searched for, with the item's year or else one found in the name. `wanted` is what a
 * person typed into the match picker instead.
 */
export function titleQuery(
  item: Pick<PlexItem, "title" | "year">,
  section: Library,
  wanted: { title?: string; year?: number } = {},
): MatchQuery {
  const clean = searchTitle(wanted.title ?? item.title);
  return {
    title: clean.title,
    year: wanted.year ?? item.year ?? clean.year,
    agent: section?.agent,
    language: section?.language,
  };
}

/** How the scan may decide: the score rule, and whether it may apply a match by itself. */
export interface MatchPolicy extends ScoreRule {
  automatic: boolean;
}

export function matchPolicyOf(s: {
  matchAutomatically: boolean;
  matchMinScore: number;
  matchMinLead: number;
}): MatchPolicy {
  return { automatic: s.matchAutomatically, minScore: s.matchMinScore, minLead: s.matchMinLead };
}

/** The scan's choice for an unmatched item: an ID in the path wins when it finds anything. */
export async function chooseMatch(
  item: PlexItem,
  section: Library,
  search: (query: MatchQuery) => Promise<Candidate[]>,
  policy: MatchPolicy = { ...DEFAULT_SCORE_RULE, automatic: true },
): Promise<MatchChoice> {
  const id = externalIdFromPaths([...item.files, ...item.locations]);
  let choice: MatchChoice | undefined;
  let results: Candidate[] = [];
  if (id) {
    results = await search(idQuery(id, section));
    const byId = chooseById(id, results);
    if (byId.decision !== "none") choice = byId;
  }
  if (!choice) {
    const query = titleQuery(item, section);
    results = await search(query);
    choice = chooseByTitle({ title: query.title, year: query.year }, results, policy);
  }
  return policy.automatic ? choice : askInstead(choice, results);
}

/** "Never match automatically": a clear choice becomes a question, its pick first. Pure. */
export function askInstead(choice: MatchChoice, results: readonly Candidate[]): MatchChoice {
  if (choice.decision !== "match") return choice;
  const others = results.filter((c) => c.guid !== choice.candidate.guid);
  return {
    decision: "review",
    candidates: [choice.candidate, ...others],
    reason: { code: "person_decides_matching_off", params: { why: choice.reason } },
  };
}
