// GET /metrics and the health field over real HTTP: a real server with its own SQLite file, a
// real scan against the emulator, and Prometheus' text format read back.
import { request } from "node:http";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { VERSION } from "../../src/version.js";
import { startTestServer, type TestServer } from "../helpers/server.js";
import { parseScrape, type Scrape, series, single, total } from "../metrics/prom-text.js";

const METRICS_TOKEN = "metrics-token-3c1f9b7e55aa";
const API_KEY = "metrics-test-api-key-0123456789";

function basic(user: string, password: string): string {
  return `Basic ${Buffer.from(`${user}:${password}`).toString("base64")}`;
}

async function waitFor<T>(fn: () => Promise<T | undefined>, timeoutMs = 30_000): Promise<T> {
  const end = Date.now() + timeoutMs;
  for (;;) {
    const v = await fn();
    if (v !== undefined) return v;
    if (Date.now() > end) throw new Error("timed out waiting");
    await new Promise((r) => setTimeout(r, 100));
  }
}

describe("metrics with a token", () => {
  let t: TestServer;
  let base = "";
  const get = (path: string, headers: Record<string, string> = {}) => fetch(base + path, { headers });
  const scrape = async (): Promise<Scrape> => {
    const res = await get("/metrics", { Authorization: `Bearer ${METRICS_TOKEN}` });
    expect(res.status).toBe(200);
    return parseScrape(await res.text());
  };
  const health = async () => ((await (await get("/api/health")).json()) as { plex: string }).plex;

  beforeAll(async () => {
    t = await startTestServer(
      { seed: 21, items: 60, brokenShare: 0.3, refresh: { workers: 4, minMs: 5, maxMs: 20 } },
      { PSR_METRICS_TOKEN: METRICS_TOKEN, PSR_API_KEY: API_KEY },
    );
    base = t.server.url;
  });
  afterAll(async () => {
    await t?.close();
  });

  it("answers 401 without the token or with a wrong one, naming the scheme", async () => {
    const none = await get("/metrics");
    expect(none.status).toBe(401);
    expect(none.headers.get("www-authenticate")).toMatch(/^Bearer/);
    expect(await none.json()).toMatchObject({ code: "auth_required" });
    for (const auth of [
      "Bearer wrong-token-wrong-token",
      `Bearer ${METRICS_TOKEN}x`,
      basic("prometheus", "wrong-token-wrong-token"),
      basic(METRICS_TOKEN, ""), // the token as the user name is not the password
      `Token ${METRICS_TOKEN}`,
    ]) {
      expect((await get("/metrics", { Authorization: auth })).status, auth).toBe(401);
    }
    // An API key or a session opens the API, not the metrics.
    expect((await get("/metrics", { "X-Api-Key": API_KEY })).status).toBe(401);
  });

  it("accepts the token as a bearer token or as the basic-auth password", async () => {
    const bearer = await get("/metrics", { Authorization: `Bearer ${METRICS_TOKEN}` });
    expect(bearer.status).toBe(200);
    expect(bearer.headers.get("content-type")).toMatch(/^text\/plain; version=0\.0\.4/);
    expect(bearer.headers.get("cache-control")).toBe("no-store");
    const text = await bearer.text();
    expect(series(parseScrape(text), "psr_build_info", { version: VERSION })[0]?.value).toBe(1);
    for (const user of ["prometheus", ""]) {
      const res = await get("/metrics", { Authorization: basic(user, METRICS_TOKEN) });
      expect(res.status, `basic user ${JSON.stringify(user)}`).toBe(200);
      expect(await res.text()).toContain("psr_build_info");
    }
  });

  it("gives no metrics to a disguised path without the token", async () => {
    const { hostname, port } = new URL(base);
    for (const target of [
      "/metrics",
      "/%6detrics",
      "//metrics",
      "/metrics/",
      "/METRICS",
      `http://x/metrics`,
    ]) {
      const res = await new Promise<{ status: number; body: string }>((resolve, reject) => {
        const req = request({ host: hostname, port, path: target, method: "GET" }, (r) => {
          let body = "";
          r.on("data", (d) => {
            body += d;
          });
          r.on("end", () => resolve({ status: r.statusCode ?? 0, body }));
        });
        req.on("error", reject);
        req.end();
      });
      expect([401, 404], target).toContain(res.status);
      expect(res.body, target).not.toContain("psr_");
    }
  });

  it("does not open the API with the metrics token", async () => {
    for (const headers of [
      { Authorization: `Bearer ${METRICS_TOKEN}` } as Record<string, string>,
      { Authorization: basic("admin", METRICS_TOKEN) },
      { "X-Api-Key": METRICS_TOKEN },
    ]) {
      const res = await get("/api/stats", headers);
      expect(res.status, JSON.stringify(headers)).toBe(401);
    }
    expect((await get("/api/stats", { "X-Api-Key": API_KEY })).status).toBe(200);
  });

  it("moves the counters and gauges with a real scan, and tracks Plex's state", async () => {
    // Nothing has asked Plex anything yet.
    expect(await health()).toBe("unknown");
    const before = await scrape();
    expect(single(before, "psr_plex_up")).toBe(0);
    expect(total(before, "psr_scans_total")).toBe(0);
    expect(total(before, "psr_repairs_total")).toBe(0);
    expect(total(before, "psr_items")).toBe(0);
    expect(single(before, "psr_last_scan_timestamp_seconds")).toBe(0);
    expect(single(before, "psr_scan_duration_seconds_count")).toBe(0);
    // Watch mode's figures come from the server's own watcher.
    const watch = t.server.watcher.snapshot();
    expect(single(before, "psr_plex_websocket_connected")).toBe(watch.connected ? 1 : 0);
    expect(single(before, "psr_watch_queue_depth")).toBe(watch.queueDepth);
    // Node's default process metrics come along.
    expect(series(before, "process_resident_memory_bytes").length).toBe(1);
    expect(series(before, "nodejs_heap_size_used_bytes").length).toBe(1);
    const requestsBefore = t.emulator.stats().requests;

    const started = Date.now();
    const start = await fetch(`${base}/api/scans`, {
      method: "POST",
      headers: { "X-Api-Key": API_KEY, "Content-Type": "application/json" },
      body: JSON.stringify({ all: true, dryRun: false }),
    });
    expect(start.status).toBe(202);
    const { id } = (await start.json()) as { id: number };
    const job = await waitFor(async () => {
      const res = await get(`/api/scans/${id}`, { "X-Api-Key": API_KEY });
      const body = (await res.json()) as {
        status: string;
        stats: { fixed: number; failed: number; matched: number };
      };
      return body.status === "running" || body.status === "queued" ? undefined : body;
    });
    expect(job.status).toBe("success");
    expect(job.stats.fixed).toBeGreaterThan(0);
    expect(await health()).toBe("up");

    const statsRes = await get("/api/stats", { "X-Api-Key": API_KEY });
    const stats = (await statsRes.json()) as { items: { total: number; byState: Record<string, number> } };
    const afterScanRequests = t.emulator.stats().requests;
    const after = await scrape();
    // A scrape never calls Plex.
    expect(t.emulator.stats().requests).toBe(afterScanRequests);
    expect(afterScanRequests).toBeGreaterThan(requestsBefore);

    expect(single(after, "psr_plex_up")).toBe(1);
    expect(series(after, "psr_scans_total", { source: "api", status: "success" })[0]?.value).toBe(1);
    expect(single(after, "psr_scan_duration_seconds_count")).toBe(1);
    expect(series(after, "psr_scan_duration_seconds_bucket", { le: "+Inf" })[0]?.value).toBe(1);
    expect(single(after, "psr_scan_duration_seconds_sum")).toBeGreaterThan(0);
    const last = single(after, "psr_last_scan_timestamp_seconds");
    expect(last * 1000).toBeGreaterThanOrEqual(started - 1000);
    expect(last * 1000).toBeLessThanOrEqual(Date.now() + 1000);
    expect(single(after, "psr_last_successful_scan_timestamp_seconds")).toBe(last);
    // The gauges agree with the API's own counts.
    expect(total(after, "psr_items")).toBe(stats.items.total);
    expect(total(after, "psr_items", { state: "fixed" })).toBe(stats.items.byState.fixed);
    // Repairs count requests sent (seasons and episodes fixed by their show's refresh are not).
    expect(total(after, "psr_repairs_total", { action: "match" })).toBe(job.stats.matched);
    expect(total(after, "psr_repairs_total", { result: "failed" })).toBe(job.stats.failed);
    expect(total(after, "psr_repairs_total", { result: "fixed" })).toBeGreaterThan(0);
    expect(total(after, "psr_repairs_total", { result: "fixed" })).toBeLessThanOrEqual(job.stats.fixed);
    for (const s of series(after, "psr_items")) expect(s.labels.library).not.toBe("");
    // Problems the scan could not fix stay visible, labelled by library and problem code.
    const open = series(after, "psr_problems");
    const unfixed = stats.items.total - (stats.items.byState.fixed ?? 0);
    if (unfixed > 0) expect(open.length).toBeGreaterThan(0);
    for (const s of open) expect(s.labels.problem).toMatch(/^[a-z_]+$/);
    // No label names an item.
    for (const s of after.samples) {
      expect(
        Object.keys(s.labels).some((k) => /rating|title|key/i.test(k)),
        s.name,
      ).toBe(false);
    }

    // A second scrape without a new scan leaves the counters where they are.
    const again = await scrape();
    expect(total(again, "psr_scans_total")).toBe(1);
    expect(total(again, "psr_repairs_total")).toBe(total(after, "psr_repairs_total"));
  });

  it("reports Plex down after a failed request and up again once it answers", async () => {
    t.emulator.setFaults({ errorRate: 1 });
    try {
      const res = await get("/api/plex/libraries", { "X-Api-Key": API_KEY });
      expect(res.status).toBe(502);
      expect(await health()).toBe("down");
      expect(single(await scrape(), "psr_plex_up")).toBe(0);
    } finally {
      t.emulator.setFaults({});
    }
    expect((await get("/api/plex/libraries", { "X-Api-Key": API_KEY })).status).toBe(200);
    expect(await health()).toBe("up");
  });
});

describe("metrics off and open", () => {
  it("is a 404 until PSR_METRICS_TOKEN is set, whatever is sent", async () => {
    const t = await startTestServer({ seed: 3, items: 20 }, { PSR_API_KEY: API_KEY });
    try {
      const attempts: Record<string, string>[] = [
        {},
        { Authorization: `Bearer ${METRICS_TOKEN}` },
        { "X-Api-Key": API_KEY },
      ];
      for (const headers of attempts) {
        const res = await fetch(`${t.server.url}/metrics`, { headers });
        expect(res.status, JSON.stringify(headers)).toBe(404);
        expect(await res.text()).not.toContain("psr_");
      }
      const h = await fetch(`${t.server.url}/api/health`);
      expect(await h.json()).toMatchObject({ status: "ok", version: VERSION, plex: "unknown" });
    } finally {
      await t.close();
    }
  });

  it("needs no credentials with PSR_METRICS_AUTH=none", async () => {
    const t = await startTestServer({ seed: 4, items: 20 }, { PSR_METRICS_AUTH: "none" });
    try {
      const res = await fetch(`${t.server.url}/metrics`);
      expect(res.status).toBe(200);
      const s = parseScrape(await res.text());
      expect(s.types.get("psr_scan_duration_seconds")).toBe("histogram");
      expect(s.types.get("psr_scans_total")).toBe("counter");
      expect(single(s, "psr_plex_up")).toBe(0);
    } finally {
      await t.close();
    }
  });
});
