// Placeholder episodes (issue 22 §2): the pure rules, table-tested.
import { describe, expect, it } from "vitest";
import { DEFAULT_SCAN_SETTINGS, scanSettingsSchema } from "../../src/config/settings.js";
import type { PlexItem } from "../../src/plex/index.js";
import { detectProblems } from "../../src/scan/detect.js";
import type { KnownItem } from "../../src/scan/model.js";
import {
  airedAt,
  isPlaceholderEpisode,
  isPlaceholderTitle,
  MINUTE_MS,
  nextPlaceholderCheck,
  placeholderDue,
} from "../../src/scan/placeholder.js";
import { verdictAfterFix } from "../../src/scan/policy.js";
import { triage } from "../../src/scan/triage.js";
import { plexItem } from "../helpers/plex-item.js";

const AIR = Date.UTC(2026, 2, 14); // 2026-03-14, midnight UTC
const H = 60 * MINUTE_MS;
const D = 24 * H;
const OFFSETS = DEFAULT_SCAN_SETTINGS.placeholderCheckOffsetsMinutes;

const episode = (o: Partial<PlexItem> = {}): PlexItem =>
  plexItem({
    type: "episode",
    title: "Episode 4",
    summary: undefined,
    thumb: undefined,
    guid: "plex://episode/1",
    grandparentGuid: "plex://show/1",
    originallyAvailableAt: "2026-03-14",
    guids: [],
    ...o,
  });

describe("isPlaceholderTitle", () => {
  it.each([
    { title: "Episode 4", language: "en-US", expected: true },
    { title: "episode 12", language: "fr", expected: true },
    { title: "", language: "en", expected: true },
    { title: "  ", language: "ja", expected: true },
    { title: "TBA", language: "en", expected: true },
    { title: "TBA", language: "de", expected: true },
    { title: "Folge 4", language: "de-DE", expected: true },
    { title: "Folge 4", language: "en", expected: false },
    { title: "TBA", language: "fr", expected: false },
    { title: "Épisode 4", language: "fr", expected: false },
    { title: "The Episode 4 Problem", language: "en", expected: false },
    { title: "Pilot", language: "en", expected: false },
  ])("$title ($language) → $expected", ({ title, language, expected }) => {
    expect(isPlaceholderTitle(title, language)).toBe(expected);
  });
});

describe("isPlaceholderEpisode", () => {
  it.each([
    { name: "aired today, generic title, no summary", item: episode(), now: AIR + 2 * H, expected: true },
    { name: "not aired yet", item: episode(), now: AIR - 3 * D, expected: true },
    { name: "aired 29 days ago", item: episode(), now: AIR + 29 * D, expected: true },
    { name: "aired 31 days ago: just broken", item: episode(), now: AIR + 31 * D, expected: false },
    { name: "has a summary", item: episode({ summary: "Real." }), now: AIR + H, expected: false },
    { name: "real title", item: episode({ title: "Pilot" }), now: AIR + H, expected: false },
    { name: "a movie", item: episode({ type: "movie" }), now: AIR + H, expected: false },
    {
      name: "no air date: added recently counts",
      item: episode({ originallyAvailableAt: undefined, addedAt: AIR / 1000 }),
      now: AIR + H,
      expected: true,
    },
    {
      name: "no air date and no added date",
      item: episode({ originallyAvailableAt: undefined, addedAt: undefined }),
      now: AIR + H,
      expected: false,
    },
  ])("$name", ({ item, now, expected }) => {
    expect(isPlaceholderEpisode(item, "en-US", now)).toBe(expected);
  });

  it("reads the air date as the start of that day, UTC", () => {
    expect(airedAt({ originallyAvailableAt: "2026-03-14" })).toBe(AIR);
    expect(airedAt({ originallyAvailableAt: "soon" })).toBeUndefined();
  });

  it("is one problem of its own; without a clock, or under an unmatched show, it is not", () => {
    expect(detectProblems(episode(), { now: AIR + H, language: "en" }).problems).toEqual([
      "placeholder_episode",
    ]);
    expect(detectProblems(episode(), {}).problems).toEqual(["episode_no_poster", "episode_no_summary"]);
    const orphan = episode({ grandparentGuid: "tv.plex.agents.none://9" });
    expect(detectProblems(orphan, { now: AIR + H, agent: "tv.plex.agents.series" }).problems).not.toContain(
      "placeholder_episode",
    );
  });
});

describe("nextPlaceholderCheck: the air-date schedule", () => {
  it.each([
    { name: "found before airing: air + 6 h", now: AIR - D, expected: AIR + 6 * H },
    { name: "found 2 h after airing: air + 6 h", now: AIR + 2 * H, expected: AIR + 6 * H },
    { name: "checked at + 6 h: next + 1 day", now: AIR + 6 * H, expected: AIR + D },
    { name: "checked a little late, + 7 h: + 1 day", now: AIR + 7 * H, expected: AIR + D },
    { name: "at + 1 day: + 3 days", now: AIR + D, expected: AIR + 3 * D },
    { name: "at + 3 days: + 7 days", now: AIR + 3 * D, expected: AIR + 7 * D },
    { name: "at + 7 days: + 14 days", now: AIR + 7 * D, expected: AIR + 14 * D },
    { name: "at + 14 days: none left, by hand only", now: AIR + 14 * D, expected: null },
  ])("$name", ({ now, expected }) => {
    expect(nextPlaceholderCheck(AIR, now, OFFSETS)).toBe(expected);
  });

  it.each([
    { next: AIR + H, now: AIR, due: false },
    { next: AIR + H, now: AIR + H, due: true },
    { next: null, now: AIR + 99 * D, due: false },
    { next: undefined, now: AIR, due: false },
  ])("due($next, $now) = $due", ({ next, now, due }) => {
    expect(placeholderDue(next, now)).toBe(due);
  });

  it("the offsets are a setting: whole minutes, rising, 1 to 10 of them", () => {
    expect(DEFAULT_SCAN_SETTINGS.placeholderCheckOffsetsMinutes).toEqual([360, 1440, 4320, 10_080, 20_160]);
    expect(
      scanSettingsSchema.parse({ placeholderCheckOffsetsMinutes: [1, 2, 5] }).placeholderCheckOffsetsMinutes,
    ).toEqual([1, 2, 5]);
    for (const bad of [[], [5, 5], [10, 2], [0], [1.5], Array.from({ length: 11 }, (_, i) => i + 1)]) {
      expect(scanSettingsSchema.safeParse({ placeholderCheckOffsetsMinutes: bad }).success).toBe(false);
    }
    const issue = scanSettingsSchema.safeParse({ placeholderCheckOffsetsMinutes: [10, 2] }).error?.issues[0];
    expect(issue).toMatchObject({ params: { code: "offsets_ascending" } });
  });
});

describe("triage of a placeholder", () => {
  const settings = { backoffHours: 24 };
  const now = AIR + 8 * H;
  const d = detectProblems(episode(), { now, language: "en" });
  const run = (prior: KnownItem | undefined) =>
    triage({ item: episode(), detection: d, prior, now, settings });

  it.each<{ name: string; prior: KnownItem | undefined; expected: string }>([
    { name: "first seen: one refresh", prior: undefined, expected: "fix" },
    {
      name: "failed before (old rule), even in back-off: one refresh",
      prior: { state: "failed", lastFailedAt: now - H },
      expected: "fix",
    },
    {
      name: "waiting, check due",
      prior: { state: "waiting", lastFailedAt: null, nextCheckAt: now },
      expected: "fix",
    },
    {
      name: "waiting, check not due",
      prior: { state: "waiting", lastFailedAt: null, nextCheckAt: now + 1 },
      expected: "waiting",
    },
    {
      name: "waiting, no check left",
      prior: { state: "waiting", lastFailedAt: null, nextCheckAt: null },
      expected: "waiting",
    },
  ])("$name → $expected", ({ prior, expected }) => {
    const v = run(prior);
    expect(v === "fix" ? "fix" : v.state).toBe(expected);
    if (v !== "fix") {
      // Left as it is: no Plex write and no new row, so the stored next check stays.
      expect(v).toMatchObject({ action: "skip", record: false });
      const next = prior?.nextCheckAt;
      expect(v.reason).toEqual(
        typeof next === "number"
          ? { code: "waiting_upstream", params: { until: new Date(next).toISOString() } }
          : { code: "waiting_upstream_manual" },
      );
    }
  });

  it("a refresh that changes nothing is waiting, not failed; one that brings the data is fixed", () => {
    const still = verdictAfterFix(d, d);
    expect(still.state).toBe("waiting");
    const arrived = detectProblems(episode({ title: "Pilot", summary: "Real.", thumb: "/t" }), { now });
    expect(verdictAfterFix(d, arrived)).toMatchObject({ state: "fixed", cleared: ["placeholder_episode"] });
  });
});
