// The auth guard alone, on a real Fastify server on 127.0.0.1 with a real auth store (SQLite):
// which requests pass, which get 401/403, CSRF, the session cookie's renewal, and the unmatched
// requests' 401-or-404. The whole app's route list is checked in test/security/auth.test.ts.
import fastifyCookie from "@fastify/cookie";
import Fastify, { type FastifyInstance } from "fastify";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { AuthStore } from "../../src/auth/store.js";
import { type Db, openDatabase } from "../../src/db/connection.js";
import { errorResponse } from "../../src/http/app.js";
import {
  type AuthOptions,
  apiNotFound,
  isApiPath,
  registerAuthGuard,
  routedPath,
} from "../../src/http/auth-guard.js";
import { HttpError } from "../../src/http/errors.js";
import { tempDir } from "../helpers/tmp.js";

describe("routedPath and isApiPath", () => {
  it.each([
    { url: "/api/jobs?x=1", path: "/api/jobs", api: true },
    { url: "/api", path: "/api", api: true },
    { url: "/api/", path: "/api", api: true },
    { url: "/API/jobs", path: "/API/jobs", api: true },
    { url: "/%61pi/settings", path: "/api/settings", api: true },
    { url: "//api//jobs", path: "/api/jobs", api: true },
    { url: "/./api/./jobs", path: "/api/jobs", api: true },
    { url: "/web/../api/jobs", path: "/api/jobs", api: true },
    { url: "/../../api", path: "/api", api: true },
    { url: "http://psr.example:8080/api/jobs?a", path: "/api/jobs", api: true },
    { url: "HTTPS://psr.example", path: "/", api: false },
    { url: "/apix", path: "/apix", api: false },
    { url: "/jobs/7", path: "/jobs/7", api: false },
    { url: "/x/api", path: "/x/api", api: false },
    { url: "/api/../jobs", path: "/jobs", api: false },
    { url: "/%E0%A4%A/api", path: "/%E0%A4%A/api", api: false }, // malformed escape: the raw text
    { url: "/%zz/../api/x", path: "/api/x", api: true },
    { url: "", path: "/", api: false },
    { url: "?q=/api", path: "/", api: false },
    { url: "/a/http://evil/api/x", path: "/a/http:/evil/api/x", api: false }, // only a leading scheme is a target
  ])("$url → $path (api: $api)", ({ url, path, api }) => {
    expect(routedPath(url)).toBe(path);
    expect(isApiPath(url)).toBe(api);
  });
});

const ENV_KEY = "env-api-key-0123456789";
const COOKIE = "psr_test";
const EXPIRY_DAYS = 7;

/** A server with the guard, one public and two private routes, and the app's error answers. */
async function guardedServer(store: AuthStore, apiKey: string | undefined): Promise<FastifyInstance> {
  const app = Fastify({ trustProxy: true });
  app.setErrorHandler((error, _request, reply) => {
    const { status, body } = errorResponse(error);
    reply.status(status).send(body);
  });
  app.setNotFoundHandler((request, reply) => {
    const error = isApiPath(request.url) ? apiNotFound(request) : new HttpError(404, "Not found");
    const { status, body } = errorResponse(error);
    reply.status(status).send(body);
  });
  await app.register(fastifyCookie);
  const opts: AuthOptions = { store, apiKey, cookieName: COOKIE, cookieExpiryDays: EXPIRY_DAYS };
  registerAuthGuard(app, opts);
  app.get("/api/open", { config: { public: true } }, async (request) => ({ auth: request.auth ?? null }));
  app.get("/api/thing", async (request) => ({ auth: request.auth?.kind }));
  app.post("/api/thing", async (request) => ({ auth: request.auth?.kind }));
  await app.listen({ host: "127.0.0.1", port: 0 });
  return app;
}

let db: Db;
let store: AuthStore;
let work: ReturnType<typeof tempDir>;
let withEnvKey: FastifyInstance;
let storeKeysOnly: FastifyInstance;
let storedKey: string;

beforeAll(async () => {
  work = tempDir();
  db = await openDatabase(work.dir);
  store = new AuthStore(db.kysely);
  storedKey = (await store.createApiKey("ci")).key;
  withEnvKey = await guardedServer(store, ENV_KEY);
  storeKeysOnly = await guardedServer(store, undefined);
});
afterAll(async () => {
  await withEnvKey?.close();
  await storeKeysOnly?.close();
  await db?.close();
  work?.cleanup();
});

function base(app: FastifyInstance): string {
  const address = app.server.address();
  if (!address || typeof address === "string") throw new Error("not listening");
  return `http://127.0.0.1:${address.port}`;
}

async function call(
  app: FastifyInstance,
  method: string,
  path: string,
  headers: Record<string, string> = {},
) {
  const res = await fetch(`${base(app)}${path}`, { method, headers, redirect: "manual" });
  const text = await res.text();
  return {
    status: res.status,
    setCookie: res.headers.get("set-cookie"),
    json: JSON.parse(text) as Record<string, unknown>,
  };
}

async function session(lastSeenAgoMs = 0) {
  const created = await store.createSession({ ip: "127.0.0.1", userAgent: undefined }, EXPIRY_DAYS);
  if (lastSeenAgoMs > 0) {
    const record = await store.session(created.id);
    await db.kysely
      .updateTable("sessions")
      .set({ last_seen_at: Date.now() - lastSeenAgoMs })
      .where("id_hash", "=", record?.idHash ?? "")
      .execute();
  }
  return created;
}

describe("API keys", () => {
  it.each([
    { name: "the environment's key", server: "env", key: ENV_KEY, status: 200 },
    { name: "a key from the settings", server: "env", key: "stored", status: 200 },
    { name: "a stored key where no environment key is set", server: "store", key: "stored", status: 200 },
    { name: "a wrong key", server: "env", key: "wrong", status: 401 },
    { name: "a wrong key where no environment key is set", server: "store", key: "wrong", status: 401 },
    { name: "an empty key", server: "store", key: "", status: 401 },
  ])("$name → $status", async ({ server, key, status }) => {
    const app = server === "env" ? withEnvKey : storeKeysOnly;
    const res = await call(app, "POST", "/api/thing", { "X-Api-Key": key === "stored" ? storedKey : key });
    expect(res.status).toBe(status);
    if (status === 200) expect(res.json).toEqual({ auth: "apiKey" });
    else
      expect(res.json).toEqual({
        error: "Authentication required: the X-Api-Key is not valid",
        code: "auth_required",
      });
  });

  it("a wrong key on an unmatched API path gets the same 401 as no credentials", async () => {
    const res = await call(withEnvKey, "GET", "/api/nothing", { "X-Api-Key": "wrong" });
    expect(res.status).toBe(401);
    expect(res.json.error).toBe("Authentication required: log in, or send an X-Api-Key header");
  });
});

describe("sessions", () => {
  it("no credentials: 401 on a private route, the public one answers without auth", async () => {
    const res = await call(withEnvKey, "GET", "/api/thing");
    expect(res).toMatchObject({
      status: 401,
      json: { error: "Authentication required: log in, or send an X-Api-Key header" },
    });
    expect(await call(withEnvKey, "GET", "/api/open")).toMatchObject({ status: 200, json: { auth: null } });
  });

  it("a public route does not look at credentials at all", async () => {
    const res = await call(withEnvKey, "GET", "/api/open", {
      "X-Api-Key": "wrong",
      Cookie: `${COOKIE}=gone`,
    });
    expect(res).toMatchObject({ status: 200, json: { auth: null } });
  });

  it("a session reads without a CSRF token and is not renewed while fresh", async () => {
    const s = await session();
    const res = await call(withEnvKey, "GET", "/api/thing", { Cookie: `${COOKIE}=${s.id}` });
    expect(res).toMatchObject({ status: 200, json: { auth: "session" }, setCookie: null });
  });

  it("an unknown session gets 401 session_expired and its cookie cleared", async () => {
    const res = await call(withEnvKey, "GET", "/api/thing", { Cookie: `${COOKIE}=not-a-session` });
    expect(res.status).toBe(401);
    expect(res.json).toEqual({
      error: "Your session has expired: please log in again",
      code: "session_expired",
    });
    expect(res.setCookie).toMatch(new RegExp(`^${COOKIE}=;`));
    expect(res.setCookie).toMatch(/Path=\//);
    expect(res.setCookie).toMatch(/HttpOnly/);
    expect(res.setCookie).toMatch(/SameSite=Lax/);
    expect(res.setCookie).not.toMatch(/Secure/);
  });

  it("an unknown session on an unmatched path is simply not authenticated (no cookie change)", async () => {
    const res = await call(withEnvKey, "GET", "/api/nothing", { Cookie: `${COOKIE}=not-a-session` });
    expect(res).toMatchObject({ status: 401, setCookie: null });
    expect(res.json.code).toBe("auth_required");
  });

  it("renews a session last seen over five minutes ago: new expiry and cookie", async () => {
    const s = await session(6 * 60_000);
    const before = Date.now();
    const res = await call(withEnvKey, "GET", "/api/thing", { Cookie: `${COOKIE}=${s.id}` });
    expect(res.status).toBe(200);
    expect(res.setCookie).toMatch(new RegExp(`^${COOKIE}=${s.id};`));
    expect(res.setCookie).toMatch(new RegExp(`Max-Age=${EXPIRY_DAYS * 86_400}`));
    expect(res.setCookie).toMatch(/HttpOnly/);
    expect(res.setCookie).toMatch(/SameSite=Lax/);
    expect(res.setCookie).not.toMatch(/Secure/);
    const record = await store.session(s.id);
    expect(record?.lastSeenAt).toBeGreaterThanOrEqual(before);
    expect(record?.expiresAt).toBeGreaterThanOrEqual(before + EXPIRY_DAYS * 86_400_000);
  });

  it("a session four minutes old is not renewed", async () => {
    const s = await session(4 * 60_000);
    const res = await call(withEnvKey, "GET", "/api/thing", { Cookie: `${COOKIE}=${s.id}` });
    expect(res).toMatchObject({ status: 200, setCookie: null });
  });

  it("behind an HTTPS proxy the renewed and cleared cookies are Secure", async () => {
    const s = await session(6 * 60_000);
    const proto = { "X-Forwarded-Proto": "https" };
    const renewed = await call(withEnvKey, "GET", "/api/thing", { ...proto, Cookie: `${COOKIE}=${s.id}` });
    expect(renewed.setCookie).toMatch(/Secure/);
    const cleared = await call(withEnvKey, "GET", "/api/thing", { ...proto, Cookie: `${COOKIE}=gone` });
    expect(cleared.setCookie).toMatch(/Secure/);
  });
});

describe("CSRF on state changes with a session", () => {
  it.each([
    { name: "origin and token", origin: "own", site: undefined, token: "right", status: 200 },
    {
      name: "Sec-Fetch-Site same-origin and token",
      origin: undefined,
      site: "same-origin",
      token: "right",
      status: 200,
    },
    { name: "no token", origin: "own", site: undefined, token: undefined, status: 403 },
    { name: "a wrong token", origin: "own", site: undefined, token: "wrong", status: 403 },
    { name: "an empty token", origin: "own", site: undefined, token: "", status: 403 },
    { name: "another origin", origin: "https://evil.example", site: undefined, token: "right", status: 403 },
    { name: "a cross-site request", origin: undefined, site: "cross-site", token: "right", status: 403 },
    { name: "no origin at all", origin: undefined, site: undefined, token: "right", status: 403 },
  ])("$name → $status", async ({ origin, site, token, status }) => {
    const s = await session();
    const headers: Record<string, string> = { Cookie: `${COOKIE}=${s.id}` };
    if (origin) headers.Origin = origin === "own" ? base(withEnvKey) : origin;
    if (site) headers["Sec-Fetch-Site"] = site;
    if (token !== undefined) headers["X-CSRF-Token"] = token === "right" ? s.csrfToken : token;
    const res = await call(withEnvKey, "POST", "/api/thing", headers);
    expect(res.status).toBe(status);
    if (status === 403) {
      expect(res.json.code).toBe("csrf_failed");
      // Which check failed: the origin (with the policy's reason) or the token.
      const originOk = origin === "own" || (origin === undefined && site === "same-origin");
      expect(res.json.error).toMatch(
        originOk ? /^Forbidden: missing or wrong X-CSRF-Token$/ : /^Forbidden: \S/,
      );
      if (!originOk) expect(res.json.error).not.toContain("X-CSRF-Token");
    } else expect(res.json).toEqual({ auth: "session" });
  });

  it("behind an HTTPS proxy our origin is the https one", async () => {
    const s = await session();
    const host = new URL(base(withEnvKey)).host;
    const headers = {
      Cookie: `${COOKIE}=${s.id}`,
      "X-CSRF-Token": s.csrfToken,
      "X-Forwarded-Proto": "https",
    };
    expect(
      (await call(withEnvKey, "POST", "/api/thing", { ...headers, Origin: `https://${host}` })).status,
    ).toBe(200);
    expect(
      (await call(withEnvKey, "POST", "/api/thing", { ...headers, Origin: `http://${host}` })).status,
    ).toBe(403);
  });
});

describe("requests that match no route", () => {
  it.each([
    { name: "an API path without credentials", path: "/api/nothing", auth: false, status: 401 },
    { name: "an encoded API path without credentials", path: "/%61pi/nothing", auth: false, status: 401 },
    { name: "an API path with an API key", path: "/api/nothing", auth: true, status: 404 },
    { name: "a page path without credentials", path: "/nothing", auth: false, status: 404 },
  ])("$name → $status", async ({ path, auth, status }) => {
    const res = await call(withEnvKey, "GET", path, auth ? { "X-Api-Key": ENV_KEY } : {});
    expect(res.status).toBe(status);
    if (status === 404 && auth) expect(res.json.error).toBe("Not found: GET /api/nothing");
  });

  it("a valid session on an unmatched API path gets 404 and no renewal", async () => {
    const s = await session(6 * 60_000);
    const res = await call(withEnvKey, "POST", "/api/nothing", { Cookie: `${COOKIE}=${s.id}` });
    expect(res).toMatchObject({ status: 404, setCookie: null });
  });
});
