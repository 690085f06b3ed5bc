import { describe, expect, it } from "vitest";
import type { PlexItem } from "../../src/plex/index.js";
import { detectProblems } from "../../src/scan/detect.js";
import { knownBatch } from "../../src/scan/known.js";
import { asDryRun, HEALTHY, type Outcome, outcome } from "../../src/scan/outcome.js";
import { HOUR_MS, type KnownItem } from "../../src/scan/policy.js";
import { fixPlan, showKeyOf, triage } from "../../src/scan/triage.js";
import { plexItem } from "../helpers/plex-item.js";

const NOW = 1_800_000_000_000;

const item = plexItem;

const personal = { guid: "com.plexapp.agents.none://x", guids: [], summary: undefined };
const noPoster = { thumb: undefined };
const failedAgo = (hours: number): KnownItem => ({ state: "failed", lastFailedAt: NOW - hours * HOUR_MS });
const episodeOfUnmatchedShow = {
  type: "episode",
  ratingKey: "70",
  grandparentRatingKey: "60",
  parentRatingKey: "65",
  grandparentGuid: "local://60",
  summary: undefined,
};

describe("triage", () => {
  // [name, item fields, prior, expected: "fix" | [state, action, note start, recorded, waitsForShow?]]
  it.each<
    [string, Partial<PlexItem>, KnownItem | undefined, "fix" | [string, string, string, boolean, string?]]
  >([
    ["healthy, never seen: nothing to say", {}, undefined, ["healthy", "check", "", false]],
    [
      "healthy, fixed before: nothing to say",
      {},
      { state: "fixed", lastFailedAt: null },
      ["healthy", "check", "", false],
    ],
    [
      "healthy after a failure: closed as fixed",
      {},
      failedAgo(1),
      ["fixed", "check", "healthy on re-check", true],
    ],
    [
      "healthy after a skip: closed as fixed",
      {},
      { state: "skipped", lastFailedAt: null },
      ["fixed", "check", "healthy on re-check", true],
    ],
    [
      "personal media, never seen: counted, no row",
      personal,
      undefined,
      ["skipped", "skip", "personal media", false],
    ],
    [
      "personal media with an old row: row updated",
      personal,
      failedAgo(100),
      ["skipped", "skip", "personal media", true],
    ],
    ["broken: fix", noPoster, undefined, "fix"],
    ["broken, failed 25 h ago: fix again", noPoster, failedAgo(25), "fix"],
    [
      "broken, failed an hour ago: backing off",
      noPoster,
      failedAgo(1),
      ["skipped", "skip", "failed recently; waiting until", true],
    ],
    [
      "broken after a transport error: no back-off",
      noPoster,
      { state: "error", lastFailedAt: NOW - 60_000 },
      "fix",
    ],
    [
      "poster missing and locked",
      { thumb: undefined, lockedFields: ["thumb"] },
      undefined,
      ["locked", "check", "locked field: no poster;", true],
    ],
    [
      "locked wins over back-off",
      { thumb: undefined, lockedFields: ["thumb"] },
      failedAgo(1),
      ["locked", "check", "locked field", true],
    ],
    [
      "partly locked: the rest is fixed",
      { thumb: undefined, summary: undefined, lockedFields: ["thumb"] },
      undefined,
      "fix",
    ],
    [
      "episode of an unmatched show waits for the show",
      episodeOfUnmatchedShow,
      undefined,
      ["skipped", "skip", "the show is not matched", true, "60"],
    ],
    [
      "season of an unmatched show waits for the show",
      { type: "season", ratingKey: "65", parentRatingKey: "60", parentGuid: "local://60", thumb: undefined },
      undefined,
      ["skipped", "skip", "the show is not matched", true, "60"],
    ],
    [
      "healthy episode of an unmatched show: nothing to say",
      { ...episodeOfUnmatchedShow, summary: "x" },
      undefined,
      ["healthy", "check", "", false],
    ],
    ["unmatched movie: fix (match)", { guid: "local://7", guids: [] }, undefined, "fix"],
    [
      "ignored and broken: left alone, no row written",
      noPoster,
      { state: "failed", lastFailedAt: null, ignored: true },
      ["ignored", "skip", "ignored by hand", false],
    ],
    [
      "ignored and unmatched: never matched",
      { guid: "local://7", guids: [] },
      { state: "needs_review", lastFailedAt: null, ignored: true },
      ["ignored", "skip", "ignored by hand", false],
    ],
    [
      "ignored wins over personal media, locks and back-off",
      { ...personal, thumb: undefined, lockedFields: ["thumb"] },
      { ...failedAgo(1), ignored: true },
      ["ignored", "skip", "ignored by hand", false],
    ],
    [
      "ignored and healthy: still left alone (the row keeps its state)",
      {},
      { state: "failed", lastFailedAt: null, ignored: true },
      ["ignored", "skip", "ignored by hand", false],
    ],
    [
      "unignored (ignored: false) and broken: fixed again",
      noPoster,
      { ...failedAgo(25), ignored: false },
      "fix",
    ],
    [
      // No problem yet, but the file names a year far from the match: a title search decides.
      "healthy fields but a year suspicion: not closed as healthy",
      { year: 1986, files: ["/movies/Heat (1995)/Heat (1995).mkv"] },
      undefined,
      "fix",
    ],
  ])("%s", (_name, fields, prior, expected) => {
    const it = item(fields);
    const got = triage({
      item: it,
      detection: detectProblems(it),
      prior,
      now: NOW,
      settings: { backoffHours: 24 },
    });
    if (expected === "fix") return expect(got).toBe("fix");
    expect(got).not.toBe("fix");
    const o = got as Outcome;
    const [state, action, note, record, waitsForShow] = expected;
    expect([o.state, o.action, o.record, o.waitsForShow]).toEqual([state, action, record, waitsForShow]);
    expect(o.note.startsWith(note), o.note).toBe(true);
    // Closing a case clears its problems; a healthy item has none to carry.
    if (state === "fixed" || state === "healthy") expect(o.problems).toEqual([]);
  });

  // A placeholder episode is refreshed when found, then only on its air-date schedule.
  it.each<{
    name: string;
    prior: KnownItem | undefined;
    expected: "fix" | { code: string; params?: object };
  }>([
    { name: "found for the first time: refreshed", prior: undefined, expected: "fix" },
    {
      name: "waiting, next check later: left alone",
      prior: { state: "waiting", lastFailedAt: null, nextCheckAt: NOW + HOUR_MS },
      expected: { code: "waiting_upstream", params: { until: new Date(NOW + HOUR_MS).toISOString() } },
    },
    {
      name: "waiting, its check is due now: refreshed",
      prior: { state: "waiting", lastFailedAt: null, nextCheckAt: NOW },
      expected: "fix",
    },
    {
      name: "waiting with no check left: only by hand",
      prior: { state: "waiting", lastFailedAt: null, nextCheckAt: null },
      expected: { code: "waiting_upstream_manual" },
    },
    { name: "failed an hour ago: refreshed, no back-off", prior: failedAgo(1), expected: "fix" },
  ])("placeholder episode: $name", ({ prior, expected }) => {
    const it = item({ type: "episode" });
    const got = triage({
      item: it,
      detection: { problems: ["placeholder_episode"], locked: [], personal: false },
      prior,
      now: NOW,
      settings: { backoffHours: 24 },
    });
    if (expected === "fix") return expect(got).toBe("fix");
    expect(got).toMatchObject({
      state: "waiting",
      action: "skip",
      reason: expected,
      problems: ["placeholder_episode"],
      record: false,
    });
  });

  // [name, item fields, prior, show ignored, expected state or "fix"]
  it.each<[string, Partial<PlexItem>, KnownItem | undefined, boolean, string]>([
    [
      "broken episode of an ignored show",
      { type: "episode", grandparentRatingKey: "60", thumb: undefined },
      undefined,
      true,
      "ignored",
    ],
    [
      "broken season of an ignored show",
      { type: "season", parentRatingKey: "60", thumb: undefined },
      undefined,
      true,
      "ignored",
    ],
    [
      "the ignore wins over waiting for the unmatched show",
      episodeOfUnmatchedShow,
      undefined,
      true,
      "ignored",
    ],
    ["the ignore wins over a back-off", { type: "episode", thumb: undefined }, failedAgo(1), true, "ignored"],
    [
      "the same episode, show not ignored",
      { type: "episode", grandparentRatingKey: "60", thumb: undefined },
      undefined,
      false,
      "fix",
    ],
  ])("%s", (_name, fields, prior, showIgnored, expected) => {
    const it = item(fields);
    const got = triage({
      item: it,
      detection: detectProblems(it),
      prior,
      showIgnored,
      now: NOW,
      settings: { backoffHours: 24 },
    });
    if (expected === "fix") return expect(got).toBe("fix");
    expect(got).toMatchObject({ state: expected, action: "skip", record: false });
    expect((got as Outcome).note).toMatch(/^its show is ignored by hand/);
  });

  it.each([
    ["movie", { type: "movie", parentRatingKey: "9" }, undefined],
    ["show", { type: "show" }, undefined],
    ["season", { type: "season", parentRatingKey: "60" }, "60"],
    ["episode", { type: "episode", parentRatingKey: "65", grandparentRatingKey: "60" }, "60"],
    ["episode without its show's key", { type: "episode", parentRatingKey: "65" }, undefined],
  ] as const)("showKeyOf: %s", (_name, fields, expected) => {
    expect(showKeyOf(item(fields))).toBe(expected);
  });

  it("knownBatch reads the items and their shows at once and tells which show is ignored", async () => {
    const asked: string[][] = [];
    const rows = new Map<string, KnownItem>([
      ["60", { state: "failed", lastFailedAt: null, ignored: true }],
      ["70", { state: "failed", lastFailedAt: 5 }],
      ["80", { state: "skipped", lastFailedAt: null }],
    ]);
    const store = {
      async knownStates(keys: readonly string[]) {
        asked.push([...keys]);
        return new Map([...rows].filter(([k]) => keys.includes(k)));
      },
    };
    const ep = item({ type: "episode", ratingKey: "70", parentRatingKey: "65", grandparentRatingKey: "60" });
    const ep2 = item({ type: "episode", ratingKey: "71", parentRatingKey: "65", grandparentRatingKey: "60" });
    const other = item({ type: "episode", ratingKey: "81", grandparentRatingKey: "80" });
    const movie = item({ ratingKey: "90" });
    const known = await knownBatch(store, [ep, ep2, other, movie]);
    expect(asked).toEqual([["70", "60", "71", "81", "80", "90"]]);
    expect(known.prior(ep)).toEqual({ state: "failed", lastFailedAt: 5 });
    expect(known.prior(ep2)).toBeUndefined();
    expect([ep, ep2, other, movie].map((i) => known.showIgnored(i))).toEqual([true, true, false, false]);
  });

  it("says until when a failed item waits, and logs a locked item", () => {
    const broken = item(noPoster);
    const waiting = triage({
      item: broken,
      detection: detectProblems(broken),
      prior: failedAgo(1),
      now: NOW,
      settings: { backoffHours: 24 },
    });
    expect((waiting as Outcome).note).toBe(
      `failed recently; waiting until ${new Date(NOW + 23 * HOUR_MS).toISOString()} before the next try`,
    );
    const locked = item({ thumb: undefined, lockedFields: ["thumb"] });
    const o = triage({
      item: locked,
      detection: detectProblems(locked),
      prior: undefined,
      now: NOW,
      settings: { backoffHours: 24 },
    });
    expect((o as Outcome).log).toEqual({ level: "info", message: "Locked: Heat (1995) (no poster)" });
  });
});

describe("fixPlan", () => {
  // "The Thing (1982)" matched to the 2011 film: its guids name TMDB 60935, the 1982 film is 1091.
  const thing2011 = {
    title: "The Thing",
    year: 2011,
    guid: "plex://movie/5d776b5b",
    guids: ["imdb://tt0905372", "tmdb://60935"],
  };
  const unmatchedItem = { guid: "local://7", guids: [] };
  interface PlanCase {
    name: string;
    fields: Partial<PlexItem>;
    matchUnmatched: boolean;
    prior?: Pick<KnownItem, "matchUndone">;
    /** A plan, or the review outcome's note. */
    expected: string | { review: string };
  }
  it.each<PlanCase>([
    { name: "a broken poster is refreshed", fields: noPoster, matchUnmatched: true, expected: "refresh" },
    { name: "an unmatched item is matched", fields: unmatchedItem, matchUnmatched: true, expected: "match" },
    {
      name: "an unmatched item seen before, never undone, is matched",
      fields: unmatchedItem,
      matchUnmatched: true,
      prior: { matchUndone: false },
      expected: "match",
    },
    {
      name: "with matching off it goes to review",
      fields: unmatchedItem,
      matchUnmatched: false,
      expected: { review: "unmatched; automatic matching is switched off" },
    },
    {
      name: "an item whose match a person undid is never matched again by a scan",
      fields: unmatchedItem,
      matchUnmatched: true,
      prior: { matchUndone: true },
      expected: { review: "unmatched; a person undid the app's match" },
    },
    {
      name: "matching off does not stop a refresh",
      fields: noPoster,
      matchUnmatched: false,
      expected: "refresh",
    },
    {
      name: "an undone match does not stop a refresh of a matched item",
      fields: noPoster,
      matchUnmatched: true,
      prior: { matchUndone: true },
      expected: "refresh",
    },
    {
      name: "an ID in the path that contradicts the match: a re-match",
      fields: { ...thing2011, files: ["/m/The Thing (1982) {tmdb-1091}/The Thing.mkv"] },
      matchUnmatched: true,
      expected: "rematch",
    },
    {
      name: "only the year in the path is far off: a title search first",
      fields: { ...thing2011, files: ["/m/The Thing (1982)/The Thing (1982).mkv"] },
      matchUnmatched: true,
      expected: "check_year",
    },
  ])("$name", ({ fields, matchUnmatched, prior, expected }) => {
    const plan = fixPlan(detectProblems(item(fields)), { matchUnmatched }, prior);
    if (typeof expected === "string") expect(plan).toBe(expected);
    else expect(plan).toMatchObject({ state: "needs_review", action: "check", note: expected.review });
  });
});

describe("asDryRun", () => {
  const base = (state: Parameters<typeof outcome>[0], action: Parameters<typeof outcome>[1]) =>
    outcome(state, action, { code: "healthy_on_recheck" }, []);
  it.each<[string, Outcome, string, string]>([
    ["a refresh that would be sent", base("would_fix", "refresh"), "would_fix", "dry_run"],
    ["a match that would be sent", base("would_fix", "match"), "would_fix", "dry_run"],
    ["no match found: would still need fixing", base("failed", "match"), "would_fix", "dry_run"],
    ["a review stays a review", base("needs_review", "match"), "needs_review", "dry_run"],
    ["a check is what happened", base("fixed", "check"), "fixed", "check"],
    ["a skip is what happened", base("skipped", "skip"), "skipped", "skip"],
    ["an error really happened", base("error", "refresh"), "error", "refresh"],
    ["healthy stays healthy", HEALTHY, "healthy", "check"],
  ])("%s", (_name, o, state, action) => {
    const dry = asDryRun(o);
    expect([dry.state, dry.action]).toEqual([state, action]);
  });
});
