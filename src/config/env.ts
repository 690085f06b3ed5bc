// The process environment, parsed once. Variable names are the original tool's so that people
// can migrate their .env/systemd files unchanged; unlike the original, an invalid value stops
// start-up with a message naming the variable instead of silently falling back.
import { existsSync, readFileSync } from "node:fs";
import { resolve } from "node:path";
import { parseEnv } from "node:util";
import { z } from "zod";

/** Empty strings count as "unset": `PLEX_TOKEN=` in a .env file means no value. */
const unsetIfEmpty = (value: unknown) =>
  typeof value === "string" && value.trim() === "" ? undefined : value;

const intIn = (min: number, max: number, unit: string) =>
  z.preprocess(
    unsetIfEmpty,
    z
      .string()
      .trim()
      .regex(/^-?\d+$/, { message: `expected a whole number of ${unit}` })
      .transform(Number)
      .pipe(
        z
          .number()
          .min(min, { message: `must be at least ${min}` })
          .max(max, { message: `must be at most ${max}` }),
      )
      .optional(),
  );

const secondsIn = (min: number, max: number) =>
  z.preprocess(
    unsetIfEmpty,
    z
      .string()
      .trim()
      .regex(/^\d+(\.\d+)?$/, { message: "expected a number of seconds" })
      .transform(Number)
      .pipe(
        z
          .number()
          .min(min, { message: `must be at least ${min} seconds` })
          .max(max, { message: `must be at most ${max} seconds` }),
      )
      .optional(),
  );

const optionalString = z.preprocess(unsetIfEmpty, z.string().optional());

const httpUrl = z.preprocess(
  unsetIfEmpty,
  z
    .string()
    .trim()
    .refine(
      (v) => {
        try {
          const u = new URL(v);
          return u.protocol === "http:" || u.protocol === "https:";
        } catch {
          return false;
        }
      },
      { message: "expected an http:// or https:// URL, e.g. http://192.168.1.10:32400" },
    )
    .transform((v) => v.replace(/\/+$/, ""))
    .optional(),
);

const envSchema = z.object({
  PLEX_URL: httpUrl,
  PLEX_TOKEN: optionalString,
  PLEX_TIMEOUT: secondsIn(1, 600),
  GUI_PASSWORD: optionalString,
  PSR_AUTH_USERNAME: z.preprocess(
    unsetIfEmpty,
    z
      .string()
      .trim()
      .min(1)
      .max(64, { message: "must be at most 64 characters" })
      .regex(/^[^\s:]+$/, { message: "must not contain spaces or colons" })
      .optional(),
  ),
  PSR_COOKIE_NAME: z.preprocess(
    unsetIfEmpty,
    z
      .string()
      .trim()
      .regex(/^[A-Za-z0-9_-]{1,64}$/, { message: "use letters, digits, _ and - only (at most 64)" })
      .optional(),
  ),
  PSR_COOKIE_EXPIRY_DAYS: intIn(1, 3650, "days"),
  PSR_COOKIE_KEY: z.preprocess(
    unsetIfEmpty,
    z.string().min(16, { message: "must be at least 16 characters when set" }).optional(),
  ),
  PSR_ORPHAN_GRACE_MINUTES: intIn(0, 10_080, "minutes"),
  PSR_LOG_RETENTION_DAYS: intIn(1, 3650, "days"),
  PSR_SCAN_RUN_RETENTION_DAYS: intIn(1, 3650, "days"),
  PSR_SCAN_RUN_RETENTION_COUNT: intIn(1, 1_000_000, "runs"),
  TELEGRAM_BOT_TOKEN: optionalString,
  TELEGRAM_CHAT_ID: optionalString,
  MAX_LOGIN_ATTEMPTS: intIn(1, 1000, "attempts"),
  LOGIN_LOCKOUT_MINUTES: intIn(1, 10_080, "minutes"),
  PSR_DATA_DIR: optionalString,
  PSR_HOST: z.preprocess(
    unsetIfEmpty,
    z
      .string()
      .trim()
      .regex(/^[A-Za-z0-9.:_-]+$/, { message: "expected a host name or IP address, e.g. 127.0.0.1" })
      .optional(),
  ),
  PSR_PORT: intIn(0, 65_535, "port"),
  PSR_TRUST_PROXY: z.preprocess(
    unsetIfEmpty,
    z
      .string()
      .trim()
      .transform((v, ctx) => {
        const parsed = parseTrustProxy(v);
        if (parsed === undefined) {
          ctx.addIssue({
            code: "custom",
            message:
              "expected true (trust the proxy on this host), false, a hop count from 2 to 10, or proxy addresses like 127.0.0.1,10.0.0.0/8",
          });
          return z.NEVER;
        }
        return parsed;
      })
      .optional(),
  ),
  PSR_MAX_CONNECTIONS_PER_CLIENT: intIn(1, 10_000, "connections"),
  PSR_MAX_CONNECTIONS_PER_PROXY: intIn(1, 10_000, "connections"),
  PSR_LANG: z.preprocess(unsetIfEmpty, z.enum(["en", "de"], { message: "expected en or de" }).optional()),
  PSR_API_KEY: z.preprocess(
    unsetIfEmpty,
    z.string().trim().min(16, { message: "must be at least 16 characters when set" }).optional(),
  ),
  PSR_METRICS_TOKEN: z.preprocess(
    unsetIfEmpty,
    z
      .string()
      .min(16, { message: "must be at least 16 characters when set" })
      .max(256, { message: "must be at most 256 characters" })
      .regex(/^[\x21-\x7e]+$/, { message: "use printable ASCII without spaces" })
      .optional(),
  ),
  PSR_METRICS_AUTH: z.preprocess(
    unsetIfEmpty,
    z
      .enum(["token", "none"], {
        message: "expected token (needs PSR_METRICS_TOKEN) or none (open, for trusted networks only)",
      })
      .optional(),
  ),
  PSR_LOG_LEVEL: z.preprocess(
    unsetIfEmpty,
    z
      .enum(["fatal", "error", "warn", "info", "debug", "trace", "silent"], {
        message: "expected one of fatal, error, warn, info, debug, trace, silent",
      })
      .optional(),
  ),
});

/**
 * Which hop's X-Forwarded-For to believe: false (none), a hop count, or the proxy addresses
 * (IPs, CIDR ranges, or proxy-addr's names loopback/linklocal/uniquelocal). Never "everyone":
 * nginx appends to the header a client sent, so its leftmost entry is the client's own claim.
 */
export type TrustProxy = false | number | string[];

const PROXY_NAMES = new Set(["loopback", "linklocal", "uniquelocal"]);
const IPV4 = /^(25[0-5]|2[0-4]\d|1?\d?\d)(\.(25[0-5]|2[0-4]\d|1?\d?\d)){3}$/;

function isProxyAddress(entry: string): boolean {
  if (PROXY_NAMES.has(entry)) return true;
  const [address, bits, ...rest] = entry.split("/");
  if (rest.length > 0 || address === undefined) return false;
  const v4 = IPV4.test(address);
  const v6 = !v4 && /^[0-9a-f:.]+$/i.test(address) && address.includes(":");
  if (!v4 && !v6) return false;
  if (bits === undefined) return true;
  const n = Number(bits);
  return /^\d{1,3}$/.test(bits) && n <= (v4 ? 32 : 128);
}

/** PSR_TRUST_PROXY's text as a TrustProxy; undefined when it is none of the accepted forms. */
export function parseTrustProxy(text: string): TrustProxy | undefined {
  const v = text.trim().toLowerCase();
  if (["0", "false", "no", "off"].includes(v)) return false;
  // "true" keeps its old meaning for the shipped set-up (nginx on the same host), but no more.
  if (["1", "true", "yes", "on"].includes(v)) return ["loopback"];
  if (/^\d+$/.test(v)) {
    const hops = Number(v);
    return hops >= 2 && hops <= 10 ? hops : undefined;
  }
  const entries = v.split(",").map((e) => e.trim());
  return entries.length > 0 && entries.every(isProxyAddress) ? entries : undefined;
}

/** Every variable the app reads; .env.example documents each one (a test checks). */
export const ENV_VARIABLES = Object.keys(envSchema.shape);

export interface Config {
  plex: {
    url: string;
    token: string | undefined;
    timeoutMs: number;
  };
  /**
   * Which of `plex`'s values the environment set; the others may come from the connection stored
   * in the browser (src/db/connection-store.ts). Absent: all of them count as set by it.
   */
  plexFromEnvironment?: { url: boolean; token: boolean; timeout: boolean };
  server: {
    host: string;
    port: number;
    trustProxy: TrustProxy;
    /**
     * Open connections allowed per client address, and per proxy address (loopback and the
     * addresses in PSR_TRUST_PROXY), where many users arrive from one address.
     */
    connectionCaps: { perClient: number; perProxy: number };
  };
  dataDir: string;
  lang: "en" | "de";
  logLevel: "fatal" | "error" | "warn" | "info" | "debug" | "trace" | "silent";
  auth: {
    username: string;
    initialPassword: string | undefined;
    cookieName: string;
    cookieExpiryDays: number;
    cookieKey: string | undefined;
    maxLoginAttempts: number;
    lockoutMinutes: number;
    apiKey: string | undefined;
  };
  jobs: {
    orphanGraceMinutes: number;
    logRetentionDays: number;
    runRetentionDays: number;
    runRetentionCount: number;
  };
  /**
   * The retention values the environment sets (the variable is present): they win over the
   * Settings page's stored values (src/jobs/retention.ts), which apply to the rest.
   */
  retentionFromEnvironment?: { logDays?: number; runDays?: number; runCount?: number };
  telegram: { botToken: string | undefined; chatId: string | undefined };
  /** GET /metrics: off (404), behind PSR_METRICS_TOKEN, or open (PSR_METRICS_AUTH=none). */
  metrics: { access: "off" } | { access: "token"; token: string } | { access: "open" };
}

export class ConfigError extends Error {
  constructor(readonly problems: string[]) {
    super(`Invalid configuration:\n${problems.map((p) => `  - ${p}`).join("\n")}`);
    this.name = "ConfigError";
  }
}

/** Parses the environment into a typed config. Throws ConfigError naming every bad variable. */
export function loadConfig(env: NodeJS.ProcessEnv = process.env, cwd = process.cwd()): Config {
  const parsed = envSchema.safeParse(env);
  if (!parsed.success) {
    const problems = parsed.error.issues.map((issue) => {
      const name = String(issue.path[0] ?? "environment");
      const raw = env[name];
      const shown = isSecret(name) || raw === undefined ? "" : ` (got ${JSON.stringify(raw)})`;
      return `${name}: ${issue.message}${shown}`;
    });
    throw new ConfigError(problems);
  }
  const e = parsed.data;
  if (e.PSR_METRICS_AUTH === "token" && e.PSR_METRICS_TOKEN === undefined)
    throw new ConfigError(["PSR_METRICS_AUTH: token needs PSR_METRICS_TOKEN (at least 16 characters)"]);
  return {
    plex: {
      url: e.PLEX_URL ?? "http://127.0.0.1:32400",
      token: e.PLEX_TOKEN,
      timeoutMs: Math.round((e.PLEX_TIMEOUT ?? 30) * 1000),
    },
    plexFromEnvironment: {
      url: e.PLEX_URL !== undefined,
      token: e.PLEX_TOKEN !== undefined,
      timeout: e.PLEX_TIMEOUT !== undefined,
    },
    server: {
      host: e.PSR_HOST ?? "127.0.0.1",
      port: e.PSR_PORT ?? 8501,
      trustProxy: e.PSR_TRUST_PROXY ?? false,
      // A browser opens at most 6 connections to a host; nginx needs one per active request.
      connectionCaps: {
        perClient: e.PSR_MAX_CONNECTIONS_PER_CLIENT ?? 32,
        perProxy: e.PSR_MAX_CONNECTIONS_PER_PROXY ?? 256,
      },
    },
    dataDir: resolve(cwd, e.PSR_DATA_DIR ?? "data"),
    lang: e.PSR_LANG ?? "en",
    logLevel: e.PSR_LOG_LEVEL ?? "info",
    auth: {
      username: e.PSR_AUTH_USERNAME ?? "admin",
      initialPassword: e.GUI_PASSWORD,
      cookieName: e.PSR_COOKIE_NAME ?? "psr_auth",
      cookieExpiryDays: e.PSR_COOKIE_EXPIRY_DAYS ?? 30,
      cookieKey: e.PSR_COOKIE_KEY,
      maxLoginAttempts: e.MAX_LOGIN_ATTEMPTS ?? 5,
      lockoutMinutes: e.LOGIN_LOCKOUT_MINUTES ?? 15,
      apiKey: e.PSR_API_KEY,
    },
    jobs: {
      orphanGraceMinutes: e.PSR_ORPHAN_GRACE_MINUTES ?? 30,
      logRetentionDays: e.PSR_LOG_RETENTION_DAYS ?? 30,
      runRetentionDays: e.PSR_SCAN_RUN_RETENTION_DAYS ?? 90,
      runRetentionCount: e.PSR_SCAN_RUN_RETENTION_COUNT ?? 200,
    },
    retentionFromEnvironment: {
      ...(e.PSR_LOG_RETENTION_DAYS !== undefined ? { logDays: e.PSR_LOG_RETENTION_DAYS } : {}),
      ...(e.PSR_SCAN_RUN_RETENTION_DAYS !== undefined ? { runDays: e.PSR_SCAN_RUN_RETENTION_DAYS } : {}),
      ...(e.PSR_SCAN_RUN_RETENTION_COUNT !== undefined ? { runCount: e.PSR_SCAN_RUN_RETENTION_COUNT } : {}),
    },
    telegram: { botToken: e.TELEGRAM_BOT_TOKEN, chatId: e.TELEGRAM_CHAT_ID },
    metrics:
      e.PSR_METRICS_AUTH === "none"
        ? { access: "open" }
        : e.PSR_METRICS_TOKEN !== undefined
          ? { access: "token", token: e.PSR_METRICS_TOKEN }
          : { access: "off" },
  };
}

const SECRET_NAMES = new Set([
  "PLEX_TOKEN",
  "GUI_PASSWORD",
  "PSR_COOKIE_KEY",
  "PSR_API_KEY",
  "TELEGRAM_BOT_TOKEN",
  "PSR_METRICS_TOKEN",
]);
function isSecret(name: string): boolean {
  return SECRET_NAMES.has(name);
}

/**
 * Loads `.env` from the working directory into `env` when the file exists. Variables that are
 * already set win, so systemd's Environment= and the shell override the file.
 */
export function loadDotEnv(env: NodeJS.ProcessEnv = process.env, cwd = process.cwd()): string | undefined {
  const file = resolve(cwd, ".env");
  if (!existsSync(file)) return undefined;
  const values = parseEnv(readFileSync(file, "utf8"));
  for (const [name, value] of Object.entries(values)) {
    if (env[name] === undefined) env[name] = value;
  }
  return file;
}
