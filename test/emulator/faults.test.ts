import { afterEach, describe, expect, it } from "vitest";
import WebSocket from "ws";
import type { EmulatorHandle } from "../../emulator/index.js";
import { get, listen, start } from "./helpers.js";

let h: EmulatorHandle | undefined;
afterEach(async () => {
  await h?.close();
  h = undefined;
});

describe("faults", () => {
  it("adds latency to every response", async () => {
    // Wide bounds: a busy machine adds delay, never removes it. Speed itself is the bench's job.
    h = await start({ items: 100, faults: { latencyMs: 800 } });
    const t0 = Date.now();
    expect((await get(h, "/identity")).status).toBe(200);
    expect(Date.now() - t0).toBeGreaterThanOrEqual(790);
    h.setFaults({});
    const t1 = Date.now();
    await get(h, "/identity");
    expect(Date.now() - t1).toBeLessThan(600);
  });

  it("answers a seeded share of requests with 500 and an HTML body", async () => {
    h = await start({ items: 100, faults: { errorRate: 0.3 } });
    const statuses: number[] = [];
    for (let i = 0; i < 200; i++) {
      const r = await get(h, "/library/sections");
      statuses.push(r.status);
      if (r.status === 500) expect(r.text).toContain("500 Internal Server Error");
    }
    const share = statuses.filter((s) => s === 500).length / statuses.length;
    expect(share).toBeGreaterThan(0.2);
    expect(share).toBeLessThan(0.4);
    expect(statuses.every((s) => s === 200 || s === 500)).toBe(true);
    // Same seed, same failures.
    const again = await start({ items: 100, faults: { errorRate: 0.3 } });
    const statuses2: number[] = [];
    for (let i = 0; i < 200; i++) statuses2.push((await get(again, "/library/sections")).status);
    await again.close();
    expect(statuses2).toEqual(statuses);
  });

  it("resets connections during an outage and recovers afterwards", async () => {
    h = await start({ items: 100 });
    const handle = h;
    const l = await listen(handle);
    const closed = new Promise<void>((resolve) => l.ws.on("close", () => resolve()));
    // Long enough that the checks below surely run inside it, even on a busy machine.
    const outageMs = 3000;
    const startedAt = Date.now();
    handle.outage(outageMs);
    await closed;
    await expect(get(handle, "/identity")).rejects.toThrow();
    const wsDuring = await new Promise<string>((resolve) => {
      const ws = new WebSocket(
        `${handle.url.replace("http", "ws")}/:/websockets/notifications?X-Plex-Token=${handle.token}`,
      );
      ws.on("open", () => resolve("open"));
      ws.on("error", () => resolve("error"));
    });
    expect(wsDuring).toBe("error");
    expect(Date.now() - startedAt, "the checks ran inside the outage").toBeLessThan(outageMs);
    // Back by itself once the window has passed.
    let status = 0;
    while (status !== 200 && Date.now() - startedAt < outageMs + 10_000) {
      status = await get(handle, "/identity").then(
        (r) => r.status,
        () => 0,
      );
      if (status !== 200) await new Promise((r) => setTimeout(r, 100));
    }
    expect(status).toBe(200);
    expect(Date.now() - startedAt).toBeGreaterThanOrEqual(outageMs - 10);
    const l2 = await listen(handle);
    l2.close();
  });

  it("counts requests per route and resets the counters", async () => {
    h = await start({ items: 100 });
    await get(h, "/library/sections");
    await get(h, "/library/metadata/1");
    await get(h, "/library/metadata/2");
    const s = h.stats();
    expect(s.requests).toBe(3);
    expect(s.byRoute["GET /library/metadata/:ids"]).toBe(2);
    h.resetStats();
    expect(h.stats().requests).toBe(0);
  });
});
