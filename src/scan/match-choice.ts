// Pure match decisions for unmatched items. The rule is deliberately conservative: a wrong
// match is worse than none, so anything not clearly right becomes "needs review".
//
// The confidence rule, in order:
// 1. ID in the path. A file or folder named the way Plex's naming guide allows,
//    `Heat (1995) {imdb-tt0113277}`, `{tmdb-949}` or `{tvdb-…}`, is looked up by that ID
//    (matches?title=imdb-tt0113277). Exactly one result is taken; several go to review.
// 2. Scored results (legacy and music agents send `score`, and Plex treats > 85 as positive):
//    take the best when its score ≥ 85, its year is within ±1 of the item's (when both are
//    known), and it leads the runner-up by at least 10 points.
// 3. Unscored results (the new Plex agents): keep candidates whose normalised title equals the
//    item's and whose year is within ±1. One such candidate is taken. With several, the one
//    whose year matches exactly is taken when it is the only exact one; otherwise review.
// An item with no usable title, or no candidates at all, is not matched.
import type { Reason } from "../contracts/reasons.js";
import type { Candidate } from "./model.js";

export const SCORE_THRESHOLD = 85;
export const SCORE_GAP = 10;
export const YEAR_TOLERANCE = 1;

export type { Candidate };

export interface ExternalId {
  source: "imdb" | "tmdb" | "tvdb";
  id: string;
}

export type MatchChoice =
  | { decision: "match"; candidate: Candidate; reason: Reason }
  | { decision: "review"; candidates: Candidate[]; reason: Reason }
  | { decision: "none"; reason: Reason };

const ID_PATTERN = /\{(imdb|tmdb|tvdb)-(tt\d+|\d+)\}/i;

/**
 * Finds an external ID in file or folder names (closest to the file first). IMDb IDs must look
 * like tt123…, TMDB/TVDB IDs are numbers.
 */
export function externalIdFromPaths(paths: readonly string[]): ExternalId | undefined {
  for (const path of paths) {
    const segments = path.split(/[\\/]/).reverse();
    for (const segment of segments) {
      const m = segment.match(ID_PATTERN);
      if (!m) continue;
      const source = m[1]!.toLowerCase() as ExternalId["source"];
      const id = m[2]!.toLowerCase();
      if (source === "imdb" ? /^tt\d+$/.test(id) : /^\d+$/.test(id)) return { source, id };
    }
  }
  return undefined;
}

/** The `title` value that makes a Plex agent resolve an external ID (REFERENCE §3.5). */
export function idLookupTitle(id: ExternalId): string {
  return `${id.source}-${id.id}`;
}

/** Letters that carry no separable accent, spelled as agents and file names spell them. */
const LETTER_FOLDS: Record<string, string> = { æ: "ae", ø: "o", œ: "oe", ß: "ss", ł: "l", đ: "d", þ: "th" };

/**
 * Folds a title for comparison: Unicode-normalised, accents removed (and the letters above
 * spelled out), lower case, "&" as "and", punctuation dropped, a leading English/German article
 * dropped, whitespace collapsed.
 */
export function normaliseTitle(title: string): string {
  return title
    .normalize("NFKD")
    .replace(/\p{M}+/gu, "")
    .toLowerCase()
    .replace(/[æøœßłđþ]/g, (c) => LETTER_FOLDS[c] ?? c)
    .replace(/&/g, " and ")
    .replace(/[^\p{L}\p{N}]+/gu, " ")
    .trim()
    .replace(/^(the|a|an|der|die|das|le|la|les) /, "")
    .replace(/\s+/g, " ");
}

function yearClose(a: number | undefined, b: number | undefined): boolean {
  return a === undefined || b === undefined || Math.abs(a - b) <= YEAR_TOLERANCE;
}

/** Chooses among results of an ID lookup: an ID names one work, so exactly one result wins. */
export function chooseById(id: ExternalId, candidates: readonly Candidate[]): MatchChoice {
  const label = idLookupTitle(id);
  if (candidates.length === 0)
    return { decision: "none", reason: { code: "id_no_result", params: { id: label } } };
  if (candidates.length === 1) {
    return {
      decision: "match",
      candidate: candidates[0]!,
      reason: { code: "id_from_filename", params: { id: label } },
    };
  }
  return {
    decision: "review",
    candidates: [...candidates],
    reason: { code: "id_several", params: { count: candidates.length, id: label } },
  };
}

/** The confidence rule for scored candidates (the settings' matchMinScore and matchMinLead). */
export interface ScoreRule {
  minScore: number;
  minLead: number;
}

export const DEFAULT_SCORE_RULE: ScoreRule = { minScore: SCORE_THRESHOLD, minLead: SCORE_GAP };

/** Chooses among results of a title/year search, by the rule at the top of this file. */
export function chooseByTitle(
  item: { title: string; year?: number },
  candidates: readonly Candidate[],
  rule: ScoreRule = DEFAULT_SCORE_RULE,
): MatchChoice {
  const wanted = normaliseTitle(item.title);
  if (wanted === "") return { decision: "none", reason: { code: "no_usable_title" } };
  if (candidates.length === 0) return { decision: "none", reason: { code: "no_candidates" } };

  const scored = candidates.filter((c) => c.score !== undefined);
  if (scored.length > 0) {
    const ranked = [...scored].sort((a, b) => b.score! - a.score!);
    const [best, runnerUp] = ranked as [Candidate, Candidate | undefined];
    const gap = runnerUp ? best.score! - runnerUp.score! : Number.POSITIVE_INFINITY;
    if (best.score! >= rule.minScore && gap >= rule.minLead && yearClose(item.year, best.year)) {
      return {
        decision: "match",
        candidate: best,
        reason: { code: "score_clear", params: { score: best.score!, runnerUp: runnerUp?.score ?? null } },
      };
    }
    return {
      decision: "review",
      candidates: ranked,
      reason: {
        code: "score_inconclusive",
        params: { score: best.score!, runnerUp: runnerUp?.score ?? null },
      },
    };
  }

  const sameTitle = candidates.filter(
    (c) => normaliseTitle(c.name) === wanted && yearClose(item.year, c.year),
  );
  if (sameTitle.length === 1) {
    return { decision: "match", candidate: sameTitle[0]!, reason: { code: "exact_title_near_year" } };
  }
  if (sameTitle.length > 1 && item.year !== undefined) {
    const exactYear = sameTitle.filter((c) => c.year === item.year);
    if (exactYear.length === 1) {
      return { decision: "match", candidate: exactYear[0]!, reason: { code: "exact_title_only_exact_year" } };
    }
  }
  if (sameTitle.length > 1) {
    return {
      decision: "review",
      candidates: sameTitle,
      reason: { code: "shared_title_year", params: { count: sameTitle.length } },
    };
  }
  return {
    decision: "review",
    candidates: [...candidates],
    reason: { code: "no_same_title_year" },
  };
}

/** Release tags that end the title part of a scene-style file name. */
const RELEASE_TAG =
  /^(2160p|1080p|1080i|720p|576p|480p|4k|uhd|hdr|hdr10|dv|dolby|remux|bluray|blu|bdrip|brrip|webrip|web|webdl|dl|hdtv|hdrip|dvdrip|dvd|dvdscr|x264|x265|h264|h265|hevc|avc|xvid|aac|ac3|eac3|dts|truehd|atmos|proper|repack|extended|unrated|internal|limited|multi|german|dubbed|subbed)$/i;

/**
 * The title to search for when Plex shows an unmatched item under a raw file name, e.g.
 * "the.matrix.1999.1080p.bluray.x264" → { title: "the matrix", year: 1999 }. Dots and
 * underscores become spaces, bracketed groups go, and the title ends at the first
 * release tag; a year at its end is returned apart. A clean title passes through unchanged.
 */
export function searchTitle(raw: string): { title: string; year?: number } {
  const words = raw
    .replace(/\[[^\]]*\]|\{[^}]*\}/g, " ")
    .replace(/[._]+/g, " ")
    .split(/\s+/)
    .filter(Boolean);
  const kept: string[] = [];
  for (const word of words) {
    if (kept.length > 0 && RELEASE_TAG.test(word.replace(/[()-]/g, ""))) break;
    kept.push(word);
  }
  // A trailing year (bare or in parentheses) is the year, not part of the title.
  let year: number | undefined;
  const last = kept.at(-1)?.replace(/^[(]|[)]$/g, "");
  if (kept.length > 1 && last && /^(19|20)\d\d$/.test(last)) {
    year = Number(last);
    kept.pop();
  }
  const title = kept.join(" ").trim();
  return year === undefined ? { title: title || raw.trim() } : { title: title || raw.trim(), year };
}
