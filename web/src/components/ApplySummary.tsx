// One summary toast when an apply job ("Apply these N fixes") ends, as bulk jobs have: how many
// items were fixed, healthy by now, failed or left for review. Mounted once inside the live
// provider, so it appears on whatever page is open when the job ends.
import { Text } from "@mantine/core";
import { notifications } from "@mantine/notifications";
import { useEffect, useRef } from "react";
import { useTranslation } from "react-i18next";
import { APPLY_SOURCE } from "../../../src/contracts/bulk-constants";
import { useScanStatus } from "../events/hooks";

/** Apply jobs this browser started: their end is announced even if it was never seen running. */
const started = new Set<number>();
export function announceApplyJob(id: number): void {
  started.add(id);
}

const count = (stats: Record<string, unknown> | null, key: string): number => {
  const n = stats?.[key];
  return typeof n === "number" ? n : 0;
};

export function ApplySummary() {
  const { t } = useTranslation();
  const { running, lastFinished } = useScanStatus();
  const seen = useRef(new Set<number>());
  const shown = useRef(new Set<number>());

  useEffect(() => {
    if (running?.source === APPLY_SOURCE) seen.current.add(running.id);
  }, [running]);

  useEffect(() => {
    const job = lastFinished;
    if (!job || job.source !== APPLY_SOURCE || shown.current.has(job.id)) return;
    if (!seen.current.has(job.id) && !started.has(job.id)) return;
    shown.current.add(job.id);
    const stats = job.stats as Record<string, unknown> | null;
    const apply = (stats?.apply ?? null) as Record<string, unknown> | null;
    const failed = count(stats, "failed") + count(stats, "errors");
    notifications.show({
      color: job.status === "success" && failed === 0 ? "green" : job.status === "failed" ? "red" : "orange",
      autoClose: failed > 0 ? false : 8000,
      title: t(`bulk.summary.title.${job.status}`, {
        action: t("source.apply"),
        id: job.id,
        defaultValue: job.status,
      }),
      message: (
        <Text size="sm">
          {t("applyFixes.summary", {
            fixed: count(apply, "fixed"),
            healthy: count(apply, "healthyNow"),
            failed,
            review: count(stats, "needsReview"),
          })}
        </Text>
      ),
    });
  }, [lastFinished, t]);

  return null;
}
