// Language and theme defaults (the Settings page's "Appearance" section): what a browser shows
// until its user picks a language or colour scheme in the header, which that browser remembers.
import { z } from "zod";

export const DEFAULT_LANGUAGES = ["browser", "en", "de"] as const;
export type DefaultLanguage = (typeof DEFAULT_LANGUAGES)[number];
export const DEFAULT_THEMES = ["auto", "light", "dark"] as const;
export type DefaultTheme = (typeof DEFAULT_THEMES)[number];

export const APPEARANCE_DEFAULTS = { language: "browser", theme: "auto" } as const;

export const appearanceSettingsSchema = z
  .object({
    /** "browser": the browser's own language (English when it is neither English nor German). */
    language: z
      .enum(DEFAULT_LANGUAGES, { message: "expected browser, en or de" })
      .default(APPEARANCE_DEFAULTS.language),
    /** "auto": follow the system's light or dark setting. */
    theme: z
      .enum(DEFAULT_THEMES, { message: "expected auto, light or dark" })
      .default(APPEARANCE_DEFAULTS.theme),
  })
  .strict();
export type AppearanceSettings = z.output<typeof appearanceSettingsSchema>;
