// Retention: how long job logs, scan runs and item history are kept. A value set in the
// environment (PSR_LOG_RETENTION_DAYS …) wins and is shown read-only; the others are stored here
// and apply at the next daily clean-up.
import { Badge, NumberInput, SimpleGrid, Text } from "@mantine/core";
import { useQuery, useQueryClient } from "@tanstack/react-query";
import { useEffect } from "react";
import { useTranslation } from "react-i18next";
import {
  RETENTION_ENV,
  RETENTION_FIELDS,
  RETENTION_LIMITS,
  type RetentionField,
  type RetentionSettings,
  type RetentionStatus,
} from "../../../../src/contracts/retention";
import { api } from "../../api/client";
import { RelativeTime } from "../../components/RelativeTime";
import { formatNumber } from "../../lib/format";
import { useSaveSettings } from "./api";
import { fieldError, SettingsSection, sectionSave, useDraft } from "./shared";

const retentionKey = ["retention"] as const;

function useRetentionStatus() {
  return useQuery({
    queryKey: retentionKey,
    queryFn: ({ signal }) => api<RetentionStatus>("/api/retention", { signal }),
  });
}

export function RetentionSection({ settings }: { settings: RetentionSettings }) {
  const { t, i18n } = useTranslation();
  const client = useQueryClient();
  const save = useSaveSettings();
  const status = useRetentionStatus();
  const form = useDraft<RetentionSettings>(settings);
  const environment = status.data?.environment ?? {};
  const fromEnv = (key: RetentionField) => environment[key] !== undefined;
  const sectionSaveProps = sectionSave(
    form,
    save,
    // Fields the environment sets are not the page's to change.
    () => ({
      retention: Object.fromEntries(
        RETENTION_FIELDS.filter((k) => !fromEnv(k)).map((k) => [k, form.draft[k]]),
      ),
    }),
    (s) => s.retention as RetentionSettings,
  );
  const last = status.data?.lastRun;
  // The values in force follow a save.
  useEffect(() => {
    if (save.data) void client.invalidateQueries({ queryKey: retentionKey });
  }, [save.data, client]);
  return (
    <SettingsSection
      id="retention"
      title={t("settings.retention.title")}
      description={t("settings.retention.description")}
      save={sectionSaveProps}
    >
      <SimpleGrid cols={{ base: 1, sm: 2 }}>
        {RETENTION_FIELDS.map((key) => {
          const env = environment[key];
          return (
            <NumberInput
              key={key}
              label={t(`settings.retention.${key}`)}
              description={
                env !== undefined
                  ? t("settings.retention.fromEnvironmentHint", { variable: RETENTION_ENV[key] })
                  : t(`settings.retention.${key}Hint`)
              }
              min={RETENTION_LIMITS[key].min}
              max={RETENTION_LIMITS[key].max}
              // The server is the authority: an out-of-range value gets its message on the field.
              clampBehavior="none"
              allowDecimal={false}
              allowNegative={false}
              thousandSeparator={key === "runCount" ? " " : undefined}
              value={env ?? form.draft[key]}
              readOnly={env !== undefined}
              rightSectionWidth={env !== undefined ? 110 : undefined}
              rightSection={
                env !== undefined ? (
                  <Badge variant="light" color="gray" size="sm">
                    {t("settings.retention.environment")}
                  </Badge>
                ) : undefined
              }
              error={fieldError(t, save.error, `retention.${key}`)}
              onChange={(v) => form.update({ [key]: typeof v === "number" ? v : Number(v) || 0 })}
            />
          );
        })}
      </SimpleGrid>
      <Text size="sm" c="dimmed">
        {t("settings.retention.when")}
      </Text>
      {last && (
        <Text size="sm" c="dimmed" data-testid="retention-last-run">
          {t("settings.retention.lastRun")} <RelativeTime value={last.at} size="sm" />.{" "}
          {t("settings.retention.lastRunRemoved", {
            logs: formatNumber(last.logsDeleted, i18n.language),
            runs: formatNumber(last.runsDeleted, i18n.language),
            history: formatNumber(last.historyDeleted, i18n.language),
          })}
        </Text>
      )}
    </SettingsSection>
  );
}
