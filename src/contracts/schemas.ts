// zod schemas of the API payloads: one per payload, shared by the server and the SPA.
// Imports nothing from the rest of src/ (only zod and ./constants).
import { z } from "zod";
import {
  IGNORE_REASON_MAX,
  ITEM_STATE_FILTERS,
  ITEM_STATES,
  LOG_TAIL_MAX,
  PAGE_LIMITS,
  PROBLEM_CODES,
  SCAN_LIMITS,
  SCAN_STATUSES,
} from "./constants.js";
import { matchRefSchema } from "./match-undo.js";
import { REASON_CODES, type Reason } from "./reasons.js";

// ---- common -----------------------------------------------------------------------------

export const pageQuerySchema = z.object({
  page: z.coerce.number().int().min(1).max(PAGE_LIMITS.maxPage).default(1),
  pageSize: z.coerce.number().int().min(1).max(PAGE_LIMITS.maxPageSize).default(PAGE_LIMITS.defaultPageSize),
});
export type PageQuery = z.input<typeof pageQuerySchema>;

/** A page of a list: `{ items, total, page, pageSize }`. */
export function pageSchema<T extends z.ZodType>(item: T) {
  return z.object({
    items: z.array(item),
    total: z.number().int().min(0),
    page: z.number().int().min(1),
    pageSize: z.number().int().min(1),
  });
}
export interface Page<T> {
  items: T[];
  total: number;
  page: number;
  pageSize: number;
}

/** A field-level problem of a 400 `invalid_input`: a code with params (see ./validation.ts). */
export const inputIssueSchema = z.object({
  field: z.string(),
  code: z.string().optional(),
  params: z.record(z.string(), z.unknown()).optional(),
  message: z.string(),
});
export type InputIssue = z.infer<typeof inputIssueSchema>;

/** Every error body: an English message, a stable code, and details per code. */
export const errorBodySchema = z
  .object({
    error: z.string(),
    code: z.string().optional(),
    field: z.string().optional(),
    issues: z.array(inputIssueSchema).optional(),
    runningJobId: z.number().optional(),
    libraries: z.array(z.string()).optional(),
    retryAfterSeconds: z.number().optional(),
  })
  .passthrough();
export type ErrorBody = z.infer<typeof errorBodySchema>;

// ---- auth -------------------------------------------------------------------------------

export const loginBodySchema = z
  .object({
    username: z.string().max(200, { message: "too long" }),
    password: z.string().max(1000, { message: "too long" }),
  })
  .strict();
export type LoginBody = z.infer<typeof loginBodySchema>;

export const loginResponseSchema = z.object({ username: z.string(), csrfToken: z.string() });
export type LoginResponse = z.infer<typeof loginResponseSchema>;

export const meResponseSchema = z.object({
  username: z.string().nullable(),
  via: z.enum(["session", "apiKey"]).nullable(),
  csrfToken: z.string().nullable(),
});
export type MeResponse = z.infer<typeof meResponseSchema>;

// ---- scans ------------------------------------------------------------------------------

export const scanStatsSchema = z.object({
  checked: z.number(),
  fixed: z.number(),
  wouldFix: z.number(),
  failed: z.number(),
  skipped: z.number(),
  errors: z.number(),
  matched: z.number(),
});
/** The engine records more figures than the contract promises (needsReview, locked, durationMs…). */
export type ScanStats = z.infer<typeof scanStatsSchema> & {
  needsReview?: number;
  locked?: number;
  durationMs?: number;
  [key: string]: unknown;
};

export const scanProgressSchema = z.object({
  phase: z.string(),
  done: z.number(),
  total: z.number().nullable(),
  current: z.string().nullable(),
});
export type ScanProgress = z.infer<typeof scanProgressSchema>;

export const scanResourceSchema = z.object({
  id: z.number(),
  status: z.enum(SCAN_STATUSES),
  source: z.string(),
  startedAt: z.string().nullable(),
  finishedAt: z.string().nullable(),
  stats: scanStatsSchema.passthrough().nullable(),
  /** Why it failed or was interrupted, in English (logs, scripts). */
  error: z.string().nullable(),
  /** The same as a code the SPA words; absent or null for jobs recorded before codes. */
  errorReason: z
    .lazy(() => reasonSchema)
    .nullable()
    .optional(),
  progress: scanProgressSchema.nullable(),
  cancelRequested: z.boolean(),
  settings: z.record(z.string(), z.unknown()),
});
export type ScanResource = Omit<z.infer<typeof scanResourceSchema>, "stats"> & { stats: ScanStats | null };

export const scanPageSchema = pageSchema(scanResourceSchema);
export type ScanPage = Page<ScanResource>;

/** `POST /api/scans` body: optional overrides of the scan settings for this one run. */
export const scanOverridesSchema = z
  .object({
    libraries: z
      .array(z.string().trim().min(1).max(SCAN_LIMITS.libraries.maxLength))
      .max(SCAN_LIMITS.libraries.maxCount),
    days: z.number().int().min(SCAN_LIMITS.days.min).max(SCAN_LIMITS.days.max),
    maxItems: z.number().int().min(SCAN_LIMITS.maxItems.min).max(SCAN_LIMITS.maxItems.max),
    all: z.boolean(),
    dryRun: z.boolean(),
  })
  .partial()
  .strict();
export type ScanOverrides = z.infer<typeof scanOverridesSchema>;

export const scanStartedSchema = z.object({ id: z.number() });
export type ScanStarted = z.infer<typeof scanStartedSchema>;

export const logQuerySchema = z.object({
  tail: z.coerce.number().int().min(1).max(LOG_TAIL_MAX).optional(),
  download: z.enum(["0", "1", "true", "false"]).optional(),
});

/** The last lines of a log; `end` is the byte offset after them (the event streams' line ids). */
export const scanLogSchema = z.object({ id: z.number(), lines: z.array(z.string()), end: z.number() });
export type ScanLog = z.infer<typeof scanLogSchema>;

// ---- items ------------------------------------------------------------------------------

export const itemStateSchema = z.enum(ITEM_STATES);

/** Why an item ended as it did: a code the SPA translates, with its parameters (./reasons.ts). */
export const reasonSchema: z.ZodType<Reason> = z.lazy(() =>
  z.object({
    code: z.enum(REASON_CODES),
    params: z
      .record(
        z.string(),
        z
          .union([z.string(), z.number(), z.boolean(), z.null(), z.array(z.string()), reasonSchema])
          .optional(),
      )
      .optional(),
  }),
) as z.ZodType<Reason>;

export const itemResourceSchema = z.object({
  ratingKey: z.string(),
  library: z.string().nullable(),
  type: z.string(),
  title: z.string(),
  year: z.number().nullable(),
  state: itemStateSchema,
  problems: z.array(z.string()),
  /** The reason in English; kept for rows from before codes, which have no `reason`. */
  note: z.string().nullable(),
  reason: reasonSchema.nullable(),
  candidates: z.array(z.record(z.string(), z.unknown())).nullable(),
  attempts: z.number(),
  lastCheckedAt: z.string(),
  lastFailedAt: z.string().nullable(),
  fixedAt: z.string().nullable(),
  /** Set when a person ignored the item (then `state` is "ignored"), with the reason given. */
  ignoredAt: z.string().nullable(),
  ignoreReason: z.string().nullable(),
  /** The scan that last recorded the item (null for one-item actions and imports). */
  lastJobId: z.number().nullable(),
});
export type ItemResource = z.infer<typeof itemResourceSchema>;

/** A state, or "attention" (the states that need the user, ATTENTION_STATES). */
export const itemStateFilterSchema = z.enum(ITEM_STATE_FILTERS);

export const itemsQuerySchema = pageQuerySchema.extend({
  state: itemStateFilterSchema.optional(),
  /** Items whose problem list holds this code (the dashboard's "wrong matches", "unmatched"). */
  problem: z.enum(PROBLEM_CODES).optional(),
  q: z.string().trim().max(200).optional(),
  library: z.string().trim().max(200).optional(),
});
export type ItemsQuery = z.input<typeof itemsQuerySchema>;

export const itemPageSchema = pageSchema(itemResourceSchema);
export type ItemPage = Page<ItemResource>;

// ---- item actions (detail drawer, match picker, ignore) ----------------------------------

export const itemHistoryEntrySchema = z.object({
  at: z.string(),
  jobId: z.number().nullable(),
  /** check, refresh, match, dry_run, skip, ignore, unignore */
  action: z.string(),
  outcome: z.string(),
  problems: z.array(z.string()),
  note: z.string().nullable(),
  reason: reasonSchema.nullable(),
  /** What did it when no job did: "watch" (watch mode); null for scans and item actions. */
  source: z.string().nullable(),
});
export type ItemHistoryEntry = z.infer<typeof itemHistoryEntrySchema>;

/** An external ID, as a file name or a legacy agent's guid gives it ("imdb", "tt0133093"). */
export const externalIdSchema = z.object({ source: z.string(), id: z.string() });
export type ExternalIdRef = z.infer<typeof externalIdSchema>;

/** What Plex says of an item now, and what its file and folder names say. */
export const itemEvidenceSchema = z.object({
  guid: z.string().nullable(),
  /** Server-side file paths (`Media/Part file`) and folders (`Location`, else the files' folders). */
  files: z.array(z.string()),
  folders: z.array(z.string()),
  /** IDs and the release year read from those names. */
  pathIds: z.array(externalIdSchema),
  pathYear: z.number().nullable(),
  /** The IDs the current match carries (Guid list, or a legacy agent's guid). */
  matchedIds: z.array(externalIdSchema),
  lockedFields: z.array(z.string()),
  /** The poster's version (its thumb's timestamp), for a cacheable address; null when unknown. */
  posterVersion: z.string().nullable(),
  hasPoster: z.boolean(),
  /** The show of a season or episode ("Go to the show"); null otherwise. */
  showRatingKey: z.string().nullable(),
});
export type ItemEvidence = z.infer<typeof itemEvidenceSchema>;

/** A match candidate as the API shows it; its poster is served by its guid, never by URL. */
export const matchCandidateSchema = z.object({
  guid: z.string(),
  name: z.string(),
  year: z.number().nullable(),
  score: z.number().nullable(),
  summary: z.string().nullable(),
  hasPoster: z.boolean(),
  /** The IDs its guid names (legacy agents); Plex lists none for a plex:// candidate. */
  ids: z.array(externalIdSchema),
  /** The item is matched to it now. */
  current: z.boolean(),
  /** The pasted ID that found it (`imdb-tt0133093`), when the picker searched by ID. */
  foundBy: z.string().optional(),
});
export type MatchCandidate = z.infer<typeof matchCandidateSchema>;

/** `GET /api/items/:ratingKey`: the item, its newest attempts, its last scan, a link into Plex. */
export const itemDetailSchema = z.object({
  item: itemResourceSchema,
  history: z.array(itemHistoryEntrySchema),
  lastScan: z
    .object({
      id: z.number(),
      status: z.enum(SCAN_STATUSES),
      startedAt: z.string().nullable(),
      finishedAt: z.string().nullable(),
    })
    .nullable(),
  /** Plex Web's page of the item; null when Plex cannot be asked for its server id. */
  plexLink: z.string().nullable(),
  /** What "Undo match" restores; null (or absent) when the app never matched the item. */
  previousMatch: matchRefSchema.nullable().optional(),
  /** The item as Plex has it now (the evidence); null when Plex could not be asked. */
  plex: itemEvidenceSchema.nullable(),
  /** The candidates the scan stored, as the picker shows them (the current match marked). */
  candidates: z.array(matchCandidateSchema),
});
export type ItemDetail = z.infer<typeof itemDetailSchema>;

/** `POST /api/items/:ratingKey/ignore`: an optional reason. */
export const ignoreBodySchema = z
  .object({
    reason: z
      .string()
      .trim()
      .max(IGNORE_REASON_MAX, { message: `at most ${IGNORE_REASON_MAX} characters` })
      .optional(),
  })
  .strict();
export type IgnoreBody = z.infer<typeof ignoreBodySchema>;

/** `GET /api/items/:ratingKey/matches` query: the search as typed in the picker. */
export const matchesQuerySchema = z
  .object({
    title: z.string().trim().min(1).max(300).optional(),
    year: z.coerce.number().int().min(1800).max(2200).optional(),
  })
  .strict();
export type MatchesQuery = z.input<typeof matchesQuerySchema>;

export const matchesResponseSchema = z.object({
  /** Names this search's result list for the candidate poster route (`?search=`). */
  searchId: z.string(),
  item: z.object({
    ratingKey: z.string(),
    title: z.string(),
    year: z.number().nullable(),
    guid: z.string().nullable(),
  }),
  /** What Plex searched for: the item's own title and year, or what was typed. */
  query: z.object({ title: z.string().nullable(), year: z.number().nullable() }),
  candidates: z.array(matchCandidateSchema),
});
export type MatchesResponse = z.infer<typeof matchesResponseSchema>;

const POSTER_WIDTH = z.coerce.number().int().min(32).max(1000).optional();

/** `GET /api/items/:ratingKey/poster`: `v` is the thumb's version (a versioned address is cached for good). */
export const itemPosterQuerySchema = z
  .object({
    width: POSTER_WIDTH,
    v: z
      .string()
      .regex(/^\d{1,20}$/, { message: "expected a poster version (digits)" })
      .optional(),
    /** The list's own address key (when the item was last checked): a new address after a fix, never cached for good. */
    seen: z
      .string()
      .regex(/^\d{1,20}$/, { message: "expected a time (digits)" })
      .optional(),
  })
  .strict();

/** A Plex guid as a match candidate carries it: `scheme://…`, printable ASCII only. */
export const plexGuidSchema = z
  .string()
  .max(500)
  .regex(/^[a-z][a-z0-9+.-]{0,63}:\/\/[\x21-\x7e]{1,400}$/, { message: "expected a Plex guid" });

/**
 * `GET /api/items/:ratingKey/candidates/poster?guid=`: a candidate's poster by its guid, from a
 * list the server holds (a picker search, or the candidates the scan stored). Keyed by guid, so
 * the browser never shows one candidate's cached poster for another.
 */
export const candidatePosterQuerySchema = z
  .object({
    guid: plexGuidSchema,
    width: POSTER_WIDTH,
    /** A searchId from the matches response; without it, the candidates the scan stored. */
    search: z
      .string()
      .regex(/^[a-z0-9]{1,32}$/, { message: "expected a search id" })
      .optional(),
  })
  .strict();

// ---- stats ------------------------------------------------------------------------------

export const statsResponseSchema = z.object({
  items: z.object({ total: z.number(), byState: z.record(z.string(), z.number()) }),
  /** Per library title ("unknown" when none), counts per state. */
  libraries: z.record(z.string(), z.record(z.string(), z.number())),
  /** fixed / (fixed + failed) over all items, 0..1; null before anything was fixed or failed. */
  successRate: z.number().nullable(),
  /**
   * The items waiting for a review, by why: with the problem wrong_match, with unmatched, and
   * the rest. Each count is what `?state=needs_review&problem=…` lists (ignored items left out).
   */
  needsReview: z.object({ wrongMatch: z.number(), unmatched: z.number(), other: z.number() }),
  /** The last finished scan; a bulk job is not a scan and never shows here. */
  lastScan: z
    .object({
      id: z.number(),
      status: z.string(),
      finishedAt: z.string().nullable(),
      stats: z.record(z.string(), z.unknown()).nullable(),
    })
    .nullable(),
  /** No scan has succeeded yet: a scan started without `dryRun` is a dry run (the first-run rule). */
  firstScanPending: z.boolean(),
});
export type StatsResponse = z.infer<typeof statsResponseSchema>;

// ---- plex -------------------------------------------------------------------------------

export const libraryInfoSchema = z.object({
  id: z.string(),
  title: z.string(),
  type: z.string(),
  agent: z.string(),
  language: z.string(),
  personal: z.boolean(),
  scannable: z.boolean(),
  count: z.number(),
});
export type LibraryInfo = z.infer<typeof libraryInfoSchema>;

export const librariesResponseSchema = z.object({ libraries: z.array(libraryInfoSchema) });
export type LibrariesResponse = z.infer<typeof librariesResponseSchema>;

// ---- scheduler and settings -------------------------------------------------------------

export const schedulerLastRunSchema = z.object({
  at: z.string(),
  outcome: z.enum(["started", "skipped", "failed"]),
  jobId: z.number().optional(),
  reason: z.string().optional(),
});

export const schedulerStatusSchema = z.object({
  enabled: z.boolean(),
  pattern: z.string().nullable(),
  timezone: z.string(),
  nextRunAt: z.string().nullable(),
  lastRun: schedulerLastRunSchema.nullable(),
});
export type SchedulerStatus = z.infer<typeof schedulerStatusSchema>;

/**
 * `GET /api/settings`, loosely: the settings are flat (the scan settings, plus `schedule` and
 * `notifications` with secrets masked); the SPA reads the scan part and the scheduler status.
 */
export const settingsResponseSchema = z.object({
  settings: z
    .object({
      libraries: z.array(z.string()),
      days: z.number(),
      maxItems: z.number(),
      all: z.boolean(),
      dryRun: z.boolean(),
      schedule: z.record(z.string(), z.unknown()),
      notifications: z.unknown(),
    })
    .passthrough(),
  scheduler: schedulerStatusSchema,
  plex: z.object({ url: z.string(), token: z.string().nullable() }),
});
export type SettingsResponse = z.infer<typeof settingsResponseSchema>;

// ---- event streams ----------------------------------------------------------------------

/** `GET /api/events` `status`: the running scan and the last finished one. */
export const statusEventSchema = z.object({
  running: scanResourceSchema.nullable(),
  lastFinished: scanResourceSchema.nullable(),
});
export type StatusEvent = { running: ScanResource | null; lastFinished: ScanResource | null };

/** `GET /api/events` `log`: one job log line; the event id is `<jobId>:<byteOffset>`. */
export const appLogEventSchema = z.object({ jobId: z.number(), line: z.string() });
export type AppLogEvent = z.infer<typeof appLogEventSchema>;

/** `GET /api/events` `scheduler`: the scheduler status. */
export const schedulerEventSchema = schedulerStatusSchema;

/** `GET /api/scans/:id/events` `log`: one line; the event id is the byte offset after it. */
export const scanLogEventSchema = z.object({ line: z.string() });
/** `GET /api/scans/:id/events` `progress` is a ScanResource; `end` closes the stream. */
export const scanEndEventSchema = z.object({ status: z.enum(SCAN_STATUSES) });
export type ScanEndEvent = z.infer<typeof scanEndEventSchema>;

// ---- path parameters and item actions ------------------------------------------------------

const JOB_ID_MESSAGE = "expected a job id (a positive whole number)";
/** Positive integer ids only: nothing else can reach a file path or a query. */
export const jobIdParamsSchema = z.object({
  id: z.coerce
    .number({ message: JOB_ID_MESSAGE })
    .int({ message: JOB_ID_MESSAGE })
    .positive({ message: JOB_ID_MESSAGE }),
});

export const ratingKeyParamsSchema = z.object({
  ratingKey: z.string().regex(/^\d{1,12}$/, { message: "expected a Plex ratingKey (digits)" }),
});

/** `POST /api/items/:ratingKey/match`: the candidate to apply. */
export const matchBodySchema = z
  .object({
    guid: z.string().trim().min(1).max(500),
    name: z.string().trim().min(1).max(500),
    year: z.number().int().min(1800).max(2200).optional(),
  })
  .strict();
export type MatchBody = z.infer<typeof matchBodySchema>;

// ---- settings page --------------------------------------------------------------------------

/** `POST /api/plex/test`: the configured connection, tried now. */
export const plexTestResponseSchema = z.discriminatedUnion("ok", [
  z.object({
    ok: z.literal(true),
    server: z.object({ name: z.string(), version: z.string(), platform: z.string().optional() }),
    libraries: z.array(libraryInfoSchema),
  }),
  z.object({
    ok: z.literal(false),
    /** plex_unreachable, plex_auth, plex_error or internal. */
    code: z.string(),
    reason: z.string(),
  }),
]);
export type PlexTestResponse = z.infer<typeof plexTestResponseSchema>;

/** How Plex is reached (from the environment); the token only ever masked. */
export const plexConnectionSchema = z.object({
  url: z.string(),
  token: z.string().nullable(),
  timeoutSeconds: z.number().optional(),
  source: z.literal("environment").optional(),
});

/** `POST /api/schedule/preview`: a schedule as the settings hold it (defaults fill the rest). */
export const schedulePreviewBodySchema = z
  .object({
    schedule: z.record(z.string(), z.unknown()),
    count: z.number().int().min(1).max(20).optional(),
  })
  .strict();
export type SchedulePreviewBody = z.infer<typeof schedulePreviewBodySchema>;

export const schedulePreviewResponseSchema = z.object({
  /** null when the schedule is off. */
  pattern: z.string().nullable(),
  timezone: z.string(),
  runs: z.array(z.string()),
});
export type SchedulePreviewResponse = z.infer<typeof schedulePreviewResponseSchema>;

/** `POST /api/auth/password`. */
export const passwordChangeBodySchema = z
  .object({
    currentPassword: z.string().min(1, { message: "required" }).max(1000, { message: "too long" }),
    newPassword: z.string().max(2000, { message: "too long" }),
  })
  .strict();
export type PasswordChangeBody = z.infer<typeof passwordChangeBodySchema>;

/** The session that made the change continues with a new id and CSRF token; all others end. */
export const passwordChangeResponseSchema = z.object({
  ok: z.literal(true),
  csrfToken: z.string().nullable(),
  sessionsEnded: z.boolean(),
});
export type PasswordChangeResponse = z.infer<typeof passwordChangeResponseSchema>;

export const apiKeySchema = z.object({
  id: z.number(),
  name: z.string(),
  createdAt: z.string(),
  lastUsedAt: z.string().nullable(),
});
export type ApiKeyInfo = z.infer<typeof apiKeySchema>;
export const apiKeysResponseSchema = z.object({ keys: z.array(apiKeySchema) });
export type ApiKeysResponse = z.infer<typeof apiKeysResponseSchema>;
export const apiKeyCreatedSchema = apiKeySchema.partial().extend({ id: z.number(), key: z.string() });
export type ApiKeyCreated = z.infer<typeof apiKeyCreatedSchema>;

export const notificationTestResultSchema = z.object({
  agent: z.string(),
  ok: z.boolean(),
  status: z.number().optional(),
  detail: z.string().optional(),
  error: z.string().optional(),
  /** A failure the settings page translates, e.g. notify_redirect with { status, host }. */
  code: z.string().optional(),
  params: z.record(z.string(), z.string()).optional(),
});
export type NotificationTestResult = z.infer<typeof notificationTestResultSchema> & Record<string, unknown>;

// ---- statistics over time ----------------------------------------------------------------

export const STATS_PERIODS = [30, 90, 365] as const;
export type StatsPeriod = (typeof STATS_PERIODS)[number];

/** `GET /api/stats/history?days=30|90|365`: no other field is accepted. */
export const statsHistoryQuerySchema = z
  .object({
    days: z.coerce
      .number()
      .int()
      .refine((d) => (STATS_PERIODS as readonly number[]).includes(d), { message: "must be 30, 90 or 365" })
      .default(30),
  })
  .strict();
export type StatsHistoryQuery = z.input<typeof statsHistoryQuerySchema>;

export const statsScanPointSchema = z.object({
  id: z.number(),
  status: z.string(),
  startedAt: z.string(),
  finishedAt: z.string(),
  checked: z.number(),
  fixed: z.number(),
  failed: z.number(),
  wouldFix: z.number(),
  durationMs: z.number(),
});
export type StatsScanPoint = z.infer<typeof statsScanPointSchema>;

export const statsHistorySchema = z.object({
  days: z.number(),
  since: z.string(),
  totals: z.object({
    scans: z.number(),
    checked: z.number(),
    fixed: z.number(),
    failed: z.number(),
    wouldFix: z.number(),
  }),
  /** fixed ÷ (fixed + failed) over the period's scans; null when nothing was attempted. */
  successRate: z.number().nullable(),
  meanDurationMs: z.number().nullable(),
  meanChecked: z.number().nullable(),
  /** Oldest first. */
  scans: z.array(statsScanPointSchema),
  topProblems: z.array(
    z.object({
      library: z.string(),
      problems: z.array(z.object({ problem: z.string(), count: z.number() })),
    }),
  ),
});
export type StatsHistory = z.infer<typeof statsHistorySchema>;
