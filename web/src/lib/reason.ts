// Words a server reason ({code, params}) in the reader's language: nested reasons first, problem
// codes one by one, times and numbers with Intl. The server's English note is only the fallback
// for rows stored before reasons had codes.
import type { TFunction } from "i18next";
import { PROBLEM_LIST_PARAMS, type Reason, type ReasonParam } from "../../../src/contracts/reasons";
import { formatDateTime, formatNumber } from "./format";

/** Params whose null means "not matched" (an undo's before and after). */
const MATCH_PARAMS = new Set(["to", "was", "still"]);

export function reasonText(t: TFunction, lang: string, reason: Reason): string {
  const values: Record<string, string | number> = {};
  for (const [name, value] of Object.entries(reason.params ?? {})) {
    // `count` stays a number: i18next picks the plural form by it.
    values[name] = name === "count" && typeof value === "number" ? value : paramText(t, lang, name, value);
  }
  const late = reason.params?.late === true ? t("reason.late") : "";
  return t(`reason.${catalogueKey(reason)}`, { ...values, late, defaultValue: reason.code });
}

/** A code's sentence, or its variant when an optional part is absent or present. */
function catalogueKey({ code, params = {} }: Reason): string {
  const absent = (name: string) => {
    const v = params[name];
    return v === undefined || v === null || (Array.isArray(v) && v.length === 0);
  };
  switch (code) {
    case "fixed":
      return absent("cleared") ? "fixed_nothing_left" : code;
    case "fixed_locked":
    case "still_broken":
      return absent("cleared") ? `${code}_plain` : code;
    case "score_clear":
    case "score_inconclusive":
      return absent("runnerUp") ? `${code}_alone` : code;
    case "backoff":
      return absent("until") ? "backoff_plain" : code;
    case "year_conflict":
      return absent("offer") ? code : "year_conflict_offer";
    case "undo_done":
      return !absent("evidence") ? "undo_done_evidence" : !absent("problems") ? "undo_done_problems" : code;
    case "person_decides_matching_off":
      return absent("why") ? code : "person_decides_matching_off_why";
    default:
      return code;
  }
}

/** The reason when the row has one, else the stored note (older rows), else nothing. */
export function reasonOrNote(
  t: TFunction,
  lang: string,
  row: { reason?: Reason | null; note?: string | null },
): string {
  if (row.reason) return reasonText(t, lang, row.reason);
  return row.note ?? "";
}

/**
 * Why a job failed or was interrupted: its code when it has one; otherwise (jobs recorded before
 * codes, a crash around the job) a general sentence, never the server's English `error`.
 */
export function jobErrorText(
  t: TFunction,
  lang: string,
  job: { error?: string | null; errorReason?: Reason | null },
): string {
  if (job.errorReason) return reasonText(t, lang, job.errorReason);
  return job.error ? t("reason.jobErrorUnknown") : "";
}

function paramText(t: TFunction, lang: string, name: string, value: ReasonParam | undefined): string {
  if (value === undefined || value === null) return MATCH_PARAMS.has(name) ? t("reason.unmatchedLabel") : "";
  if (Array.isArray(value)) {
    if (!(PROBLEM_LIST_PARAMS as readonly string[]).includes(name)) return value.join(", ");
    return value.map((p) => t(`problem.${p}`, { defaultValue: p })).join(", ");
  }
  if (typeof value === "object") return reasonText(t, lang, value as Reason);
  if (typeof value === "number") return name.endsWith("Year") ? String(value) : formatNumber(value, lang);
  if (typeof value === "boolean") return value ? "1" : "";
  if (name === "until") return formatDateTime(value, lang);
  if (name === "kind")
    return t(`reason.plexErrorKind.${value}`, { defaultValue: t("reason.plexErrorKind.other") });
  return value;
}
