// The one map from a 400's validation issue ({field, code, params}) to the reader's language:
// `validation.<key>` with the params formatted. Our codes (src/contracts/validation.ts) have a key
// each; zod's codes pick a variant by their params (a string's length, a number's bound, a
// required text). Anything unknown gets a translated generic sentence, never the server's English.
import i18next, { type TFunction } from "i18next";
import type { InputIssue } from "../../../src/contracts/schemas";
import { isValidationCode } from "../../../src/contracts/validation";
import { formatNumber } from "../lib/format";

type Params = Record<string, unknown>;

/** The sites a pasted ID comes from, as they spell their names (never translated). */
const ID_SITES = { imdb: "IMDb", tmdb: "TMDB", tvdb: "TVDB" } as const;

const KNOWN_TYPES = new Set(["string", "number", "int", "boolean", "object", "array", "date", "null"]);

/** The catalogue key (under `validation.`) of an issue and the values for its placeholders. */
export function issueKey(issue: Pick<InputIssue, "code" | "params">): { key: string; values: Params } {
  const code = issue.code ?? "";
  const params: Params = issue.params ?? {};
  if (isValidationCode(code)) {
    if (code === "token_required")
      return { key: params.fromEnvironment ? "token_required_env" : code, values: {} };
    // A pasted ID of the wrong kind: one sentence per library type (words, not a parameter).
    if (code === "id_wrong_library_kind")
      return { key: `${code}_${params.libraryType === "show" ? "show" : "movie"}`, values: params };
    return { key: code, values: params };
  }
  switch (code) {
    case "too_small":
    case "too_big": {
      const bound = code === "too_small" ? params.minimum : params.maximum;
      if (typeof bound !== "number") return { key: "invalid", values: {} };
      const origin = params.origin === "string" || params.origin === "array" ? params.origin : "number";
      // A text of at least one character is simply required.
      if (code === "too_small" && origin === "string" && bound === 1) return { key: "required", values: {} };
      const exclusive = origin === "number" && params.inclusive === false ? "_exclusive" : "";
      return { key: `${code}_${origin}${exclusive}`, values: { count: bound, value: bound } };
    }
    case "invalid_type":
      return typeof params.expected === "string" && KNOWN_TYPES.has(params.expected)
        ? { key: `invalid_type_${params.expected}`, values: {} }
        : { key: "invalid", values: {} };
    case "invalid_value":
      return Array.isArray(params.values) && params.values.length > 0
        ? { key: "invalid_value", values: { values: params.values.join(", ") } }
        : { key: "invalid", values: {} };
    case "unrecognized_keys":
      return Array.isArray(params.keys)
        ? { key: "unrecognized_keys", values: { keys: params.keys.join(", "), count: params.keys.length } }
        : { key: "invalid", values: {} };
    case "not_multiple_of":
      return { key: "not_multiple_of", values: { divisor: params.divisor } };
    case "invalid_format":
      return { key: "invalid_format", values: {} };
    default:
      // invalid_union, invalid_key, invalid_element, custom, an issue without a code.
      return { key: "invalid", values: {} };
  }
}

/** One issue in the reader's language. */
export function issueText(t: TFunction, issue: Pick<InputIssue, "code" | "params">): string {
  const { key, values } = issueKey(issue);
  const shown: Params = {};
  for (const [name, value] of Object.entries(values)) {
    // `count` stays a number: i18next picks the plural form by it.
    if (name === "count" && typeof value === "number") shown.count = value;
    else if (typeof value === "number") shown[name] = formatNumber(value, i18next.language || "en");
    else if (name === "source" && typeof value === "string" && Object.hasOwn(ID_SITES, value))
      shown[name] = ID_SITES[value as keyof typeof ID_SITES];
    else if (name === "agent")
      shown[name] = t(`validation.agent.${String(value)}`, { defaultValue: String(value) });
    else shown[name] = value === undefined || value === null ? "" : String(value);
  }
  return t(`validation.${key}`, { ...shown, defaultValue: t("validation.invalid") });
}
