// Plain constants of the bulk action contract (no zod), so the SPA's first bundle can use them
// without the schema library; ./bulk.ts builds the schemas from them.

/** What a bulk job can do to each selected item. */
export const BULK_ACTIONS = ["refresh", "ignore", "unignore", "accept_top"] as const;
export type BulkAction = (typeof BULK_ACTIONS)[number];

/** At most this many items per request, whether named one by one or selected by a filter. */
export const BULK_MAX_ITEMS = 1000;

/** The job source a bulk job is recorded with in scan_runs. */
export const BULK_SOURCE = "bulk";

/** Failures listed by title in a finished job's stats; the rest are counted. */
export const BULK_MAX_LISTED_FAILURES = 50;

/** The job source of "Apply these N fixes": a dry run's proposals run as real fixes. */
export const APPLY_SOURCE = "apply";
