// HTTP errors as JSON: a status, a message meant for people (English), a stable `code` that the
// SPA translates, and the field at fault for 400s.
import type { z } from "zod";

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

/** Validates input with a schema; a failure is a 400 naming the first bad field. */
export function parseInput<S extends z.ZodType>(
  schema: S,
  value: unknown,
  where: "body" | "query" | "params",
): z.output<S> {
  const parsed = schema.safeParse(value ?? {});
  if (parsed.success) return parsed.data;
  const issues = parsed.error.issues.map((i) => ({
    field: i.path.length > 0 ? i.path.join(".") : where,
    message:
      i.code === "unrecognized_keys"
        ? `unknown field${i.keys.length > 1 ? "s" : ""}: ${i.keys.join(", ")}`
        : i.message,
  }));
  const first = issues[0]!;
  throw new HttpError(400, `Invalid ${where}: ${first.field}: ${first.message}`, {
    field: first.field,
    issues,
  });
}
