// The Plex connection set in the browser and the first-run setup: request and response schemas
// shared by the server (the authority) and the SPA.
import { z } from "zod";
import { PLEX_TIMEOUT_LIMITS, SCAN_LIMITS } from "./constants.js";
import { coded } from "./validation.js";

function isHttpUrl(value: string): boolean {
  try {
    const url = new URL(value);
    return (url.protocol === "http:" || url.protocol === "https:") && url.hostname !== "";
  } catch {
    return false;
  }
}

/**
 * Whether two URLs reach the same origin (scheme, host, port). A token is bound to the origin it
 * was set for: a user:password, a path or a default port written out do not change it.
 */
export function sameOrigin(a: string, b: string): boolean {
  try {
    return new URL(a).origin === new URL(b).origin;
  } catch {
    // Not a URL (a hand-made config, a half-typed address): only the same text is the same place.
    return a === b;
  }
}

export const plexUrlSchema = z
  .string()
  .trim()
  .min(1, { message: "required" })
  .max(500, { message: "must be at most 500 characters" })
  .refine(isHttpUrl, coded("http_url"))
  // A query string or fragment would be sent with every request; a trailing slash doubles up.
  .refine((v) => !/[?#]/.test(v), coded("url_query_or_fragment"))
  // One @ ends the user:password; a second one would leave part of the password unmasked.
  .refine((v) => (v.split("/")[2] ?? "").split("@").length <= 2, coded("url_one_at"))
  .transform((v) => v.replace(/\/+$/, ""));

export const plexTokenSchema = z
  .string()
  .trim()
  .min(1, { message: "required" })
  .max(200, { message: "must be at most 200 characters" })
  .refine((v) => /^[\x21-\x7e]+$/.test(v), coded("token_characters"));

export const plexTimeoutSchema = z
  .number({ message: "expected a number of seconds" })
  .int({ message: "expected a whole number of seconds" })
  .min(PLEX_TIMEOUT_LIMITS.min, { message: `must be at least ${PLEX_TIMEOUT_LIMITS.min} seconds` })
  .max(PLEX_TIMEOUT_LIMITS.max, { message: `must be at most ${PLEX_TIMEOUT_LIMITS.max} seconds` });

/**
 * `PUT /api/plex/connection`, and the optional body of `POST /api/plex/test` (a connection tried
 * before it is saved). A value left out keeps the stored one; a value the environment sets is
 * refused (the environment wins, so saving it would change nothing).
 */
export const plexConnectionBodySchema = z
  .object({
    url: plexUrlSchema.optional(),
    token: plexTokenSchema.optional(),
    timeoutSeconds: plexTimeoutSchema.optional(),
  })
  .strict();
export type PlexConnectionBody = z.input<typeof plexConnectionBodySchema>;

export const CONNECTION_FIELDS = ["url", "token", "timeout"] as const;

/** `GET /api/plex/connection`: the connection in effect; the token only ever masked. */
export const plexConnectionViewSchema = z.object({
  url: z.string(),
  /** Masked (`••••abcd`), or null when no token is set anywhere. */
  token: z.string().nullable(),
  timeoutSeconds: z.number(),
  fromEnvironment: z.object({ url: z.boolean(), token: z.boolean(), timeout: z.boolean() }),
});
export type PlexConnectionView = z.infer<typeof plexConnectionViewSchema>;

/** Why the setup opens: no token anywhere, or the connection failed when the server started. */
export const SETUP_REASONS = ["no_token", "connection_failed"] as const;

/** `GET /api/setup`. */
export const setupStatusSchema = z.object({
  needed: z.boolean(),
  reason: z.enum(SETUP_REASONS).nullable(),
  connection: plexConnectionViewSchema,
});
export type SetupStatus = z.infer<typeof setupStatusSchema>;

/** `POST /api/setup/libraries`: none chosen means every movie and show library. */
export const setupLibrariesBodySchema = z
  .object({
    libraries: z
      .array(z.string().trim().min(1).max(SCAN_LIMITS.libraries.maxLength))
      .max(SCAN_LIMITS.libraries.maxCount),
    includePersonal: z.boolean().optional(),
  })
  .strict();
export type SetupLibrariesBody = z.infer<typeof setupLibrariesBodySchema>;

const HHMM = /^([01]\d|2[0-3]):[0-5]\d$/;

/** `POST /api/setup/schedule`: off, daily at a time, or a cron expression (checked by the server). */
export const setupScheduleBodySchema = z
  .object({
    mode: z.enum(["off", "daily", "cron"]),
    time: z
      .string()
      .refine((v) => HHMM.test(v), coded("time_format"))
      .optional(),
    cron: z.string().trim().max(120, { message: "must be at most 120 characters" }).optional(),
  })
  .strict()
  .superRefine((body, ctx) => {
    if (body.mode === "daily" && body.time === undefined)
      ctx.addIssue({ code: "custom", path: ["time"], ...coded("time_required") });
    if (body.mode === "cron" && !body.cron)
      ctx.addIssue({ code: "custom", path: ["cron"], ...coded("cron_required") });
  });
export type SetupScheduleBody = z.infer<typeof setupScheduleBodySchema>;

/** Why a connection test failed, beyond the API's error codes: the address answers, but not as Plex. */
export const PLEX_TEST_FAILURES = [
  "plex_unreachable",
  "plex_auth",
  "plex_not_plex",
  "plex_not_configured",
  "plex_error",
  "internal",
] as const;
