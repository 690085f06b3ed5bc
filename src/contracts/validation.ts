// Validation problems as codes with parameters: a 400 `invalid_input` carries
// `issues: [{field, code, params, message}]`. The SPA words each issue in the reader's language
// through one map (web/src/api/validation.ts, `validation.<code>`); `message` is English for logs,
// the CLI and API users, and the SPA never shows it. Plain constants, no zod: the zod issue codes
// are repeated here as strings so the SPA can tell them apart without importing zod.

/** zod's own issue codes, passed through with their useful params (see ISSUE_PARAM_NAMES). */
export const ZOD_ISSUE_CODES = [
  "invalid_type",
  "too_small",
  "too_big",
  "invalid_format",
  "not_multiple_of",
  "unrecognized_keys",
  "invalid_union",
  "invalid_key",
  "invalid_element",
  "invalid_value",
  "custom",
] as const;
export type ZodIssueCode = (typeof ZOD_ISSUE_CODES)[number];

/** The zod issue fields worth passing on as params: what the SPA needs to word the issue. */
export const ISSUE_PARAM_NAMES = [
  "minimum",
  "maximum",
  "inclusive",
  "exact",
  "expected",
  "format",
  "keys",
  "origin",
  "values",
  "divisor",
] as const;

/**
 * Our own codes, each with its params (in the comment) and its English sentence. A schema raises
 * one through `coded(code, params)` (a zod custom issue with `params.code`), a route through
 * `codedIssue(field, code, params)`.
 */
export const VALIDATION_MESSAGES = {
  // Settings in general.
  unknown_setting: () => "unknown setting",
  control_characters: () => "may not contain NUL or bidirectional-override characters",
  // Schedules. cron_fields: {count}; cron_too_often: {minutes}.
  time_format: () => "expected a time as HH:MM (00:00-23:59)",
  time_required: () => "required for a daily schedule",
  timezone_unknown: () => "unknown time zone (use an IANA name such as Europe/Berlin)",
  cron_required: () => "required when mode is cron",
  cron_fields: (p) => `expected five fields (minute hour day month weekday), got ${p.count}`,
  cron_seconds_field: () =>
    "use five fields (minute hour day month weekday): a seconds field is not supported",
  cron_invalid: () => "not a valid cron expression",
  cron_too_often: (p) => `runs every ${p.minutes} minutes: schedules may run at most once an hour`,
  // Scan settings: a schedule of offsets (placeholder re-checks) must rise from one to the next.
  offsets_ascending: () => "each time must be later than the one before",
  // The match picker's search: a pasted ID or link. id_link_unreadable: {source};
  // id_wrong_library_kind: {source, libraryType} (source imdb/tmdb/tvdb, libraryType movie/show).
  id_link_unreadable: (p) => `this ${p.source} link names no ID to look up; paste the ID or the work's page`,
  id_wrong_library_kind: (p) =>
    `a ${p.source} ID of this kind cannot name a work in a ${p.libraryType} library`,
  // Addresses and secrets.
  http_url: () => "expected an http:// or https:// URL",
  url_query_or_fragment: () => "must not contain ? or #",
  url_one_at: () => "must contain at most one @ (write an @ in a password as %40)",
  token_characters: () => "must not contain spaces or special characters",
  telegram_bot_token: () =>
    "expected the bot token from @BotFather, like 123456789:AAHdqTcvCH1vGWJxfSeofSAs0K5PALDsaw",
  telegram_chat_id: () =>
    "expected a numeric chat id (e.g. -1001234567890) or a channel name like @mychannel",
  ntfy_topic: () => "use letters, digits, _ and - only (at most 64)",
  header_value: () => "header values may not contain line breaks or non-Latin-1 characters",
  // header_count: {maximum}; header_name: {name}.
  header_count: (p) => `at most ${p.maximum} headers`,
  header_name: (p) =>
    `expected a header name like X-Api-Key (letters, digits and -), got ${JSON.stringify(p.name)}`,
  // required_when_enabled: {agent} (telegram, discord, ntfy, webhook).
  required_when_enabled: (p) => `required when ${p.agent} notifications are enabled`,
  secret_required: () => "a saved secret is kept only while its destination stays the same; enter it again",
  // The Plex connection. set_by_environment: {variable}; token_required: {fromEnvironment}.
  set_by_environment: (p) => `set by the environment (${p.variable}); change it there`,
  token_required: (p) =>
    p.fromEnvironment
      ? "the token set by the environment (PLEX_TOKEN) is only sent to the address it is set for; type a token to test another address, and set PLEX_URL in the environment to change it"
      : "the saved token is only sent to the address it was saved for; enter it again for a new address",
} satisfies Record<string, (params: Readonly<Record<string, IssueParam>>) => string>;

export type ValidationCode = keyof typeof VALIDATION_MESSAGES;
export const VALIDATION_CODES = Object.keys(VALIDATION_MESSAGES) as ValidationCode[];

/** A parameter: a bound or count, a type or format name, a list of keys or allowed values. */
export type IssueParam = string | number | boolean | null | readonly (string | number | boolean | null)[];

export interface ValidationIssue {
  /** The field at fault, dotted (`schedule.cron`), or where the input came from (`body`). */
  field: string;
  code: ValidationCode | ZodIssueCode;
  params?: Record<string, IssueParam>;
  /** English, for logs and API users; the SPA words `code` and `params` instead. */
  message: string;
}

export function isValidationCode(code: unknown): code is ValidationCode {
  return typeof code === "string" && Object.hasOwn(VALIDATION_MESSAGES, code);
}

/** The English sentence of one of our codes. */
export function validationMessage(
  code: ValidationCode,
  params: Readonly<Record<string, IssueParam>> = {},
): string {
  return VALIDATION_MESSAGES[code](params);
}

/**
 * The options of a zod refinement or custom issue that raises one of our codes:
 * `.refine(ok, coded("time_format"))`, `ctx.addIssue({ code: "custom", path, ...coded(…) })`.
 */
export function coded(
  code: ValidationCode,
  params: Record<string, IssueParam> = {},
): { message: string; params: Record<string, IssueParam> } {
  return { message: validationMessage(code, params), params: { ...params, code } };
}

/** An issue a route raises by itself (not through a schema). */
export function codedIssue(
  field: string,
  code: ValidationCode,
  params: Record<string, IssueParam> = {},
): ValidationIssue {
  return {
    field,
    code,
    ...(Object.keys(params).length > 0 ? { params } : {}),
    message: validationMessage(code, params),
  };
}
