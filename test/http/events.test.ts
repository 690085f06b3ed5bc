// GET /api/events, the app-wide stream: status, log lines with resumable ids, scheduler; over
// real HTTP against an in-process server, a real emulator and a real SQLite file.
import { readFileSync } from "node:fs";
import { join } from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import type { RunningServer } from "../../src/cli/serve.js";
import { startTestServer, type TestServer } from "../helpers/server.js";
import { collectSse, type SseEvent } from "../helpers/sse.js";

const KEY = "events-test-key-0123456789abcdef";
let t: TestServer;
let server: RunningServer;
let work: { dir: string };
const auth = { "X-Api-Key": KEY };

beforeAll(async () => {
  t = await startTestServer(
    { seed: 9, items: 120, brokenShare: 0.25, refresh: { workers: 1, minMs: 60, maxMs: 120 } },
    { PSR_API_KEY: KEY },
  );
  server = t.server;
  work = { dir: t.dataDir };
});
afterAll(async () => {
  await t?.close();
});

const data = (e: SseEvent) => JSON.parse(e.data) as Record<string, unknown>;
const statusOf = (e: SseEvent) =>
  data(e) as { running: { id: number } | null; lastFinished: { id: number; status: string } | null };

describe("GET /api/events", () => {
  it("needs authentication", async () => {
    const res = await fetch(`${server.url}/api/events`);
    expect(res.status).toBe(401);
  });

  it("streams status, scheduler and every log line of a scan; a reconnect resumes with no gap", async () => {
    const first = await collectSse(`${server.url}/api/events`, auth, (events) =>
      events.some((e) => e.event === "scheduler"),
    );
    expect(first.status).toBe(200);
    expect(first.contentType).toContain("text/event-stream");
    expect(first.events[0]?.event).toBe("status");
    expect(statusOf(first.events[0]!).running).toBeNull();

    const started = await fetch(`${server.url}/api/scans`, {
      method: "POST",
      headers: { ...auth, "Content-Type": "application/json" },
      body: JSON.stringify({ all: true, dryRun: false }),
    });
    expect(started.status).toBe(202);
    const { id } = (await started.json()) as { id: number };

    // Read part of the scan, then drop the connection.
    const part = await collectSse(
      `${server.url}/api/events`,
      auth,
      (events) => events.filter((e) => e.event === "log").length >= 5,
    );
    const partLogs = part.events.filter((e) => e.event === "log");
    expect(partLogs.length).toBeGreaterThanOrEqual(5);
    const running = part.events.find((e) => e.event === "status" && statusOf(e).running !== null);
    expect(statusOf(running!).running?.id).toBe(id);
    const lastSeen = partLogs[partLogs.length - 1]!.id!;
    expect(lastSeen).toMatch(new RegExp(`^${id}:\\d+$`));

    // Come back with Last-Event-ID and follow to the end.
    const rest = await collectSse(
      `${server.url}/api/events`,
      { ...auth, "Last-Event-ID": lastSeen },
      (events) =>
        events.some(
          (e) => e.event === "status" && statusOf(e).running === null && statusOf(e).lastFinished?.id === id,
        ),
      60_000,
    );
    const restLogs = rest.events.filter((e) => e.event === "log");
    const ended = rest.events.find((e) => e.event === "status" && statusOf(e).lastFinished?.id === id);
    expect(statusOf(ended!).lastFinished?.status).toBe("success");
    expect(rest.events.some((e) => e.event === "scheduler")).toBe(true);

    // Every line of the log file, in order, exactly once across both connections.
    const file = readFileSync(join(work.dir, "logs", `scan_${id}.log`), "utf8")
      .split("\n")
      .filter((l) => l !== "");
    const offset = Number(lastSeen.split(":")[1]);
    const before = readFileSync(join(work.dir, "logs", `scan_${id}.log`))
      .subarray(0, offset)
      .toString("utf8")
      .split("\n")
      .filter((l) => l !== "");
    const received = restLogs.map((e) => (data(e) as { line: string }).line);
    expect([...before, ...received]).toEqual(file);
    expect(file.length).toBeGreaterThan(10);
  });

  it("many subscribers share one poller", async () => {
    const streams = await Promise.all(
      Array.from({ length: 10 }, () =>
        collectSse(`${server.url}/api/events`, auth, (events) => events.some((e) => e.event === "scheduler")),
      ),
    );
    for (const s of streams) expect(s.events[0]?.event).toBe("status");
  });
});
