// What the match picker reads from a paste: IDs and TMDB/IMDb/TVDB links become an ID lookup,
// a link naming no work is unreadable, anything else stays a title; and which IDs fit a library.
import { describe, expect, it } from "vitest";
import { idFitsLibrary, parsePastedId } from "../../src/contracts/pasted-id.js";

describe("parsePastedId", () => {
  it.each([
    ["tmdb-603", { source: "tmdb", id: "603" }, undefined],
    ["imdb-tt0133093", { source: "imdb", id: "tt0133093" }, undefined],
    ["tvdb-81189", { source: "tvdb", id: "81189" }, undefined],
    ["  IMDB-TT0133093 \n", { source: "imdb", id: "tt0133093" }, undefined],
    ["{tmdb-603}", { source: "tmdb", id: "603" }, undefined],
    ["https://www.themoviedb.org/movie/603-the-matrix", { source: "tmdb", id: "603" }, "movie"],
    ["https://www.themoviedb.org/movie/603", { source: "tmdb", id: "603" }, "movie"],
    ["https://www.themoviedb.org/tv/1399", { source: "tmdb", id: "1399" }, "show"],
    ["themoviedb.org/tv/1399-game-of-thrones/season/1?language=de", { source: "tmdb", id: "1399" }, "show"],
    ["https://www.imdb.com/title/tt0133093/", { source: "imdb", id: "tt0133093" }, undefined],
    ["https://m.imdb.com/title/tt0133093/?ref_=nv_sr_srsg_0", { source: "imdb", id: "tt0133093" }, undefined],
    ["HTTPS://WWW.IMDB.COM/TITLE/TT0133093", { source: "imdb", id: "tt0133093" }, undefined],
    ["https://www.imdb.com/de/title/tt0133093/reviews", { source: "imdb", id: "tt0133093" }, undefined],
    ["www.imdb.com/title/tt0133093/", { source: "imdb", id: "tt0133093" }, undefined],
    ["https://thetvdb.com/?tab=series&id=73244", { source: "tvdb", id: "73244" }, "show"],
    ["https://www.thetvdb.com/?id=73244&tab=series", { source: "tvdb", id: "73244" }, "show"],
    ["https://thetvdb.com/dereferrer/series/73244", { source: "tvdb", id: "73244" }, "show"],
  ])("%s is an ID", (text, id, work) => {
    expect(parsePastedId(text)).toEqual(work ? { kind: "id", id, work } : { kind: "id", id });
  });

  it.each([
    ["https://thetvdb.com/series/the-office-us", "tvdb"],
    ["https://thetvdb.com/?tab=episode&id=73244", "tvdb"],
    ["https://www.imdb.com/name/nm0000206/", "imdb"],
    ["https://www.imdb.com/", "imdb"],
    ["https://www.themoviedb.org/person/6384-keanu-reeves", "tmdb"],
    ["https://www.themoviedb.org/collection/2344", "tmdb"],
  ])("%s names no work to look up", (text, site) => {
    expect(parsePastedId(text)).toEqual({ kind: "unreadable", site });
  });

  it.each([
    "The Matrix",
    "The Matrix 1999",
    "imdb-0133093",
    "tmdb-tt603",
    "tvdb-",
    "imdb tt0133093",
    "https://example.com/title/tt0133093/",
    "https://notimdb.com/title/tt0133093/",
    "https://imdb.com.evil.example/title/tt0133093/",
    "Blade Runner: 2049",
    "",
  ])("%j is a title", (text) => {
    expect(parsePastedId(text)).toEqual({ kind: "title" });
  });
});

describe("idFitsLibrary", () => {
  const id = (source: "imdb" | "tmdb" | "tvdb", work?: "movie" | "show") => ({
    id: { source, id: source === "imdb" ? "tt1" : "1" },
    ...(work ? { work } : {}),
  });
  it.each([
    [id("tvdb"), "movie", false],
    [id("tvdb", "show"), "movie", false],
    [id("tvdb"), "show", true],
    [id("tmdb", "movie"), "show", false],
    [id("tmdb", "show"), "movie", false],
    [id("tmdb", "movie"), "movie", true],
    [id("tmdb", "show"), "show", true],
    [id("tmdb"), "show", true],
    [id("imdb"), "movie", true],
    [id("imdb"), "show", true],
    [id("tvdb"), "artist", true],
    [id("tvdb"), undefined, true],
  ] as const)("%j in a %s library: %s", (pasted, type, fits) => {
    expect(idFitsLibrary(pasted, type)).toBe(fits);
  });
});
