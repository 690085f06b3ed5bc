// The pure parts of the metrics: the counter ledger's folds, the Plex state rule and the
// metrics token check, as tables.
import { describe, expect, it } from "vitest";
import { metricsVerdict, presentedToken } from "../../src/metrics/access.js";
import {
  emptyLedger,
  type FinishedRun,
  foldHistory,
  foldScanRuns,
  labelKey,
  readLedger,
  SCAN_DURATION_BUCKETS,
  splitLabelKey,
} from "../../src/metrics/ledger.js";
import { PlexHealth, plexStateOf } from "../../src/metrics/plex-health.js";

const run = (id: number, seconds: number, status = "success", source = "manual"): FinishedRun => ({
  id,
  source,
  status,
  startedAt: 1_000_000,
  finishedAt: 1_000_000 + seconds * 1000,
});

describe("foldScanRuns", () => {
  it("counts each finished run once, by source and status, into the duration buckets", () => {
    const l1 = foldScanRuns(emptyLedger(), [run(1, 0.5), run(2, 40, "failed", "scheduler")], null, 2);
    expect(l1.scans).toEqual({
      [labelKey("manual", "success")]: 1,
      [labelKey("scheduler", "failed")]: 1,
    });
    expect(l1.scanFloor).toBe(2);
    expect(l1.scansAbove).toEqual([]);
    expect(l1.durationSum).toBeCloseTo(40.5);
    // 0.5 s lands in the first bucket (≤ 1), 40 s in the ≤ 60 bucket.
    expect(l1.durationCounts[0]).toBe(1);
    expect(l1.durationCounts[SCAN_DURATION_BUCKETS.indexOf(60)]).toBe(1);
    // The same rows again (a second scrape) change nothing.
    expect(foldScanRuns(l1, [run(1, 0.5), run(2, 40, "failed", "scheduler")], null, 2)).toEqual(l1);
  });

  it("keeps the floor below a run still going and counts it when it ends", () => {
    // Run 3 is still running while 4 has finished (a CLI scan beside a dead row, say).
    const l1 = foldScanRuns(emptyLedger(), [run(1, 1), run(2, 1), run(4, 1)], 3, 4);
    expect(l1.scanFloor).toBe(2);
    expect(l1.scansAbove).toEqual([4]);
    expect(l1.scans[labelKey("manual", "success")]).toBe(3);
    const l2 = foldScanRuns(l1, [run(3, 9000, "interrupted"), run(4, 1)], null, 4);
    expect(l2.scanFloor).toBe(4);
    expect(l2.scansAbove).toEqual([]);
    expect(l2.scans).toEqual({ [labelKey("manual", "success")]: 3, [labelKey("manual", "interrupted")]: 1 });
    // 9,000 s is beyond the last bound: the +Inf bucket.
    expect(l2.durationCounts[SCAN_DURATION_BUCKETS.length]).toBe(1);
  });

  it("never moves the floor down, and ignores runs at or below it", () => {
    const l1 = { ...emptyLedger(), scanFloor: 10 };
    const l2 = foldScanRuns(l1, [run(9, 1)], null, 5);
    expect(l2.scanFloor).toBe(10);
    expect(l2.scans).toEqual({});
  });

  it("counts a run without a start time but puts no duration in the histogram", () => {
    const l = foldScanRuns(emptyLedger(), [{ ...run(1, 5), startedAt: null }], null, 1);
    expect(l.scans[labelKey("manual", "success")]).toBe(1);
    expect(l.durationCounts.reduce((a, b) => a + b, 0)).toBe(0);
  });
});

describe("foldHistory", () => {
  it("adds refreshes and matches (any new repair action) and leaves checks, skips, dry runs and ignores out", () => {
    const l = foldHistory(
      emptyLedger(),
      [
        { action: "refresh", outcome: "fixed", n: 5 },
        { action: "refresh", outcome: "failed", n: 2 },
        { action: "match", outcome: "fixed", n: 1 },
        { action: "undo_match", outcome: "fixed", n: 1 },
        { action: "check", outcome: "locked", n: 7 },
        { action: "skip", outcome: "skipped", n: 3 },
        { action: "dry_run", outcome: "would_fix", n: 4 },
        { action: "ignore", outcome: "ignored", n: 1 },
        { action: "unignore", outcome: "failed", n: 1 },
      ],
      40,
    );
    expect(l.repairs).toEqual({
      [labelKey("refresh", "fixed")]: 5,
      [labelKey("refresh", "failed")]: 2,
      [labelKey("match", "fixed")]: 1,
      [labelKey("undo_match", "fixed")]: 1,
    });
    expect(l.historyFloor).toBe(40);
    const l2 = foldHistory(l, [{ action: "refresh", outcome: "fixed", n: 2 }], 45);
    expect(l2.repairs[labelKey("refresh", "fixed")]).toBe(7);
    expect(l2.historyFloor).toBe(45);
  });
});

describe("readLedger and label keys", () => {
  it.each([
    ["nothing stored", undefined],
    ["null", null],
    ["another version", { ...emptyLedger(), version: 2 }],
    ["a wrong bucket count", { ...emptyLedger(), durationCounts: [1, 2] }],
    ["a damaged floor", { ...emptyLedger(), scanFloor: "x" }],
  ])("starts from an empty ledger for %s", (_name, value) => {
    expect(readLedger(value)).toEqual(emptyLedger());
  });

  it("keeps a valid stored ledger", () => {
    const l = foldScanRuns(emptyLedger(), [run(1, 3)], null, 1);
    expect(readLedger(JSON.parse(JSON.stringify(l)))).toEqual(l);
  });

  it("round-trips any label text", () => {
    for (const [a, b] of [
      ["manual", "success"],
      ['we"ird|source', "x\ny"],
      ["", ""],
    ] as const) {
      expect(splitLabelKey(labelKey(a, b))).toEqual([a, b]);
    }
  });
});

describe("Plex health", () => {
  it.each([
    [{ status: 200 }, "up"],
    [{ status: 401, error: "rejected" }, "up"], // Plex answered: it is up, the token is wrong
    [{ status: 404, error: "not found" }, "up"],
    [{ status: 500, error: "server error" }, "down"],
    [{ status: 503, error: "unavailable" }, "down"],
    [{ error: "connect ECONNREFUSED" }, "down"],
    [{ error: "no answer within 30 s" }, "down"],
    [{ error: "aborted" }, null], // we cancelled: says nothing about Plex
  ] as const)("%j → %s", (event, expected) => {
    expect(plexStateOf(event)).toBe(expected);
  });

  it("starts unknown and follows the last request", () => {
    const h = new PlexHealth();
    expect(h.state).toBe("unknown");
    expect(h.since).toBeNull();
    h.observe({ error: "aborted" });
    expect(h.state).toBe("unknown");
    h.observe({ status: 200 });
    expect(h.state).toBe("up");
    h.observe({ error: "connect ECONNREFUSED" });
    expect(h.state).toBe("down");
    expect(h.since).not.toBeNull();
  });
});

describe("metrics token", () => {
  const basic = (userAndPassword: string) => `Basic ${Buffer.from(userAndPassword).toString("base64")}`;
  it.each([
    [undefined, undefined],
    ["", undefined],
    ["Bearer abc", "abc"],
    ["bearer   abc  ", "abc"],
    ["Bearer", undefined],
    ["Bearer a b", undefined],
    [basic("prometheus:abc"), "abc"],
    [basic(":abc"), "abc"],
    [basic("user:a:b"), "a:b"], // the password may hold colons
    [basic("abc"), undefined], // no colon: no password
    ["Token abc", undefined],
  ])("%j presents %j", (header, token) => {
    expect(presentedToken(header)).toBe(token);
  });

  it.each([
    [{ access: "off" } as const, `Bearer ${"t".repeat(16)}`, "off"],
    [{ access: "open" } as const, undefined, "allowed"],
    [{ access: "token", token: "t".repeat(16) } as const, undefined, "missing"],
    [{ access: "token", token: "t".repeat(16) } as const, `Bearer ${"t".repeat(16)}`, "allowed"],
    [{ access: "token", token: "t".repeat(16) } as const, `Bearer ${"t".repeat(15)}`, "wrong"],
    [{ access: "token", token: "t".repeat(16) } as const, basic(`x:${"t".repeat(16)}`), "allowed"],
  ])("%j with %j → %s", (access, header, verdict) => {
    expect(metricsVerdict(access, header)).toBe(verdict);
  });
});
