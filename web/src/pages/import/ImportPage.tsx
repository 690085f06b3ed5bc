// Import from Plex Smart Refresher (Python): upload the old installation's settings.json and
// refresh_state.db, see what would be imported (the same dry run as `psr import --dry-run`),
// then import it all in one transaction. A refused file says why on its own field.
import {
  Alert,
  Anchor,
  Badge,
  Button,
  Card,
  FileInput,
  Group,
  List,
  SimpleGrid,
  Stack,
  Table,
  Text,
  Title,
} from "@mantine/core";
import { IconAlertCircle, IconCheck, IconDatabase, IconFileText } from "@tabler/icons-react";
import { useMutation } from "@tanstack/react-query";
import { useState } from "react";
import { useTranslation } from "react-i18next";
import { Link } from "react-router";
import {
  IMPORT_FILE_NAMES,
  IMPORT_LIMITS,
  type ImportFile,
  type ImportSummaryView,
} from "../../../../src/contracts/import";
import { ApiError, errorMessage } from "../../api/errors";
import { issueText } from "../../api/validation";
import { ConfirmModal } from "../../components/ConfirmModal";
import { PageTitle } from "../../components/PageTitle";
import { formatNumber } from "../../lib/format";
import { useImportCalls } from "./api";

const MB = 1024 * 1024;
const SHOWN_SKIPS = 20;

/** How a setting's value is shown: lists joined, objects as key=value (as `psr import` prints them). */
function formatValue(value: unknown): string {
  if (Array.isArray(value)) return value.join(", ");
  if (value && typeof value === "object")
    return Object.entries(value)
      .filter(([, v]) => v !== null)
      .map(([k, v]) => `${k}=${String(v)}`)
      .join(", ");
  return String(value);
}

interface Checked {
  id: string;
  summary: ImportSummaryView;
}

export default function ImportPage() {
  const { t, i18n } = useTranslation();
  const calls = useImportCalls();
  const [files, setFiles] = useState<Record<ImportFile, File | null>>({ settings: null, database: null });
  const [checked, setChecked] = useState<Checked | null>(null);
  const [confirming, setConfirming] = useState(false);
  const n = (value: number) => formatNumber(value, i18n.language);

  // Each check starts a fresh upload: both chosen files, then the dry run.
  const check = useMutation({
    mutationFn: async (): Promise<Checked> => {
      if (checked) await calls.discard(checked.id).catch(() => undefined);
      const upload = await calls.create();
      for (const file of ["settings", "database"] as const) {
        const chosen = files[file];
        if (chosen) await calls.sendFile(upload.id, file, chosen);
      }
      return { id: upload.id, summary: (await calls.preview(upload.id)).summary };
    },
    onMutate: () => setChecked(null),
    onSuccess: setChecked,
  });
  const apply = useMutation({
    mutationFn: (id: string) => calls.apply(id),
    onSuccess: () => {
      setConfirming(false);
      setChecked(null);
    },
  });

  const choose = (file: ImportFile, value: File | null) => {
    setFiles((f) => ({ ...f, [file]: value }));
    setChecked(null);
    check.reset();
    apply.reset();
  };

  /** A refusal that names this file: the translated reason, and the importer's detail. */
  const fileError = (file: ImportFile) => {
    const error = check.error ?? apply.error;
    if (!(error instanceof ApiError) || error.body.field !== file) return undefined;
    const reason = typeof error.body.reason === "string" ? error.body.reason : "invalid_settings";
    const lead = t(`import.reason.${reason}`, {
      file: IMPORT_FILE_NAMES[file],
      limit: n(IMPORT_LIMITS[file] / MB),
    });
    const issues = error.body.issues ?? [];
    return (
      <>
        {lead}
        {reason !== "too_large" &&
          reason !== "empty" &&
          issues.map((issue) => (
            <Text key={`${issue.field}:${issue.message}`} component="span" display="block" size="xs">
              {/* A coded issue goes through the one map; the importer's uncoded detail (a parser's
                  line and column) is shown as it came. */}
              {issue.code ? issueText(t, issue) : issue.message}
            </Text>
          ))}
      </>
    );
  };
  const error = check.error ?? apply.error;
  const generalError =
    error &&
    !(error instanceof ApiError && (error.body.field === "settings" || error.body.field === "database"))
      ? error
      : null;
  const result = apply.data?.summary;

  return (
    <Stack gap="md" maw={960}>
      <PageTitle>{t("import.title")}</PageTitle>
      <Anchor component={Link} to="/settings#settings-migration" size="sm">
        {t("import.back")}
      </Anchor>
      <Card withBorder padding="lg" component="section" aria-labelledby="import-files-title">
        <Stack gap="md">
          <div>
            <Title order={2} fz="h4" id="import-files-title">
              {t("import.files.title")}
            </Title>
            <Text size="sm" c="dimmed" mt={4}>
              {t("import.files.description")}
            </Text>
          </div>
          <SimpleGrid cols={{ base: 1, sm: 2 }}>
            <FileInput
              label={IMPORT_FILE_NAMES.settings}
              description={t("import.files.settingsHint", { limit: n(IMPORT_LIMITS.settings / MB) })}
              placeholder={t("import.files.choose")}
              accept=".json,application/json"
              clearable
              leftSection={<IconFileText size={18} />}
              value={files.settings}
              onChange={(f) => choose("settings", f)}
              clearButtonProps={{
                "aria-label": t("import.files.clear", { file: IMPORT_FILE_NAMES.settings }),
              }}
              error={fileError("settings")}
            />
            <FileInput
              label={IMPORT_FILE_NAMES.database}
              description={t("import.files.databaseHint", { limit: n(IMPORT_LIMITS.database / MB) })}
              placeholder={t("import.files.choose")}
              accept=".db,.sqlite,.sqlite3,application/vnd.sqlite3,application/x-sqlite3"
              clearable
              leftSection={<IconDatabase size={18} />}
              value={files.database}
              onChange={(f) => choose("database", f)}
              clearButtonProps={{
                "aria-label": t("import.files.clear", { file: IMPORT_FILE_NAMES.database }),
              }}
              error={fileError("database")}
            />
          </SimpleGrid>
          {generalError !== null && (
            <Alert color="red" icon={<IconAlertCircle size={18} />} role="alert">
              {errorMessage(t, generalError)}
            </Alert>
          )}
          <Group justify="flex-end">
            <Button
              onClick={() => check.mutate()}
              loading={check.isPending}
              disabled={!files.settings && !files.database}
            >
              {t("import.files.check")}
            </Button>
          </Group>
        </Stack>
      </Card>

      {checked && <Preview summary={checked.summary} onImport={() => setConfirming(true)} />}

      {result && (
        <Alert color="teal" icon={<IconCheck size={18} />} role="status" title={t("import.done.title")}>
          <Stack gap="xs">
            <Text size="sm">
              {t("import.done.text", {
                settings: n(Object.keys(result.settings?.values ?? {}).length),
                items: n(result.items?.imported ?? 0),
                runs: n(result.runs?.imported ?? 0),
              })}
            </Text>
            {(result.items?.keptNewer ?? 0) > 0 && (
              <Text size="sm">{t("import.done.keptNewer", { count: result.items?.keptNewer ?? 0 })}</Text>
            )}
            <Group gap="sm">
              <Button component={Link} to="/items" size="xs" variant="light">
                {t("import.done.items")}
              </Button>
              <Button component={Link} to="/settings" size="xs" variant="default">
                {t("import.done.settings")}
              </Button>
            </Group>
          </Stack>
        </Alert>
      )}

      <ConfirmModal
        opened={confirming && checked !== null}
        title={t("import.confirm.title")}
        confirmLabel={t("import.confirm.action")}
        loading={apply.isPending}
        onConfirm={() => checked && apply.mutate(checked.id)}
        onClose={() => setConfirming(false)}
      >
        <Text size="sm">{t("import.confirm.text")}</Text>
      </ConfirmModal>
    </Stack>
  );
}

function Preview({ summary, onImport }: { summary: ImportSummaryView; onImport: () => void }) {
  const { t, i18n } = useTranslation();
  const n = (value: number) => formatNumber(value, i18n.language);
  const settings = summary.settings ? Object.entries(summary.settings.values) : [];
  const skipped = [
    ...(summary.items?.skipped ?? []).map((s) => ({ key: s.ratingKey, reason: s.reason })),
    ...(summary.runs?.skipped ?? []).map((s) => ({ key: s.jobId, reason: s.reason })),
  ];
  const notes = [...(summary.settings?.notes ?? []), ...summary.notes];
  return (
    <Card withBorder padding="lg" component="section" aria-labelledby="import-preview-title">
      <Stack gap="md">
        <div>
          <Title order={2} fz="h4" id="import-preview-title">
            {t("import.preview.title")}
          </Title>
          <Text size="sm" c="dimmed" mt={4}>
            {t("import.preview.description")}
          </Text>
        </div>

        <Stack gap="xs" data-testid="import-preview-settings">
          <Title order={3} fz="h5">
            {t("import.preview.settings", { count: settings.length })}
          </Title>
          {settings.length === 0 && (
            <Text size="sm" c="dimmed">
              {t("import.preview.noSettings")}
            </Text>
          )}
          {settings.length > 0 && (
            // Values wrap anywhere, so the table never needs to scroll sideways on a phone.
            <Table striped withTableBorder layout="fixed">
              <Table.Thead>
                <Table.Tr>
                  <Table.Th>{t("import.preview.setting")}</Table.Th>
                  <Table.Th>{t("import.preview.value")}</Table.Th>
                </Table.Tr>
              </Table.Thead>
              <Table.Tbody>
                {settings.map(([key, value]) => (
                  <Table.Tr key={key}>
                    <Table.Td>
                      <Text size="sm">{t(`import.setting.${key}`, { defaultValue: key })}</Text>
                    </Table.Td>
                    <Table.Td style={{ overflowWrap: "anywhere" }}>
                      <Text size="sm" ff="monospace">
                        {formatValue(value)}
                      </Text>
                    </Table.Td>
                  </Table.Tr>
                ))}
              </Table.Tbody>
            </Table>
          )}
          {summary.settings && summary.settings.ignored.length > 0 && (
            <Text size="sm" c="dimmed">
              {t("import.preview.ignored", { keys: summary.settings.ignored.join(", ") })}
            </Text>
          )}
        </Stack>

        <SimpleGrid cols={{ base: 1, sm: 2 }}>
          <Stack gap="xs" data-testid="import-preview-items">
            <Title order={3} fz="h5">
              {t("import.preview.items")}
            </Title>
            {summary.items ? (
              <>
                <Text size="sm">
                  {t("import.preview.itemsCount", {
                    imported: n(summary.items.imported),
                    rows: n(summary.items.rows),
                  })}
                </Text>
                <Group gap={6}>
                  {Object.entries(summary.items.byState).map(([state, count]) => (
                    <Badge key={state} variant="light" color="gray">
                      {t(`itemState.${state}`)}: {n(count)}
                    </Badge>
                  ))}
                </Group>
              </>
            ) : (
              <Text size="sm" c="dimmed">
                {t("import.preview.noDatabase")}
              </Text>
            )}
          </Stack>
          <Stack gap="xs" data-testid="import-preview-runs">
            <Title order={3} fz="h5">
              {t("import.preview.runs")}
            </Title>
            {summary.runs ? (
              <>
                <Text size="sm">
                  {t("import.preview.runsCount", {
                    imported: n(summary.runs.imported),
                    rows: n(summary.runs.rows),
                  })}
                </Text>
                <Group gap={6}>
                  {Object.entries(summary.runs.byStatus).map(([status, count]) => (
                    <Badge key={status} variant="light" color="gray">
                      {t(`scanStatus.${status}`)}: {n(count)}
                    </Badge>
                  ))}
                </Group>
              </>
            ) : (
              <Text size="sm" c="dimmed">
                {t("import.preview.noRuns")}
              </Text>
            )}
          </Stack>
        </SimpleGrid>

        {skipped.length > 0 && (
          <Stack gap={4}>
            <Title order={3} fz="h5">
              {t("import.preview.skipped", { count: skipped.length })}
            </Title>
            <List size="sm" spacing={2}>
              {skipped.slice(0, SHOWN_SKIPS).map((s) => (
                <List.Item key={`${s.key}:${s.reason}`} style={{ overflowWrap: "anywhere" }}>
                  {s.key ?? "–"}: {s.reason}
                </List.Item>
              ))}
            </List>
            {skipped.length > SHOWN_SKIPS && (
              <Text size="sm" c="dimmed">
                {t("import.preview.moreSkipped", { count: skipped.length - SHOWN_SKIPS })}
              </Text>
            )}
          </Stack>
        )}

        {notes.length > 0 && (
          <Stack gap={4}>
            <Title order={3} fz="h5">
              {t("import.preview.notes")}
            </Title>
            <List size="sm" spacing={2}>
              {notes.map((note) => (
                <List.Item key={note} style={{ overflowWrap: "anywhere" }}>
                  {note}
                </List.Item>
              ))}
            </List>
          </Stack>
        )}

        <Group justify="flex-end">
          <Button onClick={onImport}>{t("import.preview.import")}</Button>
        </Group>
      </Stack>
    </Card>
  );
}
