// Scans (which items, which checks, how hard to push Plex) and Schedule (when, with a preview
// of the next runs computed by the server).
import {
  Alert,
  Autocomplete,
  List,
  NumberInput,
  SegmentedControl,
  SimpleGrid,
  Stack,
  Switch,
  Text,
  TextInput,
} from "@mantine/core";
import { useMediaQuery } from "@mantine/hooks";
import { IconAlertCircle } from "@tabler/icons-react";
import type { TFunction } from "i18next";
import { useMemo } from "react";
import { useTranslation } from "react-i18next";
import { ApiError, errorMessage } from "../../api/errors";
import { issueText } from "../../api/validation";
import { useSaveSettings, useSchedulePreview } from "./api";
import { fieldError, SettingsSection, sectionSave, useDraft } from "./shared";

export interface ScanDraft {
  all: boolean;
  days: number;
  maxItems: number;
  includeChildren: boolean;
  matchUnmatched: boolean;
  matchAutomatically: boolean;
  matchMinScore: number;
  matchMinLead: number;
  dryRun: boolean;
  concurrency: number;
  requestDelayMs: number;
  itemTimeoutSeconds: number;
  outageWaitSeconds: number;
  retryPoolLimit: number;
  backoffHours: number;
  /** placeholderCheckOffsetsMinutes as typed: minutes after the air date, comma-separated. */
  placeholderChecks: string;
}

const OFFSETS_KEY = "placeholderCheckOffsetsMinutes";

/**
 * The typed list as the server takes it. A part that is not a whole number is sent as typed, so
 * the server's check names it (a translated issue on that element) and nothing is saved.
 */
export function offsetsOf(text: string): (number | string)[] {
  return text
    .split(/[,;\s]+/)
    .filter((part) => part !== "")
    .map((part) => (/^\d+$/.test(part) ? Number(part) : part));
}

/** The scan part of the stored settings, as the Scans form edits it. */
export function scanDraftOf(s: Record<string, unknown>): ScanDraft {
  const pick = <K extends keyof ScanDraft>(k: K) => s[k] as ScanDraft[K];
  return {
    all: pick("all"),
    days: pick("days"),
    maxItems: pick("maxItems"),
    includeChildren: pick("includeChildren"),
    matchUnmatched: pick("matchUnmatched"),
    matchAutomatically: pick("matchAutomatically"),
    matchMinScore: pick("matchMinScore"),
    matchMinLead: pick("matchMinLead"),
    dryRun: pick("dryRun"),
    concurrency: pick("concurrency"),
    requestDelayMs: pick("requestDelayMs"),
    itemTimeoutSeconds: pick("itemTimeoutSeconds"),
    outageWaitSeconds: pick("outageWaitSeconds"),
    retryPoolLimit: pick("retryPoolLimit"),
    backoffHours: pick("backoffHours"),
    placeholderChecks: ((s[OFFSETS_KEY] as number[] | undefined) ?? []).join(", "),
  };
}

/** Bounds as in src/config/settings.ts (the server checks them again). */
const BOUNDS: Record<
  Exclude<
    keyof ScanDraft,
    "all" | "includeChildren" | "matchUnmatched" | "matchAutomatically" | "dryRun" | "placeholderChecks"
  >,
  [number, number]
> = {
  days: [1, 3650],
  maxItems: [1, 100_000],
  concurrency: [1, 16],
  requestDelayMs: [0, 60_000],
  itemTimeoutSeconds: [5, 3600],
  outageWaitSeconds: [0, 3600],
  retryPoolLimit: [0, 10_000],
  backoffHours: [0, 24 * 365],
  matchMinScore: [50, 100],
  matchMinLead: [0, 100],
};

export function ScanSection({ settings }: { settings: ScanDraft }) {
  const { t } = useTranslation();
  const save = useSaveSettings();
  const form = useDraft<ScanDraft>(settings);
  const d = form.draft;
  const narrow = useMediaQuery("(max-width: 30em)");
  const numberField = (key: keyof typeof BOUNDS) => ({
    label: t(`settings.scans.${key}`),
    description: t(`settings.scans.${key}Hint`),
    min: BOUNDS[key][0],
    max: BOUNDS[key][1],
    value: d[key],
    allowDecimal: key === "backoffHours",
    error: fieldError(t, save.error, key),
    onChange: (v: number | string) => form.update({ [key]: typeof v === "number" ? v : Number(v) || 0 }),
  });
  return (
    <SettingsSection
      id="scans"
      title={t("settings.scans.title")}
      description={t("settings.scans.description")}
      save={sectionSave(
        form,
        save,
        () => {
          const { placeholderChecks, ...rest } = d;
          return { ...rest, [OFFSETS_KEY]: offsetsOf(placeholderChecks) };
        },
        scanDraftOf,
      )}
    >
      <Stack gap={4}>
        <Text size="sm" fw={500} id="scan-window-label">
          {t("settings.scans.window")}
        </Text>
        <SegmentedControl
          aria-labelledby="scan-window-label"
          value={d.all ? "all" : "recent"}
          onChange={(v) => form.update({ all: v === "all" })}
          data={[
            { value: "recent", label: t("settings.scans.windowRecent") },
            { value: "all", label: t("settings.scans.windowAll") },
          ]}
          fullWidth
          // Side by side the two labels do not fit a phone in every language.
          orientation={narrow ? "vertical" : "horizontal"}
        />
      </Stack>
      {!d.all && (
        <SimpleGrid cols={{ base: 1, sm: 2 }}>
          <NumberInput {...numberField("days")} />
          <NumberInput {...numberField("maxItems")} thousandSeparator=" " />
        </SimpleGrid>
      )}
      {d.all && (
        <Text size="sm" c="dimmed">
          {t("settings.scans.windowAllHint")}
        </Text>
      )}
      <Stack gap="sm">
        <Switch
          checked={d.includeChildren}
          onChange={(e) => form.update({ includeChildren: e.currentTarget.checked })}
          label={t("settings.scans.includeChildren")}
          description={t("settings.scans.includeChildrenHint")}
        />
        <Switch
          checked={d.matchUnmatched}
          onChange={(e) => form.update({ matchUnmatched: e.currentTarget.checked })}
          label={t("settings.scans.matchUnmatched")}
          description={t("settings.scans.matchUnmatchedHint")}
        />
        {d.matchUnmatched && (
          <Switch
            checked={d.matchAutomatically}
            onChange={(e) => form.update({ matchAutomatically: e.currentTarget.checked })}
            label={t("settings.scans.matchAutomatically")}
            description={t("settings.scans.matchAutomaticallyHint")}
          />
        )}
        {d.matchUnmatched && d.matchAutomatically && (
          <SimpleGrid cols={{ base: 1, sm: 2 }}>
            <NumberInput {...numberField("matchMinScore")} />
            <NumberInput {...numberField("matchMinLead")} />
          </SimpleGrid>
        )}
        <Switch
          checked={d.dryRun}
          onChange={(e) => form.update({ dryRun: e.currentTarget.checked })}
          label={t("settings.scans.dryRun")}
          description={t("settings.scans.dryRunHint")}
        />
      </Stack>
      <SimpleGrid cols={{ base: 1, sm: 2 }}>
        <NumberInput {...numberField("concurrency")} />
        <NumberInput {...numberField("requestDelayMs")} />
        <NumberInput {...numberField("itemTimeoutSeconds")} />
        <NumberInput {...numberField("outageWaitSeconds")} />
        <NumberInput {...numberField("retryPoolLimit")} />
        <NumberInput {...numberField("backoffHours")} />
      </SimpleGrid>
      <TextInput
        label={t("settings.scans.placeholderChecks")}
        description={t("settings.scans.placeholderChecksHint")}
        value={d.placeholderChecks}
        onChange={(e) => form.update({ placeholderChecks: e.currentTarget.value })}
        inputMode="numeric"
        maxLength={120}
        error={offsetsError(t, save.error)}
      />
    </SettingsSection>
  );
}

/** The list's problem: one on the whole list (offsets_ascending, too many) or on one of its times. */
function offsetsError(t: TFunction, error: unknown): string | undefined {
  if (!(error instanceof ApiError) || error.status !== 400) return undefined;
  const issue = error.body.issues?.find(
    (i) => i.field === OFFSETS_KEY || i.field.startsWith(`${OFFSETS_KEY}.`),
  );
  return issue ? issueText(t, issue) : undefined;
}

export interface ScheduleDraft {
  enabled: boolean;
  mode: "daily" | "cron";
  time: string;
  cron: string | null;
  timezone: string | null;
}

function timeZones(): string[] {
  try {
    return Intl.supportedValuesOf("timeZone");
  } catch {
    return [];
  }
}

export function ScheduleSection({ settings }: { settings: ScheduleDraft }) {
  const { t, i18n } = useTranslation();
  const save = useSaveSettings();
  const form = useDraft<ScheduleDraft>(settings);
  const d = form.draft;
  const zones = useMemo(timeZones, []);
  // The preview follows the draft, a moment after the last keystroke.
  const { preview, previewError } = useSchedulePreview({ ...d, timezone: d.timezone || null });

  const problem = (field: string) => fieldError(t, save.error, field) ?? fieldError(t, previewError, field);
  const cronProblem = problem("schedule.cron");
  const otherPreviewError =
    previewError instanceof ApiError &&
    !fieldError(t, previewError, "schedule.cron") &&
    !fieldError(t, previewError, "schedule.time") &&
    !fieldError(t, previewError, "schedule.timezone");
  const format = (iso: string, zone: string) =>
    new Intl.DateTimeFormat(i18n.language, {
      dateStyle: "full",
      timeStyle: "short",
      timeZone: zone,
    }).format(new Date(iso));

  return (
    <SettingsSection
      id="schedule"
      title={t("settings.schedule.title")}
      description={t("settings.schedule.description")}
      save={sectionSave(
        form,
        save,
        () => ({
          schedule: { ...d, cron: d.cron?.trim() ? d.cron.trim() : null, timezone: d.timezone || null },
        }),
        (saved) => saved.schedule as unknown as ScheduleDraft,
      )}
    >
      <Switch
        checked={d.enabled}
        onChange={(e) => form.update({ enabled: e.currentTarget.checked })}
        label={t("settings.schedule.enabled")}
      />
      {d.enabled && (
        <>
          <Stack gap={4}>
            <Text size="sm" fw={500} id="schedule-mode-label">
              {t("settings.schedule.mode")}
            </Text>
            <SegmentedControl
              aria-labelledby="schedule-mode-label"
              value={d.mode}
              onChange={(v) => form.update({ mode: v === "cron" ? "cron" : "daily" })}
              data={[
                { value: "daily", label: t("settings.schedule.daily") },
                { value: "cron", label: t("settings.schedule.cron") },
              ]}
              fullWidth
            />
          </Stack>
          <SimpleGrid cols={{ base: 1, sm: 2 }}>
            {d.mode === "daily" ? (
              <TextInput
                type="time"
                label={t("settings.schedule.time")}
                value={d.time}
                onChange={(e) => form.update({ time: e.currentTarget.value })}
                error={problem("schedule.time")}
              />
            ) : (
              <TextInput
                label={t("settings.schedule.cronExpression")}
                description={t("settings.schedule.cronHint")}
                value={d.cron ?? ""}
                onChange={(e) => form.update({ cron: e.currentTarget.value })}
                error={cronProblem ? t("settings.schedule.cronInvalid", { reason: cronProblem }) : undefined}
                spellCheck={false}
                autoComplete="off"
              />
            )}
            <Autocomplete
              label={t("settings.schedule.timezone")}
              description={t("settings.schedule.timezoneHint")}
              placeholder={t("settings.schedule.timezoneServer")}
              data={zones}
              limit={50}
              value={d.timezone ?? ""}
              onChange={(v) => form.update({ timezone: v })}
              error={problem("schedule.timezone")}
            />
          </SimpleGrid>
        </>
      )}
      <Stack gap={4} aria-live="polite">
        <Text size="sm" fw={500}>
          {t("settings.schedule.preview")}
        </Text>
        {!d.enabled && (
          <Text size="sm" c="dimmed">
            {t("settings.schedule.off")}
          </Text>
        )}
        {d.enabled && preview && preview.runs.length > 0 && (
          <List size="sm" data-testid="schedule-preview">
            {preview.runs.map((run) => (
              <List.Item key={run}>{format(run, preview.timezone)}</List.Item>
            ))}
          </List>
        )}
        {d.enabled && preview && (
          <Text size="xs" c="dimmed">
            {t("settings.schedule.inZone", { zone: preview.timezone })}
          </Text>
        )}
        {d.enabled && cronProblem && (
          <Text size="sm" c="dimmed">
            {t("settings.schedule.noPreview")}
          </Text>
        )}
        {otherPreviewError && (
          <Alert color="red" icon={<IconAlertCircle size={18} />}>
            {errorMessage(t, previewError)}
          </Alert>
        )}
      </Stack>
    </SettingsSection>
  );
}
