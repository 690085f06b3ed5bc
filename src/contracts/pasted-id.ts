// What a person pastes into the match picker's search field: an ID (`imdb-tt0133093`, the form
// Plex's naming guide and the agents' lookup use) or a TMDB, IMDb or TVDB web address. Pure.
// Anything else is a title search, so only texts that clearly mean an ID or one of these sites
// are read here; a link to one of them that names no work is an error, not a title.
// A contract: the server searches by it, and the SPA tells from it that the year plays no part.

/** An external ID (the same shape as the scan's ExternalId). */
export interface ExternalId {
  source: "imdb" | "tmdb" | "tvdb";
  id: string;
}

/** What a paste is: a title, an ID (with the kind of work a link names), or an unreadable link. */
export type PastedId =
  | { kind: "title" }
  | { kind: "id"; id: ExternalId; work?: "movie" | "show" }
  | { kind: "unreadable"; site: ExternalId["source"] };

const ID_FORM = /^\{?(imdb|tmdb|tvdb)-(tt\d+|\d+)\}?$/i;
const SITES: ReadonlyArray<{ host: RegExp; source: ExternalId["source"] }> = [
  { host: /(^|\.)themoviedb\.org$/, source: "tmdb" },
  { host: /(^|\.)imdb\.com$/, source: "imdb" },
  { host: /(^|\.)thetvdb\.com$/, source: "tvdb" },
];

export function parsePastedId(text: string): PastedId {
  const trimmed = text.trim();
  const form = ID_FORM.exec(trimmed);
  if (form) {
    const source = form[1]!.toLowerCase() as ExternalId["source"];
    const id = form[2]!.toLowerCase();
    // imdb wants tt…; tmdb and tvdb want a number. `tmdb-tt1` is neither: a title then.
    if (source === "imdb" ? id.startsWith("tt") : /^\d+$/.test(id)) return { kind: "id", id: { source, id } };
    return { kind: "title" };
  }
  const url = asUrl(trimmed);
  if (!url) return { kind: "title" };
  const site = SITES.find((s) => s.host.test(url.hostname.toLowerCase()));
  if (!site) return { kind: "title" };
  return fromLink(site.source, url) ?? { kind: "unreadable", site: site.source };
}

/** A web address with or without its scheme (`www.imdb.com/title/…` is pasted too). */
function asUrl(text: string): URL | undefined {
  if (/\s/.test(text)) return undefined;
  const withScheme = /^https?:\/\//i.test(text)
    ? text
    : /^[\w-]+(\.[\w-]+)+\//.test(text)
      ? `https://${text}`
      : "";
  if (!withScheme) return undefined;
  try {
    return new URL(withScheme);
  } catch {
    return undefined;
  }
}

function fromLink(source: ExternalId["source"], url: URL): PastedId | undefined {
  const path = url.pathname.toLowerCase();
  if (source === "imdb") {
    // imdb.com/title/tt0133093/, m.imdb.com/title/tt0133093/?ref_=…, imdb.com/de/title/tt…
    const m = /\/title\/(tt\d+)(\/|$)/.exec(path);
    return m ? { kind: "id", id: { source, id: m[1]! } } : undefined;
  }
  if (source === "tmdb") {
    // themoviedb.org/movie/603-the-matrix, /tv/1399, /tv/1399-game-of-thrones/season/1
    const m = /^\/(movie|tv)\/(\d+)(-|\/|$)/.exec(path);
    if (!m) return undefined;
    return { kind: "id", id: { source, id: m[2]! }, work: m[1] === "movie" ? "movie" : "show" };
  }
  // thetvdb.com/?tab=series&id=73244 (the old form, still linked) or /dereferrer/series/73244.
  // The site's own /series/<slug> names no number, so it cannot be looked up.
  const byQuery = url.searchParams.get("id");
  if (byQuery && /^\d+$/.test(byQuery) && (url.searchParams.get("tab") ?? "series") === "series")
    return { kind: "id", id: { source, id: byQuery }, work: "show" };
  const m = /^\/(?:dereferrer\/)?series\/(\d+)(\/|$)/.exec(path);
  return m ? { kind: "id", id: { source, id: m[1]! }, work: "show" } : undefined;
}

/**
 * Whether an ID can name a work in a library of this type, and when not, why: TVDB lists only
 * series (its movie IDs are not what Plex's movie agents look up), and a TMDB link says whether
 * it is a movie or a show. IMDb IDs name both, so they always go through.
 */
export function idFitsLibrary(
  pasted: { id: ExternalId; work?: "movie" | "show" },
  libraryType: string | undefined,
): boolean {
  if (libraryType !== "movie" && libraryType !== "show") return true;
  if (pasted.id.source === "tvdb" && libraryType === "movie") return false;
  return pasted.work === undefined || pasted.work === libraryType;
}
