// Plex (the connection: set here unless the environment sets it, with a test) and Libraries
// (which ones a scan covers).
import { Alert, Badge, Button, Checkbox, Group, Loader, Stack, Switch, Text } from "@mantine/core";
import { IconAlertCircle, IconPlugConnected, IconUser } from "@tabler/icons-react";
import { useTranslation } from "react-i18next";
import type { PlexConnectionView } from "../../../../src/contracts/setup";
import { useLibraries } from "../../api/queries";
import { ErrorState } from "../../components/ErrorState";
import { useConnectionTest, usePlexConnection, useSaveConnection } from "../setup/api";
import {
  type ConnectionDraft,
  ConnectionFields,
  ConnectionTestResult,
  connectionPatch,
  draftOf,
} from "../setup/ConnectionFields";
import { useSaveSettings } from "./api";
import { SettingsSection, sectionSave, useDraft } from "./shared";

/** Settings → Plex: editable where the environment sets nothing, with a connection test. */
export function PlexSection() {
  const { t } = useTranslation();
  const connection = usePlexConnection();
  return connection.data ? (
    <PlexConnectionForm view={connection.data} />
  ) : (
    <SettingsSection
      id="plex"
      title={t("settings.plex.title")}
      description={t("settings.plex.descriptionEditable")}
    >
      {connection.isPending && <Loader size="sm" role="status" aria-label={t("common.loading")} />}
      {connection.isError && (
        <ErrorState error={connection.error} onRetry={() => void connection.refetch()} />
      )}
    </SettingsSection>
  );
}

function PlexConnectionForm({ view }: { view: PlexConnectionView }) {
  const { t } = useTranslation();
  const save = useSaveConnection();
  const test = useConnectionTest();
  const form = useDraft<ConnectionDraft>(draftOf(view));
  const env = view.fromEnvironment;
  const allFromEnvironment = env.url && env.token && env.timeout;
  const patch = connectionPatch(view, form.draft);
  // Like sectionSave (shared.tsx), but for PUT /api/plex/connection: the answer is the new view.
  const saveControls = {
    dirty: form.dirty,
    saving: save.isPending,
    saved: save.isSuccess,
    error: save.error,
    onSave: () => save.mutate(patch, { onSuccess: (saved) => form.adopt(draftOf(saved)) }),
    onReset: () => {
      form.reset();
      save.reset();
    },
  };
  return (
    <SettingsSection
      id="plex"
      title={t("settings.plex.title")}
      description={
        allFromEnvironment
          ? t("settings.plex.descriptionEnvironment")
          : t("settings.plex.descriptionEditable")
      }
      badge={
        env.url || env.token || env.timeout ? (
          <Badge variant="light" color="gray">
            {allFromEnvironment
              ? t("settings.plex.fromEnvironment")
              : t("settings.plex.partlyFromEnvironment")}
          </Badge>
        ) : undefined
      }
      {...(allFromEnvironment ? {} : { save: saveControls })}
    >
      <ConnectionFields
        view={view}
        draft={form.draft}
        update={form.update}
        error={save.error}
        idPrefix="settings-plex"
      />
      <Group>
        <Button
          variant="light"
          leftSection={<IconPlugConnected size={18} />}
          loading={test.isPending}
          // Unsaved changes are tried as they are, before saving them.
          onClick={() => test.mutate(Object.keys(patch).length > 0 ? patch : undefined)}
        >
          {t("settings.plex.test")}
        </Button>
      </Group>
      <ConnectionTestResult result={test.data} error={test.error} />
    </SettingsSection>
  );
}

export interface LibraryDraft {
  libraries: string[];
  includePersonal: boolean;
}

/**
 * The libraries read from Plex with their counts, personal media marked, to tick; none ticked
 * means every movie and show library. Used here and by the setup.
 */
export function LibraryChoices({
  value,
  onChange,
}: {
  value: LibraryDraft;
  onChange: (patch: Partial<LibraryDraft>) => void;
}) {
  const { t, i18n } = useTranslation();
  const libraries = useLibraries();
  const chosen = new Set(value.libraries);
  const toggle = (title: string, id: string, on: boolean) => {
    // Stored by title (what the original used); an id stored earlier counts as chosen too.
    const rest = value.libraries.filter((v) => v !== title && v !== id);
    onChange({ libraries: on ? [...rest, title] : rest });
  };
  const number = new Intl.NumberFormat(i18n.language);
  const unknown = libraries.data
    ? value.libraries.filter((v) => !libraries.data.libraries.some((l) => l.title === v || l.id === v))
    : [];
  return (
    <>
      {libraries.isPending && <Loader size="sm" role="status" aria-label={t("common.loading")} />}
      {libraries.isError && <ErrorState error={libraries.error} onRetry={() => void libraries.refetch()} />}
      {libraries.data && (
        <Stack gap="xs" role="group" aria-label={t("settings.libraries.title")}>
          {libraries.data.libraries
            .filter((l) => l.scannable)
            .map((l) => (
              <Checkbox
                key={l.id}
                checked={chosen.has(l.title) || chosen.has(l.id)}
                onChange={(e) => toggle(l.title, l.id, e.currentTarget.checked)}
                label={
                  <Group gap="xs" wrap="wrap">
                    <span>{l.title}</span>
                    <Text span size="sm" c="dimmed">
                      {t(`settings.libraries.type.${l.type === "show" ? "show" : "movie"}`)} ·{" "}
                      {t("settings.libraries.count", { count: l.count, formatted: number.format(l.count) })}
                    </Text>
                    {l.personal && (
                      <Badge size="sm" variant="light" color="grape" leftSection={<IconUser size={12} />}>
                        {t("settings.libraries.personal")}
                      </Badge>
                    )}
                  </Group>
                }
              />
            ))}
        </Stack>
      )}
      {value.libraries.length === 0 && (
        <Text size="sm" c="dimmed" role="note">
          {t("settings.libraries.allHint")}
        </Text>
      )}
      {unknown.length > 0 && (
        <Alert color="yellow" icon={<IconAlertCircle size={18} />}>
          {t("settings.libraries.unknown", { names: unknown.join(", ") })}
        </Alert>
      )}
      <Switch
        checked={value.includePersonal}
        onChange={(e) => onChange({ includePersonal: e.currentTarget.checked })}
        label={t("settings.libraries.includePersonal")}
        description={t("settings.libraries.includePersonalHint")}
      />
    </>
  );
}

export function LibrariesSection({ settings }: { settings: LibraryDraft }) {
  const { t } = useTranslation();
  const save = useSaveSettings();
  const form = useDraft<LibraryDraft>({
    libraries: settings.libraries,
    includePersonal: settings.includePersonal,
  });
  return (
    <SettingsSection
      id="libraries"
      title={t("settings.libraries.title")}
      description={t("settings.libraries.description")}
      save={sectionSave(
        form,
        save,
        () => ({ ...form.draft }),
        (saved) => ({
          libraries: saved.libraries,
          includePersonal: (saved as Record<string, unknown>).includePersonal as boolean,
        }),
      )}
    >
      <LibraryChoices value={form.draft} onChange={form.update} />
    </SettingsSection>
  );
}
