// Scan settings: one zod schema with defaults and bounds, shared by the CLI, the API, the
// scheduler and (later) the SPA. Field names are the API's camelCase; the original's
// snake_case names are mapped by the importer.
import { z } from "zod";

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
  })
  .strict();

export type ScanSettings = z.output<typeof scanSettingsSchema>;
export type ScanSettingsInput = z.input<typeof scanSettingsSchema>;

export const DEFAULT_SCAN_SETTINGS: ScanSettings = scanSettingsSchema.parse({});
