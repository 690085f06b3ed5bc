/**
 * The simulated metadata agent behind GET …/matches: title/year search over the hidden
 * catalogue of works, exact lookups for "imdb-tt…", "tmdb-…" and "tvdb-…" titles, and guid
 * resolution for PUT …/match. Results come best first; `score` is only reported for legacy
 * agents, as PMS does (REFERENCE §3.5).
 *
 * The ID lookup is how Plex's agents resolve an external ID: python-plexapi's
 * `LibrarySection.getGuid()` (library.py) calls `matches(agent=…, title="imdb-tt0133093")` and
 * takes the one result, and Plex's naming guide's `{imdb-…}`/`{tmdb-…}`/`{tvdb-…}` hints are
 * looked up the same way. A lookup answers only with a work of the section's type (a TVDB series
 * ID in a movie section finds nothing) and never with a near miss: an unknown ID finds nothing.
 */
import { type El, el } from "./el.js";
import type { Work } from "./model.js";
import { hash32 } from "./random.js";
import { normalizeTitle, titleTokens, workSummary } from "./text.js";

export interface MatchQuery {
  type: "movie" | "show";
  title: string;
  year?: number;
  /** Agent identifier from the request (or the section's). */
  agent: string;
}

export interface Candidate {
  work: Work;
  score: number;
}

const MAX_RESULTS = 10;
const MAX_SCAN_PER_TOKEN = 4000;

export class Catalogue {
  private readonly byGuid = new Map<string, Work>();
  private readonly byImdb = new Map<string, Work>();
  private readonly byTmdb = new Map<number, Work>();
  private readonly byTvdb = new Map<number, Work>();
  private readonly byToken = new Map<string, Work[]>();
  private readonly norm = new Map<Work, string>();

  constructor(works: readonly Work[]) {
    for (const w of works) {
      this.byGuid.set(w.guid, w);
      this.byImdb.set(w.imdb, w);
      this.byTmdb.set(w.tmdb, w);
      this.byTvdb.set(w.tvdb, w);
      const n = normalizeTitle(w.title);
      this.norm.set(w, n);
      for (const t of new Set(titleTokens(n))) {
        let list = this.byToken.get(t);
        if (!list) {
          list = [];
          this.byToken.set(t, list);
        }
        list.push(w);
      }
    }
  }

  /** Resolves the guid a client sends to PUT …/match (plex://, legacy agent or bare id). */
  resolveGuid(guid: string): Work | undefined {
    const direct = this.byGuid.get(guid);
    if (direct) return direct;
    const legacy =
      /^com\.plexapp\.agents\.(\w+):\/\/([^?/]+)/.exec(guid) ?? /^(imdb|tmdb|tvdb):\/\/([^?/]+)/.exec(guid);
    if (!legacy) return undefined;
    const [, agent, id] = legacy as unknown as [string, string, string];
    if (agent === "imdb" || id.startsWith("tt")) return this.byImdb.get(id);
    if (agent === "themoviedb" || agent === "tmdb") return this.byTmdb.get(Number(id));
    if (agent === "thetvdb" || agent === "tvdb") return this.byTvdb.get(Number(id));
    return undefined;
  }

  search(q: MatchQuery): Candidate[] {
    const idLookup = /^(imdb|tmdb|tvdb)-(.+)$/i.exec(q.title.trim());
    if (idLookup) {
      const source = (idLookup[1] as string).toLowerCase();
      const id = idLookup[2] as string;
      const w =
        source === "imdb"
          ? this.byImdb.get(id)
          : source === "tmdb"
            ? this.byTmdb.get(Number(id))
            : this.byTvdb.get(Number(id));
      return w && w.type === q.type ? [{ work: w, score: 100 }] : [];
    }
    const wanted = normalizeTitle(q.title);
    const tokens = titleTokens(wanted);
    if (tokens.length === 0) return [];
    const seen = new Set<Work>();
    const scored: Candidate[] = [];
    for (const t of tokens) {
      const list = this.byToken.get(t) ?? [];
      for (let i = 0; i < list.length && i < MAX_SCAN_PER_TOKEN; i++) {
        const w = list[i] as Work;
        if (seen.has(w) || w.type !== q.type) continue;
        seen.add(w);
        const score = this.score(w, wanted, tokens, q.year);
        if (score >= 40) scored.push({ work: w, score });
      }
    }
    // Equal scores are ordered by a stable hash, so a tie is not silently won by the truth.
    scored.sort((a, b) => b.score - a.score || hash32(a.work.guid) - hash32(b.work.guid));
    return scored.slice(0, MAX_RESULTS);
  }

  private score(w: Work, wanted: string, tokens: string[], year: number | undefined): number {
    const n = this.norm.get(w) as string;
    let s: number;
    if (n === wanted) s = 100;
    else {
      const have = new Set(titleTokens(n));
      let common = 0;
      for (const t of tokens) if (have.has(t)) common++;
      s = Math.round((85 * common) / Math.max(tokens.length, have.size));
    }
    if (year !== undefined) s -= Math.min(30, Math.abs(w.year - year) * 10);
    return Math.max(0, s);
  }
}

const isLegacyAgent = (agent: string): boolean => agent.startsWith("com.plexapp.agents.");

export function searchResultElement(c: Candidate, agent: string): El {
  const w = c.work;
  const legacy = isLegacyAgent(agent);
  const thumbUrl = `https://metadata-static.plex.tv/${w.guid.slice(-2)}/${w.type}/${w.guid.slice(-24)}.jpg`;
  return el("SearchResult", {
    thumb: `https://images.plex.tv/photo?height=336&width=225&minSize=1&upscale=1&url=${encodeURIComponent(thumbUrl)}`,
    type: w.type,
    guid: legacy ? legacyGuid(w, agent) : w.guid,
    name: w.title,
    year: w.year,
    summary: workSummary(w),
    score: legacy ? c.score : undefined,
    lifespanEnded: false,
  });
}

function legacyGuid(w: Work, agent: string): string {
  if (agent.endsWith(".thetvdb")) return `${agent}://${w.tvdb}?lang=en`;
  if (agent.endsWith(".themoviedb")) return `${agent}://${w.tmdb}?lang=en`;
  return `${agent}://${w.imdb}?lang=en`;
}
