// Audit finding 1: the Plex token goes only to the origin (scheme, host, port) it was set for.
// A test or save naming another origin without the token typed again is refused before
// anything is sent; the environment's token never goes to an address from the browser; a
// user:password in the Plex URL is shown masked. Real servers on 127.0.0.1, a real SQLite file,
// and an "attacker" that answers like Plex and records every request it gets.
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { type EmulatorHandle, startEmulator } from "../../emulator/index.js";
import { type RunningServer, startServer } from "../../src/cli/serve.js";
import { loadConfig } from "../../src/config/env.js";
import { openDatabase } from "../../src/db/connection.js";
import { ConnectionStore, readStoredConnection } from "../../src/db/connection-store.js";
import { tempDir } from "../helpers/tmp.js";
import { json, type Receiver, startReceiver } from "../notify/receiver.js";

const KEY = "token-origin-key-0123456789";
const TYPED = "typed-for-attacker-7777";
let plex: EmulatorHandle;
let other: EmulatorHandle;
let attacker: Receiver;
const works: ReturnType<typeof tempDir>[] = [];
const servers: RunningServer[] = [];

beforeAll(async () => {
  plex = await startEmulator({ seed: 5, items: 12, brokenShare: 0.5, token: "saved-token-AAAA1111" });
  other = await startEmulator({ seed: 6, items: 8, token: "other-token-BBBB2222" });
  // Answers in Plex's shape, so a leak would also read back as a passing test.
  attacker = await startReceiver((_, res) =>
    json(res, 200, { MediaContainer: { friendlyName: "Evil", machineIdentifier: "evil", version: "1.0" } }),
  );
});
afterAll(async () => {
  for (const s of servers) await s.close();
  await plex?.close();
  await other?.close();
  await attacker?.close();
  for (const w of works) w.cleanup();
});

async function start(env: Record<string, string> = {}, stored?: { url: string }) {
  const work = tempDir();
  works.push(work);
  const base = {
    PSR_DATA_DIR: work.dir,
    PSR_PORT: "0",
    PSR_LOG_LEVEL: "silent",
    PSR_API_KEY: KEY,
    GUI_PASSWORD: "token-origin-password-1",
  };
  if (stored) {
    const db = await openDatabase(work.dir);
    await (await ConnectionStore.open(db.kysely, loadConfig(base, work.dir))).save(stored);
    await db.close();
  }
  const server = await startServer(loadConfig({ ...base, ...env }, work.dir));
  servers.push(server);
  const api = async (method: string, path: string, body?: unknown) => {
    const res = await fetch(server.url + path, {
      method,
      headers: { "X-Api-Key": KEY, ...(body === undefined ? {} : { "Content-Type": "application/json" }) },
      body: body === undefined ? undefined : JSON.stringify(body),
    });
    const text = await res.text();
    // biome-ignore lint/suspicious/noExplicitAny: response bodies of many shapes, checked by the assertions
    return { status: res.status, text, json: (text ? JSON.parse(text) : null) as any };
  };
  /** What the database holds now (the token decrypted), read through a second connection. */
  const stored_ = async () => {
    const db = await openDatabase(work.dir, { migrate: false });
    try {
      return await readStoredConnection(db.kysely, work.dir);
    } finally {
      await db.close();
    }
  };
  return { api, stored: stored_ };
}

type Server = Awaited<ReturnType<typeof start>>;

/** Each request is refused with token_required on `token`, and the attacker hears nothing. */
async function expectRefused(s: Server, requests: [string, string, Record<string, unknown>][], env = false) {
  const before = attacker.requests.length;
  for (const [method, path, body] of requests) {
    const res = await s.api(method, path, body);
    const what = `${method} ${path} ${JSON.stringify(body)}`;
    expect(res.status, what).toBe(400);
    expect(res.json, what).toMatchObject({
      code: "token_required",
      field: "token",
      fromEnvironment: env,
      issues: [{ field: "token" }],
    });
    expect(res.text, what).not.toContain(plex.token);
  }
  expect(attacker.requests.slice(before)).toEqual([]);
}

describe("a token saved in the browser", () => {
  let s: Server;
  beforeAll(async () => {
    s = await start();
    expect((await s.api("PUT", "/api/plex/connection", { url: plex.url, token: plex.token })).status).toBe(
      200,
    );
  });

  it("is not sent to a new origin by a test or a save without it, and nothing changes", async () => {
    const view = (await s.api("GET", "/api/plex/connection")).json;
    await expectRefused(s, [
      ["POST", "/api/plex/test", { url: attacker.url }],
      ["POST", "/api/plex/test", { url: `${attacker.url}/plex`, timeoutSeconds: 5 }],
      ["PUT", "/api/plex/connection", { url: attacker.url }],
      ["PUT", "/api/plex/connection", { url: attacker.url, timeoutSeconds: 5 }],
    ]);
    expect((await s.api("GET", "/api/plex/connection")).json).toEqual(view);
    expect(await s.stored()).toEqual({ url: plex.url, token: plex.token });
    expect((await s.api("GET", "/api/plex/libraries")).status).toBe(200);
  });

  it("is reused for the same origin written another way", async () => {
    const sameOrigin = plex.url.toUpperCase(); // HTTP://127.0.0.1:port
    expect((await s.api("POST", "/api/plex/test", { url: sameOrigin })).json.ok).toBe(true);
    const saved = await s.api("PUT", "/api/plex/connection", { url: sameOrigin });
    expect(saved.status).toBe(200);
    expect(await s.stored()).toEqual({ url: sameOrigin, token: plex.token });
    expect((await s.api("GET", "/api/plex/libraries")).status).toBe(200);
  });

  it("goes to a new origin only with the token typed, and only the typed one", async () => {
    const before = attacker.requests.length;
    await s.api("POST", "/api/plex/test", { url: attacker.url, token: TYPED });
    const heard = attacker.requests.slice(before);
    expect(heard.length).toBeGreaterThan(0);
    for (const r of heard) expect(r.headers["x-plex-token"]).toBe(TYPED);
    expect(JSON.stringify(heard)).not.toContain(plex.token);

    expect((await s.api("POST", "/api/plex/test", { url: other.url, token: other.token })).json.ok).toBe(
      true,
    );
    expect((await s.api("PUT", "/api/plex/connection", { url: other.url, token: other.token })).status).toBe(
      200,
    );
    expect(await s.stored()).toEqual({ url: other.url, token: other.token });
    // The new pair is bound to its own origin now: the old one needs its token again.
    await expectRefused(s, [["PUT", "/api/plex/connection", { url: attacker.url }]]);
  });
});

describe("the environment's token (PLEX_TOKEN without PLEX_URL)", () => {
  let s: Server;
  beforeAll(async () => {
    s = await start({ PLEX_TOKEN: plex.token }, { url: plex.url });
  });

  it("is never sent to an address from the browser, and nothing changes", async () => {
    await expectRefused(
      s,
      [
        ["POST", "/api/plex/test", { url: attacker.url }],
        ["PUT", "/api/plex/connection", { url: attacker.url }],
      ],
      true,
    );
    // With a token typed, the save is still refused: the environment's token would win.
    const before = attacker.requests.length;
    const typed = await s.api("PUT", "/api/plex/connection", { url: attacker.url, token: TYPED });
    expect(typed.status).toBe(400);
    expect(typed.json.field).toBe("token");
    expect(attacker.requests.slice(before)).toEqual([]);
    expect(await s.stored()).toEqual({ url: plex.url });
    expect((await s.api("GET", "/api/plex/connection")).json.url).toBe(plex.url);
  });

  it("tests another address with the token typed, never with the environment's", async () => {
    const before = attacker.requests.length;
    await s.api("POST", "/api/plex/test", { url: attacker.url, token: TYPED });
    const heard = attacker.requests.slice(before);
    expect(heard.length).toBeGreaterThan(0);
    for (const r of heard) expect(r.headers["x-plex-token"]).toBe(TYPED);
    // The environment's token would be refused there (401): the typed one is what was sent.
    expect((await s.api("POST", "/api/plex/test", { url: other.url, token: other.token })).json.ok).toBe(
      true,
    );
  });

  it("still works for its own origin", async () => {
    expect((await s.api("POST", "/api/plex/test")).json.ok).toBe(true);
    expect((await s.api("POST", "/api/plex/test", { url: plex.url })).json.ok).toBe(true);
  });
});

it("PLEX_URL and PLEX_TOKEN from the environment: a test of another address needs a token", async () => {
  const s = await start({ PLEX_URL: plex.url, PLEX_TOKEN: plex.token });
  await expectRefused(s, [["POST", "/api/plex/test", { url: attacker.url }]], true);
});

describe("a user:password in the Plex URL", () => {
  const PASSWORD = "s3cret-pw-9876";
  const withPassword = () => plex.url.replace("http://", `http://plexuser:${PASSWORD}@`);
  const masked = () => plex.url.replace("http://", "http://plexuser:REDACTED@");

  it("is shown masked by the API and in the Open in Plex link", async () => {
    const s = await start({ PLEX_URL: withPassword(), PLEX_TOKEN: plex.token });
    const started = await s.api("POST", "/api/scans", { dryRun: true });
    expect(started.status).toBe(202);
    let status = "queued";
    for (let i = 0; i < 300 && (status === "queued" || status === "running"); i++) {
      await new Promise((r) => setTimeout(r, 100));
      status = (await s.api("GET", `/api/scans/${started.json.id}`)).json.status;
    }
    expect(status).toBe("success");
    const item = (await s.api("GET", "/api/items?state=would_fix&pageSize=1")).json.items[0];
    const detail = await s.api("GET", `/api/items/${item.ratingKey}`);
    expect(detail.json.plexLink).toMatch(
      new RegExp(`^${masked().replace(/[.]/g, "\\.")}/web/index\\.html#!`),
    );
    expect((await s.api("GET", "/api/plex/connection")).json.url).toBe(masked());
    expect((await s.api("GET", "/api/setup")).json.connection.url).toBe(masked());
    expect((await s.api("GET", "/api/settings")).json.plex.url).toBe(masked());
    for (const path of [
      "/api/plex/connection",
      "/api/setup",
      "/api/settings",
      `/api/items/${item.ratingKey}`,
    ]) {
      expect((await s.api("GET", path)).text, path).not.toContain(PASSWORD);
    }
  });

  it("set in the browser: answered masked, and the mask sent back keeps the stored one", async () => {
    const s = await start();
    const saved = await s.api("PUT", "/api/plex/connection", { url: withPassword(), token: plex.token });
    expect(saved.json.url).toBe(masked());
    expect(saved.text).not.toContain(PASSWORD);
    // The form sends back what it was shown; that must not overwrite the password with the mask.
    const again = await s.api("PUT", "/api/plex/connection", { url: masked(), timeoutSeconds: 9 });
    expect(again.status).toBe(200);
    expect(await s.stored()).toEqual({ url: withPassword(), token: plex.token, timeoutMs: 9000 });
    // A second @ would leave the rest of the password unmasked: write it as %40.
    const twoAts = plex.url.replace("http://", "http://plexuser:pa@ss@");
    const refused = await s.api("PUT", "/api/plex/connection", { url: twoAts, token: plex.token });
    expect(refused.status).toBe(400);
    expect(refused.json).toMatchObject({ code: "invalid_input", field: "url" });
  });
});
