// HTTP errors as JSON: a status, a message meant for people, and the field at fault for 400s.
import type { z } from "zod";

export class HttpError extends Error {
  constructor(
    readonly statusCode: number,
    message: string,
    readonly details: Record<string, unknown> = {},
  ) {
    super(message);
    this.name = "HttpError";
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
