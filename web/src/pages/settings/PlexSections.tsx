// Plex (the connection, read-only, with a test) and Libraries (which ones a scan covers).
import { Alert, Badge, Button, Checkbox, Group, Loader, Stack, Switch, Text, TextInput } from "@mantine/core";
import { IconAlertCircle, IconCircleCheck, IconPlugConnected, IconUser } from "@tabler/icons-react";
import { useTranslation } from "react-i18next";
import type { SettingsResponse } from "../../../../src/contracts/schemas";
import { useLibraries } from "../../api/queries";
import { ErrorState } from "../../components/ErrorState";
import { usePlexTest, useSaveSettings } from "./api";
import { SettingsSection, sectionSave, useDraft } from "./shared";

export function PlexSection({ plex }: { plex: SettingsResponse["plex"] & { timeoutSeconds?: number } }) {
  const { t } = useTranslation();
  const test = usePlexTest();
  const result = test.data;
  return (
    <SettingsSection
      id="plex"
      title={t("settings.plex.title")}
      description={t("settings.plex.description")}
      badge={
        <Badge variant="light" color="gray">
          {t("settings.plex.fromEnvironment")}
        </Badge>
      }
    >
      <TextInput label={t("settings.plex.url")} value={plex.url} readOnly />
      <TextInput
        label={t("settings.plex.token")}
        value={plex.token ?? t("settings.plex.noToken")}
        readOnly
        description={t("settings.plex.tokenHint")}
      />
      {plex.timeoutSeconds !== undefined && (
        <TextInput
          label={t("settings.plex.timeout")}
          value={t("settings.seconds", { count: plex.timeoutSeconds })}
          readOnly
        />
      )}
      <Group>
        <Button
          variant="light"
          leftSection={<IconPlugConnected size={18} />}
          loading={test.isPending}
          onClick={() => test.mutate()}
        >
          {t("settings.plex.test")}
        </Button>
      </Group>
      {test.isError && <ErrorState error={test.error} />}
      {result?.ok === true && (
        <Alert
          color="teal"
          icon={<IconCircleCheck size={18} />}
          role="status"
          title={t("settings.plex.connected")}
        >
          <Text size="sm">
            {t("settings.plex.server", { name: result.server.name, version: result.server.version })}
          </Text>
          <Text size="sm">
            {t("settings.plex.libraries", {
              count: result.libraries.length,
              names: result.libraries.map((l) => l.title).join(", "),
            })}
          </Text>
        </Alert>
      )}
      {result?.ok === false && (
        <Alert
          color="red"
          icon={<IconAlertCircle size={18} />}
          role="alert"
          title={t("settings.plex.failed")}
        >
          <Text size="sm">{t(`errors.${result.code}`, { defaultValue: result.reason })}</Text>
          <Text size="sm" c="dimmed">
            {result.reason}
          </Text>
        </Alert>
      )}
    </SettingsSection>
  );
}

interface LibraryDraft {
  libraries: string[];
  includePersonal: boolean;
}

export function LibrariesSection({ settings }: { settings: LibraryDraft }) {
  const { t, i18n } = useTranslation();
  const libraries = useLibraries();
  const save = useSaveSettings();
  const form = useDraft<LibraryDraft>({
    libraries: settings.libraries,
    includePersonal: settings.includePersonal,
  });
  const chosen = new Set(form.draft.libraries);
  const toggle = (title: string, id: string, on: boolean) => {
    // Stored by title (what the original used); an id stored earlier counts as chosen too.
    const rest = form.draft.libraries.filter((v) => v !== title && v !== id);
    form.update({ libraries: on ? [...rest, title] : rest });
  };
  const number = new Intl.NumberFormat(i18n.language);
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
      {form.draft.libraries.length === 0 && (
        <Text size="sm" c="dimmed" role="note">
          {t("settings.libraries.allHint")}
        </Text>
      )}
      {libraries.data &&
        form.draft.libraries.some(
          (v) => !libraries.data.libraries.some((l) => l.title === v || l.id === v),
        ) && (
          <Alert color="yellow" icon={<IconAlertCircle size={18} />}>
            {t("settings.libraries.unknown", {
              names: form.draft.libraries
                .filter((v) => !libraries.data.libraries.some((l) => l.title === v || l.id === v))
                .join(", "),
            })}
          </Alert>
        )}
      <Switch
        checked={form.draft.includePersonal}
        onChange={(e) => form.update({ includePersonal: e.currentTarget.checked })}
        label={t("settings.libraries.includePersonal")}
        description={t("settings.libraries.includePersonalHint")}
      />
    </SettingsSection>
  );
}
