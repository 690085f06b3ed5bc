import { describe, expect, it } from "vitest";
import { formatDuration, formatRelative } from "./format";
import { apiState, hasActiveFilters, itemFiltersToParams, parseItemFilters } from "./itemFilters";
import { appendCapped, LIVE_LOG_CAP, parseLogLine, splitLog } from "./log";
import { rateBand, successRate } from "./rate";

describe("success rate", () => {
  it.each([
    [{ fixed: 8, failed: 2 }, 80, "good"],
    [{ fixed: 79, failed: 21 }, 79, "fair"],
    [{ fixed: 1, failed: 1 }, 50, "fair"],
    [{ fixed: 49, failed: 51 }, 49, "poor"],
    [{ fixed: 0, failed: 3 }, 0, "poor"],
  ])("%o is %d %% (%s)", (stats, percent, band) => {
    const rate = successRate(stats);
    expect(rate).toBeCloseTo(percent);
    expect(rateBand(rate!)).toBe(band);
  });

  it("has no rate when nothing was fixed or failed (a dry run)", () => {
    expect(successRate({ fixed: 0, failed: 0 })).toBeNull();
    expect(successRate(null)).toBeNull();
  });
});

describe("live log buffer", () => {
  it("keeps only the newest lines", () => {
    let buffer: string[] = [];
    for (let i = 0; i < 1500; i++) buffer = appendCapped(buffer, [`line ${i}`]);
    expect(buffer).toHaveLength(LIVE_LOG_CAP);
    expect(buffer[0]).toBe("line 500");
    expect(buffer.at(-1)).toBe("line 1499");
  });

  it("caps a large batch too and leaves the input alone", () => {
    const before = ["a"];
    const after = appendCapped(before, ["b", "c", "d"], 2);
    expect(after).toEqual(["c", "d"]);
    expect(before).toEqual(["a"]);
  });

  it("parses level and message of a job log line", () => {
    expect(parseLogLine("2026-01-02T03:04:05.678Z WARN  Plex slow")).toEqual({
      time: "2026-01-02T03:04:05.678Z",
      level: "warn",
      message: "Plex slow",
    });
    expect(parseLogLine("free text")).toEqual({ time: null, level: "other", message: "free text" });
  });

  it("splits a downloaded log without a trailing empty line", () => {
    expect(splitLog("a\nb\n")).toEqual(["a", "b"]);
    expect(splitLog("")).toEqual([]);
  });
});

describe("item filters in the URL", () => {
  it("reads known states and problems, trims text and defaults the page", () => {
    const f = parseItemFilters(
      new URLSearchParams("state=failed&problem=unmatched&library=%20Movies%20&q=alien"),
    );
    expect(f).toEqual({ state: "failed", problem: "unmatched", library: "Movies", q: "alien", page: 1 });
    expect(hasActiveFilters(f)).toBe(true);
  });

  it("opens on what needs attention; unknown states and problems fall back, bad pages too", () => {
    const empty = parseItemFilters(new URLSearchParams(""));
    expect(empty.state).toBe("attention");
    expect(parseItemFilters(new URLSearchParams("state=bogus&problem=bogus&page=-3"))).toEqual({
      state: "attention",
      problem: undefined,
      library: undefined,
      q: undefined,
      page: 1,
    });
    expect(parseItemFilters(new URLSearchParams("page=2.5")).page).toBe(1);
    expect(parseItemFilters(new URLSearchParams("page=4")).page).toBe(4);
  });

  it("keeps every item reachable: state=all asks the API for no state", () => {
    const all = parseItemFilters(new URLSearchParams("state=all"));
    expect(all.state).toBe("all");
    expect(apiState(all.state)).toBeUndefined();
    expect(hasActiveFilters(all)).toBe(false);
    expect(apiState("attention")).toBe("attention");
    expect(itemFiltersToParams(all).toString()).toBe("state=all");
  });

  it("round-trips and leaves defaults out", () => {
    const params = itemFiltersToParams({ state: "needs_review", problem: "wrong_match", page: 1 });
    expect(params.toString()).toBe("state=needs_review&problem=wrong_match");
    expect(itemFiltersToParams({ state: "attention", page: 1 }).toString()).toBe("");
    expect(parseItemFilters(itemFiltersToParams({ state: "attention", q: "x y", page: 3 }))).toEqual({
      state: "attention",
      problem: undefined,
      library: undefined,
      q: "x y",
      page: 3,
    });
  });
});

describe("relative time", () => {
  const now = Date.parse("2026-06-01T12:00:00Z");
  it.each([
    ["2026-06-01T15:00:00Z", "en", "in 3 hours"],
    ["2026-06-01T11:58:00Z", "en", "2 minutes ago"],
    ["2026-05-31T12:00:00Z", "en", "yesterday"],
    ["2026-06-01T12:00:03Z", "en", "now"],
    ["2026-06-01T15:00:00Z", "de", "in 3 Stunden"],
    ["2026-06-01T11:58:00Z", "de", "vor 2 Minuten"],
  ])("%s in %s reads %s", (at, lang, text) => {
    expect(formatRelative(at, now, lang)).toBe(text);
  });

  it("formats durations in the language", () => {
    expect(formatDuration(12_000, "en")).toBe("12s");
    expect(formatDuration(3_725_000, "en")).toBe("1h 2m");
  });
});
