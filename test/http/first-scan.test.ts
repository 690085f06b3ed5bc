// The first scan ever is a dry run unless its caller says otherwise: a start with no dryRun
// (the scheduler, the setup, a script) changes nothing in Plex until one scan has succeeded.
import { afterEach, describe, expect, it } from "vitest";
import { startTestServer, type TestServer } from "../helpers/server.js";

const KEY = "first-scan-key-0123456789abcdef";
let stack: TestServer | undefined;
afterEach(async () => {
  await stack?.close();
  stack = undefined;
});

async function scan(body: unknown): Promise<{ dryRun: unknown; status: string }> {
  const base = stack!.server.url;
  const headers = { "X-Api-Key": KEY, "Content-Type": "application/json" };
  const start = await fetch(`${base}/api/scans`, { method: "POST", headers, body: JSON.stringify(body) });
  expect(start.status).toBe(202);
  const { id } = (await start.json()) as { id: number };
  for (;;) {
    const job = (await (await fetch(`${base}/api/scans/${id}`, { headers })).json()) as {
      status: string;
      settings: { dryRun: unknown };
    };
    if (job.status !== "queued" && job.status !== "running")
      return { dryRun: job.settings.dryRun, status: job.status };
    await new Promise((r) => setTimeout(r, 50));
  }
}

async function firstScanPending(): Promise<unknown> {
  const res = await fetch(`${stack!.server.url}/api/stats`, { headers: { "X-Api-Key": KEY } });
  return ((await res.json()) as { firstScanPending: unknown }).firstScanPending;
}

describe("the first scan", () => {
  it("is a dry run when its caller leaves it open; later scans follow the settings", async () => {
    stack = await startTestServer({ seed: 2, items: 30, brokenShare: 0.3 }, { PSR_API_KEY: KEY });
    const refreshesBefore = stack.emulator.stats().refreshes;
    // The dashboard's start dialog reads the same rule from /api/stats.
    expect(await firstScanPending()).toBe(true);
    expect(await scan({ all: true })).toEqual({ dryRun: true, status: "success" });
    expect(stack.emulator.stats().refreshes).toBe(refreshesBefore);
    expect(await firstScanPending()).toBe(false);
    expect(await scan({ all: true })).toEqual({ dryRun: false, status: "success" });
  });

  it("is a real scan when the caller switches the dry run off", async () => {
    stack = await startTestServer({ seed: 2, items: 30, brokenShare: 0.3 }, { PSR_API_KEY: KEY });
    expect(await scan({ all: true, dryRun: false })).toEqual({ dryRun: false, status: "success" });
    expect(stack.emulator.stats().refreshes).toBeGreaterThan(0);
  });
});
