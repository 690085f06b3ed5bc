// Appearance: the language and colour scheme a browser starts with until its user picks one in
// the header (that choice is remembered by the browser and wins).
import { SegmentedControl, SimpleGrid, Stack, Text } from "@mantine/core";
import { useMediaQuery } from "@mantine/hooks";
import { useTranslation } from "react-i18next";
import {
  type AppearanceSettings,
  DEFAULT_LANGUAGES,
  DEFAULT_THEMES,
} from "../../../../src/contracts/appearance";
import { useSaveSettings } from "./api";
import { fieldError, SettingsSection, sectionSave, useDraft } from "./shared";

export function AppearanceSection({ settings }: { settings: AppearanceSettings }) {
  const { t } = useTranslation();
  const save = useSaveSettings();
  const form = useDraft<AppearanceSettings>(settings);
  const narrow = useMediaQuery("(max-width: 30em)");
  const error = (key: keyof AppearanceSettings) => fieldError(t, save.error, `appearance.${key}`);
  return (
    <SettingsSection
      id="appearance"
      title={t("settings.appearance.title")}
      description={t("settings.appearance.description")}
      save={sectionSave(
        form,
        save,
        () => ({ appearance: { ...form.draft } }),
        (s) => s.appearance as AppearanceSettings,
      )}
    >
      <SimpleGrid cols={{ base: 1, sm: 2 }}>
        <Stack gap={4}>
          <Text size="sm" fw={500} id="appearance-language-label">
            {t("settings.appearance.language")}
          </Text>
          <SegmentedControl
            aria-labelledby="appearance-language-label"
            value={form.draft.language}
            onChange={(v) => form.update({ language: v as AppearanceSettings["language"] })}
            data={DEFAULT_LANGUAGES.map((value) => ({
              value,
              label: value === "browser" ? t("settings.appearance.browser") : t(`language.names.${value}`),
            }))}
            fullWidth
            orientation={narrow ? "vertical" : "horizontal"}
          />
          {error("language") && (
            <Text size="xs" c="red">
              {error("language")}
            </Text>
          )}
        </Stack>
        <Stack gap={4}>
          <Text size="sm" fw={500} id="appearance-theme-label">
            {t("settings.appearance.theme")}
          </Text>
          <SegmentedControl
            aria-labelledby="appearance-theme-label"
            value={form.draft.theme}
            onChange={(v) => form.update({ theme: v as AppearanceSettings["theme"] })}
            data={DEFAULT_THEMES.map((value) => ({ value, label: t(`theme.${value}`) }))}
            fullWidth
            orientation={narrow ? "vertical" : "horizontal"}
          />
          {error("theme") && (
            <Text size="xs" c="red">
              {error("theme")}
            </Text>
          )}
        </Stack>
      </SimpleGrid>
      <Text size="sm" c="dimmed">
        {t("settings.appearance.hint")}
      </Text>
    </SettingsSection>
  );
}
