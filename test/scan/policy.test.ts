import { describe, expect, it } from "vitest";
import type { Detection } from "../../src/scan/detect.js";
import {
  describeProblems,
  HOUR_MS,
  inBackoff,
  inRetryPool,
  type KnownItem,
  retryAt,
  verdictAfterFix,
  waitingReason,
} from "../../src/scan/policy.js";
import { reasonText } from "../../src/scan/reason-text.js";

const NOW = 1_800_000_000_000;

describe("inBackoff", () => {
  it.each<[string, KnownItem | undefined, boolean]>([
    ["never seen", undefined, false],
    ["failed an hour ago", { state: "failed", lastFailedAt: NOW - HOUR_MS }, true],
    ["failed just under 24 h ago", { state: "failed", lastFailedAt: NOW - 24 * HOUR_MS + 1 }, true],
    ["failed exactly 24 h ago", { state: "failed", lastFailedAt: NOW - 24 * HOUR_MS }, false],
    ["failed two days ago", { state: "failed", lastFailedAt: NOW - 48 * HOUR_MS }, false],
    ["transport error a minute ago is retried", { state: "error", lastFailedAt: NOW - 60_000 }, false],
    ["needs review is not a failure", { state: "needs_review", lastFailedAt: NOW - 60_000 }, false],
    ["fixed earlier", { state: "fixed", lastFailedAt: null }, false],
  ])("%s", (_name, known, expected) => {
    expect(inBackoff(known, NOW, 24)).toBe(expected);
  });

  it("a failure without a time is never in back-off, even early in the clock", () => {
    expect(inBackoff({ state: "failed", lastFailedAt: null }, 1000, 24)).toBe(false);
    expect(retryAt({ state: "failed", lastFailedAt: null }, 24)).toBeUndefined();
  });

  it.each<[string, KnownItem, number | undefined]>([
    ["failed: after the back-off", { state: "failed", lastFailedAt: NOW }, NOW + 24 * HOUR_MS],
    ["an error has no back-off", { state: "error", lastFailedAt: NOW }, undefined],
    ["fixed has none", { state: "fixed", lastFailedAt: NOW }, undefined],
  ])("retryAt: %s", (_name, known, expected) => {
    expect(retryAt(known, 24)).toBe(expected);
  });

  it("honours a configured back-off", () => {
    const known: KnownItem = { state: "failed", lastFailedAt: NOW - 2 * HOUR_MS };
    expect(inBackoff(known, NOW, 1)).toBe(false);
    expect(inBackoff(known, NOW, 3)).toBe(true);
    expect(retryAt(known, 3)).toBe(NOW + HOUR_MS);
  });
});

describe("inRetryPool", () => {
  it.each<[KnownItem["state"], boolean]>([
    ["failed", true],
    ["error", true],
    ["fixed", false],
    ["needs_review", false],
    ["locked", false],
    ["would_fix", false],
    ["skipped", false],
  ])("%s → %s", (state, expected) => {
    expect(inRetryPool({ state, lastFailedAt: null })).toBe(expected);
  });
});

describe("verdictAfterFix", () => {
  const d = (problems: Detection["problems"], locked: Detection["locked"] = []): Detection => ({
    problems,
    locked,
    personal: false,
  });
  it.each<[string, Detection, Detection, "fixed" | "failed" | "locked", string]>([
    ["everything cleared", d(["no_poster", "no_summary"]), d([]), "fixed", "fixed: no poster, no summary"],
    [
      "one problem left",
      d(["no_poster", "no_summary"]),
      d(["no_summary"]),
      "failed",
      "still no summary after refresh (fixed: no poster)",
    ],
    ["nothing changed", d(["no_poster"]), d(["no_poster"]), "failed", "still no poster after refresh"],
    [
      "a problem left beside a locked one",
      d(["no_poster", "no_summary"]),
      d(["no_poster", "no_summary"], ["no_poster"]),
      "failed",
      "still no summary after refresh",
    ],
    [
      "only a locked problem left",
      d(["no_poster", "no_summary"]),
      d(["no_poster"], ["no_poster"]),
      "locked",
      "fixed: no summary; locked field: no poster",
    ],
  ])("%s", (_name, before, after, state, note) => {
    const v = verdictAfterFix(before, after);
    expect(v.state).toBe(state);
    expect(reasonText(v.reason)).toBe(note);
  });
});

describe("placeholder episodes", () => {
  const d = (problems: Detection["problems"]): Detection => ({ problems, locked: [], personal: false });
  it.each<[string, Detection, "waiting" | "failed" | "fixed"]>([
    ["still a placeholder after a refresh: waiting, not failed", d(["placeholder_episode"]), "waiting"],
    ["a placeholder and another problem: failed", d(["placeholder_episode", "no_poster"]), "failed"],
    ["its data arrived: fixed", d([]), "fixed"],
  ])("%s", (_name, after, state) => {
    const v = verdictAfterFix(d(["placeholder_episode", "no_poster"]), after);
    expect(v.state).toBe(state);
    if (state === "waiting")
      expect(v).toEqual({
        state,
        remaining: ["placeholder_episode"],
        cleared: ["no_poster"],
        reason: { code: "waiting_upstream_manual" },
      });
  });

  it.each<[string, number | null | undefined, unknown]>([
    [
      "until its next check",
      NOW,
      { code: "waiting_upstream", params: { until: new Date(NOW).toISOString() } },
    ],
    ["no check left: a person's", null, { code: "waiting_upstream_manual" }],
    ["never scheduled", undefined, { code: "waiting_upstream_manual" }],
  ])("waitingReason: %s", (_name, at, reason) => {
    expect(waitingReason(at)).toEqual(reason);
  });
});

describe("describeProblems", () => {
  it.each<[Detection["problems"], string]>([
    [[], ""],
    [["no_poster"], "no poster"],
    [["no_poster", "no_summary"], "no poster, no summary"],
  ])("%j → %s", (codes, text) => {
    expect(describeProblems(codes)).toBe(text);
  });
});
