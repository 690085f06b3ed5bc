import i18next from "i18next";
import { beforeAll, describe, expect, it } from "vitest";
import de from "../i18n/de.json";
import en from "../i18n/en.json";
import { ApiError, errorMessage } from "./errors";

beforeAll(async () => {
  await i18next.init({ lng: "en", resources: { en: { translation: en }, de: { translation: de } } });
});

describe("error messages", () => {
  it("translates a known code in both languages", async () => {
    const error = new ApiError(409, {
      error: "A scan is already running",
      code: "scan_running",
      runningJobId: 7,
    });
    expect(errorMessage(i18next.t, error)).toBe("A scan is already running (job 7).");
    await i18next.changeLanguage("de");
    expect(errorMessage(i18next.t, error)).toBe("Es läuft bereits ein Scan (Auftrag 7).");
    await i18next.changeLanguage("en");
  });

  it("falls back to the server's English text for an unknown code, but never for refused input", async () => {
    const error = new ApiError(409, { error: "Something new went wrong", code: "brand_new_code" });
    expect(errorMessage(i18next.t, error)).toBe("Something new went wrong");
    // A 400 is worded from its issues' codes (api/validation.ts), so its own line is translated.
    const refused = new ApiError(400, { error: "Invalid body: x: something new", code: "brand_new_code" });
    await i18next.changeLanguage("de");
    expect(errorMessage(i18next.t, refused)).toBe(de.errors.invalid_input);
    await i18next.changeLanguage("en");
    expect(errorMessage(i18next.t, refused)).toBe(en.errors.invalid_input);
  });

  it("uses the status when the body has no code, and the lockout time", () => {
    const error = new ApiError(429, { error: "Too many failed logins" }, 90);
    expect(errorMessage(i18next.t, error)).toBe("Too many failed logins. Try again in 90 seconds.");
  });

  it("names a network failure", () => {
    expect(errorMessage(i18next.t, new TypeError("Failed to fetch"))).toMatch(/cannot be reached/);
  });
});
