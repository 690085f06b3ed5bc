import { describe, expect, it } from "vitest";
import { type PlexItem, PlexNotFoundError } from "../../src/plex/index.js";
import { detectProblems } from "../../src/scan/detect.js";
import {
  ItemNotFoundError,
  matchDecision,
  outcomeAfterFix,
  outcomeOfError,
  refreshIntent,
} from "../../src/scan/fix.js";
import type { Candidate, MatchChoice } from "../../src/scan/match-choice.js";
import { chooseMatch, idQuery, type MatchQuery, titleQuery } from "../../src/scan/match-search.js";
import { candidateLabel } from "../../src/scan/outcome.js";
import { plexItem } from "../helpers/plex-item.js";

const item = plexItem;

const heat: Candidate = { guid: "plex://movie/heat", name: "Heat", year: 1995 };
const unmatched = item({
  title: "heat.1995.1080p",
  year: undefined,
  guid: "local://7",
  guids: [],
  thumb: "/grab",
});

describe("outcomeAfterFix", () => {
  it.each<[string, PlexItem, PlexItem, "event" | "timeout", string, string]>([
    ["refresh cleared everything", item({ thumb: undefined }), item(), "event", "fixed", "fixed: no poster"],
    [
      "refresh changed nothing, and Plex never said it finished",
      item({ thumb: undefined }),
      item({ thumb: undefined }),
      "timeout",
      "failed",
      "still no poster after refresh (Plex did not report completion in time)",
    ],
    [
      "only a locked field is left",
      item({ thumb: undefined, summary: undefined }),
      item({ thumb: undefined, lockedFields: ["thumb"] }),
      "event",
      "locked",
      "fixed: no summary; locked field: no poster",
    ],
  ])("refresh: %s", (_name, before, after, how, state, note) => {
    const o = outcomeAfterFix(before, after, { kind: "refresh" }, how);
    expect([o.state, o.action, o.note]).toEqual([state, "refresh", note]);
    expect(o.item).toBe(after);
    expect(o.matched).toBeUndefined();
  });

  it.each<[string, PlexItem, "event" | "timeout", string, boolean, string]>([
    [
      "the match took",
      item(),
      "event",
      "fixed",
      true,
      "matched to Heat (1995) by score 95 (runner-up none); fixed: not matched to any agent, no poster",
    ],
    [
      "the match took but the summary is missing",
      item({ summary: undefined }),
      "event",
      "failed",
      true,
      "matched to Heat (1995) by score 95 (runner-up none); still no summary after refresh (fixed: not matched to any agent, no poster)",
    ],
    ["the match did not take", unmatched, "event", "failed", false, "match to Heat (1995) did not take"],
    [
      "the match did not take in time",
      unmatched,
      "timeout",
      "failed",
      false,
      "match to Heat (1995) did not take (Plex did not report completion in time)",
    ],
  ])("match: %s", (_name, after, how, state, matched, note) => {
    const o = outcomeAfterFix(
      unmatched,
      after,
      { kind: "match", target: heat, reason: { code: "score_clear", params: { score: 95, runnerUp: null } } },
      how,
    );
    expect([o.state, o.action, o.note, !!o.matched]).toEqual([state, "match", note, matched]);
    expect(o.candidates).toEqual([heat]);
    expect(o.log?.message).toMatch(
      matched ? /^Matched: heat\.1995\.1080p — / : /^Match failed: heat\.1995\.1080p — /,
    );
  });

  it("a match by hand says so", () => {
    const hand = { code: "chosen_by_hand" } as const;
    const o = outcomeAfterFix(unmatched, item(), { kind: "match", target: heat, reason: hand }, "poll");
    expect(o.reason).toMatchObject({ code: "matched", params: { to: "Heat (1995)", by: hand } });
    expect(o.note).toMatch(/^matched to Heat \(1995\) by hand; fixed/);
  });
});

describe("matchDecision and refreshIntent", () => {
  const d = detectProblems(unmatched);
  it.each<[string, MatchChoice, string, string, number]>([
    [
      "nothing found",
      { decision: "none", reason: { code: "no_candidates" } },
      "failed",
      "unmatched; no match found (Plex found no match candidates)",
      0,
    ],
    [
      "too close to call: at most ten candidates kept",
      {
        decision: "review",
        candidates: Array.from({ length: 12 }, (_, i) => ({ ...heat, guid: `g${i}` })),
        reason: { code: "shared_title_year", params: { count: 2 } },
      },
      "needs_review",
      "unmatched; 2 candidates share title and year",
      10,
    ],
    [
      "a clear match: what would be sent",
      { decision: "match", candidate: heat, reason: { code: "exact_title_near_year" } },
      "would_fix",
      "would match to Heat (1995) [plex://movie/heat] by exact title, year within ±1",
      1,
    ],
  ])("%s", (_name, choice, state, note, candidates) => {
    const decided = matchDecision(unmatched, d, choice);
    const o = "intent" in decided ? decided.intent : decided;
    expect([o.state, o.action, o.note, o.candidates?.length ?? 0]).toEqual([
      state,
      "match",
      note,
      candidates,
    ]);
    if ("request" in decided)
      expect(decided.request).toEqual({ kind: "match", target: heat, reason: choice.reason });
  });

  it("a refresh intent names the problems", () => {
    const o = refreshIntent(
      item({ thumb: undefined, summary: undefined }),
      detectProblems(item({ thumb: undefined, summary: undefined })),
    );
    expect([o.state, o.action, o.note]).toEqual([
      "would_fix",
      "refresh",
      "would refresh: no poster, no summary",
    ]);
  });
});

describe("outcomeOfError", () => {
  const d = detectProblems(item({ thumb: undefined }));
  it.each<[string, unknown, string, string]>([
    [
      "our own not-found",
      new ItemNotFoundError("7"),
      "skipped",
      "no longer in Plex (deleted while scanning)",
    ],
    [
      "Plex's 404",
      new PlexNotFoundError({ url: "/library/metadata/7" } as never),
      "skipped",
      "no longer in Plex (deleted while scanning)",
    ],
    ["anything else is Plex's error", new Error("socket hang up"), "error", "Plex error: socket hang up"],
    ["not even an Error", "boom", "error", "Plex error: boom"],
  ])("%s", (_name, error, state, note) => {
    const o = outcomeOfError(item({ thumb: undefined }), d, error);
    expect([o.state, o.note]).toEqual([state, note]);
  });
});

describe("match search", () => {
  const section = { agent: "tv.plex.agents.movie", language: "de-DE" };
  it.each<[string, Pick<PlexItem, "title" | "year">, { title?: string; year?: number }, MatchQuery]>([
    [
      "a clean title with its year",
      { title: "Heat", year: 1995 },
      {},
      { title: "Heat", year: 1995, ...section },
    ],
    [
      "a file name: the clean part and its year",
      { title: "the.matrix.1999.1080p.bluray" },
      {},
      { title: "the matrix", year: 1999, ...section },
    ],
    [
      "the item's year wins over one in the name",
      { title: "Heat 1994", year: 1995 },
      {},
      { title: "Heat", year: 1995, ...section },
    ],
    [
      "what a person typed wins",
      { title: "x", year: 1990 },
      { title: "Heat", year: 1995 },
      { title: "Heat", year: 1995, ...section },
    ],
  ])("%s", (_name, it, wanted, expected) => {
    expect(titleQuery(it, section, wanted)).toEqual(expected);
  });

  it("an ID lookup asks for the ID alone", () => {
    expect(idQuery({ source: "imdb", id: "tt0113277" }, section)).toEqual({
      title: "imdb-tt0113277",
      ...section,
    });
  });

  it("asks by ID first and falls back to the title when the ID finds nothing", async () => {
    const asked: MatchQuery[] = [];
    const withId = item({ ...unmatched, files: ["/m/Heat (1995) {imdb-tt0113277}/heat.mkv"] });
    const byId = await chooseMatch(withId, section, async (q) => {
      asked.push(q);
      return [heat];
    });
    expect(byId).toMatchObject({
      decision: "match",
      reason: { code: "id_from_filename", params: { id: "imdb-tt0113277" } },
    });
    expect(asked.map((q) => q.title)).toEqual(["imdb-tt0113277"]);
    asked.length = 0;
    const byTitle = await chooseMatch(withId, section, async (q) => {
      asked.push(q);
      return q.title === "heat" ? [heat] : [];
    });
    expect(byTitle.decision).toBe("match");
    expect(asked.map((q) => q.title)).toEqual(["imdb-tt0113277", "heat"]);
  });

  it.each([
    [{ name: "Heat", year: 1995 }, "Heat (1995)"],
    [{ name: "Heat" }, "Heat"],
  ])("labels %o as %s", (c, label) => {
    expect(candidateLabel(c)).toBe(label);
  });
});
