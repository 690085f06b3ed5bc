import { describe, expect, it } from "vitest";
import type { Reason } from "../../../../src/contracts/reasons";
import type { ItemResource, MatchCandidate } from "../../../../src/contracts/schemas";
import { type PrimaryAction, type PrimaryInput, primaryAction } from "./primaryAction";

const item = (over: Partial<ItemResource>): ItemResource => ({
  ratingKey: "10",
  library: "Movies",
  type: "movie",
  title: "Keeper of Havana (1978)",
  year: 1978,
  state: "fixed",
  problems: [],
  note: null,
  reason: null,
  candidates: null,
  attempts: 1,
  lastCheckedAt: "2026-12-08T10:00:00.000Z",
  lastFailedAt: null,
  fixedAt: null,
  ignoredAt: null,
  ignoreReason: null,
  lastJobId: 1,
  ...over,
});

const cand = (guid: string, year: number, current = false): MatchCandidate => ({
  guid,
  name: "Keeper of Havana",
  year,
  score: null,
  summary: null,
  hasPoster: true,
  ids: [],
  current,
});

const old = cand("plex://movie/old", 1978, true);
const right = cand("plex://movie/right", 2003);
const other = cand("plex://movie/other", 2004);
const yearConflict: Reason = { code: "year_conflict", params: { pathYear: 2003, matchedYear: 1978 } };

const input = (
  over: Partial<ItemResource>,
  candidates: MatchCandidate[] = [],
  showRatingKey: string | null = null,
): PrimaryInput => ({ item: item(over), candidates, plex: { showRatingKey } });

describe("primaryAction", () => {
  it.each<{ name: string; input: PrimaryInput; expected: PrimaryAction }>([
    {
      name: "a year conflict with one candidate of the path's year: use it",
      input: input({ state: "needs_review", problems: ["wrong_match"], reason: yearConflict }, [
        right,
        old,
        other,
      ]),
      expected: { kind: "use_candidate", candidate: right },
    },
    {
      name: "a year conflict with two candidates of the path's year: the picker",
      input: input({ state: "needs_review", problems: ["wrong_match"], reason: yearConflict }, [
        right,
        cand("plex://movie/twin", 2003),
      ]),
      expected: { kind: "find_match" },
    },
    {
      name: "a wrong match under review whose evidence is nested: the only other candidate",
      input: input(
        {
          state: "needs_review",
          problems: ["wrong_match"],
          reason: {
            code: "wrong_match_review",
            params: {
              evidence: { code: "id_conflict", params: { pathId: "tmdb-1", matchedId: "tmdb-2" } },
              why: { code: "person_decides_matching_off" },
            },
          },
        },
        [old, right],
      ),
      expected: { kind: "use_candidate", candidate: right },
    },
    {
      name: "a dry run's re-match names its target by guid",
      input: input(
        {
          state: "would_fix",
          problems: ["wrong_match"],
          reason: { code: "would_rematch", params: { to: "Keeper of Havana (2004)", guid: other.guid } },
        },
        [right, other],
      ),
      expected: { kind: "use_candidate", candidate: other },
    },
    {
      name: "a dry run's match of an unmatched item: use the chosen candidate",
      input: input(
        {
          state: "would_fix",
          problems: ["unmatched"],
          reason: { code: "would_match", params: { to: "Keeper of Havana (2003)", guid: right.guid } },
        },
        [right],
      ),
      expected: { kind: "use_candidate", candidate: right },
    },
    {
      name: "unmatched with candidates the scan did not trust: the picker",
      input: input(
        {
          state: "needs_review",
          problems: ["unmatched"],
          reason: { code: "match_review", params: { why: { code: "score_inconclusive" } } },
        },
        [right],
      ),
      expected: { kind: "find_match" },
    },
    {
      name: "unmatched, nothing found: the picker",
      input: input({ state: "failed", problems: ["unmatched"], reason: { code: "no_match_found" } }),
      expected: { kind: "find_match" },
    },
    {
      name: "the current match is never the one to use",
      input: input({ state: "needs_review", problems: ["wrong_match"], reason: yearConflict }, [
        cand("plex://movie/old", 2003, true),
      ]),
      expected: { kind: "find_match" },
    },
    {
      name: "locked: explain and open Plex",
      input: input({
        state: "locked",
        problems: ["no_poster"],
        reason: { code: "locked_fields", params: { locked: ["no_poster"] } },
      }),
      expected: { kind: "locked", fields: ["no_poster"] },
    },
    {
      name: "an episode waiting for its show: go to the show",
      input: input(
        {
          type: "episode",
          state: "skipped",
          problems: ["episode_no_summary"],
          reason: { code: "show_not_matched" },
        },
        [],
        "196",
      ),
      expected: { kind: "go_to_show", showRatingKey: "196" },
    },
    {
      name: "waiting for a show Plex did not name: nothing to put first",
      input: input({
        type: "season",
        state: "skipped",
        problems: ["season_no_poster"],
        reason: { code: "show_not_matched" },
      }),
      expected: { kind: "none" },
    },
    {
      name: "ignored: stop ignoring, whatever else",
      input: input({ state: "ignored", problems: ["unmatched"], reason: { code: "ignored_by_hand" } }),
      expected: { kind: "unignore" },
    },
    {
      name: "a missing poster or summary: refresh",
      input: input({ state: "would_fix", problems: ["no_poster"], reason: { code: "would_refresh" } }),
      expected: { kind: "refresh" },
    },
    {
      name: "a failed fix with no problem left on record: refresh",
      input: input({ state: "error", reason: { code: "plex_error" } }),
      expected: { kind: "refresh" },
    },
    {
      name: "healthy: nothing to put first",
      input: input({ state: "fixed", reason: { code: "fixed", params: { cleared: ["no_poster"] } } }),
      expected: { kind: "none" },
    },
  ])("$name", ({ input, expected }) => {
    expect(primaryAction(input)).toEqual(expected);
  });
});
