// Import from the Python version in the browser: upload settings.json and refresh_state.db to a
// staging area on the server, preview (the same dry run as `psr import --dry-run`), import.
import { z } from "zod";

/** The two files of the original's data folder, by the name the upload route uses. */
export const IMPORT_FILES = ["settings", "database"] as const;
export type ImportFile = (typeof IMPORT_FILES)[number];

/** The original's file names, shown in the page and in summaries instead of server paths. */
export const IMPORT_FILE_NAMES: Record<ImportFile, string> = {
  settings: "settings.json",
  database: "refresh_state.db",
};

/** Upload caps in bytes: a settings file is tiny; a state database holds one row per item. */
export const IMPORT_LIMITS: Record<ImportFile, number> = {
  settings: 1024 * 1024,
  database: 64 * 1024 * 1024,
};

/** An upload is kept this long without an import, then deleted. */
export const IMPORT_UPLOAD_TTL_MS = 60 * 60_000;

/**
 * Why a file was refused (`reason` of the 400 or 413), for a translated message; `error` and
 * `issues` carry the importer's English details (the key, table or column at fault).
 */
export const IMPORT_REFUSALS = [
  "not_json",
  "not_object",
  "not_sqlite",
  "damaged",
  "unsupported_schema",
  "too_much_data",
  "wrong_tables",
  "invalid_settings",
  "too_large",
  "empty",
  "no_files",
] as const;
export type ImportRefusal = (typeof IMPORT_REFUSALS)[number];

export const importUploadIdSchema = z.object({
  id: z.string().regex(/^[0-9a-f]{32}$/, { message: "expected an upload id" }),
});
export const importFileParamsSchema = importUploadIdSchema.extend({
  file: z.enum(IMPORT_FILES, { message: "expected settings or database" }),
});

const fileInfo = z.object({ name: z.string(), size: z.number() }).nullable();

/** `POST /api/import/uploads` and every upload step: what the staging area holds. */
export const importUploadSchema = z.object({
  id: z.string(),
  expiresAt: z.string(),
  files: z.object({ settings: fileInfo, database: fileInfo }),
});
export type ImportUpload = z.infer<typeof importUploadSchema>;

const skippedItem = z.object({ ratingKey: z.string().nullable(), reason: z.string() });
const skippedRun = z.object({ jobId: z.string().nullable(), reason: z.string() });

/** The importer's summary (`psr import --json`), with file names instead of server paths. */
export const importSummarySchema = z.object({
  dir: z.string(),
  dryRun: z.boolean(),
  database: z.string().nullable(),
  settings: z
    .object({
      file: z.string(),
      values: z.record(z.string(), z.unknown()),
      notes: z.array(z.string()),
      ignored: z.array(z.string()),
    })
    .nullable(),
  items: z
    .object({
      file: z.string(),
      rows: z.number(),
      imported: z.number(),
      byState: z.record(z.string(), z.number()),
      keptNewer: z.number(),
      skipped: z.array(skippedItem),
    })
    .nullable(),
  runs: z
    .object({
      file: z.string(),
      rows: z.number(),
      imported: z.number(),
      alreadyImported: z.number(),
      byStatus: z.record(z.string(), z.number()),
      skipped: z.array(skippedRun),
    })
    .nullable(),
  notes: z.array(z.string()),
});
export type ImportSummaryView = z.infer<typeof importSummarySchema>;

/** `GET /api/import/uploads/:id/preview` and `POST /api/import/uploads/:id/import`. */
export const importResultSchema = z.object({ summary: importSummarySchema });
export type ImportResult = z.infer<typeof importResultSchema>;
