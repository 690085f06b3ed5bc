// Request and response shapes of the HTTP API: one zod schema per payload, used by the server
// to validate and (later) by the SPA to type its calls.
import { z } from "zod";
import { ITEM_STATES } from "../scan/policy.js";

export { scanOverridesSchema } from "../jobs/scan-service.js";

/** Epoch milliseconds as the API's ISO 8601 text (null stays null). */
export function isoTime(ms: number | null): string | null {
  return ms === null ? null : new Date(ms).toISOString();
}

/** Positive integer ids only: nothing else can reach a file path or a query. */
export const jobIdParams = z.object({
  id: z.coerce
    .number({ message: "expected a job id (a positive whole number)" })
    .int({ message: "expected a job id (a positive whole number)" })
    .positive({ message: "expected a job id (a positive whole number)" }),
});

export const ratingKeyParams = z.object({
  ratingKey: z.string().regex(/^\d{1,12}$/, { message: "expected a Plex ratingKey (digits)" }),
});

export const pageQuery = z.object({
  page: z.coerce.number().int().min(1).max(100_000).default(1),
  pageSize: z.coerce.number().int().min(1).max(500).default(50),
});

export const itemsQuery = pageQuery.extend({
  state: z.enum(ITEM_STATES).optional(),
  q: z.string().trim().max(200).optional(),
  library: z.string().trim().max(200).optional(),
});

export const logQuery = z.object({
  tail: z.coerce.number().int().min(1).max(10_000).optional(),
  download: z.enum(["0", "1", "true", "false"]).optional(),
});

export const matchBody = z
  .object({
    guid: z.string().trim().min(1).max(500),
    name: z.string().trim().min(1).max(500),
    year: z.number().int().min(1800).max(2200).optional(),
  })
  .strict();

export const scanStatsSchema = z.object({
  checked: z.number(),
  fixed: z.number(),
  wouldFix: z.number(),
  failed: z.number(),
  skipped: z.number(),
  errors: z.number(),
  matched: z.number(),
});

export const scanProgressSchema = z.object({
  phase: z.string(),
  done: z.number(),
  total: z.number().nullable(),
  current: z.string().nullable(),
});

export const scanResourceSchema = z.object({
  id: z.number(),
  status: z.enum(["queued", "running", "success", "failed", "cancelled", "interrupted"]),
  source: z.string(),
  startedAt: z.string().nullable(),
  finishedAt: z.string().nullable(),
  stats: scanStatsSchema.passthrough().nullable(),
  error: z.string().nullable(),
  progress: scanProgressSchema.nullable(),
  cancelRequested: z.boolean(),
  settings: z.record(z.string(), z.unknown()),
});
export type ScanResource = z.infer<typeof scanResourceSchema>;

export const itemResourceSchema = z.object({
  ratingKey: z.string(),
  library: z.string().nullable(),
  type: z.string(),
  title: z.string(),
  year: z.number().nullable(),
  state: z.enum(ITEM_STATES),
  problems: z.array(z.string()),
  note: z.string().nullable(),
  candidates: z.array(z.record(z.string(), z.unknown())).nullable(),
  attempts: z.number(),
  lastCheckedAt: z.string(),
  lastFailedAt: z.string().nullable(),
  fixedAt: z.string().nullable(),
});
export type ItemResource = z.infer<typeof itemResourceSchema>;
