// The Plex client's observer feeds the health tracker beside (not instead of) its request log,
// over real sockets to the emulator: up after an answer, down after a 5xx or a refused connection.
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { type EmulatorHandle, startEmulator } from "../../emulator/index.js";
import { PlexHealth } from "../../src/metrics/plex-health.js";
import { PlexClient, type PlexRequestLogEvent } from "../../src/plex/index.js";

let emulator: EmulatorHandle;
beforeAll(async () => {
  emulator = await startEmulator({ seed: 6, items: 20 });
});
afterAll(async () => {
  await emulator?.close();
});

describe("PlexClient's observer", () => {
  it("sees every attempt the log sees, and a throwing log does not silence it", async () => {
    const health = new PlexHealth();
    const logged: PlexRequestLogEvent[] = [];
    const observed: PlexRequestLogEvent[] = [];
    const client = new PlexClient({
      baseUrl: emulator.url,
      token: emulator.token,
      timeoutMs: 5_000,
      retries: 1,
      retryBaseMs: 1,
      log: (e) => {
        logged.push(e);
        throw new Error("a broken logger");
      },
      observe: (e) => {
        observed.push(e);
        health.observe(e);
      },
    });
    expect(health.state).toBe("unknown");
    await client.sections();
    expect(health.state).toBe("up");

    emulator.setFaults({ errorRate: 1 });
    try {
      await expect(client.sections()).rejects.toThrow();
    } finally {
      emulator.setFaults({});
    }
    expect(health.state).toBe("down");
    await client.identity();
    expect(health.state).toBe("up");
    expect(observed).toEqual(logged);
    // One attempt, then two (first try and one retry) answered 500, then one.
    expect(observed.map((e) => e.status)).toEqual([200, 500, 500, 200]);
  });

  it("reports down when nothing listens", async () => {
    const health = new PlexHealth();
    const client = new PlexClient({
      baseUrl: "http://127.0.0.1:9",
      token: "t",
      timeoutMs: 2_000,
      retries: 0,
      observe: health.observe,
    });
    await expect(client.identity()).rejects.toThrow();
    expect(health.state).toBe("down");
  });
});
