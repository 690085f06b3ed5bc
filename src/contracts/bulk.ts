// Bulk actions on items (POST /api/bulk): the request, its limits, and what a bulk job records
// in its settings and stats, so the SPA can name the job and sum it up when it ends.
import { z } from "zod";
import { BULK_ACTIONS, BULK_MAX_ITEMS } from "./bulk-constants.js";
import { IGNORE_REASON_MAX, ITEM_STATE_FILTERS, PROBLEM_CODES } from "./constants.js";
import { reasonSchema } from "./schemas.js";

export * from "./bulk-constants.js";

const ratingKeySchema = z.string().regex(/^\d{1,12}$/, { message: "expected a Plex ratingKey (digits)" });

/** The same filter as GET /api/items (without paging): the server resolves it. */
export const bulkFilterSchema = z
  .object({
    state: z.enum(ITEM_STATE_FILTERS).optional(),
    problem: z.enum(PROBLEM_CODES).optional(),
    q: z.string().trim().max(200).optional(),
    library: z.string().trim().max(200).optional(),
  })
  .strict();
export type BulkFilter = z.infer<typeof bulkFilterSchema>;

export const bulkBodySchema = z
  .object({
    action: z.enum(BULK_ACTIONS, { message: `expected one of: ${BULK_ACTIONS.join(", ")}` }),
    ratingKeys: z
      .array(ratingKeySchema)
      .min(1, { message: "select at least one item" })
      .max(BULK_MAX_ITEMS, { message: `at most ${BULK_MAX_ITEMS} items per request` })
      .optional(),
    filter: bulkFilterSchema.optional(),
    reason: z
      .string()
      .trim()
      .max(IGNORE_REASON_MAX, { message: `at most ${IGNORE_REASON_MAX} characters` })
      .optional(),
  })
  .strict()
  .superRefine((body, ctx) => {
    if ((body.ratingKeys === undefined) === (body.filter === undefined))
      ctx.addIssue({
        code: "custom",
        path: [body.ratingKeys === undefined ? "ratingKeys" : "filter"],
        message: "give either ratingKeys or filter, not both and not neither",
      });
    if (body.reason !== undefined && body.action !== "ignore")
      ctx.addIssue({ code: "custom", path: ["reason"], message: "a reason is only taken by ignore" });
  });
export type BulkBody = z.infer<typeof bulkBodySchema>;

export const bulkStartedSchema = z.object({
  id: z.number(),
  action: z.enum(BULK_ACTIONS),
  total: z.number(),
});
export type BulkStarted = z.infer<typeof bulkStartedSchema>;

/** `settings.bulk` of a bulk job (ScanResource.settings). */
export const bulkJobSettingsSchema = z.object({
  action: z.enum(BULK_ACTIONS),
  ratingKeys: z.array(z.string()),
  reason: z.string().nullable(),
});
export type BulkJobSettings = z.infer<typeof bulkJobSettingsSchema>;

/**
 * `stats.bulk` of a bulk job: per-item outcomes, and the failures by title with why, as a code
 * the SPA words (`reason`) and in English (`note`, for logs and jobs recorded before codes).
 */
export const bulkJobStatsSchema = z.object({
  action: z.enum(BULK_ACTIONS),
  total: z.number(),
  done: z.number(),
  succeeded: z.number(),
  failed: z.number(),
  skipped: z.number(),
  failures: z.array(
    z.object({ ratingKey: z.string(), title: z.string(), note: z.string(), reason: reasonSchema.optional() }),
  ),
});
export type BulkJobStats = z.infer<typeof bulkJobStatsSchema>;

/** `POST /api/scans/:id/apply`'s answer: the job that applies what dry run `fromJobId` proposed. */
export const applyStartedSchema = z.object({ id: z.number(), fromJobId: z.number(), total: z.number() });
export type ApplyStarted = z.infer<typeof applyStartedSchema>;

/**
 * `stats.apply` of an apply job: every proposed item is re-read and re-checked first, so some
 * are healthy by now (left alone) and some are gone from Plex.
 */
export const applyJobStatsSchema = z.object({
  fromJobId: z.number(),
  total: z.number(),
  done: z.number(),
  /** Fixed by this job (items healthy by now are counted apart). */
  fixed: z.number(),
  healthyNow: z.number(),
  gone: z.number(),
});
export type ApplyJobStats = z.infer<typeof applyJobStatsSchema>;

/**
 * `POST /api/bulk/preview` (the same body as POST /api/bulk): what each selected item will get,
 * before anything runs. `step` is what happens; `target` the candidate a match takes; `reason`
 * why an item is skipped.
 */
export const bulkPreviewSchema = z.object({
  action: z.enum(BULK_ACTIONS),
  total: z.number(),
  acting: z.number(),
  skipped: z.number(),
  items: z.array(
    z.object({
      ratingKey: z.string(),
      title: z.string(),
      step: z.enum(["refresh", "match", "ignore", "unignore", "skip"]),
      target: z.object({ guid: z.string(), name: z.string(), year: z.number().optional() }).nullable(),
      reason: reasonSchema.nullable(),
    }),
  ),
});
export type BulkPreview = z.infer<typeof bulkPreviewSchema>;
