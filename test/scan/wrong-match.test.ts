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

describe("nameEvidence, exactly", () => {
  it.each<{ name: string; files?: string[]; locations?: string[]; evidence: object }>([
    { name: "no year: no title either", files: ["/m/Heat/Heat.mkv"], evidence: { ids: [] } },
    {
      name: "a file at the top of the library",
      files: ["Heat (1995).mkv"],
      evidence: { ids: [], year: 1995, title: "Heat" },
    },
    {
      name: "a year at the very end of the name",
      files: ["/m/x/Heat 1995.mkv"],
      evidence: { ids: [], year: 1995, title: "Heat" },
    },
    { name: "a name that is only a year", files: ["/m/x/1995.mkv"], evidence: { ids: [], year: 1995 } },
    { name: "digits glued to a word are no year", files: ["/m/x/Heat1995 (x).mkv"], evidence: { ids: [] } },
    { name: "a year followed by a letter is no year", files: ["/m/x/Heat 1995x.mkv"], evidence: { ids: [] } },
    {
      name: "a name without an extension keeps its last part",
      files: ["/m/x/Heat.2001"],
      evidence: { ids: [] },
    },
    {
      name: "bracketed tags are read around, not as the year or title",
      files: ["/m/x/[2019 remaster] Heat (1995).mkv"],
      evidence: { ids: [], year: 1995, title: "Heat" },
    },
    {
      name: "a bracket between title and year",
      files: ["/m/x/Heat[x]1995.mkv"],
      evidence: { ids: [], year: 1995, title: "Heat" },
    },
    {
      name: "an edition tag",
      files: ["/m/x/{edition-2019} Heat (1995).mkv"],
      evidence: { ids: [], year: 1995, title: "Heat" },
    },
    {
      name: "separators before the year",
      files: ["/m/x/Heat -- (1995).mkv"],
      evidence: { ids: [], year: 1995, title: "Heat" },
    },
    {
      name: "runs of dots",
      files: ["/m/x/The..Thing 1982.mkv"],
      evidence: { ids: [], year: 1982, title: "The Thing" },
    },
    {
      name: "a TMDB id written like an IMDb one",
      files: ["/m/x/Heat {tmdb-tt949}.mkv"],
      evidence: { ids: [] },
    },
    {
      name: "a Windows path",
      files: ["C:\\Movies\\Heat (1995) {tmdb-949}\\Heat.mkv"],
      evidence: { ids: [{ source: "tmdb", id: "949" }], year: 1995, title: "Heat" },
    },
    {
      name: "a show's folder with a trailing slash, deep in the library",
      locations: ["/media/tv/Doctor Who (2005)/"],
      evidence: { ids: [], year: 2005, title: "Doctor Who" },
    },
  ])("$name", ({ files = [], locations = [], evidence }) => {
    const type = locations.length > 0 ? "show" : "movie";
    expect(nameEvidence({ type, files, locations })).toEqual(evidence);
  });
});

describe("matchedIds", () => {
  it.each([
    {
      name: "a legacy TVDB agent",
      guid: "com.plexapp.agents.thetvdb://78804?lang=en",
      guids: [],
      ids: [{ source: "tvdb", id: "78804" }],
    },
    {
      name: "a legacy IMDb id in capitals",
      guid: "com.plexapp.agents.imdb://TT0113277",
      guids: [],
      ids: [{ source: "imdb", id: "tt0113277" }],
    },
    {
      name: "a legacy agent's name inside another guid",
      guid: "x.com.plexapp.agents.imdb://tt1",
      guids: [],
      ids: [],
    },
    { name: "a provider inside another scheme", guid: "plex://movie/1", guids: ["ximdb://tt1"], ids: [] },
  ])("$name", ({ guid, guids, ids }) => {
    expect(matchedIds({ guid, guids })).toEqual(ids);
  });

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

describe("checkWrongMatch, exactly", () => {
  it.each([
    {
      name: "an ID that equals one of another provider is still a conflict",
      file: "/m/The Thing {tmdb-1245}/t.mkv", // tvdb://1245 is in the Guid list, tmdb://60935 too
      expected: {
        kind: "id_conflict",
        pathId: { source: "tmdb", id: "1245" },
        matchedId: { source: "tmdb", id: "60935" },
      },
    },
    {
      name: "a suspicion names the title the files give",
      file: "/m/Das Ding (1982)/Das Ding (1982).mkv",
      expected: { kind: "year_suspect", pathYear: 1982, matchedYear: 2011, title: "Das Ding" },
    },
    {
      name: "without a title in the files, the item's own",
      file: "/m/x/1982.mkv",
      expected: { kind: "year_suspect", pathYear: 1982, matchedYear: 2011, title: "The Thing" },
    },
  ])("$name", ({ file, expected }) => {
    expect(checkWrongMatch(movie(file))).toEqual(expected);
  });
});

describe("wrongMatchEvidence", () => {
  const suspect = { kind: "year_suspect", pathYear: 1982, matchedYear: 2011, title: "The Thing" } as const;
  it.each([
    {
      name: "an id conflict",
      w: {
        kind: "id_conflict",
        pathId: { source: "tmdb", id: "1091" },
        matchedId: { source: "tmdb", id: "60935" },
      } as const,
      exact: undefined,
      reason: { code: "id_conflict", params: { pathId: "tmdb-1091", matchedId: "tmdb-60935" } },
    },
    {
      name: "a year conflict with the search's offer",
      w: suspect,
      exact: [{ guid: "plex://movie/1982", name: "The Thing", year: 1982 }],
      reason: {
        code: "year_conflict",
        params: { pathYear: 1982, matchedYear: 2011, offer: "The Thing (1982)" },
      },
    },
    {
      name: "a year conflict without an offer",
      w: suspect,
      exact: [],
      reason: { code: "year_conflict", params: { pathYear: 1982, matchedYear: 2011 } },
    },
    {
      name: "a year conflict, nothing searched",
      w: suspect,
      exact: undefined,
      reason: { code: "year_conflict", params: { pathYear: 1982, matchedYear: 2011 } },
    },
  ])("$name", ({ w, exact, reason }) => {
    expect(wrongMatchEvidence(w, exact)).toEqual(reason);
  });
});
