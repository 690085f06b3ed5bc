// GET /api/watch/status and the `watch` settings section over real HTTP: the status shape,
// auth, strict validation (a bad value is a 400 naming the field and changes nothing), and
// switching watch mode off and on again without a restart.
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { watchStatusSchema } from "../../src/contracts/watch.js";
import { startTestServer, type TestServer } from "../helpers/server.js";

const KEY = "watch-http-key-0123456789abcdef";
let stack: TestServer;

async function api(method: string, path: string, body?: unknown, auth = true) {
  const res = await fetch(stack.server.url + path, {
    method,
    headers: {
      ...(auth ? { "X-Api-Key": KEY } : {}),
      ...(body === undefined ? {} : { "Content-Type": "application/json" }),
    },
    body: body === undefined ? undefined : JSON.stringify(body),
  });
  // biome-ignore lint/suspicious/noExplicitAny: response bodies of many shapes, checked by the assertions
  const json: any = (res.headers.get("content-type") ?? "").includes("json") ? await res.json() : null;
  return { status: res.status, body: json };
}

async function status() {
  const res = await api("GET", "/api/watch/status");
  expect(res.status).toBe(200);
  return watchStatusSchema.parse(res.body);
}

async function until(what: string, check: () => Promise<boolean>) {
  const end = Date.now() + 10_000;
  while (!(await check())) {
    if (Date.now() > end) throw new Error(`timed out waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 50));
  }
}

beforeAll(async () => {
  stack = await startTestServer({ seed: 3, items: 20 }, { PSR_API_KEY: KEY });
}, 30_000);
afterAll(async () => {
  await stack?.close();
});

describe("GET /api/watch/status", () => {
  it("needs a login", async () => {
    const res = await api("GET", "/api/watch/status", undefined, false);
    expect(res.status).toBe(401);
  });

  it("reports watch mode on by default, connected, with today's figures", async () => {
    await until("the connection", async () => (await status()).connected);
    const s = await status();
    expect(s).toMatchObject({
      enabled: true,
      state: "connected",
      settleSeconds: 10,
      queueDepth: 0,
      plexScanning: false,
      waitingForScan: false,
      today: { checked: 0, fixed: 0, failed: 0 },
    });
    expect(s.today.day).toMatch(/^\d{4}-\d{2}-\d{2}$/);
    // The settings carry the section with its defaults.
    const settings = await api("GET", "/api/settings");
    expect(settings.body.settings.watch).toEqual({ enabled: true, settleSeconds: 10 });
  });
});

describe("the watch settings", () => {
  it.each([
    [{ settleSeconds: 601 }, "watch.settleSeconds"],
    [{ settleSeconds: -1 }, "watch.settleSeconds"],
    [{ settleSeconds: 2.5 }, "watch.settleSeconds"],
    [{ settleSeconds: "10" }, "watch.settleSeconds"],
    [{ enabled: "yes" }, "watch.enabled"],
    [{ enabled: null }, "watch.enabled"],
    [{ surprise: true }, "watch"],
    ["on", "watch"],
  ])("refuses %j with a 400 naming %s, and changes nothing", async (watch, field) => {
    const res = await api("PUT", "/api/settings", { watch });
    expect(res.status).toBe(400);
    expect(res.body.code).toBe("invalid_input");
    expect(res.body.field).toBe(field);
    expect((await api("GET", "/api/settings")).body.settings.watch).toEqual({
      enabled: true,
      settleSeconds: 10,
    });
  });

  it("takes a new settle time and an off switch at once, without a restart", async () => {
    const saved = await api("PUT", "/api/settings", { watch: { settleSeconds: 0 } });
    expect(saved.status).toBe(200);
    expect(saved.body.settings.watch).toEqual({ enabled: true, settleSeconds: 0 });
    expect((await status()).settleSeconds).toBe(0);

    expect((await api("PUT", "/api/settings", { watch: { enabled: false } })).status).toBe(200);
    const off = await status();
    expect(off).toMatchObject({ enabled: false, state: "off", connected: false, settleSeconds: 0 });
    // Nothing listens any more.
    await until("the socket to close", async () => stack.emulator.notifications.connections === 0);

    expect((await api("PUT", "/api/settings", { watch: { enabled: true, settleSeconds: 600 } })).status).toBe(
      200,
    );
    await until("the reconnect", async () => (await status()).connected);
    expect(await status()).toMatchObject({ enabled: true, state: "connected", settleSeconds: 600 });
  });
});
