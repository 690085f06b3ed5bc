import {
  Card,
  Paper,
  SegmentedControl,
  SimpleGrid,
  Skeleton,
  Stack,
  Table,
  Text,
  Title,
} from "@mantine/core";
import { useState } from "react";
import { useTranslation } from "react-i18next";
import { STATS_PERIODS, type StatsHistory, type StatsPeriod } from "../../../src/contracts/schemas";
import { useStatsHistory } from "../api/queries";
import { ErrorState } from "../components/ErrorState";
import { PageTitle } from "../components/PageTitle";
import { formatDuration, formatNumber, formatPercent } from "../lib/format";
import { ScanChart } from "./statistics/ScanChart";

export default function StatisticsPage() {
  const { t } = useTranslation();
  const [days, setDays] = useState<StatsPeriod>(30);
  const history = useStatsHistory(days);
  return (
    <Stack gap="md">
      <PageTitle
        right={
          <SegmentedControl
            aria-label={t("statistics.period")}
            value={String(days)}
            onChange={(v) => setDays(Number(v) as StatsPeriod)}
            data={STATS_PERIODS.map((d) => ({ value: String(d), label: t("statistics.days", { count: d }) }))}
          />
        }
      >
        {t("nav.statistics")}
      </PageTitle>
      {history.isError ? (
        <ErrorState error={history.error} onRetry={() => history.refetch()} />
      ) : history.data ? (
        <StatisticsBody data={history.data} />
      ) : (
        <Skeleton h={320} />
      )}
    </Stack>
  );
}

/** Dry runs against a quick server end within a second: those read in milliseconds, not "0 s". */
function meanDuration(ms: number, lang: string): string {
  return ms < 1000
    ? formatNumber(Math.round(ms), lang, { style: "unit", unit: "millisecond", unitDisplay: "short" })
    : formatDuration(ms, lang);
}

function Figure({ label, value }: { label: string; value: string }) {
  return (
    <Card withBorder padding="sm">
      <Text size="sm" c="dimmed">
        {label}
      </Text>
      <Text fz="xl" fw={700}>
        {value}
      </Text>
    </Card>
  );
}

export function StatisticsBody({ data }: { data: StatsHistory }) {
  const { t, i18n } = useTranslation();
  const lang = i18n.language;
  const n = (v: number) => formatNumber(v, lang);
  if (data.totals.scans === 0) {
    return (
      <Paper withBorder p="lg">
        <Text>{t("statistics.empty")}</Text>
      </Paper>
    );
  }
  return (
    <Stack gap="md">
      <SimpleGrid cols={{ base: 2, sm: 3, lg: 6 }} spacing="sm">
        <Figure label={t("statistics.totals.scans")} value={n(data.totals.scans)} />
        <Figure label={t("statistics.totals.checked")} value={n(data.totals.checked)} />
        <Figure label={t("statistics.series.fixed")} value={n(data.totals.fixed)} />
        <Figure label={t("statistics.series.failed")} value={n(data.totals.failed)} />
        <Figure label={t("statistics.series.wouldFix")} value={n(data.totals.wouldFix)} />
        <Figure
          label={t("statistics.totals.successRate")}
          value={data.successRate === null ? t("statistics.none") : formatPercent(data.successRate, lang)}
        />
      </SimpleGrid>
      <Paper withBorder p="md">
        <Title order={2} size="h4" mb="sm">
          {t("statistics.chart.title")}
        </Title>
        <ScanChart scans={data.scans} />
      </Paper>
      <SimpleGrid cols={{ base: 1, sm: 2 }} spacing="sm">
        <Figure
          label={t("statistics.meanDuration")}
          value={
            data.meanDurationMs === null ? t("statistics.none") : meanDuration(data.meanDurationMs, lang)
          }
        />
        <Figure
          label={t("statistics.meanChecked")}
          value={
            data.meanChecked === null
              ? t("statistics.none")
              : formatNumber(data.meanChecked, lang, { maximumFractionDigits: 1 })
          }
        />
      </SimpleGrid>
      <Paper withBorder p="md">
        <Title order={2} size="h4" mb="sm">
          {t("statistics.topProblems")}
        </Title>
        {data.topProblems.length === 0 ? (
          <Text c="dimmed">{t("statistics.noProblems")}</Text>
        ) : (
          <SimpleGrid cols={{ base: 1, sm: 2, lg: 3 }} spacing="md">
            {data.topProblems.map((lib) => (
              <Table key={lib.library} withRowBorders={false} verticalSpacing={4}>
                <caption style={{ captionSide: "top", textAlign: "start", fontWeight: 600 }}>
                  {lib.library}
                </caption>
                <Table.Thead>
                  <Table.Tr>
                    <Table.Th scope="col">{t("statistics.problem")}</Table.Th>
                    <Table.Th scope="col" ta="end">
                      {t("statistics.items")}
                    </Table.Th>
                  </Table.Tr>
                </Table.Thead>
                <Table.Tbody>
                  {lib.problems.map((p) => (
                    <Table.Tr key={p.problem}>
                      <Table.Td>{t(`problem.${p.problem}`, { defaultValue: p.problem })}</Table.Td>
                      <Table.Td ta="end">{n(p.count)}</Table.Td>
                    </Table.Tr>
                  ))}
                </Table.Tbody>
              </Table>
            ))}
          </SimpleGrid>
        )}
      </Paper>
    </Stack>
  );
}
