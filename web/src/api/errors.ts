// API errors: every error body is `{ error, code, ...details }`. The UI shows the translation of
// a known code; a 400's field issues go through ./validation.ts. Only an unknown code of another
// status falls back to the server's English message.
import type { TFunction } from "i18next";
import { ERROR_CODES } from "../../../src/contracts/constants";
import type { ErrorBody, InputIssue } from "../../../src/contracts/schemas";

export class ApiError extends Error {
  constructor(
    readonly status: number,
    readonly body: ErrorBody,
    readonly retryAfterSeconds: number | null = null,
  ) {
    super(body.error);
    this.name = "ApiError";
  }

  get code(): string | undefined {
    return this.body.code;
  }
}

/** A network failure (server down, offline) gets its own code so it can be translated too. */
export const NETWORK_ERROR_CODE = "network";

function isKnownCode(code: string | undefined): boolean {
  return (
    code !== undefined && (code === NETWORK_ERROR_CODE || (ERROR_CODES as readonly string[]).includes(code))
  );
}

/** The code the UI should translate for an error: the body's code, or one implied by the status. */
export function errorCode(error: unknown): string | undefined {
  if (error instanceof ApiError) {
    if (isKnownCode(error.code)) return error.code;
    if (error.code) return undefined;
    if (error.status === 401) return "auth_required";
    if (error.status === 429) return "login_locked";
    return undefined;
  }
  if (error instanceof TypeError) return NETWORK_ERROR_CODE;
  return undefined;
}

/** The message to show: the translated code, or the English text the server sent. */
export function errorMessage(t: TFunction, error: unknown): string {
  const code = errorCode(error);
  const details: Record<string, unknown> = error instanceof ApiError ? { ...error.body } : {};
  if (error instanceof ApiError) {
    details.runningJobId = error.body.runningJobId ?? "";
    details.libraries = (error.body.libraries ?? []).join(", ");
    details.seconds = error.retryAfterSeconds ?? error.body.retryAfterSeconds ?? "";
  }
  if (code) return t(`errors.${code}`, details);
  // A refused input is worded from its issues' codes, never from the server's English.
  if (error instanceof ApiError && error.status === 400) return t("errors.invalid_input");
  if (error instanceof Error && error.message) return error.message;
  return t("errors.internal");
}

/** Field-level problems of an `invalid_input` error, for listing under the message. */
export function errorIssues(error: unknown): InputIssue[] {
  return error instanceof ApiError ? (error.body.issues ?? []) : [];
}
