// The endpoints behind the settings page, over real HTTP against an in-process server: the
// Plex connection test, the schedule preview (the scheduler's own next run), and the password
// change (rules, lock-out, sessions).
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { type EmulatorHandle, startEmulator } from "../../emulator/index.js";
import { type RunningServer, startServer } from "../../src/cli/serve.js";
import { loadConfig } from "../../src/config/env.js";
import { scheduleSettingsSchema } from "../../src/config/settings.js";
import { cronPattern, nextRun, resolveTimezone } from "../../src/jobs/scheduler.js";
import { tempDir } from "../helpers/tmp.js";

const PASSWORD = "settings-page-password-1";
const NEXT = "a-much-better-secret-9";
const KEY = "settings-page-key-0123456789";
let emulator: EmulatorHandle;
let server: RunningServer;
let work: ReturnType<typeof tempDir>;
let ipCounter = 20;
const freshIp = () => `10.1.0.${++ipCounter}`;

beforeAll(async () => {
  emulator = await startEmulator({ seed: 5, items: 40 });
  work = tempDir();
  server = await startServer(
    loadConfig(
      {
        PLEX_URL: emulator.url,
        PLEX_TOKEN: emulator.token,
        PLEX_TIMEOUT: "12",
        PSR_DATA_DIR: work.dir,
        PSR_PORT: "0",
        PSR_LOG_LEVEL: "silent",
        PSR_API_KEY: KEY,
        PSR_TRUST_PROXY: "true",
        GUI_PASSWORD: PASSWORD,
        MAX_LOGIN_ATTEMPTS: "3",
        LOGIN_LOCKOUT_MINUTES: "15",
      },
      work.dir,
    ),
  );
});
afterAll(async () => {
  await server?.close();
  await emulator?.close();
  work?.cleanup();
});

async function req(method: string, path: string, body?: unknown, headers: Record<string, string> = {}) {
  const res = await fetch(server.url + path, {
    method,
    headers: { ...headers, ...(body === undefined ? {} : { "Content-Type": "application/json" }) },
    body: body === undefined ? undefined : JSON.stringify(body),
  });
  const text = await res.text();
  // biome-ignore lint/suspicious/noExplicitAny: response bodies of many shapes, checked by the assertions
  return { status: res.status, headers: res.headers, text, json: (text ? JSON.parse(text) : null) as any };
}
const api = (method: string, path: string, body?: unknown) => req(method, path, body, { "X-Api-Key": KEY });

async function login(password: string, ip = freshIp()) {
  const res = await req(
    "POST",
    "/api/auth/login",
    { username: "admin", password },
    { "X-Forwarded-For": ip },
  );
  const cookie = (res.headers.get("set-cookie") ?? "").split(";")[0] ?? "";
  return { res, cookie, csrf: res.json?.csrfToken as string, ip };
}
function asSession(s: { cookie: string; csrf: string; ip: string }) {
  return { Cookie: s.cookie, "X-CSRF-Token": s.csrf, "X-Forwarded-For": s.ip, Origin: server.url };
}

describe("Plex on the settings page", () => {
  it("shows the connection read-only with the time-out, the token masked", async () => {
    const res = await api("GET", "/api/settings");
    expect(res.json.plex).toMatchObject({
      url: emulator.url,
      timeoutSeconds: 12,
      fromEnvironment: { url: true },
    });
    expect(res.text).not.toContain(emulator.token);
  });

  it("tests the connection: server name, version and libraries with counts", async () => {
    const res = await api("POST", "/api/plex/test");
    expect(res.status).toBe(200);
    expect(res.json.ok).toBe(true);
    expect(res.json.server.name).not.toBe("");
    expect(res.json.server.version).not.toBe("");
    expect(res.json.libraries.length).toBeGreaterThan(0);
    expect(res.json.libraries[0]).toHaveProperty("count");
    expect(res.text).not.toContain(emulator.token);
  });
});

describe("schedule preview", () => {
  it("lists the next five runs; the first is the scheduler's next run", async () => {
    const schedule = { enabled: true, mode: "daily", time: "04:15", timezone: "Europe/Berlin" };
    const before = Date.now();
    const res = await api("POST", "/api/schedule/preview", { schedule });
    expect(res.status, res.text).toBe(200);
    expect(res.json.pattern).toBe("15 4 * * *");
    expect(res.json.timezone).toBe("Europe/Berlin");
    expect(res.json.runs).toHaveLength(5);
    const parsed = scheduleSettingsSchema.parse(schedule);
    const expected = nextRun(cronPattern(parsed)!, resolveTimezone(parsed), new Date(before));
    expect(res.json.runs[0]).toBe(expected!.toISOString());
    // Each run is the scheduler's next run after the one before.
    for (let i = 1; i < 5; i++) {
      const next = nextRun("15 4 * * *", "Europe/Berlin", new Date(res.json.runs[i - 1]));
      expect(res.json.runs[i]).toBe(next!.toISOString());
    }
  });

  it("previews a cron schedule and matches the saved scheduler's next run", async () => {
    const schedule = { enabled: true, mode: "cron", cron: "0 */6 * * *", timezone: "UTC" };
    const preview = await api("POST", "/api/schedule/preview", { schedule });
    expect(preview.status, preview.text).toBe(200);
    expect(preview.json.runs).toHaveLength(5);
    const saved = await api("PUT", "/api/settings", { schedule });
    expect(saved.status, saved.text).toBe(200);
    expect(saved.json.scheduler.nextRunAt).toBe(preview.json.runs[0]);
  });

  // The preview and the save refuse a schedule alike: a code with params on the field.
  it.each<[string, Record<string, unknown>, string, string, Record<string, unknown> | undefined]>([
    [
      "every 5 minutes",
      { mode: "cron", cron: "*/5 * * * *" },
      "schedule.cron",
      "cron_too_often",
      { minutes: 5 },
    ],
    [
      "every minute of 3 am",
      { mode: "cron", cron: "* 3 * * *" },
      "schedule.cron",
      "cron_too_often",
      { minutes: 1 },
    ],
    [
      "a seconds field",
      { mode: "cron", cron: "0 0 3 * * *" },
      "schedule.cron",
      "cron_seconds_field",
      undefined,
    ],
    ["four fields", { mode: "cron", cron: "0 3 * *" }, "schedule.cron", "cron_fields", { count: 4 }],
    ["an hour of 25", { mode: "cron", cron: "0 25 * * *" }, "schedule.cron", "cron_invalid", undefined],
    ["cron without an expression", { mode: "cron", cron: null }, "schedule.cron", "cron_required", undefined],
    ["a time of 24:00", { time: "24:00" }, "schedule.time", "time_format", undefined],
    ["an unknown time zone", { timezone: "Mars/Base" }, "schedule.timezone", "timezone_unknown", undefined],
    ["a weekly mode", { mode: "weekly" }, "schedule.mode", "invalid_value", { values: ["daily", "cron"] }],
    ["an unknown field", { every: "day" }, "schedule", "unrecognized_keys", { keys: ["every"] }],
    [
      "a NUL in the time zone",
      { timezone: "Europe/Berlin\u0000" },
      "schedule.timezone",
      "control_characters",
      undefined,
    ],
  ])(
    "refuses %s with its code and params, on preview and on save",
    async (_, schedule, field, code, params) => {
      const before = (await api("GET", "/api/settings")).json.settings.schedule;
      for (const [method, path] of [
        ["POST", "/api/schedule/preview"],
        ["PUT", "/api/settings"],
      ] as const) {
        // The preview has no control-character rule of its own: that one belongs to saving.
        if (code === "control_characters" && method === "POST") continue;
        const res = await api(method, path, { schedule });
        expect(res.status, `${method} ${res.text}`).toBe(400);
        expect(res.json).toMatchObject({ code: "invalid_input", field });
        expect(res.json.issues[0]).toEqual({
          field,
          code,
          ...(params ? { params } : {}),
          message: expect.any(String),
        });
      }
      expect((await api("GET", "/api/settings")).json.settings.schedule).toEqual(before);
    },
  );

  it.each<[string, Record<string, unknown>, string, string, Record<string, unknown> | undefined]>([
    ["days of 0", { days: 0 }, "days", "too_small", { minimum: 1, origin: "number", inclusive: true }],
    [
      "maxItems of 10^6",
      { maxItems: 1_000_000 },
      "maxItems",
      "too_big",
      { maximum: 100_000, origin: "number" },
    ],
    ["a string for a boolean", { dryRun: "yes" }, "dryRun", "invalid_type", { expected: "boolean" }],
    ["an unknown setting", { colour: "red" }, "colour", "unknown_setting", undefined],
    [
      "a bidi override in a library",
      { libraries: ["Mov\u202eies"] },
      "libraries.0",
      "control_characters",
      undefined,
    ],
    [
      "a non-http webhook",
      { notifications: { discord: { webhookUrl: "ftp://x" } } },
      "notifications.discord.webhookUrl",
      "http_url",
      undefined,
    ],
    [
      "ntfy on without a topic",
      { notifications: { ntfy: { enabled: true } } },
      "notifications.ntfy.topic",
      "required_when_enabled",
      { agent: "ntfy" },
    ],
    [
      "an unknown language",
      { appearance: { language: "fr" } },
      "appearance.language",
      "invalid_value",
      { values: ["browser", "en", "de"] },
    ],
    [
      "an array for settings",
      [] as unknown as Record<string, unknown>,
      "body",
      "invalid_type",
      { expected: "object" },
    ],
  ])("PUT /api/settings refuses %s with its code and params", async (_, body, field, code, params) => {
    const res = await api("PUT", "/api/settings", body);
    expect(res.status, res.text).toBe(400);
    expect(res.json).toMatchObject({ code: "invalid_input", field, error: expect.stringContaining(field) });
    expect(res.json.issues[0]).toMatchObject({ field, code, ...(params ? { params } : {}) });
    if (!params) expect(res.json.issues[0].params).toBeUndefined();
  });

  it("shows no runs when the schedule is off", async () => {
    const res = await api("POST", "/api/schedule/preview", { schedule: { enabled: false } });
    expect(res.json).toMatchObject({ pattern: null, runs: [] });
  });
});

describe("password change", () => {
  it("refuses weak new passwords and changes nothing", async () => {
    const s = await login(PASSWORD);
    for (const [newPassword, reason] of [
      ["short-1", "too_short"],
      ["aaaaabbbbbaaaaa", "too_simple"],
      ["my-admin-password", "same_as_username"],
      [PASSWORD, "unchanged"],
    ] as const) {
      const res = await req(
        "POST",
        "/api/auth/password",
        { currentPassword: PASSWORD, newPassword },
        asSession(s),
      );
      expect(res.status, newPassword).toBe(400);
      expect(res.json).toMatchObject({ code: "weak_password", field: "newPassword", reason });
    }
    const missing = await req("POST", "/api/auth/password", { newPassword: "x" }, asSession(s));
    expect(missing.json).toMatchObject({ code: "invalid_input", field: "currentPassword" });
    expect(await login(PASSWORD).then((l) => l.res.status)).toBe(200);
  });

  it("changes the password: the old one is refused, this session continues, the others end", async () => {
    const other = await login(PASSWORD);
    const mine = await login(PASSWORD);
    const next = NEXT;
    const res = await req(
      "POST",
      "/api/auth/password",
      { currentPassword: PASSWORD, newPassword: next },
      asSession(mine),
    );
    expect(res.status, res.text).toBe(200);
    expect(res.json).toMatchObject({ ok: true, sessionsEnded: true });
    expect(res.text).not.toContain(next);
    const cookie = (res.headers.get("set-cookie") ?? "").split(";")[0]!;
    expect(cookie).not.toBe(mine.cookie);
    const me = await req("GET", "/api/auth/me", undefined, { Cookie: cookie });
    expect(me.json).toMatchObject({ via: "session", csrfToken: res.json.csrfToken });
    expect((await req("GET", "/api/auth/me", undefined, { Cookie: other.cookie })).status).toBe(401);
    expect((await req("GET", "/api/auth/me", undefined, { Cookie: mine.cookie })).status).toBe(401);
    expect((await login(PASSWORD)).res.status).toBe(401);
    expect((await login(next)).res.status).toBe(200);
  });
  it("counts a wrong current password toward the login lock-out", async () => {
    const s = await login(NEXT);
    for (let i = 0; i < 3; i++) {
      const res = await req(
        "POST",
        "/api/auth/password",
        { currentPassword: `wrong-${i}`, newPassword: "another-good-secret-7" },
        asSession(s),
      );
      expect(res.status).toBe(400);
      expect(res.json).toMatchObject({ code: "wrong_password", field: "currentPassword" });
    }
    const locked = await req(
      "POST",
      "/api/auth/password",
      { currentPassword: NEXT, newPassword: "another-good-secret-7" },
      asSession(s),
    );
    expect(locked.status).toBe(429);
    expect(locked.json.code).toBe("login_locked");
    // The login from the same address is locked too: it is one counter.
    const login2 = await req(
      "POST",
      "/api/auth/login",
      { username: "admin", password: NEXT },
      { "X-Forwarded-For": s.ip },
    );
    expect(login2.status).toBe(429);
  });
});
