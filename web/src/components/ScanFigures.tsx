import { Group, Text } from "@mantine/core";
import { useTranslation } from "react-i18next";
import type { ScanStats } from "../../../src/contracts/schemas";
import { formatNumber } from "../lib/format";

/**
 * The main figures of a scan in one compact line: checked, fixed, would fix, failed; `full`
 * adds the others that are not zero (the job page's summary, worded here, not by the server).
 */
export function ScanFigures({ stats, full = false }: { stats: ScanStats | null; full?: boolean }) {
  const { t, i18n } = useTranslation();
  if (!stats)
    return (
      <Text c="dimmed" size="sm">
        {t("common.none")}
      </Text>
    );
  const lang = i18n.language;
  const parts: [string, number][] = [
    [t("lastScan.checked"), stats.checked],
    [t("lastScan.fixed"), stats.fixed],
    [t("lastScan.wouldFix"), stats.wouldFix],
    [t("lastScan.failed"), stats.failed],
  ];
  if (full) {
    const more: [string, number | undefined][] = [
      [t("lastScan.matched"), stats.matched],
      [t("lastScan.needsReview"), stats.needsReview],
      [t("lastScan.locked"), stats.locked],
      [t("lastScan.skipped"), stats.skipped],
      [t("lastScan.errors"), stats.errors],
    ];
    for (const [label, value] of more) if (typeof value === "number" && value > 0) parts.push([label, value]);
  }
  return (
    <Group gap="sm" wrap="wrap">
      {parts.map(([label, value]) => (
        <Text key={label} size="sm" className="nowrap">
          <Text span c="dimmed" size="sm">
            {label}
          </Text>{" "}
          <Text span fw={600} size="sm">
            {formatNumber(value, lang)}
          </Text>
        </Text>
      ))}
    </Group>
  );
}
