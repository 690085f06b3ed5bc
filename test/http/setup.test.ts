// The Plex connection set in the browser and the first-run setup, over real HTTP against servers
// started without Plex variables: setup status, validation that names the field, the token
// never in a response, the environment winning per value, the start-up check, and the hot
// swap to a second emulator without a restart.
import { createServer } from "node:net";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { type EmulatorHandle, startEmulator } from "../../emulator/index.js";
import { type RunningServer, startServer } from "../../src/cli/serve.js";
import { loadConfig } from "../../src/config/env.js";
import { openDatabase } from "../../src/db/connection.js";
import { ConnectionStore } from "../../src/db/connection-store.js";
import { failureCode } from "../../src/http/routes/plex.js";
import { scheduleOf, setupReason } from "../../src/http/routes/setup.js";
import {
  PlexAuthError,
  PlexError,
  PlexHttpError,
  PlexNotFoundError,
  PlexResponseError,
  PlexUnreachableError,
} from "../../src/plex/index.js";
import { tempDir } from "../helpers/tmp.js";
import { type Receiver, startReceiver } from "../notify/receiver.js";

const KEY = "setup-test-key-0123456789";
let first: EmulatorHandle;
let second: EmulatorHandle;
let notPlex: Receiver;
const works: ReturnType<typeof tempDir>[] = [];
const servers: RunningServer[] = [];

beforeAll(async () => {
  first = await startEmulator({ seed: 3, items: 30, token: "first-token-AAAA1111" });
  second = await startEmulator({ seed: 4, items: 70, token: "second-token-BBBB2222" });
  // Answers every request with a web page, as a router or another service on that port would.
  notPlex = await startReceiver((_, res) => {
    res.writeHead(200, { "Content-Type": "text/html" });
    res.end("<html><body>Router login</body></html>");
  });
});
afterAll(async () => {
  for (const s of servers) await s.close();
  await first?.close();
  await second?.close();
  await notPlex?.close();
  for (const w of works) w.cleanup();
});

async function start(env: Record<string, string> = {}, before?: (dataDir: string) => Promise<void>) {
  const work = tempDir();
  works.push(work);
  const config = loadConfig(
    {
      PSR_DATA_DIR: work.dir,
      PSR_PORT: "0",
      PSR_LOG_LEVEL: "silent",
      PSR_API_KEY: KEY,
      GUI_PASSWORD: "setup-test-password-1",
      ...env,
    },
    work.dir,
  );
  await before?.(work.dir);
  const server = await startServer(config);
  servers.push(server);
  const api = async (
    method: string,
    path: string,
    body?: unknown,
    headers: Record<string, string> = { "X-Api-Key": KEY },
  ) => {
    const res = await fetch(server.url + path, {
      method,
      headers: { ...headers, ...(body === undefined ? {} : { "Content-Type": "application/json" }) },
      body: body === undefined ? undefined : JSON.stringify(body),
    });
    const text = await res.text();
    // biome-ignore lint/suspicious/noExplicitAny: response bodies of many shapes, checked by the assertions
    return { status: res.status, text, json: (text ? JSON.parse(text) : null) as any };
  };
  return { server, api, dataDir: work.dir };
}

async function closedPort(): Promise<number> {
  const probe = createServer();
  await new Promise<void>((resolve) => probe.listen(0, "127.0.0.1", resolve));
  const port = (probe.address() as { port: number }).port;
  await new Promise((resolve) => probe.close(resolve));
  return port;
}

describe("setup rules", () => {
  it.each([
    [false, false, "no_token"],
    [false, true, "no_token"],
    [true, true, "connection_failed"],
    [true, false, null],
  ] as const)("token set %s, failed at start %s → %s", (tokenSet, failed, reason) => {
    expect(setupReason(tokenSet, failed)).toBe(reason);
  });
  it.each([
    [{ mode: "off" }, { enabled: false }],
    [
      { mode: "daily", time: "04:15" },
      { enabled: true, mode: "daily", time: "04:15" },
    ],
    [
      { mode: "cron", cron: "0 3 * * 1" },
      { enabled: true, mode: "cron", cron: "0 3 * * 1" },
    ],
  ] as const)("schedule step %j → %j", (body, schedule) => {
    expect(scheduleOf(body)).toEqual(schedule);
  });
});

describe("why a connection test failed", () => {
  const at = { url: "http://plex.lan:32400/" };
  it.each([
    [new PlexAuthError(at), "plex_auth"],
    [new PlexUnreachableError("http://plex.lan:32400", "connect ECONNREFUSED", at), "plex_unreachable"],
    [new PlexResponseError("no machineIdentifier", at), "plex_not_plex"],
    [new PlexNotFoundError(at), "plex_not_plex"],
    [new PlexHttpError(400, "Bad Request", at), "plex_not_plex"],
    [new PlexHttpError(403, "Forbidden", at), "plex_error"],
    [new PlexHttpError(503, "Service Unavailable", at), "plex_error"],
    [new PlexError("other", at), "plex_error"],
    [new Error("boom"), "internal"],
  ] as const)("%s → %s", (error, code) => {
    expect(failureCode(error)).toBe(code);
  });
});

describe("a server started with no Plex variables", () => {
  let s: Awaited<ReturnType<typeof start>>;
  beforeAll(async () => {
    s = await start();
  });

  it("starts, and asks for the setup (only when logged in)", async () => {
    expect((await s.api("GET", "/api/setup", undefined, {})).status).toBe(401);
    const res = await s.api("GET", "/api/setup");
    expect(res.status).toBe(200);
    expect(res.json).toMatchObject({
      needed: true,
      reason: "no_token",
      connection: { token: null, fromEnvironment: { url: false, token: false, timeout: false } },
    });
    // What needs Plex says it is not configured yet, instead of failing.
    const libraries = await s.api("GET", "/api/plex/libraries");
    expect(libraries.status).toBe(503);
    expect(libraries.json.code).toBe("plex_not_configured");
    expect((await s.api("POST", "/api/plex/test")).json).toMatchObject({
      ok: false,
      code: "plex_not_configured",
    });
  });

  it("tests a connection before it is saved, with a clear reason when it fails", async () => {
    const ok = await s.api("POST", "/api/plex/test", { url: first.url, token: first.token });
    expect(ok.json.ok).toBe(true);
    expect(ok.json.server.name).toBeTruthy();
    expect(ok.json.server.version).toBeTruthy();
    expect(ok.json.libraries.length).toBeGreaterThan(0);
    const cases = [
      [{ url: first.url, token: "wrong-token" }, "plex_auth"],
      [{ url: `http://127.0.0.1:${await closedPort()}`, token: first.token }, "plex_unreachable"],
      [{ url: notPlex.url, token: first.token }, "plex_not_plex"],
    ] as const;
    for (const [body, code] of cases) {
      const res = await s.api("POST", "/api/plex/test", body);
      expect(res.json, JSON.stringify(body)).toMatchObject({ ok: false, code });
      expect(res.text).not.toContain(first.token);
    }
    // Nothing was stored by testing.
    expect((await s.api("GET", "/api/plex/connection")).json.token).toBeNull();
  });

  it("refuses bad input naming the field, and stores nothing", async () => {
    for (const [body, field, code, params] of [
      [{ url: "ftp://plex.lan" }, "url", "http_url", undefined],
      [{ url: "http://plex.lan:32400/?x=1" }, "url", "url_query_or_fragment", undefined],
      [{ url: "http://a@b@plex.lan" }, "url", "url_one_at", undefined],
      [{ url: "" }, "url", "too_small", { minimum: 1, origin: "string" }],
      [{ token: "secret token-with-space" }, "token", "token_characters", undefined],
      [{ token: `secret-${"t".repeat(200)}` }, "token", "too_big", { maximum: 200, origin: "string" }],
      [{ timeoutSeconds: 0 }, "timeoutSeconds", "too_small", { minimum: 1, origin: "number" }],
      [{ timeoutSeconds: 601 }, "timeoutSeconds", "too_big", { maximum: 600, origin: "number" }],
      [{ url: first.url, colour: "red" }, "body", "unrecognized_keys", { keys: ["colour"] }],
    ] as const) {
      const res = await s.api("PUT", "/api/plex/connection", body);
      expect(res.status, JSON.stringify(body)).toBe(400);
      expect(res.json).toMatchObject({ code: "invalid_input", field });
      expect(res.json.issues[0], JSON.stringify(body)).toMatchObject({
        field,
        code,
        ...(params ? { params } : {}),
      });
      if (!params) expect(res.json.issues[0].params, JSON.stringify(body)).toBeUndefined();
      // An issue names the problem, never the value sent (a token stays out of the answer).
      if ("token" in body) expect(res.text).not.toContain(body.token);
    }
    expect((await s.api("GET", "/api/plex/connection")).json).toMatchObject({ token: null });
  });

  it("saves the connection, never returns the token, and the setup is no longer needed", async () => {
    const saved = await s.api("PUT", "/api/plex/connection", {
      url: `${first.url}/`,
      token: first.token,
      timeoutSeconds: 20,
    });
    expect(saved.status).toBe(200);
    expect(saved.json).toMatchObject({ url: first.url, timeoutSeconds: 20 });
    expect(saved.json.token).toMatch(/^•+1111$/);
    expect(saved.text).not.toContain(first.token);
    for (const path of ["/api/setup", "/api/plex/connection", "/api/settings"]) {
      const res = await s.api("GET", path);
      expect(res.text, path).not.toContain(first.token);
    }
    expect((await s.api("GET", "/api/setup")).json).toMatchObject({ needed: false, reason: null });
    const libraries = await s.api("GET", "/api/plex/libraries");
    expect(libraries.status).toBe(200);
    expect(libraries.json.libraries.length).toBeGreaterThan(0);
  });

  it("switches to a second server without a restart", async () => {
    const total = (libraries: { count: number }[]) => libraries.reduce((n, l) => n + l.count, 0);
    const before = (await s.api("GET", "/api/plex/libraries")).json.libraries;
    const expectedSecond = (await s.api("POST", "/api/plex/test", { url: second.url, token: second.token }))
      .json.libraries;
    expect(total(expectedSecond)).not.toBe(total(before));
    // Both at once (a URL alone would pair the old token with the new server).
    const secondBefore = second.stats().requests;
    await s.api("PUT", "/api/plex/connection", { url: second.url, token: second.token });
    const after = (await s.api("GET", "/api/plex/libraries")).json.libraries;
    expect(total(after)).toBe(total(expectedSecond));
    expect(second.stats().requests).toBeGreaterThan(secondBefore);
    // The item drawer's "Open in Plex" link and everything else use the URL now in effect.
    expect((await s.api("GET", "/api/plex/connection")).json.url).toBe(second.url);
    expect((await s.api("GET", "/api/settings")).json.plex.url).toBe(second.url);
  });

  it("stores the libraries and the schedule of the setup's steps, validated", async () => {
    const bad = await s.api("POST", "/api/setup/libraries", { libraries: "Movies" });
    expect(bad.status).toBe(400);
    expect(bad.json.field).toBe("libraries");
    const libs = await s.api("POST", "/api/setup/libraries", {
      libraries: ["Movies"],
      includePersonal: true,
    });
    expect(libs.json).toEqual({ libraries: ["Movies"], includePersonal: true });

    for (const [body, field, code, params] of [
      [{ mode: "daily" }, "time", "time_required", undefined],
      [{ mode: "daily", time: "25:00" }, "time", "time_format", undefined],
      [{ mode: "cron" }, "cron", "cron_required", undefined],
      // Refused by the settings' own rule, named by the step's field.
      [{ mode: "cron", cron: "* * * * *" }, "cron", "cron_too_often", { minutes: 1 }],
      [{ mode: "weekly" }, "mode", "invalid_value", { values: ["off", "daily", "cron"] }],
    ] as const) {
      const res = await s.api("POST", "/api/setup/schedule", body);
      expect(res.status, JSON.stringify(body)).toBe(400);
      expect(res.json.field, JSON.stringify(body)).toBe(field);
      expect(res.json.issues[0], JSON.stringify(body)).toMatchObject({
        field,
        code,
        ...(params ? { params } : {}),
      });
    }
    const settingsBefore = (await s.api("GET", "/api/settings")).json;
    expect(settingsBefore.settings.schedule.time).toBe("03:30");
    const ok = await s.api("POST", "/api/setup/schedule", { mode: "daily", time: "04:15" });
    expect(ok.json.schedule).toMatchObject({ enabled: true, mode: "daily", time: "04:15" });
    const settings = (await s.api("GET", "/api/settings")).json;
    expect(settings.settings.libraries).toEqual(["Movies"]);
    expect(settings.scheduler.enabled).toBe(true);
    expect(settings.scheduler.nextRunAt).toBeTruthy();
    await s.api("POST", "/api/setup/schedule", { mode: "off" });
    expect((await s.api("GET", "/api/settings")).json.scheduler.enabled).toBe(false);
  });

  it("scans with the stored connection and keeps its token out of the job log", async () => {
    await s.api("POST", "/api/setup/libraries", { libraries: [] });
    const started = await s.api("POST", "/api/scans", { dryRun: true });
    expect(started.status).toBe(202);
    let scan: { status: string } = { status: "queued" };
    for (let i = 0; i < 300 && (scan.status === "queued" || scan.status === "running"); i++) {
      await new Promise((r) => setTimeout(r, 100));
      scan = (await s.api("GET", `/api/scans/${started.json.id}`)).json;
    }
    expect(scan.status).toBe("success");
    const log = await s.api("GET", `/api/scans/${started.json.id}/log?tail=10000`);
    expect(log.json.lines.length).toBeGreaterThan(0);
    expect(log.text).not.toContain(second.token);
  });
});

describe("the environment wins per value", () => {
  it("shows which values it sets and refuses to change them", async () => {
    const s = await start({ PLEX_URL: first.url, PLEX_TIMEOUT: "9" });
    const view = (await s.api("GET", "/api/plex/connection")).json;
    expect(view).toMatchObject({
      url: first.url,
      token: null,
      timeoutSeconds: 9,
      fromEnvironment: { url: true, token: false, timeout: true },
    });
    const refused = await s.api("PUT", "/api/plex/connection", { url: second.url, token: first.token });
    expect(refused.status).toBe(400);
    expect(refused.json).toMatchObject({
      code: "invalid_input",
      field: "url",
      issues: [{ field: "url", code: "set_by_environment", params: { variable: "PLEX_URL" } }],
    });
    const timeout = await s.api("PUT", "/api/plex/connection", { timeoutSeconds: 30 });
    expect(timeout.json.issues).toMatchObject([
      { field: "timeoutSeconds", code: "set_by_environment", params: { variable: "PLEX_TIMEOUT" } },
    ]);
    expect((await s.api("GET", "/api/plex/connection")).json.token).toBeNull();
    // The token is not set by the environment, so the browser may set it.
    const saved = await s.api("PUT", "/api/plex/connection", { token: first.token });
    expect(saved.json).toMatchObject({ url: first.url, timeoutSeconds: 9 });
    expect((await s.api("GET", "/api/setup")).json.needed).toBe(false);
  });

  it("opens the setup when the connection fails at start, until a test passes", async () => {
    // A URL stored earlier whose path no longer leads to Plex; the token comes from the
    // environment, so only an address of the same origin may be saved here.
    const dead = `${first.url}/moved`;
    const s = await start({ PLEX_TOKEN: first.token }, async (dataDir) => {
      const db = await openDatabase(dataDir);
      const config = loadConfig({ PSR_DATA_DIR: dataDir }, dataDir);
      await (await ConnectionStore.open(db.kysely, config)).save({ url: dead });
      await db.close();
    });
    expect((await s.api("GET", "/api/setup")).json).toMatchObject({
      needed: true,
      reason: "connection_failed",
      connection: { url: dead, fromEnvironment: { token: true } },
    });
    const refused = await s.api("PUT", "/api/plex/connection", { token: "other" });
    expect(refused.json.field).toBe("token");
    // The environment's token never follows an address typed here to another origin.
    const elsewhere = await s.api("PUT", "/api/plex/connection", { url: second.url });
    expect(elsewhere.json).toMatchObject({ code: "token_required", field: "token" });
    expect((await s.api("PUT", "/api/plex/connection", { url: first.url })).status).toBe(200);
    // Saving alone does not clear it; a passing test of the connection in effect does.
    expect((await s.api("GET", "/api/setup")).json.needed).toBe(true);
    expect((await s.api("POST", "/api/plex/test")).json.ok).toBe(true);
    expect((await s.api("GET", "/api/setup")).json).toMatchObject({ needed: false, reason: null });
  });
});
