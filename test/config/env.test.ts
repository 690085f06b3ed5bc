import { readFileSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { ConfigError, ENV_VARIABLES, loadConfig, loadDotEnv, parseTrustProxy } from "../../src/config/env.js";
import { tempDir } from "../helpers/tmp.js";

function problemsFor(env: Record<string, string>): string[] {
  try {
    loadConfig(env, "/srv/psr");
  } catch (error) {
    if (error instanceof ConfigError) return error.problems;
    throw error;
  }
  return [];
}

describe("loadConfig", () => {
  it("gives the original's defaults for an empty environment", () => {
    const c = loadConfig({}, "/srv/psr");
    expect(c.plex).toEqual({ url: "http://127.0.0.1:32400", token: undefined, timeoutMs: 30_000 });
    expect(c.server).toEqual({
      host: "127.0.0.1",
      port: 8501,
      trustProxy: false,
      connectionCaps: { perClient: 32, perProxy: 256 },
    });
    expect(c.dataDir).toBe("/srv/psr/data");
    expect(c.auth.username).toBe("admin");
    expect(c.auth.cookieName).toBe("psr_auth");
    expect(c.auth.maxLoginAttempts).toBe(5);
    expect(c.auth.lockoutMinutes).toBe(15);
    expect(c.lang).toBe("en");
  });

  it("reads every variable by its original name", () => {
    const c = loadConfig(
      {
        PLEX_URL: "https://plex.example.org:32400/",
        PLEX_TOKEN: "abc",
        PLEX_TIMEOUT: "12.5",
        GUI_PASSWORD: "pw",
        PSR_AUTH_USERNAME: "me",
        PSR_COOKIE_NAME: "my_cookie",
        PSR_COOKIE_EXPIRY_DAYS: "7",
        PSR_COOKIE_KEY: "0123456789abcdef0123",
        PSR_ORPHAN_GRACE_MINUTES: "5",
        PSR_LOG_RETENTION_DAYS: "14",
        PSR_SCAN_RUN_RETENTION_DAYS: "60",
        PSR_SCAN_RUN_RETENTION_COUNT: "100",
        TELEGRAM_BOT_TOKEN: "123:abc",
        TELEGRAM_CHAT_ID: "-100123",
        MAX_LOGIN_ATTEMPTS: "3",
        LOGIN_LOCKOUT_MINUTES: "30",
        PSR_DATA_DIR: "/var/lib/psr",
        PSR_HOST: "0.0.0.0",
        PSR_PORT: "9000",
        PSR_TRUST_PROXY: "yes",
        PSR_MAX_CONNECTIONS_PER_CLIENT: "8",
        PSR_MAX_CONNECTIONS_PER_PROXY: "64",
        PSR_LANG: "de",
        PSR_API_KEY: "k".repeat(32),
      },
      "/srv/psr",
    );
    expect(c.plex).toEqual({ url: "https://plex.example.org:32400", token: "abc", timeoutMs: 12_500 });
    expect(c.server).toEqual({
      host: "0.0.0.0",
      port: 9000,
      trustProxy: ["loopback"],
      connectionCaps: { perClient: 8, perProxy: 64 },
    });
    expect(c.dataDir).toBe("/var/lib/psr");
    expect(c.auth).toMatchObject({
      username: "me",
      initialPassword: "pw",
      cookieName: "my_cookie",
      cookieExpiryDays: 7,
      maxLoginAttempts: 3,
      lockoutMinutes: 30,
    });
    expect(c.jobs).toEqual({
      orphanGraceMinutes: 5,
      logRetentionDays: 14,
      runRetentionDays: 60,
      runRetentionCount: 100,
    });
    expect(c.telegram).toEqual({ botToken: "123:abc", chatId: "-100123" });
    expect(c.lang).toBe("de");
  });

  it("treats empty values as unset", () => {
    const c = loadConfig({ PLEX_TOKEN: "", PSR_PORT: " ", PLEX_TIMEOUT: "" }, "/srv/psr");
    expect(c.plex.token).toBeUndefined();
    expect(c.server.port).toBe(8501);
  });

  it.each([
    [{ PLEX_TIMEOUT: "abc" }, 'PLEX_TIMEOUT: expected a number of seconds (got "abc")'],
    [{ PLEX_TIMEOUT: "0" }, "PLEX_TIMEOUT: must be at least 1 seconds"],
    [{ PSR_PORT: "99999" }, 'PSR_PORT: must be at most 65535 (got "99999")'],
    [{ PSR_PORT: "80.5" }, "PSR_PORT: expected a whole number of port"],
    [{ PLEX_URL: "plex:32400" }, "PLEX_URL: expected an http:// or https:// URL"],
    [{ PSR_COOKIE_EXPIRY_DAYS: "-1" }, "PSR_COOKIE_EXPIRY_DAYS: must be at least 1"],
    [{ MAX_LOGIN_ATTEMPTS: "lots" }, "MAX_LOGIN_ATTEMPTS: expected a whole number of attempts"],
    [{ PSR_TRUST_PROXY: "maybe" }, "PSR_TRUST_PROXY: expected true (trust the proxy on this host), false"],
    [{ PSR_LANG: "fr" }, "PSR_LANG: expected en or de"],
    [{ PSR_COOKIE_NAME: "a b" }, "PSR_COOKIE_NAME: use letters, digits, _ and - only"],
    [{ PSR_MAX_CONNECTIONS_PER_CLIENT: "0" }, "PSR_MAX_CONNECTIONS_PER_CLIENT: must be at least 1"],
    [{ PSR_MAX_CONNECTIONS_PER_PROXY: "many" }, "PSR_MAX_CONNECTIONS_PER_PROXY: expected a whole number"],
  ])("rejects %o naming the variable and the reason", (env, message) => {
    const problems = problemsFor(env as Record<string, string>);
    expect(problems).toHaveLength(1);
    expect(problems[0]).toContain(message);
  });

  it("reports every bad variable at once and never echoes a secret", () => {
    const problems = problemsFor({ PSR_PORT: "-1", PLEX_TIMEOUT: "x", PSR_API_KEY: "short-secret" });
    expect(problems.map((p) => p.split(":")[0]).sort()).toEqual(["PLEX_TIMEOUT", "PSR_API_KEY", "PSR_PORT"]);
    expect(problems.join("\n")).not.toContain("short-secret");
  });
});

describe("loadDotEnv", () => {
  it("loads .env without overriding variables that are already set", () => {
    const { dir, cleanup } = tempDir();
    try {
      writeFileSync(join(dir, ".env"), 'PLEX_URL=http://10.0.0.2:32400\nPLEX_TOKEN="from-file"\n# comment\n');
      const env: Record<string, string | undefined> = { PLEX_TOKEN: "from-shell" };
      expect(loadDotEnv(env, dir)).toBe(join(dir, ".env"));
      expect(env.PLEX_URL).toBe("http://10.0.0.2:32400");
      expect(env.PLEX_TOKEN).toBe("from-shell");
    } finally {
      cleanup();
    }
  });

  it("does nothing when there is no .env", () => {
    const { dir, cleanup } = tempDir();
    try {
      const env = {};
      expect(loadDotEnv(env, dir)).toBeUndefined();
      expect(env).toEqual({});
    } finally {
      cleanup();
    }
  });
});

describe("PSR_TRUST_PROXY", () => {
  // Never "trust everyone": nginx appends to X-Forwarded-For, so its leftmost entry is the client's.
  it.each([
    ["false", false],
    ["0", false],
    ["off", false],
    ["true", ["loopback"]],
    ["yes", ["loopback"]],
    ["1", ["loopback"]],
    ["2", 2],
    ["10", 10],
    ["127.0.0.1", ["127.0.0.1"]],
    ["10.0.0.0/8, ::1", ["10.0.0.0/8", "::1"]],
    ["loopback,uniquelocal", ["loopback", "uniquelocal"]],
    ["fd00::/8", ["fd00::/8"]],
    ["11", undefined],
    ["300.1.1.1", undefined],
    ["10.0.0.0/33", undefined],
    ["*", undefined],
    ["example.org", undefined],
    ["127.0.0.1,", undefined],
  ])("%s → %j", (text, expected) => {
    expect(parseTrustProxy(text)).toEqual(expected);
  });
});

describe(".env.example", () => {
  it("documents every variable the app reads, and parses as valid configuration", () => {
    const text = readFileSync(new URL("../../.env.example", import.meta.url), "utf8");
    // A variable may be documented commented out ("# NAME=value") when its default should apply.
    const documented = [...text.matchAll(/^(?:# )?([A-Z_]+)=/gm)].map((m) => m[1]).sort();
    expect(documented).toEqual([...ENV_VARIABLES].sort());
    const { dir, cleanup } = tempDir();
    try {
      writeFileSync(join(dir, ".env"), text);
      const env: Record<string, string | undefined> = {};
      loadDotEnv(env, dir);
      expect(() => loadConfig(env, dir)).not.toThrow();
    } finally {
      cleanup();
    }
  });
});
