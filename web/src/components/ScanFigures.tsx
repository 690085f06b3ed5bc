import { Group, Text } from "@mantine/core";
import { useTranslation } from "react-i18next";
import type { ScanStats } from "../../../src/contracts/schemas";
import { formatNumber } from "../lib/format";

/** The main figures of a scan in one compact line: checked, fixed, would fix, failed. */
export function ScanFigures({ stats }: { stats: ScanStats | null }) {
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
