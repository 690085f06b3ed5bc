import { afterEach, beforeEach, describe, expect, it, vi } from "vitest";
import { PROBE_DELAYS_MS, Reachability } from "./reachability";
import { LiveStore } from "./store";

beforeEach(() => {
  vi.useFakeTimers();
});
afterEach(() => {
  vi.useRealTimers();
});

describe("server reachability", () => {
  it("goes offline when the probe fails, probes with growing pauses, and comes back once", async () => {
    let up = false;
    const probe = vi.fn(async () => up);
    const changes: boolean[] = [];
    const r = new Reachability((v) => changes.push(v), probe);
    r.suspect();
    r.suspect(); // one loop, however many failures report
    await vi.advanceTimersByTimeAsync(0);
    expect(changes).toEqual([false]);
    expect(probe).toHaveBeenCalledTimes(1);
    await vi.advanceTimersByTimeAsync(PROBE_DELAYS_MS[0]);
    expect(probe).toHaveBeenCalledTimes(2);
    await vi.advanceTimersByTimeAsync(PROBE_DELAYS_MS[1] - 1);
    expect(probe).toHaveBeenCalledTimes(2);
    up = true;
    await vi.advanceTimersByTimeAsync(1);
    expect(changes).toEqual([false, true]);
    expect(r.isReachable).toBe(true);
    await vi.advanceTimersByTimeAsync(60_000);
    expect(probe).toHaveBeenCalledTimes(3);
  });

  it("stays online when the probe answers (a single dropped request is no outage)", async () => {
    const changes: boolean[] = [];
    const r = new Reachability(
      (v) => changes.push(v),
      async () => true,
    );
    r.suspect();
    await vi.advanceTimersByTimeAsync(0);
    expect(changes).toEqual([]);
    expect(r.isReachable).toBe(true);
  });

  it("the live store reports offline, then reconnects and tells its owner", async () => {
    let up = false;
    let reconnects = 0;
    const store = new LiveStore(
      () => {},
      () => reconnects++,
      async () => up,
    );
    store.suspectOffline();
    await vi.advanceTimersByTimeAsync(0);
    expect(store.getState().reachable).toBe(false);
    up = true;
    await vi.advanceTimersByTimeAsync(PROBE_DELAYS_MS[0]);
    expect(store.getState().reachable).toBe(true);
    expect(reconnects).toBe(1);
    store.stop();
  });
});
