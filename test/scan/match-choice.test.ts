import { describe, expect, it } from "vitest";
import {
  type Candidate,
  chooseById,
  chooseByTitle,
  externalIdFromPaths,
  normaliseTitle,
  searchTitle,
} from "../../src/scan/match-choice.js";
import { askInstead } from "../../src/scan/match-search.js";

const c = (
  name: string,
  year?: number,
  score?: number,
  guid = `plex://movie/${name}-${year}`,
): Candidate => ({
  guid,
  name,
  ...(year === undefined ? {} : { year }),
  ...(score === undefined ? {} : { score }),
});

describe("externalIdFromPaths", () => {
  it.each<[string[], ReturnType<typeof externalIdFromPaths>]>([
    [["/movies/Heat (1995) {imdb-tt0113277}/Heat (1995).mkv"], { source: "imdb", id: "tt0113277" }],
    [["/movies/Heat (1995)/Heat (1995) {tmdb-949}.mkv"], { source: "tmdb", id: "949" }],
    [["/tv/Dark (2017) {tvdb-334824}"], { source: "tvdb", id: "334824" }],
    [["/movies/Heat {IMDB-TT0113277}/x.mkv"], { source: "imdb", id: "tt0113277" }],
    [["/movies/Heat (1995)/Heat.mkv"], undefined],
    [["/movies/Heat {imdb-0113277}/Heat.mkv"], undefined],
    [["/movies/Heat {tmdb-abc}/Heat.mkv"], undefined],
    [["/movies/Heat {tmdb-tt949}/Heat.mkv"], undefined],
    [["/movies/A {tmdb-1}/B {tmdb-2}.mkv"], { source: "tmdb", id: "2" }],
    [["/a/plain.mkv", "/b/Other {imdb-tt42}/x.mkv"], { source: "imdb", id: "tt42" }],
    [[], undefined],
  ])("%j", (paths, expected) => {
    expect(externalIdFromPaths(paths)).toEqual(expected);
  });
});

describe("normaliseTitle", () => {
  it.each([
    ["The Matrix", "matrix"],
    ["Amélie", "amelie"],
    ["Fast & Furious", "fast and furious"],
    ["Das Boot – Director's Cut", "boot director s cut"],
    ["  Léon:  The Professional ", "leon the professional"],
    ["千と千尋の神隠し", "千と千尋の神隠し"],
    ["!!!", ""],
    ["Ærø Ø", "aero o"],
    ["Straße", "strasse"],
  ])("%s → %s", (input, output) => {
    expect(normaliseTitle(input)).toBe(output);
  });
});

describe("chooseById", () => {
  const id = { source: "imdb", id: "tt0113277" } as const;
  it("takes the single result", () => {
    const r = chooseById(id, [c("Heat", 1995)]);
    expect(r.decision).toBe("match");
  });
  it("sends several results to review", () => {
    expect(chooseById(id, [c("Heat", 1995), c("Heat", 1986)]).decision).toBe("review");
  });
  it("reports no result", () => {
    expect(chooseById(id, [])).toEqual({
      decision: "none",
      reason: { code: "id_no_result", params: { id: "imdb-tt0113277" } },
    });
  });
});

describe("the reasons of a choice", () => {
  const id = { source: "tmdb", id: "949" } as const;
  it("by ID: the one result, or several for a person", () => {
    expect(chooseById(id, [c("Heat", 1995)])).toEqual({
      decision: "match",
      candidate: c("Heat", 1995),
      reason: { code: "id_from_filename", params: { id: "tmdb-949" } },
    });
    const several = [c("Heat", 1995), c("Heat", 1986)];
    const r = chooseById(id, several);
    expect(r).toEqual({
      decision: "review",
      candidates: several,
      reason: { code: "id_several", params: { count: 2, id: "tmdb-949" } },
    });
    if (r.decision === "review") expect(r.candidates).not.toBe(several);
  });

  it.each([
    {
      name: "no usable title",
      item: { title: "???", year: 1995 },
      candidates: [c("Heat", 1995)],
      expected: { decision: "none", reason: { code: "no_usable_title" } },
    },
    {
      name: "no candidates",
      item: { title: "Heat", year: 1995 },
      candidates: [],
      expected: { decision: "none", reason: { code: "no_candidates" } },
    },
    {
      name: "a clear score",
      item: { title: "Heat", year: 1995 },
      candidates: [c("Heat", 1986, 70), c("Heat", 1995, 96)],
      expected: {
        decision: "match",
        candidate: c("Heat", 1995, 96),
        reason: { code: "score_clear", params: { score: 96, runnerUp: 70 } },
      },
    },
    {
      name: "a clear score without a runner-up",
      item: { title: "Heat", year: 1995 },
      candidates: [c("Heat", 1995, 96)],
      expected: {
        decision: "match",
        candidate: c("Heat", 1995, 96),
        reason: { code: "score_clear", params: { score: 96, runnerUp: null } },
      },
    },
    {
      name: "an inconclusive score, ranked",
      item: { title: "Heat", year: 1995 },
      candidates: [c("Heat", 1996, 90), c("Heat", 1995, 95)],
      expected: {
        decision: "review",
        candidates: [c("Heat", 1995, 95), c("Heat", 1996, 90)],
        reason: { code: "score_inconclusive", params: { score: 95, runnerUp: 90 } },
      },
    },
    {
      name: "a low score alone",
      item: { title: "Heat", year: 1995 },
      candidates: [c("Heat", 1995, 80)],
      expected: {
        decision: "review",
        candidates: [c("Heat", 1995, 80)],
        reason: { code: "score_inconclusive", params: { score: 80, runnerUp: null } },
      },
    },
    {
      name: "one exact title near the year",
      item: { title: "Heat", year: 1996 },
      candidates: [c("Heat", 1995), c("Heated", 1996)],
      expected: { decision: "match", candidate: c("Heat", 1995), reason: { code: "exact_title_near_year" } },
    },
    {
      name: "a candidate without a year matches by title",
      item: { title: "Heat", year: 1995 },
      candidates: [c("Heat")],
      expected: { decision: "match", candidate: c("Heat"), reason: { code: "exact_title_near_year" } },
    },
    {
      name: "two remakes, one of the exact year",
      item: { title: "Dune", year: 2021 },
      candidates: [c("Dune", 2020), c("Dune", 2021)],
      expected: {
        decision: "match",
        candidate: c("Dune", 2021),
        reason: { code: "exact_title_only_exact_year" },
      },
    },
    {
      name: "two of the exact year",
      item: { title: "Dune", year: 2021 },
      candidates: [
        c("Dune", 2021, undefined, "plex://a"),
        c("Dune", 2021, undefined, "plex://b"),
        c("Other", 2021),
      ],
      expected: {
        decision: "review",
        candidates: [c("Dune", 2021, undefined, "plex://a"), c("Dune", 2021, undefined, "plex://b")],
        reason: { code: "shared_title_year", params: { count: 2 } },
      },
    },
    {
      name: "namesakes and no year on the item",
      item: { title: "Heat" },
      candidates: [c("Heat", 1995), c("Heat", 1986)],
      expected: {
        decision: "review",
        candidates: [c("Heat", 1995), c("Heat", 1986)],
        reason: { code: "shared_title_year", params: { count: 2 } },
      },
    },
    {
      name: "no title of the same name and year",
      item: { title: "Heat", year: 1995 },
      candidates: [c("Heated", 1995), c("Heat", 1990)],
      expected: {
        decision: "review",
        candidates: [c("Heated", 1995), c("Heat", 1990)],
        reason: { code: "no_same_title_year" },
      },
    },
  ])("$name", ({ item, candidates, expected }) => {
    expect(chooseByTitle(item, candidates)).toEqual(expected);
  });
});

describe("chooseByTitle", () => {
  it.each<
    [string, { title: string; year?: number }, Candidate[], "match" | "review" | "none", string | undefined]
  >([
    [
      "exact title and year",
      { title: "Heat", year: 1995 },
      [c("Heat", 1995), c("Heat Wave", 1995)],
      "match",
      "Heat-1995",
    ],
    ["year off by one is accepted", { title: "Heat", year: 1996 }, [c("Heat", 1995)], "match", "Heat-1995"],
    ["year off by two is not", { title: "Heat", year: 1997 }, [c("Heat", 1995)], "review", undefined],
    [
      "accents and articles are folded",
      { title: "The Amelie", year: 2001 },
      [c("Amélie", 2001)],
      "match",
      "Amélie-2001",
    ],
    [
      "two remakes, one exact year",
      { title: "Dune", year: 2021 },
      [c("Dune", 2021), c("Dune", 2020)],
      "match",
      "Dune-2021",
    ],
    [
      "two same-year namesakes go to review",
      { title: "Dune", year: 2021 },
      [c("Dune", 2021, undefined, "plex://a"), c("Dune", 2021, undefined, "plex://b")],
      "review",
      undefined,
    ],
    [
      "no year on the item: unique title wins",
      { title: "Heat" },
      [c("Heat", 1995), c("Heatwave", 2022)],
      "match",
      "Heat-1995",
    ],
    [
      "no year on the item: namesakes go to review",
      { title: "Heat" },
      [c("Heat", 1995), c("Heat", 1986)],
      "review",
      undefined,
    ],
    ["different titles only", { title: "Heat", year: 1995 }, [c("Heated", 1995)], "review", undefined],
    ["no candidates", { title: "Heat", year: 1995 }, [], "none", undefined],
    ["no usable title", { title: "???", year: 1995 }, [c("Heat", 1995)], "none", undefined],
    [
      "score above threshold with a clear gap",
      { title: "Heat", year: 1995 },
      [c("Heat", 1995, 96), c("Heat", 1986, 70)],
      "match",
      "Heat-1995",
    ],
    [
      "score may exceed 100",
      { title: "Heat", year: 1995 },
      [c("Heat", 1995, 106), c("Heat", 1986, 86)],
      "match",
      "Heat-1995",
    ],
    ["score below threshold", { title: "Heat", year: 1995 }, [c("Heat", 1995, 80)], "review", undefined],
    [
      "runner-up too close",
      { title: "Heat", year: 1995 },
      [c("Heat", 1995, 95), c("Heat", 1996, 90)],
      "review",
      undefined,
    ],
    ["high score but wrong year", { title: "Heat", year: 2005 }, [c("Heat", 1995, 99)], "review", undefined],
    [
      "scores are ranked whatever the order",
      { title: "Heat", year: 1995 },
      [c("Heat", 1986, 60), c("Heat", 1995, 97)],
      "match",
      "Heat-1995",
    ],
  ])("%s", (_name, item, candidates, decision, chosen) => {
    const r = chooseByTitle(item, candidates);
    expect(r.decision).toBe(decision);
    if (r.decision === "match") expect(`${r.candidate.name}-${r.candidate.year}`).toBe(chosen);
    if (r.decision === "review") expect(r.candidates.length).toBeGreaterThan(0);
  });
});

describe("searchTitle", () => {
  it.each<[string, { title: string; year?: number }]>([
    ["Heat", { title: "Heat" }],
    ["The Matrix", { title: "The Matrix" }],
    ["the.matrix.1999.1080p.bluray.x264", { title: "the matrix", year: 1999 }],
    ["falcon of cordoba remux 2160p", { title: "falcon of cordoba" }],
    ["greta and the brave hunter remux dvdrip", { title: "greta and the brave hunter" }],
    ["Blade Runner 2049 (2017)", { title: "Blade Runner 2049", year: 2017 }],
    ["1917 (2019) [1080p]", { title: "1917", year: 2019 }],
    ["Amélie_2001_WEB-DL", { title: "Amélie", year: 2001 }],
    ["Heat {imdb-tt0113277}", { title: "Heat" }],
    ["The Webcam 2005", { title: "The Webcam", year: 2005 }],
    ["The Starweb 1999", { title: "The Starweb", year: 1999 }],
    ["Heat{x}Fire", { title: "Heat Fire" }],
    ["[group] 1080p Movie", { title: "1080p Movie" }],
    ["  [only tags]  ", { title: "[only tags]" }],
    ["1917", { title: "1917" }],
    ["Title 19(99)", { title: "Title 19(99)" }],
    ["Title (19)99", { title: "Title (19)99" }],
    ["Movie 12019", { title: "Movie 12019" }],
    ["Movie 20190", { title: "Movie 20190" }],
  ])("%s", (raw, expected) => {
    // Strict: a title without a year has no year key at all.
    expect(searchTitle(raw)).toStrictEqual(expected);
  });
});

describe("the score rule and automatic matching from the settings", () => {
  const scored = (scores: number[]) =>
    scores.map((score, i) => ({ guid: `plex://movie/${i}`, name: "Alien", year: 1979, score }));
  it.each([
    [[90, 70], { minScore: 85, minLead: 10 }, "match"],
    [[84, 60], { minScore: 85, minLead: 10 }, "review"],
    [[84, 60], { minScore: 80, minLead: 10 }, "match"],
    [[95, 90], { minScore: 85, minLead: 10 }, "review"],
    [[95, 90], { minScore: 85, minLead: 5 }, "match"],
    [[100], { minScore: 100, minLead: 100 }, "match"],
  ])("scores %j with %j → %s", (scores, rule, decision) => {
    expect(chooseByTitle({ title: "Alien", year: 1979 }, scored(scores), rule).decision).toBe(decision);
  });

  it("never matching automatically turns a clear choice into a question, its pick first", () => {
    const results = scored([90, 70, 50]);
    const clear = chooseByTitle({ title: "Alien", year: 1979 }, results);
    const asked = askInstead(clear, results);
    expect(asked.decision).toBe("review");
    if (asked.decision === "review") {
      expect(asked.candidates.map((c) => c.guid)).toEqual([
        "plex://movie/0",
        "plex://movie/1",
        "plex://movie/2",
      ]);
      expect(asked.reason.code).toBe("person_decides_matching_off");
    }
    const unclear = chooseByTitle({ title: "Alien", year: 1979 }, scored([80, 75]));
    expect(askInstead(unclear, results)).toBe(unclear);
  });
});
