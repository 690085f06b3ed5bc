// How a match is searched for, the same for a scan and for the match picker: the library's
// agent and language, an ID from the file name first, then the clean part of the title.
import type { PlexItem, PlexSection } from "../plex/index.js";
import {
  type Candidate,
  chooseById,
  chooseByTitle,
  type ExternalId,
  externalIdFromPaths,
  idLookupTitle,
  type MatchChoice,
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

/** The scan's choice for an unmatched item: an ID in the path wins when it finds anything. */
export async function chooseMatch(
  item: PlexItem,
  section: Library,
  search: (query: MatchQuery) => Promise<Candidate[]>,
): Promise<MatchChoice> {
  const id = externalIdFromPaths([...item.files, ...item.locations]);
  if (id) {
    const byId = chooseById(id, await search(idQuery(id, section)));
    if (byId.decision !== "none") return byId;
  }
  const query = titleQuery(item, section);
  return chooseByTitle({ title: query.title, year: query.year }, await search(query));
}
