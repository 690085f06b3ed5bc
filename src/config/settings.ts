// Scan settings: one zod schema with defaults and bounds, shared by the CLI, the API, the
// scheduler and (later) the SPA. Field names are the API's camelCase; the original's
// snake_case names are mapped by the importer.
import { Cron } from "croner";
import { z } from "zod";
import { APPEARANCE_DEFAULTS, appearanceSettingsSchema } from "../contracts/appearance.js";
import { RETENTION_DEFAULTS, retentionSettingsSchema } from "../contracts/retention.js";
import { coded, type IssueParam, type ValidationCode, validationMessage } from "../contracts/validation.js";
import { watchSettingsSchema } from "../contracts/watch.js";
import { errorMessage } from "../error-message.js";
import { DEFAULT_NOTIFICATION_SETTINGS, notificationSettingsSchema } from "../notify/schema.js";

export const scanSettingsSchema = z
  .object({
    /** Library titles or ids; empty = every movie and show library. */
    libraries: z.array(z.string().trim().min(1).max(200)).max(100).default([]),
    /** Only items added in the last N days (the original's `days`). */
    days: z.number().int().min(1).max(3650).default(30),
    /** At most the newest N items per library and type (the original's `max_items`). */
    maxItems: z.number().int().min(1).max(100_000).default(500),
    /** Check whole libraries, ignoring days and maxItems. */
    all: z.boolean().default(false),
    dryRun: z.boolean().default(false),
    /** Also check seasons and episodes of show libraries. */
    includeChildren: z.boolean().default(true),
    /** Scan personal-media (agent "none") libraries too; they are only checked, never fixed. */
    includePersonal: z.boolean().default(false),
    /** Match unmatched items (dry run records the chosen match without applying it). */
    matchUnmatched: z.boolean().default(true),
    /** Apply a clear match by itself; off = never match automatically, every item waits for a person. */
    matchAutomatically: z.boolean().default(true),
    /** The confidence rule for scored candidates: the best needs this score … */
    matchMinScore: z.number().int().min(50).max(100).default(85),
    /** … and this lead over the runner-up. */
    matchMinLead: z.number().int().min(0).max(100).default(10),
    /** Recently failed items re-checked regardless of age (the original's failed_retry_pool_limit). */
    retryPoolLimit: z.number().int().min(0).max(10_000).default(50),
    /** A failed item waits this long before it is tried again (failed_backoff_hours). */
    backoffHours: z
      .number()
      .min(0)
      .max(24 * 365)
      .default(24),
    /** Refreshes and matches in flight at once. */
    concurrency: z.number().int().min(1).max(16).default(4),
    /** Optional pause between requests that change something in Plex. */
    requestDelayMs: z.number().int().min(0).max(60_000).default(0),
    /** How long to wait for Plex to finish one item before giving up on it. */
    itemTimeoutSeconds: z.number().int().min(5).max(3600).default(120),
    /** How long a scan waits for an unreachable Plex to come back before it stops. */
    outageWaitSeconds: z.number().int().min(0).max(3600).default(120),
    /**
     * When a placeholder episode is checked again, in minutes after its air date (6 h, 1 day,
     * 3, 7 and 14 days); after the last, only by hand (src/scan/placeholder.ts).
     */
    placeholderCheckOffsetsMinutes: z
      .array(z.number().int().min(1).max(525_600))
      .min(1)
      .max(10)
      .refine((a) => a.every((m, i) => i === 0 || m > (a[i - 1] as number)), coded("offsets_ascending"))
      .default([360, 1440, 4320, 10_080, 20_160]),
  })
  .strict();

export type ScanSettings = z.output<typeof scanSettingsSchema>;
export type ScanSettingsInput = z.input<typeof scanSettingsSchema>;

export const DEFAULT_SCAN_SETTINGS: ScanSettings = scanSettingsSchema.parse({});

const HHMM = /^([01]\d|2[0-3]):[0-5]\d$/;

/** When the scheduler runs a scan: daily at a time (as the original) or by a cron expression. */
export const scheduleSettingsSchema = z
  .object({
    enabled: z.boolean().default(true),
    mode: z.enum(["daily", "cron"]).default("daily"),
    /** HH:MM, 24-hour clock, in `timezone` (the original's schedule_time). */
    time: z
      .string()
      .refine((v) => HHMM.test(v), coded("time_format"))
      .default("03:30"),
    /** Five-field cron expression (at most hourly), used when mode is "cron". */
    cron: z.string().trim().max(120).nullable().default(null),
    /** IANA time zone; empty means the server's. */
    timezone: z
      .string()
      .trim()
      .max(64)
      .refine(isTimeZone, coded("timezone_unknown"))
      .nullable()
      .default(null),
  })
  .strict();

export type ScheduleSettings = z.output<typeof scheduleSettingsSchema>;

function isTimeZone(zone: string | null): boolean {
  if (zone === null || zone === "") return true;
  try {
    new Intl.DateTimeFormat("en-US", { timeZone: zone });
    return true;
  } catch {
    return false;
  }
}

const CRON_NICKNAMES = new Set([
  "@yearly",
  "@annually",
  "@monthly",
  "@weekly",
  "@daily",
  "@midnight",
  "@hourly",
]);
const MIN_CRON_GAP_MS = 3_600_000;

/** A problem of a cron expression: one of our validation codes with its params. */
export interface CronIssue {
  code: Extract<ValidationCode, `cron_${string}`>;
  params?: Record<string, IssueParam>;
  /** English, with croner's own words for an unparsable expression. */
  message: string;
}

/**
 * What is wrong with a cron expression, or undefined when it is usable: five fields (minute hour
 * day month weekday) or a nickname, which croner accepts, and runs at most once an hour. A
 * seconds field would start a scan every second; anything more frequent than hourly only queues
 * scans behind each other and keeps Plex busy.
 */
export function cronIssue(expression: string): CronIssue | undefined {
  const issue = (code: CronIssue["code"], params: Record<string, IssueParam> = {}, detail?: string) => ({
    code,
    ...(Object.keys(params).length > 0 ? { params } : {}),
    message: validationMessage(code, params) + (detail ? ` (${detail})` : ""),
  });
  const text = expression.trim();
  const fields = text.split(/\s+/);
  if (!(fields.length === 1 && CRON_NICKNAMES.has(text.toLowerCase())) && fields.length !== 5) {
    return fields.length === 6 ? issue("cron_seconds_field") : issue("cron_fields", { count: fields.length });
  }
  let cron: Cron;
  try {
    cron = new Cron(text, { paused: true });
  } catch (error) {
    return issue("cron_invalid", {}, errorMessage(error));
  }
  try {
    // A year of runs is more than any pattern needs to show its shortest gap (e.g. leap days).
    const runs = cron.nextRuns(200, new Date(Date.UTC(2026, 0, 1)));
    for (let i = 1; i < runs.length; i++) {
      const gap = runs[i]!.getTime() - runs[i - 1]!.getTime();
      if (gap < MIN_CRON_GAP_MS) return issue("cron_too_often", { minutes: Math.round(gap / 60_000) });
    }
  } finally {
    cron.stop();
  }
  return undefined;
}

/** The English sentence of a cron expression's problem (logs, the CLI), or undefined. */
export function cronProblem(expression: string): string | undefined {
  return cronIssue(expression)?.message;
}

/** Whether the expression is a usable schedule (see cronProblem). */
export function isValidCron(expression: string): boolean {
  return cronProblem(expression) === undefined;
}

/** Everything stored in the settings table; each top-level key is one row. */
export const appSettingsSchema = scanSettingsSchema
  .extend({
    schedule: scheduleSettingsSchema.default(scheduleSettingsSchema.parse({})),
    notifications: notificationSettingsSchema.default(DEFAULT_NOTIFICATION_SETTINGS),
    /** How long logs, runs and item history are kept (the environment's values win when set). */
    retention: retentionSettingsSchema.default(RETENTION_DEFAULTS),
    /** The language and colour scheme of a browser that has not chosen its own. */
    appearance: appearanceSettingsSchema.default(APPEARANCE_DEFAULTS),
    /** Watch mode: repair items within a minute of Plex adding them. */
    watch: watchSettingsSchema.default(watchSettingsSchema.parse({})),
  })
  .superRefine((s, ctx) => {
    if (s.schedule.mode !== "cron") return;
    const path = ["schedule", "cron"];
    if (!s.schedule.cron) {
      ctx.addIssue({ code: "custom", path, ...coded("cron_required") });
    } else {
      const problem = cronIssue(s.schedule.cron);
      if (problem) {
        ctx.addIssue({
          code: "custom",
          path,
          message: problem.message,
          params: { ...problem.params, code: problem.code },
        });
      }
    }
  });

export type AppSettings = z.output<typeof appSettingsSchema>;
export const SETTINGS_KEYS = Object.keys(scanSettingsSchema.shape).concat(
  "schedule",
  "notifications",
  "retention",
  "appearance",
  "watch",
) as (keyof AppSettings)[];

/** The scan part of the stored settings. */
export function scanSettingsOf(settings: AppSettings): ScanSettings {
  const {
    schedule: _schedule,
    notifications: _notifications,
    retention: _retention,
    appearance: _appearance,
    watch: _watch,
    ...scan
  } = settings;
  return scan;
}
