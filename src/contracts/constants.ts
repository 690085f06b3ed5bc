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
  // Set aside by hand: no scan refreshes or matches it until it is unignored.
  "ignored",
  // A placeholder episode whose data is not upstream yet: re-checked on an air-date schedule,
  // never counted as failed (src/scan/placeholder.ts).
  "waiting",
] as const;
export type ItemState = (typeof ITEM_STATES)[number];

/**
 * The states that need the user: a review, a failed fix, locked fields, a check that erred.
 * The Items page opens on them ("needs attention") and the dashboard's to-do list counts them.
 */
export const ATTENTION_STATES = [
  "needs_review",
  "failed",
  "locked",
  "error",
] as const satisfies readonly ItemState[];

/** The Items list's state filter: one state, or the "attention" group of ATTENTION_STATES. */
export const ATTENTION_FILTER = "attention";
export const ITEM_STATE_FILTERS = [...ITEM_STATES, ATTENTION_FILTER] as const;
export type ItemStateFilter = (typeof ITEM_STATE_FILTERS)[number];

/** Metadata problems an item can have (src/scan/detect.ts uses this list). */
export const PROBLEM_CODES = [
  "unmatched",
  "no_poster",
  "no_ids",
  "no_summary",
  "season_no_poster",
  "episode_no_poster",
  "episode_no_summary",
  // Matched to the wrong work: the path's ID contradicts the item's Guid list (src/scan/wrong-match.ts).
  "wrong_match",
  // A new episode shown as "Episode 4" or "TBA" with no summary: its data is not upstream yet.
  "placeholder_episode",
] as const;
export type ProblemCode = (typeof PROBLEM_CODES)[number];

export const SCAN_STATUSES = ["queued", "running", "success", "failed", "cancelled", "interrupted"] as const;
export type ScanStatus = (typeof SCAN_STATUSES)[number];

/** Statuses of a job that still holds the one scan slot: queued to run, or running. */
export const ACTIVE_SCAN_STATUSES = ["queued", "running"] as const satisfies readonly ScanStatus[];

/** Whether a job with this status still holds the scan slot (server, CLI and SPA alike). */
export function isActiveStatus(status: string): boolean {
  return (ACTIVE_SCAN_STATUSES as readonly string[]).includes(status);
}

/** The phases a job's progress goes through (every kind of job: scan, bulk action). */
export const SCAN_PHASES = ["starting", "scanning", "done"] as const;

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
  // No Plex token in the environment nor set in the browser (the setup asks for one).
  "plex_not_configured",
  "payload_too_large",
  "internal",
  // Item actions: a refresh or match of the same item is already under way.
  "item_busy",
  // Undo match: the app never matched this item, so there is nothing to restore.
  "nothing_to_undo",
  // Settings page: a masked secret sent with a new destination, and the password change.
  "secret_required",
  // Plex connection: another address (origin) without the token typed again.
  "token_required",
  "wrong_password",
  "weak_password",
] as const;
export type ErrorCode = (typeof ERROR_CODES)[number];

/** Bounds of the scan overrides (src/config/settings.ts scanSettingsSchema). */
export const SCAN_LIMITS = {
  libraries: { maxCount: 100, maxLength: 200 },
  days: { min: 1, max: 3650 },
  maxItems: { min: 1, max: 100_000 },
} as const;

/** Bounds of the Plex time-out set in the browser, in seconds (PLEX_TIMEOUT's too). */
export const PLEX_TIMEOUT_LIMITS = { min: 1, max: 600 } as const;

/** The longest reason a person may give for ignoring an item (one item or in bulk). */
export const IGNORE_REASON_MAX = 500;

/** Paging bounds of list endpoints. */
export const PAGE_LIMITS = { maxPage: 100_000, maxPageSize: 500, defaultPageSize: 50 } as const;

/** The most lines `GET /api/scans/:id/log?tail=N` returns. */
export const LOG_TAIL_MAX = 10_000;

/** Rules of a new password, in the browser (POST /api/auth/password) and in `psr passwd`. */
export const PASSWORD_RULES = { minLength: 10, maxLength: 1000, minDistinct: 5 } as const;

/** Why a new password is refused; undefined when it is acceptable. Pure, used by server and SPA. */
export type PasswordProblem = "too_short" | "too_long" | "too_simple" | "same_as_username" | "unchanged";
export function passwordProblem(
  password: string,
  context: { username?: string; current?: string } = {},
): PasswordProblem | undefined {
  if (password.length < PASSWORD_RULES.minLength) return "too_short";
  if (password.length > PASSWORD_RULES.maxLength) return "too_long";
  // "aaaaaaaaaa" or "1212121212" meet the length but are guessed at once.
  if (new Set(password).size < PASSWORD_RULES.minDistinct) return "too_simple";
  if (context.username && password.toLowerCase().includes(context.username.toLowerCase()))
    return "same_as_username";
  if (context.current !== undefined && password === context.current) return "unchanged";
  return undefined;
}
