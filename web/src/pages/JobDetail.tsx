import {
  Anchor,
  Button,
  Card,
  Center,
  Group,
  Loader,
  Progress,
  SimpleGrid,
  Stack,
  Text,
} from "@mantine/core";
import { useDisclosure } from "@mantine/hooks";
import { IconArrowLeft, IconDownload, IconPlayerStop } from "@tabler/icons-react";
import { useQueryClient } from "@tanstack/react-query";
import { useEffect, useRef, useState } from "react";
import { useTranslation } from "react-i18next";
import { Link, useParams } from "react-router";
import { BULK_SOURCE } from "../../../src/contracts/bulk-constants";
import { isActiveStatus } from "../../../src/contracts/constants";
import type { ScanResource } from "../../../src/contracts/schemas";
import { request } from "../api/client";
import { ApiError } from "../api/errors";
import { keys, useScan } from "../api/queries";
import { ScanStatusBadge } from "../components/badges";
import { CancelScanDialog } from "../components/CancelScanDialog";
import { ErrorState } from "../components/ErrorState";
import { FollowToggle } from "../components/FollowToggle";
import { LogView } from "../components/LogView";
import { PageTitle } from "../components/PageTitle";
import { RelativeTime } from "../components/RelativeTime";
import { ScanFigures } from "../components/ScanFigures";
import { formatDuration, formatNumber } from "../lib/format";
import { splitLog } from "../lib/log";
import { jobErrorText } from "../lib/reason";
import { scanDuration } from "../lib/scan";
import { useJobKind } from "./items/BulkJobKind";

const FLUSH_MS = 200;

/**
 * The whole log of a job: downloaded once, then (while the job runs) followed through the job's
 * event stream from the byte offset the download ended at, so no line is lost or repeated.
 */
function useJobLog(id: number, active: boolean | undefined) {
  const client = useQueryClient();
  const [lines, setLines] = useState<string[]>([]);
  const [state, setState] = useState<"loading" | "ready" | "error">("loading");
  const [error, setError] = useState<unknown>(null);
  const activeRef = useRef(active);
  activeRef.current = active;
  const known = active !== undefined;

  useEffect(() => {
    if (!known) return;
    let source: EventSource | null = null;
    let cancelled = false;
    let pending: string[] = [];
    const flush = setInterval(() => {
      if (pending.length === 0) return;
      const batch = pending;
      pending = [];
      setLines((prev) => prev.concat(batch));
    }, FLUSH_MS);

    const run = async () => {
      let text = "";
      try {
        const response = await request(`/api/scans/${id}/log?download=1`);
        text = await response.text();
      } catch (e) {
        if (!(e instanceof ApiError && e.status === 404)) {
          if (!cancelled) {
            setError(e);
            setState("error");
          }
          return;
        }
      }
      if (cancelled) return;
      setLines(splitLog(text));
      setState("ready");
      if (!activeRef.current) return;
      const offset = new TextEncoder().encode(text).length;
      source = new EventSource(`/api/scans/${id}/events?lastEventId=${offset}`);
      source.addEventListener("log", (e) => {
        pending.push((JSON.parse((e as MessageEvent<string>).data) as { line: string }).line);
      });
      source.addEventListener("progress", (e) => {
        client.setQueryData(keys.scan(id), JSON.parse((e as MessageEvent<string>).data) as ScanResource);
      });
      source.addEventListener("end", () => {
        source?.close();
        void client.invalidateQueries({ queryKey: keys.scan(id) });
      });
    };
    void run();
    return () => {
      cancelled = true;
      clearInterval(flush);
      source?.close();
    };
    // Only opening a job (once its status is known) loads the log; `active` is read via a ref.
  }, [id, known, client]);

  return { lines, state, error };
}

export default function JobDetailPage() {
  const { t, i18n } = useTranslation();
  const params = useParams();
  const id = Number(params.id);
  const valid = Number.isSafeInteger(id) && id > 0;
  const scan = useScan(valid ? id : 0);
  const active = scan.data ? isActiveStatus(scan.data.status) : undefined;
  const log = useJobLog(id, valid ? active : undefined);
  const [paused, setPaused] = useState(false);
  const [cancelOpen, cancel] = useDisclosure(false);
  const jobKind = useJobKind();
  const lang = i18n.language;

  const back = (
    <Anchor component={Link} to="/jobs" size="sm">
      <Group gap={4} component="span">
        <IconArrowLeft size={14} aria-hidden />
        {t("jobDetail.back")}
      </Group>
    </Anchor>
  );

  if (!valid || (scan.error instanceof ApiError && scan.error.status === 404)) {
    return (
      <Stack>
        {back}
        <PageTitle>{t("jobDetail.notFound")}</PageTitle>
      </Stack>
    );
  }
  if (scan.isError) return <ErrorState error={scan.error} onRetry={() => void scan.refetch()} />;
  if (!scan.data) {
    return (
      <Center py="xl">
        <Loader role="status" aria-label={t("common.loading")} />
      </Center>
    );
  }
  const s = scan.data;
  const p = s.progress;
  const ms = scanDuration(s, Date.now());
  const running = isActiveStatus(s.status);

  return (
    <Stack gap="md">
      {back}
      <PageTitle
        right={
          <Group gap="xs">
            <Button
              component="a"
              href={`/api/scans/${s.id}/log?download=1`}
              download={`scan_${s.id}.log`}
              variant="default"
              leftSection={<IconDownload size={16} aria-hidden />}
            >
              {t("jobDetail.download")}
            </Button>
            {running && (
              <Button
                color="red.9"
                leftSection={<IconPlayerStop size={16} aria-hidden />}
                onClick={cancel.open}
                disabled={s.cancelRequested}
              >
                {s.cancelRequested ? t("cancelScan.pending") : t("cancelScan.button")}
              </Button>
            )}
          </Group>
        }
      >
        {s.source === BULK_SOURCE ? t("bulk.jobTitle", { id: s.id }) : t("jobDetail.title", { id: s.id })}
      </PageTitle>
      <Card withBorder padding="md">
        <SimpleGrid cols={{ base: 1, xs: 2, md: 4 }} spacing="sm">
          <div>
            <Text size="xs" c="dimmed" fw={600} tt="uppercase">
              {t("jobs.status")}
            </Text>
            <ScanStatusBadge status={s.status} />
          </div>
          <div>
            <Text size="xs" c="dimmed" fw={600} tt="uppercase">
              {t("jobs.source")}
            </Text>
            <Text size="sm">{jobKind(s)}</Text>
          </div>
          <div>
            <Text size="xs" c="dimmed" fw={600} tt="uppercase">
              {t("jobs.started")}
            </Text>
            {s.startedAt ? (
              <RelativeTime value={s.startedAt} size="sm" focusable />
            ) : (
              <Text size="sm">–</Text>
            )}
          </div>
          <div>
            <Text size="xs" c="dimmed" fw={600} tt="uppercase">
              {t("jobs.duration")}
            </Text>
            <Text size="sm">{ms === null ? "–" : formatDuration(ms, lang)}</Text>
          </div>
        </SimpleGrid>
        <Text size="xs" c="dimmed" fw={600} tt="uppercase" mt="sm">
          {t("jobs.figures")}
        </Text>
        <ScanFigures stats={s.stats} full />
        {s.settings.dryRun === true && (
          <Text size="sm" mt="xs">
            {t("jobDetail.dryRun")}
          </Text>
        )}
        {running && p && (
          <Stack gap={4} mt="sm">
            <Text size="sm">
              {t(`phase.${p.phase}`, { defaultValue: p.phase })} ·{" "}
              {p.total !== null
                ? t("progress.count", {
                    done: formatNumber(p.done, lang),
                    total: formatNumber(p.total, lang),
                  })
                : t("progress.countUnknown", { done: formatNumber(p.done, lang) })}
            </Text>
            <Progress
              value={p.total ? (p.done / p.total) * 100 : 0}
              aria-label={t("progress.title", { id: s.id })}
              animated={!p.total}
            />
            {p.current && (
              <Text size="sm" truncate="end">
                {t("progress.current")} {p.current}
              </Text>
            )}
          </Stack>
        )}
        {s.error && (
          // The CSS variable, not c="red.text": Mantine's color prop throws on that name.
          <Text size="sm" mt="xs" style={{ color: "var(--mantine-color-red-text)" }}>
            {jobErrorText(t, lang, s)}
          </Text>
        )}
      </Card>
      <Card withBorder padding="md">
        <Group justify="space-between" mb="xs" gap="xs">
          <Text fw={600} component="h2" fz="lg" m={0}>
            {t("jobDetail.log", { count: log.lines.length, formatted: formatNumber(log.lines.length, lang) })}
          </Text>
          {running && <FollowToggle paused={paused} onToggle={() => setPaused((v) => !v)} />}
        </Group>
        {log.state === "error" && <ErrorState error={log.error} />}
        {log.state === "loading" ? (
          <Center py="xl">
            <Loader role="status" aria-label={t("common.loading")} />
          </Center>
        ) : (
          <LogView
            lines={log.lines}
            follow={running && !paused}
            // As tall as the log needs, up to most of the screen: a short log leaves no empty box.
            height={`max(120px, min(70vh, 640px, ${log.lines.length * 20 + 24}px))`}
            label={t("jobDetail.logLabel", { id: s.id })}
            onUserScrollUp={running ? () => setPaused(true) : undefined}
          />
        )}
      </Card>
      <CancelScanDialog scanId={s.id} opened={cancelOpen} onClose={cancel.close} />
    </Stack>
  );
}
