// HTTP errors as JSON: a status, a message meant for people (English), a stable `code` that the
// SPA translates, and for 400s the field at fault and its issues as codes (contracts/validation).
import type { z } from "zod";
import type { ValidationIssue } from "../contracts/validation.js";
import { issuesFromZod } from "../validation-issues.js";

/** The code an error carries when its thrower names none: one per status. */
export function defaultErrorCode(status: number): string {
  switch (status) {
    case 400:
      return "invalid_input";
    case 401:
      return "auth_required";
    case 403:
      return "forbidden";
    case 404:
      return "not_found";
    case 409:
      return "conflict";
    case 413:
      return "payload_too_large";
    case 415:
      return "unsupported_media_type";
    case 429:
      return "too_many_requests";
    case 502:
      return "plex_error";
    case 503:
      return "unavailable";
    default:
      return status >= 500 ? "internal" : "bad_request";
  }
}

export class HttpError extends Error {
  readonly code: string;
  readonly details: Record<string, unknown>;
  constructor(
    readonly statusCode: number,
    message: string,
    details: Record<string, unknown> & { code?: string } = {},
  ) {
    super(message);
    this.name = "HttpError";
    const { code, ...rest } = details;
    this.code = code ?? defaultErrorCode(statusCode);
    this.details = rest;
  }
}

/**
 * The 400 of invalid input: an English `error` naming the first issue (logs, API users), the
 * first issue's `field`, and every issue as a code with params, which the SPA translates.
 */
export function invalidInput(
  issues: readonly ValidationIssue[],
  where: "body" | "query" | "params" = "body",
  details: Record<string, unknown> & { code?: string } = {},
): HttpError {
  const first = issues[0] ?? { field: where, message: "invalid input" };
  return new HttpError(400, `Invalid ${where}: ${first.field}: ${first.message}`, {
    code: "invalid_input",
    field: first.field,
    ...details,
    issues,
  });
}

/** Validates input with a schema; a failure is a 400 naming the first bad field. */
export function parseInput<S extends z.ZodType>(
  schema: S,
  value: unknown,
  where: "body" | "query" | "params",
): z.output<S> {
  const parsed = schema.safeParse(value ?? {});
  if (parsed.success) return parsed.data;
  throw invalidInput(issuesFromZod(parsed.error, [], where), where);
}
