// English and German catalogues; the language comes from localStorage, else the browser.
// English is bundled (it is also the fallback); German loads on demand, so a browser downloads
// one catalogue, not both.
import i18next, { type BackendModule } from "i18next";
import { initReactI18next } from "react-i18next";
import en from "./en.json";

export const LANGUAGES = ["en", "de"] as const;
export type Language = (typeof LANGUAGES)[number];
export const LANGUAGE_KEY = "psr-language";

export function detectLanguage(stored: string | null, browser: readonly string[]): Language {
  if (stored && (LANGUAGES as readonly string[]).includes(stored)) return stored as Language;
  for (const tag of browser) {
    const base = tag.toLowerCase().split("-")[0];
    if ((LANGUAGES as readonly string[]).includes(base ?? "")) return base as Language;
  }
  return "en";
}

function storedLanguage(): string | null {
  try {
    return localStorage.getItem(LANGUAGE_KEY);
  } catch {
    return null;
  }
}

export function setLanguage(lang: Language): void {
  try {
    localStorage.setItem(LANGUAGE_KEY, lang);
  } catch {
    // private mode: the choice lasts for this page only
  }
  void i18next.changeLanguage(lang);
}

/** Reads a catalogue that is not bundled (i18next waits for it before switching language). */
const catalogues: BackendModule = {
  type: "backend",
  init: () => undefined,
  read(language, _namespace, done) {
    if (language !== "de") return done(null, en);
    import("./de.json").then(
      (m) => done(null, m.default),
      (error: unknown) => done(error instanceof Error ? error : new Error(String(error)), false),
    );
  },
};

let ready: Promise<unknown> = Promise.resolve();

/** Resolves once the first language's catalogue is there (render after it, or German flashes English). */
export function i18nReady(): Promise<unknown> {
  return ready;
}

export function initI18n(lang?: Language): typeof i18next {
  const language =
    lang ?? detectLanguage(storedLanguage(), typeof navigator === "undefined" ? [] : navigator.languages);
  ready = i18next
    .use(catalogues)
    .use(initReactI18next)
    .init({
      resources: { en: { translation: en } },
      partialBundledLanguages: true,
      lng: language,
      fallbackLng: "en",
      interpolation: { escapeValue: false },
      returnNull: false,
    });
  const apply = (lng: string) => {
    if (typeof document !== "undefined") document.documentElement.lang = lng;
  };
  apply(language);
  i18next.on("languageChanged", apply);
  return i18next;
}
