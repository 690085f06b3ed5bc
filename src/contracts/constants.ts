// Plain constants of the API contract (no zod), so the SPA can import them without bundling
// the schema library. The schemas in ./schemas.ts are built from these lists.

/** What a scan decided about an item (src/scan/policy.ts uses this list). */
export const ITEM_STATES = [
  "fixed",
  "failed",
  "would_fix",
  "needs_review",
  "locked",
  "skipped",
  "error",
] as const;
export type ItemState = (typeof ITEM_STATES)[number];

/** Metadata problems an item can have (src/scan/detect.ts uses this list). */
export const PROBLEM_CODES = [
  "unmatched",
  "no_poster",
  "no_ids",
  "no_summary",
  "season_no_poster",
  "episode_no_poster",
  "episode_no_summary",
] as const;
export type ProblemCode = (typeof PROBLEM_CODES)[number];

export const SCAN_STATUSES = ["queued", "running", "success", "failed", "cancelled", "interrupted"] as const;
export type ScanStatus = (typeof SCAN_STATUSES)[number];

/** Where a scan was started from; the server records it as free text, these are the known ones. */
export const SCAN_SOURCES = ["manual", "scheduler", "api", "cli"] as const;

export const SCAN_PHASES = ["starting", "scanning", "finishing", "done"] as const;

/** Stable error codes of the API's error body `{ error, code, ...details }`. */
export const ERROR_CODES = [
  "auth_required",
  "session_expired",
  "invalid_credentials",
  "login_locked",
  "csrf_failed",
  "invalid_input",
  "not_found",
  "scan_running",
  "scan_not_running",
  "unknown_library",
  "plex_unreachable",
  "plex_auth",
  "plex_error",
  "payload_too_large",
  "internal",
] as const;
export type ErrorCode = (typeof ERROR_CODES)[number];

/** Bounds of the scan overrides (src/config/settings.ts scanSettingsSchema). */
export const SCAN_LIMITS = {
  libraries: { maxCount: 100, maxLength: 200 },
  days: { min: 1, max: 3650 },
  maxItems: { min: 1, max: 100_000 },
} as const;

/** Paging bounds of list endpoints. */
export const PAGE_LIMITS = { maxPage: 100_000, maxPageSize: 500, defaultPageSize: 50 } as const;

/** The most lines `GET /api/scans/:id/log?tail=N` returns. */
export const LOG_TAIL_MAX = 10_000;
