import { describe, expect, it } from "vitest";
import type { PlexItem } from "../../src/plex/index.js";
import { detectProblems } from "../../src/scan/detect.js";
import { reasonText } from "../../src/scan/reason-text.js";
import { fixPlan } from "../../src/scan/triage.js";
import {
  checkWrongMatch,
  confirmYear,
  matchedIds,
  nameEvidence,
  wrongMatchEvidence,
} from "../../src/scan/wrong-match.js";
import { plexItem } from "../helpers/plex-item.js";

// "The Thing (1982)" wrongly matched to "The Thing (2011)": TMDB 1091 is the 1982 film.
const thing2011 = {
  title: "The Thing",
  year: 2011,
  guid: "plex://movie/5d776b5b",
  guids: ["imdb://tt0905372", "tmdb://60935", "tvdb://1245"],
};
const movie = (file: string, over: Partial<PlexItem> = {}) =>
  plexItem({ ...thing2011, files: [file], ...over });

describe("nameEvidence", () => {
  it.each<[string, string[], { ids: string[]; year?: number; title?: string }]>([
    [
      "ID and year in folder and file",
      ["/m/The Thing (1982) {tmdb-1091}/The Thing (1982) {tmdb-1091}.mkv"],
      { ids: ["tmdb-1091"], year: 1982, title: "The Thing" },
    ],
    [
      "IMDb ID upper case, year only in the folder",
      ["/m/The Thing (1982) {IMDB-tt0084787}/thing.mkv"],
      { ids: ["imdb-tt0084787"], year: 1982, title: "The Thing" },
    ],
    ["scene name", ["/m/The.Thing.1982.1080p.BluRay.x264.mkv"], { ids: [], year: 1982, title: "The Thing" }],
    [
      "a title that starts with a year: the last year counts",
      ["/m/2001 A Space Odyssey (1968)/2001 A Space Odyssey (1968).mkv"],
      { ids: [], year: 1968, title: "2001 A Space Odyssey" },
    ],
    ["no year, no ID", ["/m/Heat/Heat.mkv"], { ids: [] }],
    [
      "another tool's bracket style is not read",
      ["/m/Heat (1995) [tmdbid-949]/Heat (1995) [tmdbid-949].mkv"],
      { ids: [], year: 1995, title: "Heat" },
    ],
    [
      "an imdb ID without tt is not an ID",
      ["/m/Heat (1995) {imdb-113277}/Heat.mkv"],
      { ids: [], year: 1995 },
    ],
    [
      "two files naming two TMDB IDs: neither is trusted",
      ["/m/Heat (1995) {tmdb-949}/a.mkv", "/m/Heat (1995) {tmdb-950}/b.mkv"],
      { ids: [], year: 1995 },
    ],
    [
      "file and folder disagree on the year: no year",
      ["/m/Heat (1995)/Heat (1996).mkv"],
      { ids: [], title: "Heat" },
    ],
    [
      "only the file and its folder are read, not the library path",
      ["/media/{tmdb-1}/Movies 2010/Heat (1995)/Heat (1995).mkv"],
      { ids: [], year: 1995, title: "Heat" },
    ],
  ])("%s", (_, files, want) => {
    const e = nameEvidence({ type: "movie", files, locations: [] });
    expect(e.ids.map((i) => `${i.source}-${i.id}`)).toEqual(want.ids);
    expect(e.year).toBe(want.year);
    if (want.title !== undefined) expect(e.title).toBe(want.title);
  });

  it("reads a show's folder, not its episodes", () => {
    const e = nameEvidence({
      type: "show",
      files: ["/tv/Other (1990) {tvdb-9}/Season 1/x.mkv"],
      locations: ["/tv/Doctor Who (2005) {tvdb-78804}"],
    });
    expect(e).toEqual({ ids: [{ source: "tvdb", id: "78804" }], year: 2005, title: "Doctor Who" });
  });
});

describe("matchedIds", () => {
  it("reads the Guid list, and a legacy agent's guid itself", () => {
    expect(matchedIds({ guid: "plex://movie/1", guids: ["imdb://tt1", "tmdb://2", "mbid://x"] })).toEqual([
      { source: "imdb", id: "tt1" },
      { source: "tmdb", id: "2" },
    ]);
    expect(matchedIds({ guid: "com.plexapp.agents.themoviedb://949?lang=en", guids: [] })).toEqual([
      { source: "tmdb", id: "949" },
    ]);
  });
});

describe("checkWrongMatch", () => {
  it.each<[string, Partial<PlexItem> & { file?: string }, string | undefined]>([
    [
      "path TMDB ID differs from the Guid list: id_conflict",
      { file: "/m/The Thing (1982) {tmdb-1091}/t.mkv" },
      "id_conflict",
    ],
    ["path IMDb ID differs: id_conflict", { file: "/m/The Thing {imdb-tt0084787}/t.mkv" }, "id_conflict"],
    [
      "path ID agrees: healthy even 29 years off",
      { file: "/m/The Thing (1982) {tmdb-60935}/t.mkv" },
      undefined,
    ],
    [
      "one ID agrees, another differs: contradictory names are no evidence",
      { file: "/m/The Thing (1982) {tmdb-1091} {imdb-tt0905372}/t.mkv" },
      undefined,
    ],
    [
      "provider missing from the Guid list: nothing to compare",
      { file: "/m/The Thing {tvdb-5}/t.mkv", guids: ["imdb://tt0905372", "tmdb://60935"] },
      undefined,
    ],
    [
      "no ID, year 29 off: a suspicion to confirm",
      { file: "/m/The Thing (1982)/The Thing (1982).mkv" },
      "year_suspect",
    ],
    ["year 3 off: a suspicion", { file: "/m/The Thing (2008)/t.mkv" }, "year_suspect"],
    ["year 2 off: routine", { file: "/m/The Thing (2009)/t.mkv" }, undefined],
    ["year 1 off: routine", { file: "/m/The Thing (2012)/t.mkv" }, undefined],
    ["no year in the name", { file: "/m/The Thing/t.mkv" }, undefined],
    [
      "an unmatched item is not judged",
      { file: "/m/The Thing (1982) {tmdb-1091}/t.mkv", guid: "local://5", guids: [] },
      undefined,
    ],
    [
      "personal media is not judged",
      { file: "/m/The Thing (1982) {tmdb-1091}/t.mkv", guid: "com.plexapp.agents.none://x", guids: [] },
      undefined,
    ],
    [
      "legacy agent: the guid is the ID",
      {
        file: "/m/The Thing (1982) {imdb-tt0084787}/t.mkv",
        guid: "com.plexapp.agents.imdb://tt0905372?lang=en",
        guids: [],
      },
      "id_conflict",
    ],
    [
      "an episode is never judged",
      { file: "/tv/Show (1982) {tmdb-1091}/s1e1.mkv", type: "episode" },
      undefined,
    ],
  ])("%s", (_, { file, ...over }, kind) => {
    expect(checkWrongMatch(movie(file ?? "", over))?.kind).toBe(kind);
  });

  it("judges shows by their folder, at show level", () => {
    const show = plexItem({
      type: "show",
      title: "Doctor Who",
      year: 1963,
      guid: "plex://show/1",
      guids: ["tvdb://76107"],
      files: [],
      locations: ["/tv/Doctor Who (2005) {tvdb-78804}"],
    });
    expect(checkWrongMatch(show)).toEqual({
      kind: "id_conflict",
      pathId: { source: "tvdb", id: "78804" },
      matchedId: { source: "tvdb", id: "76107" },
    });
    expect(checkWrongMatch({ ...show, locations: [] })).toBeUndefined();
  });
});

describe("detection and plan", () => {
  it("lists an id_conflict as wrong_match and plans a re-match", () => {
    const d = detectProblems(movie("/m/The Thing (1982) {tmdb-1091}/t.mkv"));
    expect(d.problems).toEqual(["wrong_match"]);
    expect(d.wrongMatch?.kind).toBe("id_conflict");
    expect(fixPlan(d, { matchUnmatched: true })).toBe("rematch");
    const evidence = wrongMatchEvidence(d.wrongMatch!);
    expect(evidence).toEqual({
      code: "id_conflict",
      params: { pathId: "tmdb-1091", matchedId: "tmdb-60935" },
    });
    expect(reasonText(evidence)).toBe(
      "wrong match (id_conflict): the path names tmdb-1091, Plex matched tmdb-60935",
    );
  });

  it("keeps a year suspicion out of the problems until a search confirms it", () => {
    const d = detectProblems(movie("/m/The Thing (1982)/The Thing (1982).mkv"));
    expect(d.problems).toEqual([]);
    expect(fixPlan(d, { matchUnmatched: true })).toBe("check_year");
  });

  it("a healthy decoy one year off has no problem and no suspicion", () => {
    const d = detectProblems(movie("/m/The Thing (2012)/The Thing (2012).mkv"));
    expect(d).toEqual({ problems: [], locked: [], personal: false });
  });

  it("never re-matches an unmatched item a person un-did", () => {
    const d = detectProblems(plexItem({ guid: "local://1", guids: [] }));
    expect(fixPlan(d, { matchUnmatched: true }, { matchUndone: true })).toMatchObject({
      state: "needs_review",
    });
    expect(fixPlan(d, { matchUnmatched: true }, {})).toBe("match");
  });
});

describe("confirmYear", () => {
  const suspect = { kind: "year_suspect" as const, pathYear: 1982, matchedYear: 2011, title: "The Thing" };
  it("confirms with a candidate of exactly that year, first", () => {
    const got = confirmYear(suspect, [
      { guid: "plex://movie/2011", name: "The Thing", year: 2011 },
      { guid: "plex://movie/1982", name: "The Thing", year: 1982 },
    ]);
    expect(got?.map((c) => c.year)).toEqual([1982, 2011]);
  });
  it("does not confirm with a near year only", () => {
    expect(confirmYear(suspect, [{ guid: "plex://movie/x", name: "The Thing", year: 1983 }])).toBeUndefined();
    expect(confirmYear(suspect, [])).toBeUndefined();
  });
});
