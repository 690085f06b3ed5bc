import { describe, expect, it } from "vitest";
import type { ScanResource } from "../../../src/contracts/schemas";
import { isStale, LiveStore } from "./store";

function scan(id: number, status: ScanResource["status"], done: number): ScanResource {
  return {
    id,
    status,
    source: "api",
    startedAt: "2026-01-01T00:00:00.000Z",
    finishedAt: null,
    stats: null,
    error: null,
    progress: { phase: "scanning", done, total: 100, current: null },
    cancelRequested: false,
    settings: {},
  };
}

describe("live store ordering", () => {
  it("treats older progress of the same scan and older scans as stale", () => {
    expect(isStale(scan(2, "running", 50), scan(2, "running", 40))).toBe(true);
    expect(isStale(scan(2, "running", 50), scan(2, "running", 60))).toBe(false);
    expect(isStale(scan(2, "success", 100), scan(2, "running", 99))).toBe(true);
    expect(isStale(scan(3, "running", 1), scan(2, "running", 99))).toBe(true);
  });

  it("ignores an out-of-order status and reports a finished scan", () => {
    let finished = 0;
    const store = new LiveStore(() => finished++);
    store.applyStatus({ running: scan(5, "running", 10), lastFinished: null });
    store.applyStatus({ running: scan(5, "running", 8), lastFinished: null });
    expect(store.getState().running?.progress?.done).toBe(10);
    store.applyStatus({ running: null, lastFinished: scan(5, "success", 100) });
    expect(store.getState().running).toBeNull();
    expect(finished).toBe(1);
    // A late "running" answer for a scan already known as finished changes nothing.
    store.applyStatus({ running: scan(5, "running", 99), lastFinished: null });
    expect(store.getState().running).toBeNull();
  });

  it("drops repeated log lines by their byte offset and keeps 1,000", () => {
    const store = new LiveStore();
    store.applyStatus({ running: scan(7, "running", 0), lastFinished: null });
    for (let i = 1; i <= 1200; i++) store.applyLog({ jobId: 7, line: `line ${i}` }, `7:${i * 10}`);
    store.applyLog({ jobId: 7, line: "line 1100 again" }, "7:11000");
    const { lines, jobId } = store.getState().log;
    expect(jobId).toBe(7);
    expect(lines).toHaveLength(1000);
    expect(lines.at(-1)).toBe("line 1200");
  });

  it("merges a REST tail by offset: no line twice, whichever arrives first", () => {
    // The stream first, then a tail that already holds more than the stream delivered.
    const a = new LiveStore();
    a.applyStatus({ running: scan(8, "running", 0), lastFinished: null });
    a.applyLog({ jobId: 8, line: "libraries" }, "8:10");
    a.applyLog({ jobId: 8, line: "started" }, "8:20");
    a.seedLog(8, ["libraries", "started", "item 1"], 30);
    a.applyLog({ jobId: 8, line: "item 1" }, "8:30"); // late stream copy of a tail line
    a.applyLog({ jobId: 8, line: "item 2" }, "8:40");
    expect(a.getState().log.lines).toEqual(["libraries", "started", "item 1", "item 2"]);
    // The tail first, then the stream replays from the start.
    const b = new LiveStore();
    b.applyStatus({ running: scan(8, "running", 0), lastFinished: null });
    b.seedLog(8, ["libraries", "started"], 20);
    for (const [line, at] of [
      ["libraries", 10],
      ["started", 20],
      ["item 1", 30],
    ] as const)
      b.applyLog({ jobId: 8, line }, `8:${at}`);
    expect(b.getState().log.lines).toEqual(["libraries", "started", "item 1"]);
    // Identical lines at different offsets are both kept.
    const c = new LiveStore();
    c.applyStatus({ running: scan(8, "running", 0), lastFinished: null });
    c.seedLog(8, ["same"], 10);
    c.applyLog({ jobId: 8, line: "same" }, "8:20");
    expect(c.getState().log.lines).toEqual(["same", "same"]);
  });

  it("merges a REST tail with lines the stream already delivered", () => {
    const store = new LiveStore();
    store.applyStatus({ running: scan(8, "running", 0), lastFinished: null });
    store.applyLog({ jobId: 8, line: "c" }, "8:30");
    store.seedLog(8, ["a", "b", "c"]);
    expect(store.getState().log.lines).toEqual(["a", "b", "c"]);
  });
});
