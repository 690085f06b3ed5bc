// src/contracts is the one description of the API that the SPA builds on. These tests keep it
// true: its lists match the server's, its request schemas accept and refuse what the server
// does, and every response of a real server (after a real scan) parses with its schemas.
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import type { RunningServer } from "../src/cli/serve.js";
import {
  ITEM_STATES,
  isActiveStatus,
  itemPageSchema,
  librariesResponseSchema,
  meResponseSchema,
  PROBLEM_CODES,
  scanOverridesSchema,
  scanPageSchema,
  scanResourceSchema,
  settingsResponseSchema,
  statsResponseSchema,
} from "../src/contracts/index.js";
import { scanOverridesSchema as serverOverrides } from "../src/jobs/scan-service.js";
import { PROBLEM_CODES as DETECTED } from "../src/scan/detect.js";
import { ITEM_STATES as DECIDED } from "../src/scan/policy.js";
import { startTestServer, type TestServer } from "./helpers/server.js";

describe("the contract's lists", () => {
  it("item states and problem codes are the engine's", () => {
    expect([...ITEM_STATES].sort()).toEqual([...DECIDED].sort());
    expect([...PROBLEM_CODES]).toEqual([...DETECTED]);
  });

  it.each([
    [{}, true],
    [{ libraries: ["Movies"], days: 7, dryRun: true }, true],
    [{ maxItems: 100_000, all: false }, true],
    [{ days: 0 }, false],
    [{ days: 3651 }, false],
    [{ maxItems: 100_001 }, false],
    [{ libraries: [""] }, false],
    [{ libraries: Array(101).fill("x") }, false],
    [{ libraries: ["x".repeat(201)] }, false],
    [{ concurrency: 2 }, false],
    [{ dryRun: "yes" }, false],
  ])("scan overrides %j: accepted %s by both", (input, ok) => {
    expect(scanOverridesSchema.safeParse(input).success).toBe(ok);
    expect(serverOverrides.safeParse(input).success).toBe(ok);
  });

  it.each([
    ["queued", true],
    ["running", true],
    ["success", false],
    ["failed", false],
    ["cancelled", false],
    ["interrupted", false],
    ["Running", false],
    ["", false],
  ])("a job %j holds the scan slot: %s", (status, active) => {
    expect(isActiveStatus(status)).toBe(active);
  });
});

describe("responses of a real server", () => {
  const KEY = "contracts-test-key-0123456789ab";
  let t: TestServer;
  let server: RunningServer;
  const get = async (path: string) => {
    const res = await fetch(server.url + path, { headers: { "X-Api-Key": KEY } });
    expect(res.status, path).toBe(200);
    return res.json();
  };

  beforeAll(async () => {
    t = await startTestServer(
      { seed: 5, items: 60, brokenShare: 0.3, refresh: { workers: 4, minMs: 5, maxMs: 20 } },
      { PSR_API_KEY: KEY },
    );
    server = t.server;
    const job = await server.scans.start("api", { all: true });
    for (let i = 0; i < 300; i++) {
      const current = scanResourceSchema.parse(await get(`/api/scans/${job.id}`));
      if (current.status !== "running" && current.status !== "queued") break;
      await new Promise((r) => setTimeout(r, 100));
    }
  });
  afterAll(async () => {
    await t?.close();
  });

  it.each([
    ["/api/scans?page=1&pageSize=5", scanPageSchema],
    ["/api/items?pageSize=100", itemPageSchema],
    ["/api/items?state=needs_review", itemPageSchema],
    ["/api/stats", statsResponseSchema],
    ["/api/settings", settingsResponseSchema],
    ["/api/auth/me", meResponseSchema],
    ["/api/plex/libraries", librariesResponseSchema],
  ])("%s parses", async (path, schema) => {
    const body = await get(path);
    const parsed = schema.safeParse(body);
    expect(parsed.success, JSON.stringify(parsed.error?.issues ?? [])).toBe(true);
  });

  it("posters come through the proxy, scaled by Plex's transcoder when a width is asked for", async () => {
    const page = itemPageSchema.parse(await get("/api/items?pageSize=200"));
    const headers = { "X-Api-Key": KEY };
    let scaled: Response | undefined;
    for (const item of page.items) {
      const res = await fetch(`${server.url}/api/items/${item.ratingKey}/poster?width=120`, { headers });
      if (res.status === 200) {
        scaled = res;
        break;
      }
      expect(res.status).toBe(404); // an item without a poster
    }
    expect(scaled?.headers.get("content-type")).toBe("image/png");
    const png = Buffer.from(await scaled!.arrayBuffer());
    expect([png.readUInt32BE(16), png.readUInt32BE(20)]).toEqual([120, 180]); // IHDR width, height
    const tiny = await fetch(`${server.url}/api/items/${page.items[0]!.ratingKey}/poster?width=5`, {
      headers,
    });
    expect(tiny.status).toBe(400);
  });

  it("the scan's items and figures are there to parse", async () => {
    const page = itemPageSchema.parse(await get("/api/items?pageSize=100"));
    expect(page.total).toBeGreaterThan(0);
    const scans = scanPageSchema.parse(await get("/api/scans"));
    expect(scans.items[0]?.stats?.checked).toBeGreaterThan(0);
  });
});
