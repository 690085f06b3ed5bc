import { Anchor, Card, Center, Group, Loader, Pagination, Stack, Table, Text } from "@mantine/core";
import { useMediaQuery } from "@mantine/hooks";
import { useTranslation } from "react-i18next";
import { Link, useSearchParams } from "react-router";
import type { ScanResource } from "../../../src/contracts/schemas";
import { JOBS_PAGE_SIZE, useScans } from "../api/queries";
import { DryRunBadge, ScanStatusBadge } from "../components/badges";
import { ErrorState } from "../components/ErrorState";
import { PageTitle } from "../components/PageTitle";
import { RelativeTime } from "../components/RelativeTime";
import { ScanFigures } from "../components/ScanFigures";
import { useScanStatus } from "../events/hooks";
import { formatDuration } from "../lib/format";
import { scanDuration } from "../lib/scan";
import { useJobKind } from "./items/BulkJobKind";

export default function JobsPage() {
  const { t } = useTranslation();
  const [params, setParams] = useSearchParams();
  const page = Math.max(1, Number(params.get("page")) || 1);
  const { running } = useScanStatus();
  const scans = useScans(page, running !== null);
  const phone = useMediaQuery("(max-width: 48em)");
  const totalPages = scans.data ? Math.max(1, Math.ceil(scans.data.total / JOBS_PAGE_SIZE)) : 1;

  return (
    <Stack gap="md">
      <PageTitle>{t("jobs.title")}</PageTitle>
      {scans.isError && <ErrorState error={scans.error} onRetry={() => void scans.refetch()} />}
      {scans.isPending && (
        <Center py="xl">
          <Loader role="status" aria-label={t("common.loading")} />
        </Center>
      )}
      {scans.data && scans.data.total === 0 && <Text c="dimmed">{t("jobs.empty")}</Text>}
      {scans.data &&
        scans.data.items.length > 0 &&
        (phone ? <JobCards scans={scans.data.items} /> : <JobTable scans={scans.data.items} />)}
      {totalPages > 1 && (
        <Pagination
          value={page}
          total={totalPages}
          onChange={(p) => setParams(p > 1 ? { page: String(p) } : {})}
          getControlProps={(control) => ({ "aria-label": t(`pagination.${control}`) })}
          getItemProps={(p) => ({ "aria-label": t("pagination.page", { page: p }) })}
        />
      )}
    </Stack>
  );
}

function Duration({ scan }: { scan: ScanResource }) {
  const { i18n } = useTranslation();
  const ms = scanDuration(scan, Date.now());
  return <>{ms === null ? "–" : formatDuration(ms, i18n.language)}</>;
}

function JobTable({ scans }: { scans: ScanResource[] }) {
  const { t } = useTranslation();
  const jobKind = useJobKind();
  return (
    <Table striped highlightOnHover>
      <Table.Thead>
        <Table.Tr>
          <Table.Th>{t("jobs.id")}</Table.Th>
          <Table.Th>{t("jobs.status")}</Table.Th>
          <Table.Th>{t("jobs.source")}</Table.Th>
          <Table.Th>{t("jobs.started")}</Table.Th>
          <Table.Th>{t("jobs.duration")}</Table.Th>
          <Table.Th>{t("jobs.figures")}</Table.Th>
        </Table.Tr>
      </Table.Thead>
      <Table.Tbody>
        {scans.map((scan) => (
          <Table.Tr key={scan.id}>
            <Table.Td>
              <Anchor component={Link} to={`/jobs/${scan.id}`} fw={600}>
                {t("jobs.jobLink", { id: scan.id })}
              </Anchor>
            </Table.Td>
            <Table.Td>
              <Group gap={4} wrap="nowrap">
                <ScanStatusBadge status={scan.status} />
                {scan.settings.dryRun === true && <DryRunBadge />}
              </Group>
            </Table.Td>
            <Table.Td>{jobKind(scan)}</Table.Td>
            <Table.Td className="nowrap">
              {scan.startedAt ? <RelativeTime value={scan.startedAt} size="sm" /> : "–"}
            </Table.Td>
            <Table.Td className="nowrap">
              <Duration scan={scan} />
            </Table.Td>
            <Table.Td>
              <ScanFigures stats={scan.stats} />
            </Table.Td>
          </Table.Tr>
        ))}
      </Table.Tbody>
    </Table>
  );
}

function JobCards({ scans }: { scans: ScanResource[] }) {
  const { t } = useTranslation();
  const jobKind = useJobKind();
  return (
    <Stack gap="xs">
      {scans.map((scan) => (
        <Card key={scan.id} withBorder padding="sm">
          <Group justify="space-between" gap="xs" mb={4}>
            <Anchor component={Link} to={`/jobs/${scan.id}`} fw={600}>
              {t("jobs.jobLink", { id: scan.id })}
            </Anchor>
            <Group gap={4}>
              <ScanStatusBadge status={scan.status} />
              {scan.settings.dryRun === true && <DryRunBadge />}
            </Group>
          </Group>
          <Text size="sm">
            {jobKind(scan)} · {scan.startedAt ? <RelativeTime value={scan.startedAt} size="sm" /> : "–"} ·{" "}
            <Duration scan={scan} />
          </Text>
          <ScanFigures stats={scan.stats} />
        </Card>
      ))}
    </Stack>
  );
}
