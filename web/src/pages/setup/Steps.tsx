// The setup's steps: the Plex connection (tested), the libraries, the schedule, done. Each step
// saves through the server, which validates it; a refusal shows on the field it names.
import {
  Alert,
  Button,
  Group,
  List,
  SegmentedControl,
  SimpleGrid,
  Stack,
  Text,
  TextInput,
  Title,
} from "@mantine/core";
import {
  IconAlertCircle,
  IconArrowLeft,
  IconArrowRight,
  IconCircleCheck,
  IconPlugConnected,
} from "@tabler/icons-react";
import { useQueryClient } from "@tanstack/react-query";
import { type ReactNode, useEffect, useRef, useState } from "react";
import { useTranslation } from "react-i18next";
import { useNavigate } from "react-router";
import type { PlexTestResponse } from "../../../../src/contracts/schemas";
import type { PlexConnectionView, SetupScheduleBody } from "../../../../src/contracts/setup";
import { ApiError, errorMessage } from "../../api/errors";
import { useSettings, useStartScan, useStats } from "../../api/queries";
import { useSchedulePreview } from "../settings/api";
import { LibraryChoices, type LibraryDraft } from "../settings/PlexSections";
import { fieldError, useDraft } from "../settings/shared";
import {
  setupKeys,
  useConnectionTest,
  useSaveConnection,
  useSaveSetupLibraries,
  useSaveSetupSchedule,
} from "./api";
import {
  type ConnectionDraft,
  ConnectionFields,
  ConnectionTestResult,
  connectionPatch,
  draftOf,
  tokenNeededAgain,
} from "./ConnectionFields";

export type ServerInfo = Extract<PlexTestResponse, { ok: true }>["server"];

/** A step's frame: its heading (focused when the step opens), its content, Back and Next. */
function StepFrame({
  title,
  description,
  children,
  onBack,
  onNext,
  nextLabel,
  busy = false,
  error,
}: {
  title: string;
  description?: string;
  children: ReactNode;
  onBack?: () => void;
  onNext: () => void;
  nextLabel?: string;
  busy?: boolean;
  error?: unknown;
}) {
  const { t } = useTranslation();
  const heading = useRef<HTMLHeadingElement>(null);
  useEffect(() => heading.current?.focus(), []);
  // A 400 naming a field shows on that field; anything else shows here.
  const general = error !== null && error !== undefined && !(error instanceof ApiError && error.body.field);
  return (
    <form
      noValidate
      onSubmit={(event) => {
        event.preventDefault();
        onNext();
      }}
    >
      <Stack gap="md">
        <div>
          <Title order={2} fz="h4" ref={heading} tabIndex={-1} style={{ outline: "none" }}>
            {title}
          </Title>
          {description && (
            <Text size="sm" c="dimmed" mt={4}>
              {description}
            </Text>
          )}
        </div>
        {children}
        {general && (
          <Alert color="red" icon={<IconAlertCircle size={18} />} role="alert">
            {errorMessage(t, error)}
          </Alert>
        )}
        <Group justify="space-between" mt="sm">
          {onBack ? (
            <Button
              variant="default"
              leftSection={<IconArrowLeft size={16} />}
              onClick={onBack}
              disabled={busy}
            >
              {t("setup.back")}
            </Button>
          ) : (
            <span />
          )}
          <Button type="submit" rightSection={<IconArrowRight size={16} />} loading={busy}>
            {nextLabel ?? t("setup.next")}
          </Button>
        </Group>
      </Stack>
    </form>
  );
}

export function ConnectionStep({
  view,
  onDone,
}: {
  view: PlexConnectionView;
  onDone: (server: ServerInfo) => void;
}) {
  const { t } = useTranslation();
  const save = useSaveConnection();
  const test = useConnectionTest();
  const form = useDraft<ConnectionDraft>(draftOf(view));
  const [missingToken, setMissingToken] = useState(false);
  const patch = connectionPatch(view, form.draft);
  // No token yet, or one saved for another address (it is not sent to a new one).
  const needsToken =
    !view.fromEnvironment.token &&
    (view.token === null || tokenNeededAgain(view, form.draft)) &&
    form.draft.token.trim() === "";
  const next = async () => {
    setMissingToken(needsToken);
    if (needsToken) return;
    try {
      if (Object.keys(patch).length > 0) {
        const saved = await save.mutateAsync(patch);
        form.adopt(draftOf(saved));
      }
      // The saved connection, tried: only a passing test leads on.
      const result = await test.mutateAsync(undefined);
      if (result.ok) onDone(result.server);
    } catch {
      // Shown by the fields (400) or the frame.
    }
  };
  return (
    <StepFrame
      title={t("setup.connection.title")}
      description={t("setup.connection.description")}
      onNext={() => void next()}
      busy={save.isPending || test.isPending}
      error={save.error}
    >
      <ConnectionFields
        view={view}
        draft={form.draft}
        update={(p) => {
          form.update(p);
          // An edited field's refusal no longer applies.
          setMissingToken(false);
          save.reset();
        }}
        error={missingToken ? missingTokenError : save.error}
        showTimeout={false}
        idPrefix="setup"
      />
      <Group>
        <Button
          variant="light"
          leftSection={<IconPlugConnected size={18} />}
          loading={test.isPending}
          disabled={needsToken}
          onClick={() => test.mutate(Object.keys(patch).length > 0 ? patch : undefined)}
        >
          {t("settings.plex.test")}
        </Button>
      </Group>
      <div aria-live="polite">
        <ConnectionTestResult result={test.data} error={test.error} />
      </div>
    </StepFrame>
  );
}

/** A local "required" for the token, shaped like the server's 400 so the field shows it. */
const missingTokenError = new ApiError(400, {
  error: "Invalid body: token: required",
  code: "invalid_input",
  field: "token",
  issues: [
    { field: "token", code: "too_small", params: { minimum: 1, origin: "string" }, message: "required" },
  ],
});

export function LibrariesStep({
  initial,
  onBack,
  onDone,
}: {
  initial: LibraryDraft;
  onBack: () => void;
  onDone: (chosen: LibraryDraft) => void;
}) {
  const { t } = useTranslation();
  const save = useSaveSetupLibraries();
  const [draft, setDraft] = useState<LibraryDraft>(initial);
  return (
    <StepFrame
      title={t("setup.libraries.title")}
      description={t("setup.libraries.description")}
      onBack={onBack}
      onNext={() => save.mutate(draft, { onSuccess: () => onDone(draft) })}
      busy={save.isPending}
      error={save.error}
    >
      <LibraryChoices value={draft} onChange={(p) => setDraft((d) => ({ ...d, ...p }))} />
      {fieldError(t, save.error, "libraries") !== undefined && (
        <Text size="sm" c="red" role="alert">
          {t("setup.invalid.libraries")}
        </Text>
      )}
    </StepFrame>
  );
}

export interface ScheduleChoice {
  mode: "off" | "daily" | "cron";
  time: string;
  cron: string;
}

export function scheduleChoiceOf(schedule: Record<string, unknown> | undefined): ScheduleChoice {
  const time = typeof schedule?.time === "string" ? schedule.time : "03:30";
  const cron = typeof schedule?.cron === "string" ? schedule.cron : "";
  if (!schedule || schedule.enabled === false) return { mode: "off", time, cron };
  return { mode: schedule.mode === "cron" ? "cron" : "daily", time, cron };
}

function bodyOf(choice: ScheduleChoice): SetupScheduleBody {
  if (choice.mode === "off") return { mode: "off" };
  if (choice.mode === "daily") return { mode: "daily", time: choice.time };
  return { mode: "cron", cron: choice.cron.trim() };
}

export function ScheduleStep({
  initial,
  onBack,
  onDone,
}: {
  initial: ScheduleChoice;
  onBack: () => void;
  onDone: (choice: ScheduleChoice) => void;
}) {
  const { t, i18n } = useTranslation();
  const save = useSaveSetupSchedule();
  const [choice, setChoice] = useState<ScheduleChoice>(initial);
  // The server computes the next runs with the scheduler's own code, a moment after typing stops.
  const { preview, previewError } = useSchedulePreview(
    choice.mode === "off"
      ? null
      : choice.mode === "daily"
        ? { enabled: true, mode: "daily", time: choice.time }
        : { enabled: true, mode: "cron", cron: choice.cron.trim() || null },
  );

  const cronReason = fieldError(t, save.error, "cron") ?? fieldError(t, previewError, "schedule.cron");
  const timeProblem =
    fieldError(t, save.error, "time") !== undefined ||
    fieldError(t, previewError, "schedule.time") !== undefined;
  const format = (iso: string, zone: string) =>
    new Intl.DateTimeFormat(i18n.language, { dateStyle: "full", timeStyle: "short", timeZone: zone }).format(
      new Date(iso),
    );
  const update = (patch: Partial<ScheduleChoice>) => {
    setChoice((c) => ({ ...c, ...patch }));
    save.reset();
  };

  return (
    <StepFrame
      title={t("setup.schedule.title")}
      description={t("setup.schedule.description")}
      onBack={onBack}
      onNext={() => save.mutate(bodyOf(choice), { onSuccess: () => onDone(choice) })}
      busy={save.isPending}
      error={save.error}
    >
      <Stack gap={4}>
        <Text size="sm" fw={500} id="setup-schedule-mode">
          {t("setup.schedule.mode")}
        </Text>
        <SegmentedControl
          aria-labelledby="setup-schedule-mode"
          value={choice.mode}
          onChange={(v) => update({ mode: v === "cron" ? "cron" : v === "daily" ? "daily" : "off" })}
          data={[
            { value: "off", label: t("setup.schedule.off") },
            { value: "daily", label: t("settings.schedule.daily") },
            { value: "cron", label: t("settings.schedule.cron") },
          ]}
          fullWidth
        />
      </Stack>
      {choice.mode === "daily" && (
        <SimpleGrid cols={{ base: 1, sm: 2 }}>
          <TextInput
            type="time"
            label={t("settings.schedule.time")}
            value={choice.time}
            onChange={(e) => update({ time: e.currentTarget.value })}
            error={timeProblem ? t("setup.invalid.time") : undefined}
          />
        </SimpleGrid>
      )}
      {choice.mode === "cron" && (
        <TextInput
          label={t("settings.schedule.cronExpression")}
          description={t("settings.schedule.cronHint")}
          placeholder={t("setup.schedule.cronPlaceholder")}
          value={choice.cron}
          onChange={(e) => update({ cron: e.currentTarget.value })}
          error={cronReason ? t("settings.schedule.cronInvalid", { reason: cronReason }) : undefined}
          spellCheck={false}
          autoComplete="off"
        />
      )}
      <Stack gap={4} aria-live="polite">
        <Text size="sm" fw={500}>
          {t("settings.schedule.preview")}
        </Text>
        {choice.mode === "off" ? (
          <Text size="sm" c="dimmed">
            {t("setup.schedule.offHint")}
          </Text>
        ) : (
          preview &&
          preview.runs.length > 0 && (
            <>
              <List size="sm" data-testid="setup-schedule-preview">
                {preview.runs.map((run) => (
                  <List.Item key={run}>{format(run, preview.timezone)}</List.Item>
                ))}
              </List>
              <Text size="xs" c="dimmed">
                {t("settings.schedule.inZone", { zone: preview.timezone })}
              </Text>
            </>
          )
        )}
      </Stack>
    </StepFrame>
  );
}

export function DoneStep({
  server,
  libraries,
  schedule,
  onBack,
  onFinish,
}: {
  server: ServerInfo | null;
  libraries: LibraryDraft;
  schedule: ScheduleChoice;
  onBack: () => void;
  onFinish: () => void;
}) {
  const { t } = useTranslation();
  const tonight = useTonight(schedule);
  const client = useQueryClient();
  const navigate = useNavigate();
  const startScan = useStartScan();
  // The setup is over either way; the dry run's job page shows it working.
  const dryRunNow = () =>
    startScan.mutate(
      { dryRun: true },
      {
        onSuccess: ({ id }) => {
          client.removeQueries({ queryKey: setupKeys.status });
          void navigate(`/jobs/${id}`, { replace: true });
        },
      },
    );
  const when =
    schedule.mode === "off"
      ? t("setup.done.scheduleOff")
      : schedule.mode === "daily"
        ? t("setup.done.scheduleDaily", { time: schedule.time })
        : t("setup.done.scheduleCron", { cron: schedule.cron });
  return (
    <StepFrame
      title={t("setup.done.title")}
      description={t("setup.done.description")}
      onBack={onBack}
      onNext={onFinish}
      nextLabel={t("setup.done.finish")}
      error={startScan.error}
    >
      <List spacing="xs" icon={<IconCircleCheck size={18} color="var(--mantine-color-teal-6)" aria-hidden />}>
        {server && (
          <List.Item>{t("setup.done.server", { name: server.name, version: server.version })}</List.Item>
        )}
        <List.Item style={{ overflowWrap: "anywhere" }}>
          {libraries.libraries.length === 0
            ? t("setup.done.librariesAll")
            : t("setup.done.libraries", { names: libraries.libraries.join(", ") })}
        </List.Item>
        <List.Item>{when}</List.Item>
      </List>
      {tonight && (
        <Text size="sm" data-testid="setup-tonight">
          {t(tonight)}
        </Text>
      )}
      <Group>
        <Button variant="light" onClick={dryRunNow} loading={startScan.isPending}>
          {t("setup.done.dryRunNow")}
        </Button>
      </Group>
      <Text size="sm" c="dimmed">
        {t("setup.done.later")}
      </Text>
    </StepFrame>
  );
}

/**
 * What the schedule will do at its next run, as the server decides it: a dry run while no scan
 * has succeeded (the first-run rule) or while the settings ask for dry runs; otherwise real
 * fixes. Undefined while the answer loads.
 */
function useTonight(schedule: ScheduleChoice): string | undefined {
  const stats = useStats();
  const settings = useSettings();
  if (!stats.data || !settings.data) return undefined;
  if (settings.data.settings.dryRun) return "setup.done.tonightDryAlways";
  if (schedule.mode === "off") return stats.data.firstScanPending ? "setup.done.offFirstDry" : undefined;
  return stats.data.firstScanPending ? "setup.done.tonightDry" : "setup.done.tonightReal";
}
