// The settings page: one card per section, each saving on its own; leaving with unsaved
// changes asks first. Loaded lazily (pages/lazy.ts) with everything under ./settings.
import { Anchor, Center, Group, Loader, Stack } from "@mantine/core";
import { useTranslation } from "react-i18next";
import type { AppearanceSettings } from "../../../src/contracts/appearance";
import type { RetentionSettings } from "../../../src/contracts/retention";
import { useSettings } from "../api/queries";
import { ErrorState } from "../components/ErrorState";
import { PageTitle } from "../components/PageTitle";
import { AccountSection } from "./settings/AccountSection";
import { AppearanceSection } from "./settings/AppearanceSection";
import { MigrationSection } from "./settings/MigrationSection";
import { type NotificationsDraft, NotificationsSection } from "./settings/NotificationsSection";
import { LibrariesSection, PlexSection } from "./settings/PlexSections";
import { RetentionSection } from "./settings/RetentionSection";
import { ScanSection, type ScheduleDraft, ScheduleSection, scanDraftOf } from "./settings/ScanSections";
import { DirtyContext, useUnsavedGuard } from "./settings/shared";
import { WatchSection, watchDraftOf } from "./settings/WatchSection";

const SECTIONS = [
  "plex",
  "libraries",
  "scans",
  "schedule",
  "watch",
  "notifications",
  "retention",
  "appearance",
  "account",
  "migration",
] as const;

export default function SettingsPage() {
  const { t } = useTranslation();
  const settings = useSettings();
  const report = useUnsavedGuard();
  const s = settings.data?.settings as Record<string, unknown> | undefined;
  return (
    // Forms read better at a limited width than stretched across a wide screen.
    <Stack gap="md" maw={960}>
      <PageTitle>{t("settings.title")}</PageTitle>
      <Group gap="md" wrap="wrap" component="nav" aria-label={t("settings.sections")}>
        {SECTIONS.map((id) => (
          <Anchor key={id} href={`#settings-${id}`} size="sm">
            {t(`settings.${id}.title`)}
          </Anchor>
        ))}
      </Group>
      {settings.isError && <ErrorState error={settings.error} onRetry={() => void settings.refetch()} />}
      {settings.isPending && (
        <Center py="xl">
          <Loader role="status" aria-label={t("common.loading")} />
        </Center>
      )}
      {settings.data && s && (
        <DirtyContext.Provider value={report}>
          <PlexSection />
          <LibrariesSection
            settings={{ libraries: s.libraries as string[], includePersonal: s.includePersonal as boolean }}
          />
          <ScanSection settings={scanDraftOf(s)} />
          <ScheduleSection settings={s.schedule as unknown as ScheduleDraft} />
          <WatchSection settings={watchDraftOf(s)} />
          <NotificationsSection settings={s.notifications as NotificationsDraft} />
          <RetentionSection settings={s.retention as RetentionSettings} />
          <AppearanceSection settings={s.appearance as AppearanceSettings} />
          <AccountSection />
          <MigrationSection />
        </DirtyContext.Provider>
      )}
    </Stack>
  );
}
