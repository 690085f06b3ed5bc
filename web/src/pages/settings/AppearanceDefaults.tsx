// Applies the server's language and colour-scheme defaults (Settings → Appearance) in a browser
// whose user has not chosen either in the header. Nothing is remembered: the header's switches
// store a choice, and a stored choice always wins over the default.
import { useMantineColorScheme } from "@mantine/core";
import { useEffect } from "react";
import { useTranslation } from "react-i18next";
import type { AppearanceSettings } from "../../../../src/contracts/appearance";
import { useSettings } from "../../api/queries";
import { detectLanguage, LANGUAGE_KEY } from "../../i18n";

function stored(key: string): string | null {
  try {
    return localStorage.getItem(key);
  } catch {
    return null;
  }
}

export function AppearanceDefaults({ colorSchemeKey }: { colorSchemeKey: string }) {
  const settings = useSettings();
  const { i18n } = useTranslation();
  const { setColorScheme } = useMantineColorScheme();
  const appearance = (settings.data?.settings as { appearance?: AppearanceSettings } | undefined)?.appearance;
  const language = appearance?.language;
  const theme = appearance?.theme;

  useEffect(() => {
    if (!language || stored(LANGUAGE_KEY) !== null) return;
    const next = language === "browser" ? detectLanguage(null, navigator.languages) : language;
    if (i18n.language !== next) void i18n.changeLanguage(next);
  }, [language, i18n]);

  useEffect(() => {
    if (!theme || stored(colorSchemeKey) !== null) return;
    setColorScheme(theme);
    // Mantine remembers what it is given; a default is not the user's choice.
    try {
      localStorage.removeItem(colorSchemeKey);
    } catch {
      // private mode: nothing was stored
    }
  }, [theme, colorSchemeKey, setColorScheme]);

  return null;
}
