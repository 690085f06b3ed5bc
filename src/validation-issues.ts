// The one place zod issues become the API's validation issues ({field, code, params, message}):
// our own codes come from a custom issue's `params.code` (raised through contracts' `coded`),
// zod's own codes pass through with the params the SPA needs to word them.
import type { z } from "zod";
import {
  ISSUE_PARAM_NAMES,
  type IssueParam,
  isValidationCode,
  type ValidationIssue,
  ZOD_ISSUE_CODES,
  type ZodIssueCode,
} from "./contracts/validation.js";

function isParam(value: unknown): value is IssueParam {
  if (value === null || ["string", "number", "boolean"].includes(typeof value)) return true;
  return (
    Array.isArray(value) &&
    value.every((v) => v === null || ["string", "number", "boolean"].includes(typeof v))
  );
}

/** Only plain values travel: a bigint bound becomes a number, anything else is left out. */
function paramsOf(source: Record<string, unknown>, names: readonly string[]): Record<string, IssueParam> {
  const params: Record<string, IssueParam> = {};
  for (const name of names) {
    const value = typeof source[name] === "bigint" ? Number(source[name]) : source[name];
    if (value !== undefined && isParam(value)) params[name] = value;
  }
  return params;
}

/** One zod issue; `prefix` is prepended to its path, `fallback` names a pathless issue. */
export function issueFromZod(
  issue: z.core.$ZodIssue,
  prefix: readonly PropertyKey[],
  fallback: string,
): ValidationIssue {
  const path = [...prefix, ...issue.path].map(String);
  const field = path.length > 0 ? path.join(".") : fallback;
  const raw = issue as unknown as Record<string, unknown>;
  let code: ValidationIssue["code"];
  let params: Record<string, IssueParam>;
  let message = issue.message;
  if (issue.code === "custom" && isValidationCode(issue.params?.code)) {
    const { code: ours, ...rest } = issue.params as Record<string, unknown>;
    code = ours as ValidationIssue["code"];
    params = paramsOf(rest, Object.keys(rest));
  } else {
    code = (ZOD_ISSUE_CODES as readonly string[]).includes(issue.code ?? "")
      ? (issue.code as ZodIssueCode)
      : "custom";
    params = code === "custom" ? {} : paramsOf(raw, ISSUE_PARAM_NAMES);
    if (issue.code === "unrecognized_keys") {
      message = `unknown field${issue.keys.length > 1 ? "s" : ""}: ${issue.keys.join(", ")}`;
    }
  }
  return { field, code, ...(Object.keys(params).length > 0 ? { params } : {}), message };
}

/** Every issue of a failed parse. */
export function issuesFromZod(
  error: z.ZodError,
  prefix: readonly PropertyKey[] = [],
  fallback = "body",
): ValidationIssue[] {
  return error.issues.map((i) => issueFromZod(i, prefix, fallback));
}
