// The HTTP API over real HTTP: a real `psr serve` process, a real emulator, a real SQLite file.
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { type EmulatorHandle, startEmulator } from "../../emulator/index.js";
import { type StartedProcess, startPsr } from "../helpers/cli.js";
import { collectSse } from "../helpers/sse.js";
import { tempDir } from "../helpers/tmp.js";

const TOKEN = "api-test-plex-token-77aa";
const KEY = "api-test-key-0123456789abcdef";
let emulator: EmulatorHandle;
let work: ReturnType<typeof tempDir>;
let server: StartedProcess | undefined;
let base = "";

const env = () => ({
  PLEX_URL: emulator.url,
  PLEX_TOKEN: TOKEN,
  PSR_DATA_DIR: work.dir,
  PSR_PORT: "0",
  PSR_API_KEY: KEY,
  PSR_LOG_LEVEL: "warn",
});

async function startServer() {
  server = await startPsr(["serve"], env(), work.dir, /listening on (http:\/\/\S+)\n/);
  base = server.match[1]!;
}

async function api(method: string, path: string, body?: unknown, headers: Record<string, string> = {}) {
  const res = await fetch(base + path, {
    method,
    headers: {
      "X-Api-Key": KEY,
      ...(body === undefined ? {} : { "Content-Type": "application/json" }),
      ...headers,
    },
    body: body === undefined ? undefined : JSON.stringify(body),
  });
  const text = await res.text();
  // biome-ignore lint/suspicious/noExplicitAny: response bodies of many shapes, checked by the assertions
  let json: any;
  try {
    json = JSON.parse(text);
  } catch {
    json = text;
  }
  return { status: res.status, body: json };
}

async function waitFor<T>(fn: () => Promise<T | undefined>, timeoutMs = 20_000): Promise<T> {
  const end = Date.now() + timeoutMs;
  for (;;) {
    const v = await fn();
    if (v !== undefined) return v;
    if (Date.now() > end) throw new Error("timed out waiting");
    await new Promise((r) => setTimeout(r, 100));
  }
}

beforeAll(async () => {
  // Slow enough that a scan is still running while the test pokes at it.
  emulator = await startEmulator({
    token: TOKEN,
    seed: 9,
    items: 200,
    brokenShare: 0.25,
    refresh: { workers: 1, minMs: 300, maxMs: 500 },
  });
  work = tempDir();
  await startServer();
});
afterAll(async () => {
  await server?.stop("SIGKILL");
  await emulator?.close();
  work?.cleanup();
});

describe("HTTP API", () => {
  it("answers health without credentials and everything else only with them", async () => {
    expect((await fetch(`${base}/api/health`)).status).toBe(200);
    const denied = await fetch(`${base}/api/scans`);
    expect(denied.status).toBe(401);
    expect(await denied.json()).toEqual({
      error: "Authentication required: log in, or send an X-Api-Key header",
      code: "auth_required",
    });
    expect((await fetch(`${base}/api/scans`, { headers: { "X-Api-Key": "wrong" } })).status).toBe(401);
  });

  it("validates input and names the field", async () => {
    const bad = await api("POST", "/api/scans", { days: 0 });
    expect(bad.status).toBe(400);
    expect(bad.body.field).toBe("days");
    const unknown = await api("POST", "/api/scans", { frobnicate: true });
    expect(unknown.status).toBe(400);
    expect(unknown.body.error).toMatch(/unknown field: frobnicate/);
    const settings = await api("PUT", "/api/settings", { schedule: { time: "25:00" } });
    expect(settings.status).toBe(400);
    expect(settings.body.field).toBe("schedule.time");
    const cron = await api("PUT", "/api/settings", { schedule: { mode: "cron", cron: "not a cron" } });
    expect(cron.status).toBe(400);
    expect(cron.body.field).toBe("schedule.cron");
    expect((await api("GET", "/api/scans/abc")).status).toBe(400);
    expect((await api("GET", "/api/scans/999999")).status).toBe(404);
    const malformed = await fetch(`${base}/api/scans`, {
      method: "POST",
      headers: { "X-Api-Key": KEY, "Content-Type": "application/json" },
      body: "{not json",
    });
    expect(malformed.status).toBe(400);
    expect(await malformed.json()).toHaveProperty("error");
    // Nothing changed.
    expect((await api("GET", "/api/settings")).body.settings.schedule.time).toBe("03:30");
  });

  it("stores settings and reports the schedule's next run", async () => {
    const res = await api("PUT", "/api/settings", {
      days: 14,
      schedule: { time: "04:15", timezone: "Europe/Berlin" },
    });
    expect(res.status).toBe(200);
    expect(res.body.settings.days).toBe(14);
    expect(res.body.settings.schedule).toMatchObject({
      time: "04:15",
      timezone: "Europe/Berlin",
      enabled: true,
    });
    expect(res.body.scheduler.nextRunAt).toMatch(/^\d{4}-/);
    expect(res.body.scheduler.pattern).toBe("15 4 * * *");
    const again = await api("GET", "/api/settings");
    expect(again.body.settings.days).toBe(14);
  });

  it("lists the Plex libraries without leaking the token", async () => {
    const res = await api("GET", "/api/plex/libraries");
    expect(res.status).toBe(200);
    expect(res.body.libraries.find((l: { title: string }) => l.title === "Movies")).toMatchObject({
      type: "movie",
      scannable: true,
    });
    expect(JSON.stringify(res.body)).not.toContain(TOKEN);
  });

  it("starts a scan, streams it, refuses a second one, cancels it", async () => {
    const start = await api("POST", "/api/scans", { all: true, dryRun: false });
    expect(start.status).toBe(202);
    const id = start.body.id as number;

    const conflict = await api("POST", "/api/scans", {});
    expect(conflict.status).toBe(409);
    expect(conflict.body.runningJobId).toBe(id);

    // Watch the stream until a few log lines and a progress event have arrived.
    const first = await collectSse(
      `${base}/api/scans/${id}/events`,
      { "X-Api-Key": KEY },
      (ev) => ev.filter((e) => e.event === "log").length >= 3 && ev.some((e) => e.event === "progress"),
    );
    expect(first.status).toBe(200);
    expect(first.contentType).toMatch(/text\/event-stream/);
    const logs = first.events.filter((e) => e.event === "log");
    expect(JSON.parse(logs[0]!.data).line).toMatch(/Scan started/);
    const progress = JSON.parse(first.events.find((e) => e.event === "progress")!.data);
    expect(progress).toMatchObject({ id, status: "running" });

    // Reconnect with Last-Event-ID: the stream resumes right after the last line seen.
    const lastId = logs.at(-1)!.id!;
    const resumed = await collectSse(
      `${base}/api/scans/${id}/events`,
      { "X-Api-Key": KEY, "Last-Event-ID": lastId },
      (ev) => ev.filter((e) => e.event === "log").length >= 2,
    );
    const full = await api("GET", `/api/scans/${id}/log?tail=10000`);
    const allLines: string[] = full.body.lines;
    const seen = [...logs, ...resumed.events.filter((e) => e.event === "log")].map(
      (e) => JSON.parse(e.data).line,
    );
    expect(seen).toEqual(allLines.slice(0, seen.length)); // no gap, no repeat

    const cancel = await api("POST", `/api/scans/${id}/cancel`);
    expect(cancel.status).toBe(202);
    const done = await waitFor(async () => {
      const s = await api("GET", `/api/scans/${id}`);
      return s.body.status === "running" ? undefined : s.body;
    }, 5000);
    expect(done.status).toBe("cancelled");
    expect(done.stats).toMatchObject({ checked: expect.any(Number), fixed: expect.any(Number) });

    const list = await api("GET", "/api/scans?page=1&pageSize=10");
    expect(list.body.items[0]).toMatchObject({ id, status: "cancelled", source: "api" });
    const download = await fetch(`${base}/api/scans/${id}/log?download=1`, { headers: { "X-Api-Key": KEY } });
    expect(download.headers.get("content-disposition")).toContain(`scan_${id}.log`);
    const text = await download.text();
    expect(text).toContain("Scan cancelled");
    expect(text).not.toContain(TOKEN);
  });

  it("on SIGTERM stops the scan cleanly, marks it interrupted and flushes its log", async () => {
    const start = await api("POST", "/api/scans", { all: true, dryRun: false });
    expect(start.status).toBe(202);
    const id = start.body.id as number;
    await waitFor(async () =>
      (await api("GET", `/api/scans/${id}/log`)).body.lines.length >= 3 ? true : undefined,
    );
    const t0 = Date.now();
    expect(await server!.stop("SIGTERM")).toBe(0);
    expect(Date.now() - t0).toBeLessThan(5000);
    await startServer();
    const job = (await api("GET", `/api/scans/${id}`)).body;
    expect(job.status).toBe("interrupted");
    expect(job.error).toContain("the server received SIGTERM");
    expect(job.errorReason).toEqual({ code: "server_shutdown" });
    const log = (await api("GET", `/api/scans/${id}/log`)).body.lines as string[];
    expect(log.at(-1)).toMatch(/Interrupted: the server received SIGTERM/);
  });

  it("survives kill -9 mid-scan: the job becomes interrupted and finished items are kept", async () => {
    const start = await api("POST", "/api/scans", { all: true, dryRun: false });
    expect(start.status).toBe(202);
    const id = start.body.id as number;
    // Wait until some items have results.
    await waitFor(async () => {
      const items = await api("GET", "/api/items?pageSize=1");
      return items.body.total >= 3 ? true : undefined;
    });
    const before = (await api("GET", "/api/items?pageSize=500")).body.items.map(
      (i: { ratingKey: string }) => i.ratingKey,
    );

    await server!.stop("SIGKILL");
    await startServer();

    const job = (await api("GET", `/api/scans/${id}`)).body;
    expect(job.status).toBe("interrupted");
    expect(job.error).toMatch(/Interrupted: /);
    // A new server process: the old pid is gone (or reused by this one).
    expect(["job_process_gone", "server_restarted"]).toContain(job.errorReason.code);
    const after = (await api("GET", "/api/items?pageSize=500")).body.items.map(
      (i: { ratingKey: string }) => i.ratingKey,
    );
    expect(after).toEqual(expect.arrayContaining(before));
    // And a new scan can start.
    const next = await api("POST", "/api/scans", { maxItems: 5 });
    expect(next.status).toBe(202);
    await api("POST", `/api/scans/${next.body.id}/cancel`);
  });

  it("pages and filters the items", async () => {
    const res = await api("GET", "/api/items?pageSize=2&page=1");
    expect(res.status).toBe(200);
    expect(res.body.items.length).toBeLessThanOrEqual(2);
    expect(res.body.total).toBeGreaterThan(0);
    // Filter by the commonest state of the first page, so the filter has something to return.
    const page = (await api("GET", "/api/items?pageSize=500")).body.items as { state: string }[];
    const counts = new Map<string, number>();
    for (const item of page) counts.set(item.state, (counts.get(item.state) ?? 0) + 1);
    const [state, count] = [...counts].sort((a, b) => b[1] - a[1])[0] ?? ["none", 0];
    expect(count).toBeGreaterThan(0);
    const filtered = await api("GET", `/api/items?state=${state}&pageSize=500`);
    expect(filtered.body.items.length).toBeGreaterThanOrEqual(Math.min(count, 500));
    expect(filtered.body.items.map((i: { state: string }) => i.state)).toEqual(
      filtered.body.items.map(() => state),
    );
    if (counts.size > 1) expect(filtered.body.total).toBeLessThan(res.body.total);
    expect((await api("GET", "/api/items?state=bogus")).status).toBe(400);
    const stats = await api("GET", "/api/stats");
    expect(stats.body.items.total).toBe(res.body.total);
  });
});
