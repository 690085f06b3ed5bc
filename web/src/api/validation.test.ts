import i18next from "i18next";
import { beforeAll, describe, expect, it } from "vitest";
import { VALIDATION_CODES, validationMessage } from "../../../src/contracts/validation";
import de from "../i18n/de.json";
import en from "../i18n/en.json";
import { issueKey, issueText } from "./validation";

beforeAll(async () => {
  await i18next.init({ lng: "en", resources: { en: { translation: en }, de: { translation: de } } });
});

const inBoth = async (issue: Parameters<typeof issueText>[1]) => {
  await i18next.changeLanguage("en");
  const english = issueText(i18next.t, issue);
  await i18next.changeLanguage("de");
  const german = issueText(i18next.t, issue);
  await i18next.changeLanguage("en");
  return { english, german };
};

describe("validation issues in the reader's language", () => {
  it("has a sentence in both catalogues for each of our codes, never the generic one", async () => {
    const catalogue = (lang: typeof en, key: string) =>
      (lang.validation as Record<string, unknown>)[key] ??
      (lang.validation as Record<string, unknown>)[`${key}_other`];
    for (const code of VALIDATION_CODES) {
      const { key } = issueKey({ code, params: {} });
      expect(catalogue(en, key), code).toBeTypeOf("string");
      expect(catalogue(de, key), code).toBeTypeOf("string");
      const { german } = await inBoth({ code, params: { minutes: 5, count: 4, maximum: 20, name: "X Y" } });
      expect(german, code).not.toBe(de.validation.invalid);
      // The German sentence is not the server's English one.
      expect(german, code).not.toBe(
        validationMessage(code, { minutes: 5, count: 4, maximum: 20, name: "X Y" }),
      );
    }
  });

  it.each<[string, { code?: string; params?: Record<string, unknown> }, string, string]>([
    [
      "cron_too_often",
      { code: "cron_too_often", params: { minutes: 5 } },
      "Runs every 5 minutes: a schedule may run at most once an hour.",
      "Läuft alle 5 Minuten: Ein Zeitplan darf höchstens einmal pro Stunde laufen.",
    ],
    [
      "set_by_environment",
      { code: "set_by_environment", params: { variable: "PLEX_URL" } },
      "Set by the environment (PLEX_URL): change it there.",
      "Von der Umgebung gesetzt (PLEX_URL): Ändere es dort.",
    ],
    [
      "required_when_enabled (agent translated)",
      { code: "required_when_enabled", params: { agent: "webhook" } },
      "Required while webhook notifications are on.",
      "Pflichtfeld, solange Benachrichtigungen über Webhook eingeschaltet sind.",
    ],
    [
      "too_small of a number (bound formatted)",
      { code: "too_small", params: { minimum: 10000, inclusive: true, origin: "number" } },
      "Must be at least 10,000.",
      "Muss mindestens 10.000 sein.",
    ],
    [
      "too_big of a string (plural)",
      { code: "too_big", params: { maximum: 200, origin: "string" } },
      "Must be at most 200 characters long.",
      "Darf höchstens 200 Zeichen lang sein.",
    ],
    [
      "too_small of a string of 1: required",
      { code: "too_small", params: { minimum: 1, origin: "string" } },
      "Required.",
      "Pflichtfeld.",
    ],
    [
      "invalid_type int",
      { code: "invalid_type", params: { expected: "int" } },
      "Expected a whole number.",
      "Erwartet wird eine ganze Zahl.",
    ],
    [
      "invalid_value",
      { code: "invalid_value", params: { values: ["daily", "cron"] } },
      "Expected one of: daily, cron.",
      "Erlaubt ist einer dieser Werte: daily, cron.",
    ],
    [
      "unrecognized_keys (one)",
      { code: "unrecognized_keys", params: { keys: ["colour"] } },
      "Unknown field: colour.",
      "Unbekanntes Feld: colour.",
    ],
    [
      "the fixed-token variant",
      { code: "token_required", params: { fromEnvironment: true } },
      en.validation.token_required_env,
      de.validation.token_required_env,
    ],
    ["a custom issue", { code: "custom" }, en.validation.invalid, de.validation.invalid],
    ["an unknown code", { code: "brand_new" }, en.validation.invalid, de.validation.invalid],
    ["an issue without a code", {}, en.validation.invalid, de.validation.invalid],
    [
      "a bound that is not a number",
      { code: "too_big", params: { maximum: "x" } },
      en.validation.invalid,
      de.validation.invalid,
    ],
    [
      "id_wrong_library_kind (site named as it spells itself, a sentence per library type)",
      { code: "id_wrong_library_kind", params: { source: "tvdb", libraryType: "movie" } },
      "This TVDB ID names no movie, and this is a movie library: paste an IMDb or TMDB movie ID or link.",
      "Diese TVDB-ID nennt keinen Film, und das ist eine Film-Mediathek: Füge eine IMDb- oder TMDB-Film-ID oder einen Link dazu ein.",
    ],
    [
      "id_wrong_library_kind in a show library",
      { code: "id_wrong_library_kind", params: { source: "tmdb", libraryType: "show" } },
      "This TMDB ID names no show, and this is a show library: paste a TVDB, IMDb or TMDB TV ID or link.",
      "Diese TMDB-ID nennt keine Serie, und das ist eine Serien-Mediathek: Füge eine TVDB-, IMDb- oder TMDB-Serien-ID oder einen Link dazu ein.",
    ],
    [
      "id_link_unreadable",
      { code: "id_link_unreadable", params: { source: "imdb" } },
      "This IMDb link names no ID. Paste the address of the movie's or show's page, or the ID itself (like imdb-tt0133093).",
      "Dieser IMDb-Link nennt keine ID. Füge die Adresse der Film- oder Serienseite ein oder die ID selbst (etwa imdb-tt0133093).",
    ],
  ])("%s", async (_, issue, english, german) => {
    expect(await inBoth(issue)).toEqual({ english, german });
  });
});
