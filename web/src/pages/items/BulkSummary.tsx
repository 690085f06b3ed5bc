// One summary toast when a bulk job ends, from the app's live event feed: how many items
// succeeded, failed and were skipped, and the titles of those that failed. Mounted once inside
// the live provider, so it appears on whatever page is open when the job ends.
import { List, Stack, Text } from "@mantine/core";
import { notifications } from "@mantine/notifications";
import { useEffect, useRef, useState } from "react";
import { useTranslation } from "react-i18next";
import type { BulkJobStats } from "../../../../src/contracts/bulk";
import { BULK_SOURCE } from "../../../../src/contracts/bulk-constants";
import type { ScanResource } from "../../../../src/contracts/schemas";
import { useScanStatus } from "../../events/hooks";
import { formatNumber } from "../../lib/format";
import { jobErrorText, reasonOrNote } from "../../lib/reason";

/** Failed titles shown in the toast; the rest are counted ("and 3 more"). */
const LISTED = 8;

/** Bulk jobs this browser started; their end is announced even if it was never seen running. */
const started = new Set<number>();
const listeners = new Set<() => void>();
export function announceBulkJob(id: number): void {
  started.add(id);
  // The job may have ended before its start was answered: look at the last finished job again.
  for (const l of listeners) l();
}

/** The bulk part of a finished job's stats, read leniently (no schema library in this bundle). */
export function bulkStatsOf(scan: Pick<ScanResource, "stats">): BulkJobStats | null {
  const bulk = (scan.stats as { bulk?: unknown } | null)?.bulk;
  if (typeof bulk !== "object" || bulk === null) return null;
  const b = bulk as Partial<BulkJobStats>;
  if (typeof b.total !== "number" || typeof b.succeeded !== "number" || typeof b.failed !== "number")
    return null;
  return {
    action: b.action ?? "refresh",
    total: b.total,
    done: typeof b.done === "number" ? b.done : b.total,
    succeeded: b.succeeded,
    failed: b.failed,
    skipped: typeof b.skipped === "number" ? b.skipped : 0,
    failures: Array.isArray(b.failures) ? b.failures.filter((f) => typeof f?.title === "string") : [],
  };
}

export function BulkSummary() {
  const { t, i18n } = useTranslation();
  const { running, lastFinished } = useScanStatus();
  const seen = useRef(new Set<number>());
  const shown = useRef(new Set<number>());
  const [announced, setAnnounced] = useState(0);
  useEffect(() => {
    const listener = () => setAnnounced((n) => n + 1);
    listeners.add(listener);
    return () => {
      listeners.delete(listener);
    };
  }, []);

  useEffect(() => {
    if (running?.source === BULK_SOURCE) seen.current.add(running.id);
  }, [running]);

  // biome-ignore lint/correctness/useExhaustiveDependencies: `announced` re-runs the check when a start is answered after the job's end
  useEffect(() => {
    const job = lastFinished;
    if (!job || job.source !== BULK_SOURCE || shown.current.has(job.id)) return;
    if (!seen.current.has(job.id) && !started.has(job.id)) return;
    shown.current.add(job.id);
    const stats = bulkStatsOf(job);
    const action =
      (job.settings.bulk as { action?: string } | undefined)?.action ?? stats?.action ?? "refresh";
    const failures = stats?.failures ?? [];
    const more = (stats?.failed ?? 0) - Math.min(failures.length, LISTED);
    const color =
      job.status === "success" && (stats?.failed ?? 0) === 0
        ? "green"
        : job.status === "failed"
          ? "red"
          : "orange";
    notifications.show({
      color,
      autoClose: (stats?.failed ?? 0) > 0 ? false : 8000,
      title: t(`bulk.summary.title.${job.status}`, {
        action: t(`bulk.action.${action}`, { defaultValue: action }),
        id: job.id,
        defaultValue: job.status,
      }),
      message: (
        <Stack gap={4}>
          {stats && (
            <Text size="sm">
              {t("bulk.summary.counts", {
                items: t("bulk.summary.items", {
                  count: stats.total,
                  formatted: formatNumber(stats.total, i18n.language),
                }),
                succeeded: t("bulk.summary.succeeded", { count: stats.succeeded }),
                failed: t("bulk.summary.failed", { count: stats.failed }),
                skipped: t("bulk.summary.skipped", { count: stats.skipped }),
              })}
            </Text>
          )}
          {job.error && <Text size="sm">{jobErrorText(t, i18n.language, job)}</Text>}
          {failures.length > 0 && (
            <>
              <Text size="sm" fw={600}>
                {t("bulk.summary.failedList")}
              </Text>
              <List size="sm" spacing={2}>
                {failures.slice(0, LISTED).map((f) => (
                  <List.Item key={f.ratingKey} style={{ overflowWrap: "anywhere" }}>
                    {f.reason || f.note
                      ? t("bulk.summary.failure", {
                          title: f.title,
                          reason: reasonOrNote(t, i18n.language, f),
                        })
                      : f.title}
                  </List.Item>
                ))}
              </List>
              {more > 0 && <Text size="sm">{t("bulk.summary.more", { count: more })}</Text>}
            </>
          )}
        </Stack>
      ),
    });
  }, [lastFinished, t, i18n.language, announced]);

  return null;
}
