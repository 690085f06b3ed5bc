// Regression tests for the 2026 audit (issue 8): each finding is attacked the way the audit did,
// over real sockets, against a real server with a real SQLite file.
import { statSync } from "node:fs";
import { createServer, type Server } from "node:http";
import { connect } from "node:net";
import { join } from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { type EmulatorHandle, startEmulator } from "../../emulator/index.js";
import { type RunningServer, startServer } from "../../src/cli/serve.js";
import { loadConfig } from "../../src/config/env.js";
import { cronProblem } from "../../src/config/settings.js";
import { formatLogLine } from "../../src/jobs/job-log.js";
import { printable } from "../../src/log-text.js";
import { PlexClient, PlexResponseError } from "../../src/plex/index.js";
import { tempDir } from "../helpers/tmp.js";
import { startReceiver as receiver } from "../notify/receiver.js";

const PASSWORD = "correct-horse-battery-1";
const MAX_ATTEMPTS = 3;
let emulator: EmulatorHandle;
let server: RunningServer;
let work: ReturnType<typeof tempDir>;
let previousUmask: number;

function config(extra: Record<string, string> = {}, dir = work.dir) {
  return loadConfig(
    {
      PLEX_URL: emulator.url,
      PLEX_TOKEN: emulator.token,
      PSR_DATA_DIR: dir,
      PSR_PORT: "0",
      PSR_LOG_LEVEL: "silent",
      GUI_PASSWORD: PASSWORD,
      PSR_TRUST_PROXY: "true",
      MAX_LOGIN_ATTEMPTS: String(MAX_ATTEMPTS),
      LOGIN_LOCKOUT_MINUTES: "15",
      ...extra,
    },
    dir,
  );
}

/** One request with the exact request target given (fetch would normalise it). */
function rawRequest(
  target: string,
  method = "GET",
  headers: Record<string, string> = {},
  body = "",
): Promise<{ status: number; text: string }> {
  const { port } = new URL(server.url);
  return new Promise((resolve, reject) => {
    const socket = connect(Number(port), "127.0.0.1");
    let data = "";
    socket.setEncoding("utf8");
    socket.on("data", (chunk) => {
      data += chunk;
    });
    socket.on("error", reject);
    socket.on("close", () => {
      const status = Number(/^HTTP\/1\.1 (\d{3})/.exec(data)?.[1] ?? 0);
      resolve({ status, text: data });
    });
    const lines = [`${method} ${target} HTTP/1.1`, "Host: 127.0.0.1", "Connection: close"];
    for (const [k, v] of Object.entries(headers)) lines.push(`${k}: ${v}`);
    if (body !== "") lines.push(`Content-Length: ${Buffer.byteLength(body)}`);
    socket.end(`${lines.join("\r\n")}\r\n\r\n${body}`);
  });
}

async function req(
  method: string,
  path: string,
  opts: { body?: unknown; headers?: Record<string, string> } = {},
) {
  const headers: Record<string, string> = { ...opts.headers };
  if (opts.body !== undefined) headers["Content-Type"] ??= "application/json";
  const res = await fetch(server.url + path, {
    method,
    headers,
    body: opts.body === undefined ? undefined : JSON.stringify(opts.body),
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

let ip = 0;
function freshIp() {
  ip++;
  return `198.51.100.${ip}`;
}

async function login(from = freshIp(), password = PASSWORD, username = "admin") {
  const res = await req("POST", "/api/auth/login", {
    body: { username, password },
    headers: { "X-Forwarded-For": from, Origin: server.url },
  });
  const cookie = (res.headers.get("set-cookie") ?? "").split(";")[0] ?? "";
  return { res, cookie, csrf: res.json?.csrfToken as string };
}

beforeAll(async () => {
  previousUmask = process.umask(0o022); // the usual shell umask: files would be world-readable
  emulator = await startEmulator({ seed: 2, items: 40, refresh: { workers: 4, minMs: 5, maxMs: 20 } });
  work = tempDir();
  server = await startServer(config(), { requestTimeoutMs: 1500 });
});
afterAll(async () => {
  await server?.close();
  await emulator?.close();
  work?.cleanup();
  process.umask(previousUmask);
});

/** Ways to write a path that a router decodes to the same route, but a string test would not. */
function disguises(path: string): string[] {
  const segments = path.split("/").slice(1);
  const out: string[] = [];
  segments.forEach((segment, i) => {
    const letter = [...segment].findIndex((c) => /[a-z]/i.test(c));
    if (letter < 0) return;
    const encoded = `${segment.slice(0, letter)}%${segment.charCodeAt(letter).toString(16)}${segment.slice(letter + 1)}`;
    out.push(`/${segments.map((s, j) => (j === i ? encoded : s)).join("/")}`);
    out.push(`/${segments.map((s, j) => (j === i ? encoded.toUpperCase() : s)).join("/")}`);
  });
  const rest = path.slice(1);
  out.push(
    `/%2e/${rest}`,
    `/x/%2e%2e/${rest}`,
    `/%2e%2e/${rest}`,
    `/%2f${rest}`,
    `/${rest.replace("/", "%2f")}`,
    `/${rest.replace("/", "/%2e/")}`,
    `//${rest}`,
    `/${rest.replace("/", "//")}`,
    `http://x${path}`,
    `https://x${path}`,
    `HtTp://x${path}`,
    `HTTPS://evil.example:443${path}`,
    `http://x/%61${path.slice(2)}`,
  );
  return out;
}

describe("finding 1 and 2: access is decided on the matched route", () => {
  it("no disguise of any private route answers 2xx or 3xx without credentials", async () => {
    const routes = server.app.registeredRoutes.filter((r) => !r.public);
    expect(routes.length).toBeGreaterThan(20);
    const failures: string[] = [];
    let checked = 0;
    for (const route of routes) {
      const path = route.url.replace(/:ratingKey/g, "1").replace(/:id/g, "1");
      const methods = route.method === "GET" ? ["GET", "HEAD", "OPTIONS"] : [route.method, "OPTIONS"];
      for (const target of disguises(path)) {
        for (const method of methods) {
          const body = method === "GET" || method === "HEAD" || method === "OPTIONS" ? "" : '{"name":"x"}';
          const headers: Record<string, string> =
            body === "" ? {} : { "Content-Type": "application/json", Origin: "https://evil.example" };
          const res = await rawRequest(target, method, headers, body);
          checked++;
          if (![401, 403, 404].includes(res.status)) failures.push(`${method} ${target} → ${res.status}`);
        }
      }
    }
    expect(failures).toEqual([]);
    expect(checked).toBeGreaterThan(500);
  });

  it("the audit's exact requests are refused", async () => {
    expect((await rawRequest("/%61pi/settings")).status).toBe(401);
    expect((await rawRequest("http://x/api/settings")).status).toBe(401);
    const key = await rawRequest(
      "/%61pi/auth/api-keys",
      "POST",
      { "Content-Type": "application/json" },
      '{"name":"x"}',
    );
    expect(key.status).toBe(401);
    // With a session cookie, a disguised cross-site POST still meets the CSRF check.
    const { cookie } = await login();
    const cancel = await rawRequest(
      "/%61pi/scans/7/cancel",
      "POST",
      { Cookie: cookie, Origin: "https://evil.example", "Content-Type": "application/json" },
      "{}",
    );
    expect(cancel.status).toBe(403);
  });

  it("unknown routes under /api answer 401 without credentials and 404 with them", async () => {
    expect((await rawRequest("/api/no-such-thing")).status).toBe(401);
    expect((await rawRequest("/%61pi/no-such-thing")).status).toBe(401);
    const { cookie } = await login();
    const res = await req("GET", "/api/no-such-thing", { headers: { Cookie: cookie } });
    expect(res.status).toBe(404);
    expect(res.json?.code).toBe("not_found");
  });

  it("public routes stay public", async () => {
    expect((await rawRequest("/api/health")).status).toBe(200);
    expect((await rawRequest("/%61pi/health")).status).toBe(200);
  });
});

describe("finding 3: the lock-out cannot be raced", () => {
  it("200 parallel wrong logins from one client check at most the limit, the rest are refused", async () => {
    const client = freshIp();
    const results = await Promise.all(
      // Not "admin": locking the real user name out would lock the rest of this suite out too.
      Array.from({ length: 200 }, () =>
        login(client, "wrong-password", "intruder").then((r) => r.res.status),
      ),
    );
    const counts = results.reduce<Record<number, number>>((acc, s) => {
      acc[s] = (acc[s] ?? 0) + 1;
      return acc;
    }, {});
    expect(counts[401] ?? 0).toBeLessThanOrEqual(MAX_ATTEMPTS);
    expect((counts[429] ?? 0) + (counts[503] ?? 0)).toBeGreaterThanOrEqual(200 - MAX_ATTEMPTS);
    expect(counts[200]).toBeUndefined();
    // Locked: even the right password is refused now, with the time to wait.
    const locked = await login(client);
    expect(locked.res.status).toBe(429);
    expect(locked.res.json?.code).toBe("login_locked");
    expect(locked.res.json?.retryAfterSeconds).toBeGreaterThan(0);
  });
});

describe("finding 4: only the proxy's own hop is believed", () => {
  it("rotating fake addresses in front of nginx's appended one do not escape the lock-out", async () => {
    const realClient = "203.0.113.77";
    const statuses: number[] = [];
    for (let i = 0; i < MAX_ATTEMPTS + 3; i++) {
      // nginx's $proxy_add_x_forwarded_for: what the client sent, then the address nginx saw.
      const res = await req("POST", "/api/auth/login", {
        body: { username: `someone${i}`, password: "wrong" },
        headers: { "X-Forwarded-For": `10.66.0.${i}, ${realClient}`, Origin: server.url },
      });
      statuses.push(res.status);
    }
    expect(statuses.slice(0, MAX_ATTEMPTS)).toEqual(Array(MAX_ATTEMPTS).fill(401));
    expect(statuses.slice(MAX_ATTEMPTS)).toEqual([429, 429, 429]);
  });
});

describe("finding 5: a masked secret is kept only for the same destination", () => {
  const TOKEN = "123456789:AAHdqTcvCH1vGWJxfSeofSAs0K5PALDsawX";
  it("refuses a mask sent with a new destination, and keeps it for the old one", async () => {
    const hits: string[] = [];
    const good = await receiver((request, res) => {
      hits.push(`good ${request.url}`);
      res.writeHead(200, { "Content-Type": "application/json" });
      res.end('{"ok":true}');
    });
    const evil = await receiver((request, res) => {
      hits.push(`evil ${request.url} ${request.headers.authorization ?? ""}`);
      res.writeHead(200, { "Content-Type": "application/json" });
      res.end('{"ok":true}');
    });
    const { cookie, csrf } = await login();
    const auth = { Cookie: cookie, Origin: server.url, "X-CSRF-Token": csrf };
    const put = (notifications: unknown) =>
      req("PUT", "/api/settings", { body: { notifications }, headers: auth });
    const saved = await put({
      telegram: { enabled: true, botToken: TOKEN, chatId: "-1001234567890", apiBase: good.url },
      ntfy: { enabled: true, serverUrl: good.url, topic: "psr", token: "tk_secretntfytoken" },
      webhook: {
        enabled: true,
        url: `${good.url}/hook`,
        headers: { Authorization: "Bearer webhook-secret-1" },
      },
    });
    expect(saved.status).toBe(200);
    const masked = (saved.json!.settings as { notifications: Record<string, Record<string, unknown>> })
      .notifications;
    expect(JSON.stringify(masked)).not.toContain(TOKEN);

    for (const attempt of [
      { telegram: { ...masked.telegram, apiBase: evil.url } },
      { ntfy: { ...masked.ntfy, serverUrl: evil.url } },
      { webhook: { ...masked.webhook, url: `${evil.url}/hook` } },
    ]) {
      const res = await put({ ...masked, ...attempt });
      expect(res.status, JSON.stringify(attempt)).toBe(400);
      expect(res.json?.code).toBe("secret_required");
    }
    // Unchanged destinations keep the secrets.
    expect((await put(masked)).status).toBe(200);
    const test = await req("POST", "/api/notifications/test", { body: {}, headers: auth });
    expect(test.status).toBe(200);
    expect(hits.some((h) => h.startsWith("evil"))).toBe(false);
    expect(hits).toContain(`good /bot${TOKEN}/sendMessage`);
    await put({
      telegram: { enabled: false },
      ntfy: { enabled: false },
      webhook: { enabled: false },
    });
    await good.close();
    await evil.close();
  });
});

describe("low findings", () => {
  it("a notification test reports the status only, never the receiver's body", async () => {
    const internal = await receiver((_request, res) => {
      res.writeHead(500, { "Content-Type": "text/plain" });
      res.end("internal-service-secret-response-body");
    });
    const { cookie, csrf } = await login();
    const auth = { Cookie: cookie, Origin: server.url, "X-CSRF-Token": csrf };
    await req("PUT", "/api/settings", {
      body: { notifications: { webhook: { enabled: true, url: `${internal.url}/x` } } },
      headers: auth,
    });
    const res = await req("POST", "/api/notifications/test", { body: { agent: "webhook" }, headers: auth });
    expect(res.text).toContain("HTTP 500");
    expect(res.text).not.toContain("internal-service-secret");
    await req("PUT", "/api/settings", {
      body: { notifications: { webhook: { enabled: false } } },
      headers: auth,
    });
    await internal.close();
  });

  it("a client that sends its body slowly is cut off", async () => {
    const { port } = new URL(server.url);
    const started = Date.now();
    const closed = await new Promise<string>((resolve) => {
      const socket = connect(Number(port), "127.0.0.1");
      let data = "";
      socket.setEncoding("utf8");
      socket.on("data", (c) => {
        data += c;
      });
      socket.on("close", () => resolve(data));
      socket.write(
        "POST /api/auth/login HTTP/1.1\r\nHost: 127.0.0.1\r\nContent-Type: application/json\r\nContent-Length: 100\r\n\r\n{",
      );
    });
    expect(Date.now() - started).toBeLessThan(10_000);
    expect(closed === "" || /^HTTP\/1\.1 408/.test(closed)).toBe(true);
  });

  it("control characters are escaped in log lines and refused in settings", async () => {
    const forged = "Title\u001b[31mRED\r\n2026-01-01T00:00:00.000Z ERROR forged\u2028x\u0000y\u202egnp.exe";
    const line = formatLogLine(new Date(0), "info", forged);
    expect(line.split("\n")).toHaveLength(2);
    // No raw control character survives (checked by code point, the lint forbids them in a regex).
    const raw = [...line.slice(0, -1)].filter((c) => {
      const code = c.codePointAt(0)!;
      return code < 0x20 || code === 0x2028 || code === 0x202e;
    });
    expect(raw).toEqual([]);
    expect(line).toContain("\\u001b[31mRED");
    expect(printable("a\u0085b\u2066c")).toBe("a\\u0085b\\u2066c");
    const { cookie, csrf } = await login();
    const auth = { Cookie: cookie, Origin: server.url, "X-CSRF-Token": csrf };
    for (const value of ["Movies\u0000", "Mo\u202evies"]) {
      const res = await req("PUT", "/api/settings", { body: { libraries: [value] }, headers: auth });
      expect(res.status).toBe(400);
      expect(res.json?.field).toBe("libraries.0");
    }
  });

  it.each([
    ["0 3 * * *", undefined],
    ["@daily", undefined],
    ["0 * * * *", undefined],
    ["* * * * * *", "seconds field"],
    ["*/5 * * * *", "at most once an hour"],
    ["* 3 * * *", "at most once an hour"],
    ["0 3 * *", "five fields"],
    ["0 25 * * *", "not a valid cron"],
  ])("cron %s → %s", (expression, problem) => {
    const found = cronProblem(expression);
    if (problem === undefined) expect(found).toBeUndefined();
    else expect(found).toContain(problem);
  });

  it("a 6-field cron is refused by the API with the reason", async () => {
    const { cookie, csrf } = await login();
    const res = await req("PUT", "/api/settings", {
      body: { schedule: { mode: "cron", cron: "* * * * * *" } },
      headers: { Cookie: cookie, Origin: server.url, "X-CSRF-Token": csrf },
    });
    expect(res.status).toBe(400);
    expect(res.json?.issues).toMatchObject([{ field: "schedule.cron", code: "cron_seconds_field" }]);
  });

  it("the data folder is 0700 and the database and logs 0600, whatever the umask", () => {
    expect(statSync(work.dir).mode & 0o777).toBe(0o700);
    expect(statSync(join(work.dir, "psr.sqlite")).mode & 0o777).toBe(0o600);
  });
});

describe("the poster proxy", () => {
  let fake: Server;
  let fakeUrl: string;
  let second: RunningServer;
  let secondWork: ReturnType<typeof tempDir>;
  const item = (rk: string, thumb: string) => ({
    MediaContainer: {
      size: 1,
      Metadata: [{ ratingKey: rk, key: `/library/metadata/${rk}`, type: "movie", title: "X", thumb }],
    },
  });

  beforeAll(async () => {
    fake = createServer((request, res) => {
      const url = request.url ?? "";
      const json = (body: unknown) => {
        res.writeHead(200, { "Content-Type": "application/json" });
        res.end(JSON.stringify(body));
      };
      if (url.startsWith("/library/metadata/1?") || url === "/library/metadata/1")
        return json(item("1", "https://elsewhere.example/poster.jpg"));
      if (url.startsWith("/library/metadata/2")) return json(item("2", "/huge/2"));
      if (url.startsWith("/library/metadata/3")) return json(item("3", "/broken/3"));
      if (url.startsWith("/huge/")) {
        // 40 MB without a Content-Length, in 1 MB chunks.
        res.writeHead(200, { "Content-Type": "image/jpeg" });
        const chunk = Buffer.alloc(1_048_576, 1);
        let sent = 0;
        const pump = () => {
          while (sent < 40) {
            sent++;
            if (!res.write(chunk)) return res.once("drain", pump);
          }
          res.end();
        };
        res.on("error", () => {});
        return pump();
      }
      res.writeHead(500);
      res.end("boom");
    });
    await new Promise<void>((resolve) => fake.listen(0, "127.0.0.1", resolve));
    const address = fake.address();
    fakeUrl = `http://127.0.0.1:${typeof address === "object" && address ? address.port : 0}`;
    secondWork = tempDir();
    second = await startServer(
      loadConfig(
        {
          PLEX_URL: fakeUrl,
          PLEX_TOKEN: "fake-token-123",
          PSR_DATA_DIR: secondWork.dir,
          PSR_PORT: "0",
          PSR_LOG_LEVEL: "silent",
          PSR_API_KEY: "k".repeat(32),
          PLEX_TIMEOUT: "5",
        },
        secondWork.dir,
      ),
    );
  });
  afterAll(async () => {
    await second?.close();
    await new Promise((resolve) => fake?.close(resolve));
    secondWork?.cleanup();
  });

  const poster = (rk: string) =>
    fetch(`${second.url}/api/items/${rk}/poster`, { headers: { "X-Api-Key": "k".repeat(32) } });

  it("an absolute thumb is a clean 404 and is never fetched", async () => {
    const res = await poster("1");
    expect(res.status).toBe(404);
    expect(((await res.json()) as { code: string }).code).toBe("no_poster");
  });

  it("a huge image is refused with 502 instead of being buffered", async () => {
    const res = await poster("2");
    expect(res.status).toBe(502);
    expect(((await res.json()) as { error: string }).error).toContain("larger than 10 MB");
  });

  it("a failing Plex is a 502 with no stack trace", async () => {
    const res = await poster("3");
    expect(res.status).toBe(502);
    expect(await res.text()).not.toContain("at ");
  });

  it("the client refuses a body past its cap", async () => {
    const client = new PlexClient({ baseUrl: fakeUrl, token: "fake-token-123", retries: 0, timeoutMs: 5000 });
    await expect(client.thumb("/huge/9", { maxBytes: 2_000_000 })).rejects.toBeInstanceOf(PlexResponseError);
  });
});

describe("issue 9 defects", () => {
  it("a body-less POST with Content-Type: application/json is accepted", async () => {
    const res = await fetch(`${server.url}/api/scans/999/cancel`, {
      method: "POST",
      headers: { "Content-Type": "application/json", "X-Api-Key": "unused" },
    });
    expect(res.status).toBe(401); // reached auth, not refused as an empty body
    const { cookie, csrf } = await login();
    const authed = await req("POST", "/api/scans/999/cancel", {
      headers: {
        Cookie: cookie,
        Origin: server.url,
        "X-CSRF-Token": csrf,
        "Content-Type": "application/json",
      },
    });
    expect(authed.status).toBe(404);
    expect(authed.json?.code).toBe("not_found");
  });

  it("an unknown library is refused with 400 naming it, and no scan starts", async () => {
    const { cookie, csrf } = await login();
    const before = (await server.db.kysely.selectFrom("scan_runs").select("id").execute()).length;
    const res = await req("POST", "/api/scans", {
      body: { libraries: ["no such library"] },
      headers: { Cookie: cookie, Origin: server.url, "X-CSRF-Token": csrf },
    });
    expect(res.status).toBe(400);
    expect(res.json?.code).toBe("unknown_library");
    expect(res.json?.error).toContain('"no such library"');
    expect((await server.db.kysely.selectFrom("scan_runs").select("id").execute()).length).toBe(before);
  });

  it("a scan started from the web UI (a session) is recorded as manual", async () => {
    const { cookie, csrf } = await login();
    const res = await req("POST", "/api/scans", {
      body: { dryRun: true },
      headers: { Cookie: cookie, Origin: server.url, "X-CSRF-Token": csrf },
    });
    expect(res.status).toBe(202);
    const job = await server.db.kysely
      .selectFrom("scan_runs")
      .select("source")
      .where("id", "=", res.json?.id as number)
      .executeTakeFirstOrThrow();
    expect(job.source).toBe("manual");
  });
});
