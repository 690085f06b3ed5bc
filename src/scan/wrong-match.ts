// Pure wrong-match evidence: compares what the file or folder name says (an ID in Plex's naming
// style, a year) with what the item is matched to (its Guid list, its year). Strongest first:
// - id_conflict: the name carries `{tmdb-…}`, `{imdb-tt…}` or `{tvdb-…}` and the Guid list
//   holds a different ID of the same provider. Certain.
// - a year at least 3 off: only a suspicion. It becomes a year_conflict when the title search
//   for the name's title and year offers a candidate with exactly that year (confirmYear).
// Never evidence on their own: a year 1 or 2 off (routine between file names and TMDB), or no
// ID on one side (nothing to compare). Only Plex's own `{source-id}` form is read; other tools'
// `[tmdbid-…]` style is not, so nothing is concluded from a form Plex itself ignores.
import type { Reason } from "../contracts/reasons.js";
import type { PlexItem } from "../plex/index.js";
import type { ExternalId } from "./match-choice.js";
import { type Candidate, candidateLabel } from "./model.js";

/** A year this far (or further) from the matched one is suspicious; closer is routine. */
export const YEAR_CONFLICT_MIN = 3;

const ID_TOKEN = /\{(imdb|tmdb|tvdb)-(tt\d+|\d+)\}/gi;
/** A release year in a name: "(1982)" or ".1982." style, 1900–2099. */
const YEAR_TOKEN = /(?:^|[\s.([_-])((?:19|20)\d\d)(?=$|[\s.)\]_-])/g;

export interface NameEvidence {
  /** Every ID token in the names, per provider (a provider named twice with two IDs is dropped). */
  ids: ExternalId[];
  /** The release year in the names, when they agree on one. */
  year?: number;
  /** The title part of the nearest name (before the year or the first bracket). */
  title?: string;
}

export type WrongMatch =
  | { kind: "id_conflict"; pathId: ExternalId; matchedId: ExternalId }
  | { kind: "year_suspect"; pathYear: number; matchedYear: number; title: string };

/** The file name without its extension, and the folder it sits in; a show's folder alone. */
function names(item: Pick<PlexItem, "type" | "files" | "locations">): string[] {
  if (item.type === "show") return item.locations.map(lastSegment);
  const out: string[] = [];
  for (const file of item.files) {
    const parts = file.split(/[\\/]/).filter(Boolean);
    const base = parts.at(-1)?.replace(/\.[A-Za-z0-9]{2,4}$/, "");
    if (base) out.push(base);
    if (parts.length > 1) out.push(parts.at(-2)!);
  }
  return out;
}

function lastSegment(path: string): string {
  return path.split(/[\\/]/).filter(Boolean).at(-1) ?? "";
}

/** Reads IDs, a year and a title from an item's file and folder names. */
export function nameEvidence(item: Pick<PlexItem, "type" | "files" | "locations">): NameEvidence {
  const found = new Map<ExternalId["source"], Set<string>>();
  const years = new Set<number>();
  let title: string | undefined;
  for (const name of names(item)) {
    for (const m of name.matchAll(ID_TOKEN)) {
      const source = m[1]!.toLowerCase() as ExternalId["source"];
      const id = m[2]!.toLowerCase();
      if (source === "imdb" ? !id.startsWith("tt") : id.startsWith("tt")) continue;
      if (!found.has(source)) found.set(source, new Set());
      found.get(source)!.add(id);
    }
    // IDs and bracketed tags can hold digits that look like years; read the year without them.
    const plain = name.replace(/\{[^}]*\}|\[[^\]]*\]/g, " ");
    const ys = [...plain.matchAll(YEAR_TOKEN)].map((m) => Number(m[1]));
    // The last year is the release year ("2001 A Space Odyssey (1968)").
    if (ys.length > 0) years.add(ys.at(-1)!);
    if (title === undefined && ys.length > 0) {
      const before = plain.slice(0, plain.lastIndexOf(String(ys.at(-1)))).replace(/[\s.(_-]+$/, "");
      const clean = before.replace(/[._]+/g, " ").trim();
      if (clean) title = clean;
    }
  }
  const ids: ExternalId[] = [];
  for (const [source, set] of found) if (set.size === 1) ids.push({ source, id: [...set][0]! });
  const evidence: NameEvidence = { ids };
  if (years.size === 1) evidence.year = [...years][0]!;
  if (title) evidence.title = title;
  return evidence;
}

const LEGACY_SOURCE: Record<string, ExternalId["source"]> = {
  imdb: "imdb",
  themoviedb: "tmdb",
  thetvdb: "tvdb",
};

/** The IDs an item is matched to: its Guid list, or a legacy agent's guid itself. */
export function matchedIds(item: Pick<PlexItem, "guid" | "guids">): ExternalId[] {
  const out: ExternalId[] = [];
  for (const g of item.guids) {
    const m = /^(imdb|tmdb|tvdb):\/\/([^?/]+)/i.exec(g);
    if (m) out.push({ source: m[1]!.toLowerCase() as ExternalId["source"], id: m[2]!.toLowerCase() });
  }
  const legacy = /^com\.plexapp\.agents\.(imdb|themoviedb|thetvdb):\/\/([^?/]+)/.exec(item.guid ?? "");
  if (legacy) out.push({ source: LEGACY_SOURCE[legacy[1]!]!, id: legacy[2]!.toLowerCase() });
  return out;
}

/**
 * The evidence against an item's match, if any. Only matched movies and shows are judged
 * (seasons and episodes carry their own IDs, so shows are checked at show level only).
 */
export function checkWrongMatch(
  item: Pick<PlexItem, "type" | "guid" | "guids" | "year" | "files" | "locations" | "title">,
): WrongMatch | undefined {
  if (item.type !== "movie" && item.type !== "show") return undefined;
  const guid = item.guid ?? "";
  if (!guid.startsWith("plex://") && !guid.startsWith("com.plexapp.agents.")) return undefined;
  if (guid.startsWith("com.plexapp.agents.none")) return undefined;
  const evidence = nameEvidence(item);
  const matched = matchedIds(item);
  // The item holds an ID the name names: they agree, whatever the year or another ID says.
  if (evidence.ids.some((p) => matched.some((m) => m.source === p.source && m.id === p.id))) return undefined;
  for (const pathId of evidence.ids) {
    const other = matched.find((m) => m.source === pathId.source);
    if (other) return { kind: "id_conflict", pathId, matchedId: other };
  }
  if (
    evidence.year !== undefined &&
    item.year !== undefined &&
    Math.abs(evidence.year - item.year) >= YEAR_CONFLICT_MIN
  ) {
    return {
      kind: "year_suspect",
      pathYear: evidence.year,
      matchedYear: item.year,
      title: evidence.title ?? item.title,
    };
  }
  return undefined;
}

/** A year suspicion is a year_conflict when the search offers a candidate of exactly that year. */
export function confirmYear(
  suspect: Extract<WrongMatch, { kind: "year_suspect" }>,
  results: readonly Candidate[],
): Candidate[] | undefined {
  const exact = results.filter((c) => c.year === suspect.pathYear);
  if (exact.length === 0) return undefined;
  // The exact-year candidates first, for the match picker; the rest after.
  return [...exact, ...results.filter((c) => c.year !== suspect.pathYear)];
}

const idText = (id: ExternalId) => `${id.source}-${id.id}`;

/** The evidence as a reason: what the path says against what Plex matched. */
export function wrongMatchEvidence(w: WrongMatch, exact?: readonly Candidate[]): Reason {
  if (w.kind === "id_conflict")
    return { code: "id_conflict", params: { pathId: idText(w.pathId), matchedId: idText(w.matchedId) } };
  const offer = exact && exact.length > 0 ? { offer: candidateLabel(exact[0]!) } : {};
  return { code: "year_conflict", params: { pathYear: w.pathYear, matchedYear: w.matchedYear, ...offer } };
}
