import {
  Anchor,
  Badge,
  Button,
  Card,
  Group,
  List,
  Paper,
  Progress,
  SimpleGrid,
  Skeleton,
  Stack,
  Switch,
  Text,
  Title,
} from "@mantine/core";
import { useDisclosure } from "@mantine/hooks";
import { notifications } from "@mantine/notifications";
import { IconCalendarOff, IconCalendarTime, IconPlayerPlay, IconPlayerStop } from "@tabler/icons-react";
import { useState } from "react";
import { useTranslation } from "react-i18next";
import { Link, useNavigate } from "react-router";
import { BULK_SOURCE } from "../../../src/contracts/bulk-constants";
import type {
  ScanResource,
  SchedulerStatus,
  SettingsResponse,
  StatsResponse,
} from "../../../src/contracts/schemas";
import { ApiError, errorMessage } from "../api/errors";
import { useScan, useSettings, useStartScan, useStats } from "../api/queries";
import { ApplyFixes } from "../components/ApplyFixes";
import { DryRunBadge, ScanStatusBadge } from "../components/badges";
import { CancelScanDialog } from "../components/CancelScanDialog";
import { ConfirmModal } from "../components/ConfirmModal";
import { ErrorState } from "../components/ErrorState";
import { FollowToggle } from "../components/FollowToggle";
import { LogView } from "../components/LogView";
import { PageTitle } from "../components/PageTitle";
import { RelativeTime } from "../components/RelativeTime";
import { WatchCard } from "../components/WatchCard";
import { useLiveLog, useLiveScheduler, useScanStatus } from "../events/hooks";
import { formatNumber, formatPercent } from "../lib/format";
import { RATE_COLOR, rateBand, successRate } from "../lib/rate";
import { jobErrorText } from "../lib/reason";

export function Dashboard() {
  const { t } = useTranslation();
  const { running, lastFinished, statusKnown } = useScanStatus();
  const settings = useSettings();
  const stats = useStats();
  const lastScan = useLastScan(lastFinished, stats.data);
  return (
    <Stack gap="md">
      <PageTitle
        right={
          <ScanControls
            running={running}
            settings={settings.data}
            firstScanPending={stats.data?.firstScanPending}
          />
        }
      >
        {t("nav.dashboard")}
      </PageTitle>
      <SchedulerCard fallback={settings.data?.scheduler ?? null} loading={settings.isPending} />
      <WatchCard />
      {running && <LiveProgress scan={running} />}
      {!running && lastScan && <ApplyFixes scan={lastScan} />}
      <TodoCard stats={stats.data} error={stats.error} onRetry={() => void stats.refetch()} />
      {/* The figures above the log, so they stay in view on a laptop screen during a scan. */}
      {statusKnown && lastScan !== undefined ? <LastScanFigures scan={lastScan} /> : <Skeleton h={120} />}
      <LiveLogCard jobId={running?.id ?? lastFinished?.id ?? null} live={running !== null} />
    </Stack>
  );
}

/**
 * The last finished scan. The live status names the last finished job, which may be a bulk
 * job: that one belongs in Jobs, so the scan /api/stats names is read instead. Undefined while
 * it loads.
 */
function useLastScan(
  lastFinished: ScanResource | null,
  stats: StatsResponse | undefined,
): ScanResource | null | undefined {
  const live = lastFinished && lastFinished.source !== BULK_SOURCE ? lastFinished : null;
  const id = stats?.lastScan?.id ?? null;
  const fetched = useScan(id ?? 0, live === null && id !== null);
  if (live) return live;
  if (!stats) return undefined;
  if (id === null) return null;
  return fetched.data ?? (fetched.isError ? null : undefined);
}

interface TodoEntry {
  key: string;
  label: string;
  count: number;
  to: string;
}

/** What needs the user after a scan, each count a link to the items behind it. */
function TodoCard({
  stats,
  error,
  onRetry,
}: {
  stats: StatsResponse | undefined;
  error: unknown;
  onRetry: () => void;
}) {
  const { t, i18n } = useTranslation();
  const lang = i18n.language;
  if (!stats) return error ? <ErrorState error={error} onRetry={onRetry} /> : <Skeleton h={110} />;
  const by = stats.items.byState;
  const review = stats.needsReview;
  const reviewTotal = by.needs_review ?? 0;
  const entries: TodoEntry[] = [
    { key: "failed", label: t("todo.failed"), count: by.failed ?? 0, to: "/items?state=failed" },
    { key: "locked", label: t("todo.locked"), count: by.locked ?? 0, to: "/items?state=locked" },
    { key: "error", label: t("todo.error"), count: by.error ?? 0, to: "/items?state=error" },
  ];
  const nothing = reviewTotal === 0 && entries.every((e) => e.count === 0);
  return (
    <section aria-labelledby="todo-title">
      <Group justify="space-between" mb="xs" gap="xs">
        <Title order={2} fz="h4" id="todo-title">
          {t("todo.title")}
        </Title>
        {!nothing && (
          <Anchor component={Link} to="/items" size="sm">
            {t("todo.all")}
          </Anchor>
        )}
      </Group>
      {nothing ? (
        <Paper withBorder p="md">
          <Text>{stats.items.total === 0 ? t("todo.nothingScanned") : t("todo.nothing")}</Text>
        </Paper>
      ) : (
        <SimpleGrid cols={{ base: 2, md: 4 }} spacing="sm">
          <Paper withBorder p="sm">
            <Anchor
              component={Link}
              to="/items?state=needs_review"
              c="inherit"
              underline="never"
              display="block"
            >
              <Text size="xs" c="dimmed" tt="uppercase" fw={600}>
                {t("todo.needsReview")}
              </Text>
              <Text fz="xl" fw={700}>
                {formatNumber(reviewTotal, lang)}
              </Text>
              <span className="visually-hidden">{t("lastScan.showItems")}</span>
            </Anchor>
            <Stack gap={0} mt={4}>
              <Anchor component={Link} to="/items?state=needs_review&problem=wrong_match" size="sm">
                {t("todo.wrongMatch", {
                  count: review.wrongMatch,
                  formatted: formatNumber(review.wrongMatch, lang),
                })}
              </Anchor>
              <Anchor component={Link} to="/items?state=needs_review&problem=unmatched" size="sm">
                {t("todo.unmatched", {
                  count: review.unmatched,
                  formatted: formatNumber(review.unmatched, lang),
                })}
              </Anchor>
              {review.other > 0 && (
                <Text size="sm" c="dimmed">
                  {t("todo.other", { count: review.other, formatted: formatNumber(review.other, lang) })}
                </Text>
              )}
            </Stack>
          </Paper>
          {entries.map((e) => (
            <Paper
              key={e.key}
              withBorder
              p="sm"
              component={Link}
              to={e.to}
              style={{ textDecoration: "none", color: "inherit" }}
            >
              <Text size="xs" c="dimmed" tt="uppercase" fw={600}>
                {e.label}
              </Text>
              <Text fz="xl" fw={700}>
                {formatNumber(e.count, lang)}
              </Text>
              <span className="visually-hidden">{t("lastScan.showItems")}</span>
            </Paper>
          ))}
        </SimpleGrid>
      )}
    </section>
  );
}

function SchedulerCard({ fallback, loading }: { fallback: SchedulerStatus | null; loading: boolean }) {
  const { t } = useTranslation();
  const live = useLiveScheduler();
  const status = live ?? fallback;
  if (!status) return loading ? <Skeleton h={60} /> : null;
  return (
    <Paper withBorder p="sm">
      <Group gap="lg" wrap="wrap">
        {status.enabled ? (
          <Badge
            variant="light"
            color="green"
            size="lg"
            leftSection={<IconCalendarTime size={14} aria-hidden />}
            style={{ textTransform: "none" }}
          >
            {t("scheduler.enabled")}
          </Badge>
        ) : (
          <Badge
            variant="light"
            color="gray"
            size="lg"
            leftSection={<IconCalendarOff size={14} aria-hidden />}
            style={{ textTransform: "none" }}
          >
            {t("scheduler.disabled")}
          </Badge>
        )}
        {status.enabled && (
          <Text size="sm">
            {t("scheduler.next")}{" "}
            {status.nextRunAt ? (
              <RelativeTime value={status.nextRunAt} fw={600} focusable />
            ) : (
              t("scheduler.none")
            )}
          </Text>
        )}
        <Text size="sm">
          {t("scheduler.last")}{" "}
          {status.lastRun ? (
            <>
              <RelativeTime value={status.lastRun.at} fw={600} focusable />{" "}
              <Text span c="dimmed" size="sm">
                ({t(`scheduler.outcome.${status.lastRun.outcome}`)})
              </Text>
            </>
          ) : (
            t("scheduler.never")
          )}
        </Text>
      </Group>
    </Paper>
  );
}

function windowText(
  t: (k: string, o?: Record<string, unknown>) => string,
  s: SettingsResponse["settings"],
): string {
  if (s.all) return t("startScan.windowAll");
  return t("startScan.windowRecent", { count: s.days, maxItems: s.maxItems });
}

function ScanControls({
  running,
  settings,
  firstScanPending,
}: {
  running: ScanResource | null;
  settings?: SettingsResponse;
  /** No scan has succeeded yet: the switch starts on, as the server's first-run rule. */
  firstScanPending?: boolean | undefined;
}) {
  const { t } = useTranslation();
  const navigate = useNavigate();
  const [startOpen, start] = useDisclosure(false);
  const [cancelOpen, cancel] = useDisclosure(false);
  const [dryRun, setDryRun] = useState<boolean | null>(null);
  const startScan = useStartScan();
  const dry = dryRun ?? (firstScanPending || settings?.settings.dryRun) ?? false;

  const onStart = () =>
    startScan.mutate(
      { dryRun: dry },
      {
        onSuccess: (data) => {
          start.close();
          notifications.show({ color: "green", message: t("startScan.started", { id: data.id }) });
        },
        onError: (error) => {
          start.close();
          const runningId = error instanceof ApiError ? error.body.runningJobId : undefined;
          notifications.show({
            color: "red",
            title: t("errors.title"),
            message: runningId ? (
              // Toasts live outside the router: a plain link, followed in the app.
              <Anchor
                href={`/jobs/${runningId}`}
                onClick={(event) => {
                  event.preventDefault();
                  void navigate(`/jobs/${runningId}`);
                }}
              >
                {errorMessage(t, error)}
              </Anchor>
            ) : (
              errorMessage(t, error)
            ),
          });
        },
      },
    );

  if (running) {
    return (
      <>
        <Button
          color="red.9"
          variant="filled"
          leftSection={<IconPlayerStop size={18} aria-hidden />}
          onClick={cancel.open}
          disabled={running.cancelRequested}
        >
          {running.cancelRequested ? t("cancelScan.pending") : t("cancelScan.button")}
        </Button>
        {/* Distinct keys: otherwise React reuses one dialog, and a scan that ends while this one is
            open would turn it into the start dialog. */}
        <CancelScanDialog key="cancel-scan" scanId={running.id} opened={cancelOpen} onClose={cancel.close} />
      </>
    );
  }

  const s = settings?.settings;
  return (
    <>
      <Button leftSection={<IconPlayerPlay size={18} aria-hidden />} onClick={start.open}>
        {t("startScan.button")}
      </Button>
      <ConfirmModal
        key="start-scan"
        opened={startOpen}
        onClose={start.close}
        title={t("startScan.title")}
        confirmLabel={t("startScan.button")}
        loading={startScan.isPending}
        onConfirm={onStart}
      >
        {s ? (
          <Stack gap="sm">
            <List spacing={4} size="sm">
              <List.Item>
                <Text span fw={600}>
                  {t("startScan.libraries")}
                </Text>{" "}
                {s.libraries.length > 0 ? s.libraries.join(", ") : t("startScan.allLibraries")}
              </List.Item>
              <List.Item>
                <Text span fw={600}>
                  {t("startScan.window")}
                </Text>{" "}
                {windowText(t, s)}
              </List.Item>
            </List>
            {firstScanPending && dry && (
              <Text size="sm" c="dimmed">
                {t("startScan.firstRun")}
              </Text>
            )}
            <Switch
              checked={dry}
              onChange={(e) => setDryRun(e.currentTarget.checked)}
              label={t("startScan.dryRun")}
              description={t("startScan.dryRunHint")}
            />
          </Stack>
        ) : (
          <Text size="sm">{t("startScan.defaults")}</Text>
        )}
      </ConfirmModal>
    </>
  );
}

function LiveProgress({ scan }: { scan: ScanResource }) {
  const { t, i18n } = useTranslation();
  const p = scan.progress;
  const lang = i18n.language;
  const pct = p?.total ? Math.min(100, (p.done / p.total) * 100) : 0;
  const count =
    p && p.total !== null
      ? t("progress.count", { done: formatNumber(p.done, lang), total: formatNumber(p.total, lang) })
      : t("progress.countUnknown", { done: formatNumber(p?.done ?? 0, lang) });
  return (
    <Card withBorder padding="md" aria-labelledby="live-progress-title">
      <Group justify="space-between" mb="xs" wrap="wrap" gap="xs">
        <Title order={2} fz="h4" id="live-progress-title">
          <Anchor component={Link} to={`/jobs/${scan.id}`} inherit>
            {t("progress.title", { id: scan.id })}
          </Anchor>
        </Title>
        <ScanStatusBadge status={scan.status} />
      </Group>
      <Group justify="space-between" gap="xs" mb={6}>
        <Text size="sm">
          {t("progress.phase")}{" "}
          <Text span fw={600}>
            {p ? t(`phase.${p.phase}`, { defaultValue: p.phase }) : t("phase.starting")}
          </Text>
        </Text>
        <Text size="sm" fw={600}>
          {count}
        </Text>
      </Group>
      <Progress value={pct} size="lg" animated={!p?.total} aria-label={count} />
      <Text size="sm" mt={6} truncate="end">
        {t("progress.current")}{" "}
        <Text span fw={600}>
          {p?.current ?? t("progress.noCurrent")}
        </Text>
      </Text>
    </Card>
  );
}

function LiveLogCard({ jobId, live }: { jobId: number | null; live: boolean }) {
  const { t } = useTranslation();
  const lines = useLiveLog(jobId, live);
  const [paused, setPaused] = useState(false);
  return (
    <Card withBorder padding="md">
      <Group justify="space-between" mb="xs" gap="xs">
        <Title order={2} fz="h4">
          {jobId === null ? t("log.title") : t("log.titleJob", { id: jobId })}
        </Title>
        {jobId !== null && <FollowToggle paused={paused} onToggle={() => setPaused((v) => !v)} />}
      </Group>
      {jobId === null ? (
        <Text c="dimmed" size="sm">
          {t("log.noJob")}
        </Text>
      ) : (
        <>
          <LogView
            lines={lines}
            follow={!paused}
            height={280}
            label={t("log.titleJob", { id: jobId })}
            onUserScrollUp={() => setPaused(true)}
          />
          <Text size="xs" c="dimmed" mt={4}>
            {t("log.keptLines", { count: lines.length })}
          </Text>
        </>
      )}
    </Card>
  );
}

interface Figure {
  key: string;
  label: string;
  value: number | undefined;
  to: string;
}

function LastScanFigures({ scan }: { scan: ScanResource | null }) {
  const { t, i18n } = useTranslation();
  const lang = i18n.language;
  if (!scan) {
    return (
      <Paper withBorder p="md">
        <Title order={2} fz="h4" mb={4}>
          {t("lastScan.title")}
        </Title>
        <Text c="dimmed">{t("lastScan.none")}</Text>
      </Paper>
    );
  }
  const s = scan.stats;
  const figures: Figure[] = [
    { key: "checked", label: t("lastScan.checked"), value: s?.checked, to: "/items?state=all" },
    { key: "fixed", label: t("lastScan.fixed"), value: s?.fixed, to: "/items?state=fixed" },
    { key: "wouldFix", label: t("lastScan.wouldFix"), value: s?.wouldFix, to: "/items?state=would_fix" },
    { key: "failed", label: t("lastScan.failed"), value: s?.failed, to: "/items?state=failed" },
    {
      key: "needsReview",
      label: t("lastScan.needsReview"),
      value: typeof s?.needsReview === "number" ? s.needsReview : undefined,
      to: "/items?state=needs_review",
    },
  ];
  const rate = successRate(s);
  return (
    <section aria-labelledby="last-scan-title">
      <Group justify="space-between" mb="xs" gap="xs">
        <Title order={2} fz="h4" id="last-scan-title">
          <Anchor component={Link} to={`/jobs/${scan.id}`} inherit>
            {t("lastScan.titleJob", { id: scan.id })}
          </Anchor>
        </Title>
        <Group gap="xs">
          <ScanStatusBadge status={scan.status} />
          {scan.settings.dryRun === true && <DryRunBadge />}
          {scan.finishedAt && <RelativeTime value={scan.finishedAt} size="sm" c="dimmed" />}
        </Group>
      </Group>
      <SimpleGrid cols={{ base: 2, xs: 3, md: 6 }} spacing="sm">
        {figures.map((f) => (
          <Paper
            key={f.key}
            withBorder
            p="sm"
            component={Link}
            to={f.to}
            style={{ textDecoration: "none", color: "inherit" }}
          >
            <Text size="xs" c="dimmed" tt="uppercase" fw={600}>
              {f.label}
            </Text>
            <Text fz="xl" fw={700}>
              {f.value === undefined ? "–" : formatNumber(f.value, lang)}
            </Text>
            <span className="visually-hidden">{t("lastScan.showItems")}</span>
          </Paper>
        ))}
        <Paper withBorder p="sm">
          <Text size="xs" c="dimmed" tt="uppercase" fw={600}>
            {t("lastScan.successRate")}
          </Text>
          {rate === null ? (
            <Text fz="xl" fw={700}>
              {t("lastScan.noRate")}
            </Text>
          ) : (
            <Text
              fz="xl"
              fw={700}
              style={{ color: `var(--mantine-color-${RATE_COLOR[rateBand(rate)]}-text)` }}
            >
              {formatPercent(rate / 100, lang)}
            </Text>
          )}
        </Paper>
      </SimpleGrid>
      {scan.error && (
        <ErrorState error={new Error(jobErrorText(t, lang, scan))} title={t("lastScan.error")} />
      )}
    </section>
  );
}
