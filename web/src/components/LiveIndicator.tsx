import { Badge, Loader, Text, Tooltip } from "@mantine/core";
import { IconPlayerPause, IconPlugConnectedX } from "@tabler/icons-react";
import { useTranslation } from "react-i18next";
import { Link } from "react-router";
import { BULK_SOURCE } from "../../../src/contracts/bulk-constants";
import { useReachable, useScanStatus } from "../events/hooks";
import { formatNumber } from "../lib/format";

/**
 * "Scan running 12 / 48" (or "Bulk job running …") linking to the job, or a quiet idle badge;
 * "Offline — reconnecting…" while the server cannot be reached, since then nothing else is known.
 */
export function LiveIndicator() {
  const { t, i18n } = useTranslation();
  const { running } = useScanStatus();
  const reachable = useReachable();
  if (!reachable) {
    return (
      <Badge
        variant="filled"
        color="red.9"
        size="lg"
        leftSection={<IconPlugConnectedX size={14} aria-hidden />}
        style={{ textTransform: "none" }}
      >
        {/* The words show from md up; on a phone only screen readers read them (the banner says it too). */}
        <Text span fz="xs" fw={600} visibleFrom="md">
          {t("offline.header")}
        </Text>
        <Text span hiddenFrom="md" className="visually-hidden">
          {t("offline.header")}
        </Text>
      </Badge>
    );
  }
  if (!running) {
    return (
      <Badge
        variant="light"
        color="gray"
        size="lg"
        leftSection={<IconPlayerPause size={14} aria-hidden />}
        aria-label={t("live.idle")}
        visibleFrom="xs"
        style={{ textTransform: "none" }}
      >
        <Text span fz="xs" fw={600} visibleFrom="md">
          {t("live.idle")}
        </Text>
      </Badge>
    );
  }
  const p = running.progress;
  const lang = i18n.language;
  // A bulk job takes the same slot as a scan, but it is not a scan.
  const bulk = running.source === BULK_SOURCE;
  const label =
    p && p.total !== null
      ? t(bulk ? "live.bulkRunningCount" : "live.runningCount", {
          done: formatNumber(p.done, lang),
          total: formatNumber(p.total, lang),
        })
      : t(bulk ? "live.bulkRunning" : "live.running");
  const short = p && p.total !== null ? `${formatNumber(p.done, lang)} / ${formatNumber(p.total, lang)}` : "";
  return (
    <Tooltip label={label}>
      <Badge
        component={Link}
        to={`/jobs/${running.id}`}
        variant="light"
        size="lg"
        style={{ cursor: "pointer", textTransform: "none" }}
        leftSection={<Loader size={12} color="amber" aria-hidden />}
        aria-label={label}
      >
        <Text span fz="xs" fw={600} visibleFrom="md">
          {label}
        </Text>
        <Text span fz="xs" fw={600} hiddenFrom="md">
          {short}
        </Text>
      </Badge>
    </Tooltip>
  );
}
