// The security suite over real HTTP against an in-process server with a real SQLite file:
// routes behind auth, login lock-out, CSRF, cookie flags, session expiry, API keys, headers,
// body limits, path traversal.
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { type EmulatorHandle, startEmulator } from "../../emulator/index.js";
import { type RunningServer, startServer } from "../../src/cli/serve.js";
import { loadConfig } from "../../src/config/env.js";
import { tempDir } from "../helpers/tmp.js";

const PASSWORD = "correct-horse-battery-1";
let emulator: EmulatorHandle;
let server: RunningServer;
let work: ReturnType<typeof tempDir>;

function config(extra: Record<string, string> = {}) {
  return loadConfig(
    {
      PLEX_URL: emulator.url,
      PLEX_TOKEN: emulator.token,
      PSR_DATA_DIR: work.dir,
      PSR_PORT: "0",
      PSR_LOG_LEVEL: "silent",
      GUI_PASSWORD: PASSWORD,
      PSR_TRUST_PROXY: "true",
      MAX_LOGIN_ATTEMPTS: "3",
      LOGIN_LOCKOUT_MINUTES: "15",
      PSR_COOKIE_EXPIRY_DAYS: "7",
      ...extra,
    },
    work.dir,
  );
}

let ipCounter = 10;
/** Each caller gets its own client IP (X-Forwarded-For, trusted), so lock-outs don't collide. */
function freshIp() {
  ipCounter++;
  return `10.0.0.${ipCounter}`;
}

async function req(
  method: string,
  path: string,
  opts: { body?: unknown; raw?: string; headers?: Record<string, string> } = {},
) {
  const headers: Record<string, string> = { ...opts.headers };
  if (opts.body !== undefined || opts.raw !== undefined) headers["Content-Type"] ??= "application/json";
  const res = await fetch(server.url + path, {
    method,
    headers,
    body: opts.raw ?? (opts.body === undefined ? undefined : JSON.stringify(opts.body)),
    redirect: "manual",
  });
  const text = await res.text();
  let json: Record<string, unknown> | undefined;
  try {
    json = JSON.parse(text);
  } catch {
    json = undefined;
  }
  return { status: res.status, headers: res.headers, text, json };
}

async function login(ip = freshIp(), password = PASSWORD, username = "admin") {
  const res = await req("POST", "/api/auth/login", {
    body: { username, password },
    headers: { "X-Forwarded-For": ip, Origin: server.url },
  });
  const setCookie = res.headers.get("set-cookie") ?? "";
  const cookie = setCookie.split(";")[0] ?? "";
  return { res, cookie, setCookie, csrf: res.json?.csrfToken as string | undefined, ip };
}

beforeAll(async () => {
  emulator = await startEmulator({ seed: 2, items: 60, refresh: { workers: 4, minMs: 5, maxMs: 20 } });
  work = tempDir();
  server = await startServer(config());
});
afterAll(async () => {
  await server?.close();
  await emulator?.close();
  work?.cleanup();
});

describe("routes", () => {
  it("every registered route needs authentication except health, login and the web UI's files", async () => {
    const PUBLIC = new Set(["GET /api/health", "POST /api/auth/login", "GET /"]);
    const routes = server.app.registeredRoutes;
    expect(routes.length).toBeGreaterThan(20);
    for (const r of routes) {
      const key = `${r.method} ${r.url}`;
      // The SPA's files (index, hashed assets, favicon) are public; nothing else outside the list.
      const webFile = r.method === "GET" && !r.url.startsWith("/api") && r.url !== "/";
      expect(r.public, key).toBe(PUBLIC.has(key) || webFile);
      if (r.public) continue;
      const path = r.url.replace(/:ratingKey/g, "1").replace(/:id/g, "1");
      const res = await req(r.method, path, r.method === "GET" ? {} : { body: {} });
      expect(res.status, `${key} without credentials`).toBe(401);
    }
  });
});

describe("login and sessions", () => {
  it("sets a HttpOnly, SameSite=Lax session cookie that expires, Secure only over HTTPS", async () => {
    const plain = await login();
    expect(plain.res.status).toBe(200);
    expect(plain.csrf).toMatch(/^[\w-]{40,}$/);
    expect(plain.setCookie).toMatch(/^psr_auth=[\w-]{40,};/);
    expect(plain.setCookie).toContain("HttpOnly");
    expect(plain.setCookie).toContain("SameSite=Lax");
    expect(plain.setCookie).toContain("Path=/");
    expect(plain.setCookie).toContain(`Max-Age=${7 * 86400}`);
    expect(plain.setCookie).not.toContain("Secure");
    const https = await req("POST", "/api/auth/login", {
      body: { username: "admin", password: PASSWORD },
      headers: {
        "X-Forwarded-For": freshIp(),
        "X-Forwarded-Proto": "https",
        Origin: server.url.replace("http:", "https:"),
      },
    });
    expect(https.status).toBe(200);
    expect(https.headers.get("set-cookie")).toContain("Secure");
    const me = await req("GET", "/api/auth/me", { headers: { Cookie: plain.cookie } });
    expect(me.json).toMatchObject({ username: "admin", via: "session", csrfToken: plain.csrf });
  });

  it("stores only a hash of the session id", async () => {
    const { cookie } = await login();
    const id = cookie.split("=")[1]!;
    const rows = await server.db.kysely.selectFrom("sessions").select("id_hash").execute();
    expect(rows.some((r) => r.id_hash === id)).toBe(false);
    expect(rows.length).toBeGreaterThan(0);
  });

  it("rejects a state change without the CSRF token or from another origin", async () => {
    const { cookie, csrf } = await login();
    const noToken = await req("POST", "/api/auth/api-keys", {
      body: { name: "x" },
      headers: { Cookie: cookie, Origin: server.url },
    });
    expect(noToken.status).toBe(403);
    const evil = await req("POST", "/api/auth/api-keys", {
      body: { name: "x" },
      headers: { Cookie: cookie, Origin: "https://evil.example", "X-CSRF-Token": csrf! },
    });
    expect(evil.status).toBe(403);
    const crossSite = await req("POST", "/api/auth/api-keys", {
      body: { name: "x" },
      headers: { Cookie: cookie, "Sec-Fetch-Site": "cross-site", "X-CSRF-Token": csrf! },
    });
    expect(crossSite.status).toBe(403);
    const wrongToken = await req("POST", "/api/auth/api-keys", {
      body: { name: "x" },
      headers: { Cookie: cookie, Origin: server.url, "X-CSRF-Token": "nope" },
    });
    expect(wrongToken.status).toBe(403);
    const ok = await req("POST", "/api/auth/api-keys", {
      body: { name: "ci" },
      headers: { Cookie: cookie, Origin: server.url, "Sec-Fetch-Site": "same-origin", "X-CSRF-Token": csrf! },
    });
    expect(ok.status).toBe(201);
    // Reading needs no token.
    expect((await req("GET", "/api/auth/api-keys", { headers: { Cookie: cookie } })).status).toBe(200);
  });

  it("expires sessions, renews them while used, and ends them on logout and log out everywhere", async () => {
    const a = await login();
    const b = await login();
    // Sliding renewal: a session last seen 10 minutes ago gets a fresh cookie and expiry.
    await server.db.kysely
      .updateTable("sessions")
      .set({ last_seen_at: Date.now() - 10 * 60_000 })
      .execute();
    const renewed = await req("GET", "/api/auth/me", { headers: { Cookie: a.cookie } });
    expect(renewed.headers.get("set-cookie")).toContain("Max-Age=");
    // Expiry.
    await server.db.kysely
      .updateTable("sessions")
      .set({ expires_at: Date.now() - 1 })
      .execute();
    const expired = await req("GET", "/api/auth/me", { headers: { Cookie: a.cookie } });
    expect(expired.status).toBe(401);
    expect(expired.json?.error).toMatch(/session has expired/);
    expect(expired.headers.get("set-cookie")).toMatch(/psr_auth=;/);

    const c = await login();
    const d = await login();
    const out = await req("POST", "/api/auth/logout", {
      headers: { Cookie: c.cookie, Origin: server.url, "X-CSRF-Token": c.csrf! },
    });
    expect(out.status).toBe(200);
    expect((await req("GET", "/api/auth/me", { headers: { Cookie: c.cookie } })).status).toBe(401);
    expect((await req("GET", "/api/auth/me", { headers: { Cookie: d.cookie } })).status).toBe(200);
    const all = await req("POST", "/api/auth/logout-all", {
      headers: { Cookie: d.cookie, Origin: server.url, "X-CSRF-Token": d.csrf! },
    });
    expect(all.status).toBe(200);
    expect((await req("GET", "/api/auth/me", { headers: { Cookie: d.cookie } })).status).toBe(401);
    expect((await req("GET", "/api/auth/me", { headers: { Cookie: b.cookie } })).status).toBe(401);
  });

  it("locks out per client IP and per user name, and the lock survives a restart", async () => {
    const ip = freshIp();
    for (let i = 0; i < 3; i++) expect((await login(ip, "wrong-password")).res.status).toBe(401);
    const locked = await login(ip);
    expect(locked.res.status).toBe(429);
    expect(Number(locked.res.headers.get("retry-after"))).toBeGreaterThan(0);
    // Per user name: "admin" is locked from any address now.
    expect((await login(freshIp())).res.status).toBe(429);

    await server.close();
    server = await startServer(config());
    expect((await login(freshIp())).res.status).toBe(429);
    // Another user name from a fresh address is not locked by the admin lock.
    expect((await login(freshIp(), "whatever", "bob")).res.status).toBe(401);
    // Lift the lock for the remaining tests.
    await server.db.kysely.deleteFrom("login_attempts").execute();
    expect((await login()).res.status).toBe(200);
  });

  it("answers a wrong user name as slowly as a wrong password (both run scrypt)", async () => {
    const time = async (username: string) => {
      const t0 = performance.now();
      const r = await login(freshIp(), "not-the-password", username);
      expect(r.res.status).toBe(401);
      return performance.now() - t0;
    };
    const wrongUser: number[] = [];
    const wrongPassword: number[] = [];
    for (let i = 0; i < 3; i++) {
      wrongUser.push(await time(`nobody-${i}`));
      wrongPassword.push(await time("admin"));
    }
    await server.db.kysely.deleteFrom("login_attempts").execute();
    // Not a speed target: both paths must do the same expensive work.
    expect(Math.min(...wrongUser)).toBeGreaterThan(0.5 * Math.min(...wrongPassword));
    expect((await login(freshIp(), "x", "nobody")).res.json?.error).toBe("Wrong user name or password");
    await server.db.kysely.deleteFrom("login_attempts").execute();
  });
});

describe("API keys", () => {
  it("are created in settings, stored hashed, accepted as X-Api-Key without CSRF, and revocable", async () => {
    const { cookie, csrf } = await login();
    const created = await req("POST", "/api/auth/api-keys", {
      body: { name: "home-assistant" },
      headers: { Cookie: cookie, Origin: server.url, "X-CSRF-Token": csrf! },
    });
    const key = created.json?.key as string;
    expect(key).toMatch(/^psr_/);
    const stored = await server.db.kysely.selectFrom("api_keys").selectAll().execute();
    expect(JSON.stringify(stored)).not.toContain(key);
    const list = await req("GET", "/api/auth/api-keys", { headers: { Cookie: cookie } });
    expect(JSON.stringify(list.json)).not.toContain(key);

    const start = await req("POST", "/api/scans", { body: { maxItems: 2 }, headers: { "X-Api-Key": key } });
    expect(start.status).toBe(202);
    await server.scans.idle();
    const revoke = await req("DELETE", `/api/auth/api-keys/${created.json?.id}`, {
      headers: { Cookie: cookie, Origin: server.url, "X-CSRF-Token": csrf! },
    });
    expect(revoke.status).toBe(200);
    expect((await req("GET", "/api/scans", { headers: { "X-Api-Key": key } })).status).toBe(401);
  });
});

describe("headers and limits", () => {
  it("sends a strict CSP, no framing, nosniff and a referrer policy", async () => {
    const res = await req("GET", "/");
    const csp = res.headers.get("content-security-policy") ?? "";
    expect(csp).toContain("script-src 'self'");
    expect(csp).not.toMatch(/script-src[^;]*unsafe-inline/);
    expect(csp).toContain("frame-ancestors 'none'");
    expect(csp).toContain("object-src 'none'");
    expect(res.headers.get("x-content-type-options")).toBe("nosniff");
    expect(res.headers.get("referrer-policy")).toBe("same-origin");
    expect(res.text).not.toMatch(/<script>/);
  });

  it("refuses oversized and malformed bodies with JSON and no stack trace", async () => {
    const { cookie, csrf } = await login();
    const auth = { Cookie: cookie, Origin: server.url, "X-CSRF-Token": csrf! };
    const big = await req("PUT", "/api/settings", {
      raw: JSON.stringify({ libraries: ["x".repeat(200_000)] }),
      headers: auth,
    });
    expect(big.status).toBe(413);
    expect(big.json?.error).toBeDefined();
    const malformed = await req("PUT", "/api/settings", { raw: '{"days": ', headers: auth });
    expect(malformed.status).toBe(400);
    for (const r of [big, malformed]) {
      expect(r.text).not.toMatch(/\bat .+\.(js|ts):\d+/);
      expect(r.text).not.toContain("node_modules");
    }
    const login400 = await req("POST", "/api/auth/login", { body: { username: "admin" } });
    expect(login400.status).toBe(400);
    expect(login400.json?.field).toBe("password");
  });

  it("never reads a file outside the logs through job ids or rating keys", async () => {
    const { cookie } = await login();
    for (const path of [
      "/api/scans/..%2F..%2Fetc%2Fpasswd/log",
      "/api/scans/..%2F..%2F..%2Fetc%2Fpasswd/log?download=1",
      "/api/scans/1%2e%2e/log",
      "/api/scans/-1/log",
      "/api/scans/1e3/log",
      "/api/items/..%2F..%2Fetc%2Fpasswd/poster",
      "/api/items/1;rm/matches",
    ]) {
      const res = await req("GET", path, { headers: { Cookie: cookie } });
      expect([400, 404], path).toContain(res.status);
      expect(res.text, path).not.toContain("root:");
    }
  });
});
