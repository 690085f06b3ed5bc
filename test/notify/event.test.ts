import { describe, expect, it } from "vitest";
import {
  eventsFor,
  type FinishedJob,
  type NotificationKind,
  notificationStats,
} from "../../src/notify/event.js";
import { emptyStats } from "../../src/scan/stats.js";

const ALL_ON = { scanFinished: true, scanFailed: true, needsReview: true };
const job = { jobId: 9, source: "ui", dryRun: false };

function outcome(status: string, needsReview = 0, error: string | null = null): FinishedJob {
  return { status, stats: { ...emptyStats(), checked: 10, needsReview }, error };
}

describe("eventsFor", () => {
  it.each<[string, FinishedJob, Partial<typeof ALL_ON>, NotificationKind[]]>([
    ["success", outcome("success"), {}, ["scan_finished"]],
    ["success, finished off", outcome("success"), { scanFinished: false }, []],
    ["success with review items", outcome("success", 3), {}, ["scan_finished", "needs_review"]],
    [
      "success with review items, finished off",
      outcome("success", 3),
      { scanFinished: false },
      ["needs_review"],
    ],
    [
      "success with review items, review off",
      outcome("success", 3),
      { needsReview: false },
      ["scan_finished"],
    ],
    ["failed", outcome("failed", 0, "Plex rejected the token"), {}, ["scan_failed"]],
    ["failed, failed off", outcome("failed"), { scanFailed: false }, []],
    ["failed with review items", outcome("failed", 2), {}, ["scan_failed", "needs_review"]],
    ["interrupted", outcome("interrupted"), {}, ["scan_failed"]],
    ["cancelled", outcome("cancelled"), {}, []],
    ["cancelled with review items", outcome("cancelled", 1), {}, ["needs_review"]],
    ["still running", outcome("running", 5), {}, []],
    ["queued", outcome("queued"), {}, []],
    ["all off", outcome("failed", 4), { scanFinished: false, scanFailed: false, needsReview: false }, []],
  ])("%s", (_, finished, events, expected) => {
    expect(eventsFor(finished, job, { ...ALL_ON, ...events }).map((e) => e.kind)).toEqual(expected);
  });

  it("carries the job's facts into every event", () => {
    const [event] = eventsFor(
      {
        status: "failed",
        stats: { ...emptyStats(), checked: 5, broken: 3, durationMs: 1200 },
        error: "boom",
        errorReason: { code: "plex_outage", params: { seconds: 120 } },
      },
      { jobId: 3, source: "schedule", dryRun: true, appUrl: "https://psr.example.com", language: "de" },
      ALL_ON,
    );
    expect(event).toEqual({
      kind: "scan_failed",
      jobId: 3,
      status: "failed",
      source: "schedule",
      stats: {
        checked: 5,
        fixed: 0,
        matched: 0,
        wouldFix: 0,
        failed: 0,
        needsReview: 0,
        locked: 0,
        skipped: 0,
        errors: 0,
        durationMs: 1200,
      },
      error: "boom",
      errorReason: { code: "plex_outage", params: { seconds: 120 } },
      dryRun: true,
      appUrl: "https://psr.example.com",
      language: "de",
    });
  });

  it("reads stats stored by an older version or lost in a crash", () => {
    expect(notificationStats(null).checked).toBe(0);
    expect(notificationStats({ checked: "7", fixed: 2, failed: -1, durationMs: Number.NaN })).toMatchObject({
      checked: 0,
      fixed: 2,
      failed: 0,
      durationMs: 0,
    });
    expect(eventsFor({ status: "interrupted", stats: null, error: null }, job, ALL_ON)).toHaveLength(1);
  });
});
