// Audit finding 6: an event stream opened with a session cookie ends the moment its session ends
// (logout, log out everywhere, a password change), instead of delivering events until the
// browser goes away. Streams opened with an API key are not affected.
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { AuthStore } from "../../src/auth/store.js";
import { startTestServer, type TestServer } from "../helpers/server.js";
import { type OpenSse, openSse } from "../helpers/sse.js";

const KEY = "session-streams-key-0123456789";
let password = "session-streams-password-1";
let t: TestServer;
const opened: OpenSse[] = [];

beforeAll(async () => {
  // Slow refreshes: a scan runs for seconds, long enough to follow it.
  t = await startTestServer(
    { seed: 11, items: 40, brokenShare: 0.5, refresh: { workers: 1, minMs: 150, maxMs: 250 } },
    { PSR_API_KEY: KEY, GUI_PASSWORD: password },
  );
});
afterAll(async () => {
  for (const s of opened) s.close();
  await t?.close();
});

async function call(path: string, headers: Record<string, string>, body?: unknown) {
  const res = await fetch(t.server.url + path, {
    method: "POST",
    headers: { "Content-Type": "application/json", Origin: t.server.url, ...headers },
    body: JSON.stringify(body ?? {}),
  });
  return { status: res.status, body: (await res.json()) as Record<string, unknown>, res };
}

async function login() {
  const { status, body, res } = await call("/api/auth/login", {}, { username: "admin", password });
  expect(status).toBe(200);
  const cookie = (res.headers.get("set-cookie") ?? "").split(";")[0] ?? "";
  return { cookie, headers: { Cookie: cookie, "X-CSRF-Token": String(body.csrfToken) } };
}

async function stream(path: string, headers: Record<string, string>, first: string) {
  const s = await openSse(t.server.url + path, headers);
  opened.push(s);
  expect(s.status).toBe(200);
  await s.until((events) => events.some((e) => e.event === first));
  return s;
}

async function startScan(): Promise<number> {
  const started = await call("/api/scans", { "X-Api-Key": KEY }, { all: true, dryRun: false });
  expect(started.status, JSON.stringify(started.body)).toBe(202);
  return started.body.id as number;
}

async function stopScans(): Promise<void> {
  const running = await fetch(`${t.server.url}/api/scans?pageSize=5`, { headers: { "X-Api-Key": KEY } });
  for (const job of ((await running.json()) as { items: { id: number; status: string }[] }).items) {
    if (job.status === "running" || job.status === "queued")
      await call(`/api/scans/${job.id}/cancel`, { "X-Api-Key": KEY });
  }
  await t.server.scans.idle();
}

/** How long after `since` the stream ended (negative: before it); fails if still open after `withinMs`. */
async function endsWithin(s: OpenSse, since: number, withinMs: number): Promise<number> {
  const timeout = new Promise<number>((resolve) => setTimeout(() => resolve(-1), withinMs));
  const at = await Promise.race([s.ended, timeout]);
  expect(at, `the stream was still open ${withinMs} ms after the session ended`).not.toBe(-1);
  return at - since;
}

describe("event streams end with their session", () => {
  it("logout ends /api/events at once; a status event published afterwards never arrives", async () => {
    const session = await login();
    const mine = await stream("/api/events", { Cookie: session.cookie }, "status");
    const other = await login();
    const theirs = await stream("/api/events", { Cookie: other.cookie }, "status");
    const script = await stream("/api/events", { "X-Api-Key": KEY }, "status");

    const before = Date.now();
    expect((await call("/api/auth/logout", session.headers)).status).toBe(200);
    expect(await endsWithin(mine, before, 1000)).toBeLessThan(500);
    const seen = mine.events.length;

    // A scan's status events still reach the other session and the API key's stream ...
    const id = await startScan();
    const running = (e: { event: string; data: string }) =>
      e.event === "status" && JSON.parse(e.data).running?.id === id;
    await script.until((events) => events.some(running));
    await theirs.until((events) => events.some(running));
    // ... but not the logged-out one, and its cookie opens nothing any more.
    expect(mine.events.length).toBe(seen);
    expect(mine.events.some(running)).toBe(false);
    expect((await fetch(`${t.server.url}/api/events`, { headers: { Cookie: session.cookie } })).status).toBe(
      401,
    );
    await stopScans();
    theirs.close();
    script.close();
  });

  it("log out everywhere ends every session's streams, the per-scan stream too; API key streams stay", async () => {
    const a = await login();
    const b = await login();
    const id = await startScan();
    const scanStream = await stream(`/api/scans/${id}/events`, { Cookie: a.cookie }, "log");
    const appStream = await stream("/api/events", { Cookie: b.cookie }, "status");
    const script = await stream(`/api/scans/${id}/events`, { "X-Api-Key": KEY }, "log");

    const before = Date.now();
    expect((await call("/api/auth/logout-all", a.headers)).status).toBe(200);
    expect(await endsWithin(scanStream, before, 1000)).toBeLessThan(500);
    expect(await endsWithin(appStream, before, 1000)).toBeLessThan(500);

    // The scan goes on (more log lines for the API key's stream), none for the ended ones.
    const seen = scanStream.events.length;
    const scriptSeen = script.events.length;
    await script.until((events) => events.length > scriptSeen + 3);
    expect(scanStream.events.length).toBe(seen);
    await stopScans();
    script.close();
  });

  it("a password change ends the streams of every session, the changing one's included", async () => {
    const changer = await login();
    const other = await login();
    const mine = await stream("/api/events", { Cookie: changer.cookie }, "status");
    const theirs = await stream("/api/events", { Cookie: other.cookie }, "status");

    const newPassword = "a-brand-new-password-2";
    const changed = await call("/api/auth/password", changer.headers, {
      currentPassword: password,
      newPassword,
    });
    // Measured from the answer: checking and hashing the passwords takes a while before it.
    const before = Date.now();
    expect(changed.status, JSON.stringify(changed.body)).toBe(200);
    password = newPassword;
    expect(await endsWithin(mine, before, 1000)).toBeLessThan(500);
    expect(await endsWithin(theirs, before, 1000)).toBeLessThan(500);
  });

  it("a session ended by another process (psr passwd) ends its streams at the next recheck", async () => {
    const session = await login();
    const s = await stream("/api/events", { Cookie: session.cookie }, "status");
    // Another AuthStore on the same database file knows nothing of this server's streams.
    const before = Date.now();
    await new AuthStore(t.server.db.kysely).deleteAllSessions();
    expect(await endsWithin(s, before, 7000)).toBeLessThan(6000);
  });
});
