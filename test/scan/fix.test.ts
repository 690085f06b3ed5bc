import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { type EmulatorHandle, startEmulator } from "../../emulator/index.js";
import {
  PlexAuthError,
  PlexClient,
  PlexError,
  PlexHttpError,
  type PlexItem,
  PlexNotFoundError,
  PlexResponseError,
  PlexUnreachableError,
} from "../../src/plex/index.js";
import { CompletionTracker } from "../../src/scan/completion.js";
import { detectProblems } from "../../src/scan/detect.js";
import {
  type FixRequest,
  fixAndVerify,
  ItemNotFoundError,
  matchDecision,
  matchRefLabel,
  matchRefOf,
  outcomeAfterFix,
  outcomeOfError,
  plexErrorReason,
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
    // The job log's line: what happened first, warned only when the item is still broken.
    const label = { fixed: "Fixed", failed: "Still broken", locked: "Locked" }[state];
    expect(o.log).toEqual({
      level: state === "failed" ? "warn" : "info",
      message: `${label}: Heat (1995) — ${note}`,
    });
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
    expect(o.log).toEqual({
      level: state === "fixed" ? "info" : "warn",
      message: `${matched ? "Matched" : "Match failed"}: heat.1995.1080p — ${note}`,
    });
    // What the match replaced, for an undo: only when the guid really changed.
    expect(o.matchedFrom).toEqual(matched ? { guid: null, title: "heat.1995.1080p", year: null } : undefined);
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
    const log = {
      failed: { level: "warn", message: "No match: heat.1995.1080p — Plex found no match candidates" },
      needs_review: {
        level: "warn",
        message: "Needs review: heat.1995.1080p — 2 candidates share title and year",
      },
      would_fix: {
        level: "info",
        message: "Would match: heat.1995.1080p → Heat (1995) (exact title, year within ±1)",
      },
    }[state];
    expect(o.log).toEqual(log);
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
    expect(o.log).toEqual({ level: "info", message: "Would refresh: Heat (1995) (no poster, no summary)" });
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
    expect(o.problems).toEqual(["no_poster"]);
    // A skip is not Plex's error: no log line; an error is logged with Plex's message.
    if (state === "skipped") expect([o.action, o.log]).toEqual(["skip", null]);
    else
      expect([o.action, o.log]).toEqual([
        "refresh",
        { level: "error", message: `Error: Heat (1995): ${note.replace("Plex error: ", "")}` },
      ]);
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

describe("outcomeAfterFix: a placeholder episode still without data", () => {
  const aired = Date.UTC(2026, 10, 20);
  const placeholder = item({
    type: "episode",
    title: "Episode 4",
    summary: undefined,
    thumb: undefined,
    originallyAvailableAt: "2026-11-20",
    grandparentTitle: "Dark",
    parentIndex: 1,
    index: 4,
  });
  it.each([
    {
      name: "waits until the next check of its schedule",
      context: { now: aired + 2 * 60 * 60_000, placeholderCheckOffsetsMinutes: [360, 1440] },
      how: "event" as const,
      at: aired + 360 * 60_000,
      reason: { code: "waiting_upstream", params: { until: new Date(aired + 360 * 60_000).toISOString() } },
    },
    {
      name: "with the schedule used up, waits for a person, noting a late Plex",
      context: { now: aired + 2 * 1440 * 60_000, placeholderCheckOffsetsMinutes: [360, 1440] },
      how: "timeout" as const,
      at: null,
      reason: { code: "waiting_upstream_manual", params: { late: true } },
    },
  ])("$name", ({ context, how, at, reason }) => {
    const o = outcomeAfterFix(placeholder, placeholder, { kind: "refresh" }, how, {
      language: "en",
      ...context,
    });
    expect([o.state, o.action, o.problems, o.nextCheckAt]).toEqual([
      "waiting",
      "refresh",
      ["placeholder_episode"],
      at,
    ]);
    expect(o.reason).toEqual(reason);
    expect(o.log).toEqual({ level: "info", message: `Waiting: Dark – S01E04 – Episode 4 — ${o.note}` });
  });
});

describe("plexErrorReason", () => {
  const at = { url: "http://plex:32400/library/metadata/7", method: "PUT" };
  it.each([
    { name: "a rejected token", error: new PlexAuthError(at), kind: "auth", status: undefined },
    {
      name: "no answer",
      error: new PlexUnreachableError("http://plex:32400", "connect ECONNREFUSED", {
        ...at,
        code: "ECONNREFUSED",
      }),
      kind: "unreachable",
      status: undefined,
    },
    {
      name: "an HTTP status",
      error: new PlexHttpError(500, "Internal Server Error", at),
      kind: "http",
      status: 500,
    },
    {
      name: "any other Plex error",
      error: new PlexResponseError("not XML", at),
      kind: "plex",
      status: undefined,
    },
    { name: "the base Plex error", error: new PlexError("odd", at), kind: "plex", status: undefined },
    { name: "not Plex's at all", error: new Error("disk full"), kind: "other", status: undefined },
  ])("$name → $kind", ({ error, kind, status }) => {
    expect(plexErrorReason(error)).toEqual({
      code: "plex_error",
      params: { kind, ...(status === undefined ? {} : { status }), message: error.message },
    });
  });
});

describe("matchRefOf and matchRefLabel", () => {
  it.each([
    {
      name: "a matched item",
      item: item({ guid: "plex://movie/heat", title: "Heat", year: 1995 }),
      ref: { guid: "plex://movie/heat", title: "Heat", year: 1995 },
      label: "Heat (1995)",
    },
    {
      name: "a legacy match without a year",
      item: item({ guid: "com.plexapp.agents.imdb://tt1?lang=de", title: "Heat", year: undefined }),
      ref: { guid: "com.plexapp.agents.imdb://tt1?lang=de", title: "Heat", year: null },
      label: "Heat",
    },
    {
      name: "an unmatched item (local://)",
      item: item({ guid: "local://7", title: "heat.1995", year: 1995 }),
      ref: { guid: null, title: "heat.1995", year: 1995 },
      label: "unmatched",
    },
    {
      name: "an item without a guid",
      item: item({ guid: undefined, title: "x", year: undefined }),
      ref: { guid: null, title: "x", year: null },
      label: "unmatched",
    },
  ])("$name", ({ item: it, ref, label }) => {
    expect(matchRefOf(it)).toEqual(ref);
    expect(matchRefLabel(ref)).toBe(label);
  });
});

describe("outcomeAfterFix: undo", () => {
  const matched = item({ guid: "com.plexapp.agents.imdb://tt0113277?lang=en", title: "Heat", year: 1995 });
  const wrong = item({ guid: "plex://movie/other", title: "Heat", year: 1986 });
  const local = item({ guid: "local://1", title: "heat.1995", year: undefined, guids: [] });
  const toMatched = { guid: "com.plexapp.agents.imdb://tt0113277?lang=de", title: "Heat", year: 1995 };
  it.each([
    {
      name: "back on the guid it had (another ?lang=), healthy",
      before: wrong,
      after: matched,
      to: toMatched,
      how: "event" as const,
      state: "fixed",
      reason: { code: "undo_done", params: { to: "Heat (1995)", was: "Heat (1986)" } },
    },
    {
      name: "unmatched again, as it was: the problem is the person's to decide",
      before: matched,
      after: local,
      to: { guid: null, title: "heat.1995", year: null },
      how: "event" as const,
      state: "needs_review",
      reason: {
        code: "undo_done",
        params: { to: null, was: "Heat (1995)", problems: ["unmatched", "no_poster"] },
      },
    },
    {
      name: "still on the other guid",
      before: wrong,
      after: wrong,
      to: toMatched,
      how: "event" as const,
      state: "failed",
      reason: { code: "undo_not_taken", params: { still: "Heat (1986)", late: false } },
    },
    {
      name: "an unmatch that did not take, late",
      before: matched,
      after: matched,
      to: { guid: null, title: "Heat", year: null },
      how: "timeout" as const,
      state: "failed",
      reason: { code: "undo_not_taken", params: { still: "Heat (1995)", late: true } },
    },
    {
      name: "restored to a guid whose files name another ID: the evidence is kept",
      before: wrong,
      after: item({
        guid: "plex://movie/heat",
        guids: ["tmdb://949"],
        files: ["/movies/Heat (1995) {tmdb-111}/Heat (1995).mkv"],
      }),
      to: { guid: "plex://movie/heat", title: "Heat", year: 1995 },
      how: "event" as const,
      state: "needs_review",
      reason: {
        code: "undo_done",
        params: {
          to: "Heat (1995)",
          was: "Heat (1986)",
          evidence: { code: "id_conflict", params: { pathId: "tmdb-111", matchedId: "tmdb-949" } },
        },
      },
    },
  ])("$name", ({ before, after, to, how, state, reason }) => {
    const o = outcomeAfterFix(before, after, { kind: "undo", to }, how);
    const restored = reason.code === "undo_done";
    expect([o.state, o.action, o.reason, o.undone]).toEqual([state, "undo_match", reason, restored]);
    expect(o.item).toBe(after);
    expect(o.problems).toEqual(detectProblems(after).problems);
    expect(o.matchedFrom).toEqual(restored ? matchRefOf(before) : undefined);
    expect(o.log).toEqual({
      level: restored ? "info" : "warn",
      message: `Undo match: ${before.year ? `${before.title} (${before.year})` : before.title} — ${o.note}`,
    });
  });

  it("a match onto the same work (only ?lang= differs) records nothing to undo", () => {
    const before = item({ guid: "com.plexapp.agents.imdb://tt0113277?lang=en" });
    const after = item({ guid: "com.plexapp.agents.imdb://tt0113277?lang=de" });
    const target = { guid: "com.plexapp.agents.imdb://tt0113277?lang=de", name: "Heat", year: 1995 };
    const o = outcomeAfterFix(
      before,
      after,
      { kind: "match", target, reason: { code: "chosen_by_hand" } },
      "event",
    );
    expect(o.matchedFrom).toBeUndefined();
    const bare = item({ guid: "com.plexapp.agents.imdb://tt0113277" });
    const request = { kind: "match", target, reason: { code: "chosen_by_hand" } } as const;
    expect(outcomeAfterFix(bare, after, request, "event").matchedFrom).toBeUndefined();
    const moved = outcomeAfterFix(
      item({ guid: "plex://movie/other" }),
      after,
      { kind: "match", target, reason: { code: "chosen_by_hand" } },
      "event",
    );
    expect(moved.matchedFrom).toEqual({ guid: "plex://movie/other", title: "Heat", year: 1995 });
  });
});

describe("fixAndVerify against the emulator", () => {
  let emulator: EmulatorHandle;
  let plex: PlexClient;
  let tracker: CompletionTracker;
  beforeAll(async () => {
    emulator = await startEmulator({
      seed: 11,
      items: 120,
      brokenShare: 0.3,
      refresh: { workers: 2, minMs: 5, maxMs: 20 },
    });
    plex = new PlexClient({ baseUrl: emulator.url, token: emulator.token, timeoutMs: 5000, retryBaseMs: 50 });
    tracker = new CompletionTracker(undefined, (keys) => plex.metadata(keys), 50);
  });
  afterAll(async () => {
    await emulator?.close();
  });
  const deps = (extra: object = {}) => ({
    plex,
    tracker,
    signal: new AbortController().signal,
    timeoutMs: 5000,
    ...extra,
  });
  const read = async (key: string) => (await plex.metadata([key]))[0] as PlexItem;

  it("a refresh: the write goes through `call` after beforeSend, the item is re-read and judged", async () => {
    const t = emulator.truth().broken.find((b) => b.type === "movie" && b.fixableByRefresh && !b.locked);
    const before = await read(t?.ratingKey ?? "");
    const events: string[] = [];
    const result = await fixAndVerify(
      deps({
        call: <T>(fn: () => Promise<T>) => {
          events.push("call");
          return fn();
        },
        beforeSend: async () => {
          events.push(`beforeSend (refreshes so far: ${emulator.stats().refreshes})`);
        },
      }),
      before,
      { kind: "refresh" },
    );
    const refreshes = emulator.stats().refreshes;
    expect(events).toEqual([`beforeSend (refreshes so far: ${refreshes - 1})`, "call", "call"]);
    expect(result.completion).toBe("poll");
    expect(result.outcome).toMatchObject({ state: "fixed", action: "refresh", problems: [] });
    expect(result.outcome.item?.ratingKey).toBe(before.ratingKey);
  });

  it("a match, an undo back to unmatched, and an undo to the match again", async () => {
    const t = emulator.truth().broken.find((b) => b.type === "movie" && b.matchGuid && !b.ambiguous);
    const before = await read(t?.ratingKey ?? "");
    const target = { guid: t?.matchGuid ?? "", name: t?.matchTitle ?? "", year: t?.matchYear };
    const match: FixRequest = { kind: "match", target, reason: { code: "chosen_by_hand" } };
    const matched = await fixAndVerify(deps(), before, match);
    expect(matched.outcome).toMatchObject({ state: "fixed", action: "match", matched: true });
    expect(matched.outcome.item?.guid).toBe(target.guid);

    const now = matched.outcome.item as PlexItem;
    const unmatch = await fixAndVerify(deps(), now, {
      kind: "undo",
      to: { guid: null, title: before.title, year: null },
    });
    expect(unmatch.outcome).toMatchObject({ action: "undo_match", undone: true });
    // Either unmatched form, as the item's library gives it (Kometa-Team/Kometa#3561).
    expect(unmatch.outcome.item?.guid).toMatch(/^(local|tv\.plex\.agents\.none):\/\//);

    const again = await fixAndVerify(deps(), unmatch.outcome.item as PlexItem, {
      kind: "undo",
      to: { guid: target.guid, title: target.name, year: target.year ?? null },
    });
    expect(again.outcome).toMatchObject({ state: "fixed", action: "undo_match", undone: true });
    expect(again.outcome.item?.guid).toBe(target.guid);
  });

  it.each([
    { name: "a refresh", request: { kind: "refresh" } as FixRequest, counter: "refreshes" as const },
    {
      name: "a match",
      request: { kind: "match", target: heat, reason: { code: "chosen_by_hand" } } as FixRequest,
      counter: "matches" as const,
    },
    {
      name: "an undo to a match",
      request: { kind: "undo", to: { guid: "plex://movie/heat", title: "Heat", year: null } } as FixRequest,
      counter: "matches" as const,
    },
  ])("a cancelled job sends nothing: $name", async ({ request, counter }) => {
    const before = await read(emulator.truth().broken[0]?.ratingKey ?? "");
    const sent = emulator.stats()[counter];
    const controller = new AbortController();
    controller.abort();
    await expect(fixAndVerify(deps({ signal: controller.signal }), before, request)).rejects.toThrow();
    expect(emulator.stats()[counter]).toBe(sent);
  });

  it("an item gone when re-read is ItemNotFoundError", async () => {
    const before = await read(emulator.truth().broken[0]?.ratingKey ?? "");
    const gone = fixAndVerify(deps({ reread: async () => undefined }), before, { kind: "refresh" });
    await expect(gone).rejects.toBeInstanceOf(ItemNotFoundError);
    await expect(gone).rejects.toMatchObject({
      name: "ItemNotFoundError",
      ratingKey: before.ratingKey,
      message: `No item ${before.ratingKey} in Plex`,
    });
  });
});
