// Watch mode: on or off, and the settle time after Plex's "done" before an item is checked.
// Saved like every section; the server applies it at once, without a restart.
import { NumberInput, Stack, Switch } from "@mantine/core";
import { useTranslation } from "react-i18next";
import { WATCH_LIMITS } from "../../../../src/contracts/watch";
import { useSaveSettings } from "./api";
import { fieldError, SettingsSection, sectionSave, useDraft } from "./shared";

export interface WatchDraft {
  enabled: boolean;
  settleSeconds: number;
}

/** The watch part of the stored settings (defaults when an older server sends none). */
export function watchDraftOf(s: Record<string, unknown>): WatchDraft {
  const w = (s.watch ?? {}) as Partial<WatchDraft>;
  return {
    enabled: w.enabled ?? true,
    settleSeconds: w.settleSeconds ?? WATCH_LIMITS.settleSeconds.default,
  };
}

export function WatchSection({ settings }: { settings: WatchDraft }) {
  const { t } = useTranslation();
  const save = useSaveSettings();
  const form = useDraft<WatchDraft>(settings);
  const d = form.draft;
  const { min, max } = WATCH_LIMITS.settleSeconds;
  return (
    <SettingsSection
      id="watch"
      title={t("settings.watch.title")}
      description={t("settings.watch.description")}
      save={sectionSave(form, save, () => ({ watch: { ...d } }), watchDraftOf)}
    >
      <Stack gap="md">
        <Switch
          checked={d.enabled}
          onChange={(e) => form.update({ enabled: e.currentTarget.checked })}
          label={t("settings.watch.enabled")}
          description={t("settings.watch.enabledHint")}
          error={fieldError(t, save.error, "watch.enabled")}
        />
        <NumberInput
          label={t("settings.watch.settleSeconds")}
          description={t("settings.watch.settleSecondsHint", { min, max })}
          min={min}
          max={max}
          allowDecimal={false}
          value={d.settleSeconds}
          disabled={!d.enabled}
          error={fieldError(t, save.error, "watch.settleSeconds")}
          onChange={(v) => form.update({ settleSeconds: typeof v === "number" ? v : Number(v) || 0 })}
          maw={320}
        />
      </Stack>
    </SettingsSection>
  );
}
