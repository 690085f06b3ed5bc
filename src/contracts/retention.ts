// Retention settings (the Settings page's "Retention" section): how long job logs, scan runs and
// item history are kept. Stored in the database under `retention`; an environment variable that
// is set wins over the stored value for its field (as PLEX_URL does for the connection).
import { z } from "zod";

/** Bounds of each field; the SPA's inputs use them, the server checks them again. */
export const RETENTION_LIMITS = {
  logDays: { min: 1, max: 3650 },
  runDays: { min: 1, max: 3650 },
  runCount: { min: 1, max: 1_000_000 },
  historyDays: { min: 1, max: 3650 },
} as const;

/** The defaults, the same as the environment's (PSR_LOG_RETENTION_DAYS and friends). */
export const RETENTION_DEFAULTS = { logDays: 30, runDays: 90, runCount: 200, historyDays: 90 } as const;

export const RETENTION_FIELDS = ["logDays", "runDays", "runCount", "historyDays"] as const;
export type RetentionField = (typeof RETENTION_FIELDS)[number];

/** The environment variable behind each field (historyDays has none). */
export const RETENTION_ENV: Partial<Record<RetentionField, string>> = {
  logDays: "PSR_LOG_RETENTION_DAYS",
  runDays: "PSR_SCAN_RUN_RETENTION_DAYS",
  runCount: "PSR_SCAN_RUN_RETENTION_COUNT",
};

const whole = (field: RetentionField) =>
  z
    .number({ message: "expected a whole number" })
    .int({ message: "expected a whole number" })
    .min(RETENTION_LIMITS[field].min, { message: `must be at least ${RETENTION_LIMITS[field].min}` })
    .max(RETENTION_LIMITS[field].max, { message: `must be at most ${RETENTION_LIMITS[field].max}` });

export const retentionSettingsSchema = z
  .object({
    /** Job logs older than this many days are deleted (a run may outlive its log). */
    logDays: whole("logDays").default(RETENTION_DEFAULTS.logDays),
    /** Scan runs older than this many days are deleted, with their logs. */
    runDays: whole("runDays").default(RETENTION_DEFAULTS.runDays),
    /** At most this many scan runs are kept, newest first. */
    runCount: whole("runCount").default(RETENTION_DEFAULTS.runCount),
    /** Item history (the attempts shown per item) older than this many days is deleted. */
    historyDays: whole("historyDays").default(RETENTION_DEFAULTS.historyDays),
  })
  .strict();
export type RetentionSettings = z.output<typeof retentionSettingsSchema>;

/** `GET /api/retention`: what applies, and which fields the environment sets (read-only then). */
export const retentionStatusSchema = z.object({
  stored: retentionSettingsSchema,
  environment: z.object({
    logDays: z.number().optional(),
    runDays: z.number().optional(),
    runCount: z.number().optional(),
    historyDays: z.number().optional(),
  }),
  effective: retentionSettingsSchema,
  /** When retention last ran and what it removed; null before the first run of this process. */
  lastRun: z
    .object({
      at: z.string(),
      logsDeleted: z.number(),
      runsDeleted: z.number(),
      historyDeleted: z.number(),
    })
    .nullable(),
});
export type RetentionStatus = z.infer<typeof retentionStatusSchema>;
