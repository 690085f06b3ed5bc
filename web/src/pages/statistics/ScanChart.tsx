// Fixed, failed and would-fix items per scan as stacked SVG bars. Hand-made rather than a chart
// library: three series of bars need no dependency, and the page stays small. Each series has
// its own pattern as well as its colour, and the legend names them, so colour is never the only
// signal; a visually hidden table carries the same figures for screen readers.
import { Group, Stack, Table, Text, VisuallyHidden } from "@mantine/core";
import { useElementSize } from "@mantine/hooks";
import { useId } from "react";
import { useTranslation } from "react-i18next";
import type { StatsScanPoint } from "../../../../src/contracts/schemas";
import { formatDateTime, formatNumber } from "../../lib/format";

const HEIGHT = 200;
/** Bars stay this narrow when there are only a few scans, so two scans do not fill the page. */
const MAX_BAR = 48;

type Series = "fixed" | "failed" | "wouldFix";
const SERIES: { key: Series; color: string }[] = [
  { key: "fixed", color: "var(--mantine-color-green-7)" },
  { key: "failed", color: "var(--mantine-color-red-7)" },
  { key: "wouldFix", color: "var(--mantine-color-blue-6)" },
];

function Patterns({ prefix }: { prefix: string }) {
  return (
    <defs>
      <pattern id={`${prefix}-fixed`} width="6" height="6" patternUnits="userSpaceOnUse">
        <rect width="6" height="6" fill={SERIES[0]!.color} />
      </pattern>
      <pattern
        id={`${prefix}-failed`}
        width="6"
        height="6"
        patternUnits="userSpaceOnUse"
        patternTransform="rotate(45)"
      >
        <rect width="6" height="6" fill={SERIES[1]!.color} />
        <rect width="2" height="6" fill="var(--mantine-color-body)" />
      </pattern>
      <pattern id={`${prefix}-wouldFix`} width="6" height="6" patternUnits="userSpaceOnUse">
        <rect width="6" height="6" fill={SERIES[2]!.color} />
        <circle cx="3" cy="3" r="1.3" fill="var(--mantine-color-body)" />
      </pattern>
    </defs>
  );
}

function Swatch({ prefix, series }: { prefix: string; series: Series }) {
  return (
    <svg width="16" height="16" aria-hidden="true" focusable="false">
      <rect width="16" height="16" rx="2" fill={`url(#${prefix}-${series})`} />
    </svg>
  );
}

export function ScanChart({ scans }: { scans: StatsScanPoint[] }) {
  const { t, i18n } = useTranslation();
  const prefix = useId().replace(/:/g, "");
  const lang = i18n.language;
  const max = Math.max(1, ...scans.map((s) => s.fixed + s.failed + s.wouldFix));
  // Drawn in the container's own pixels (measured), so the patterns are never stretched.
  const { ref, width: measured } = useElementSize<HTMLDivElement>();
  const width = Math.max(measured, 1);
  const slot = width / Math.max(scans.length, 1);
  // A gap between bars while they are wide enough to show one.
  const barWidth = Math.min(MAX_BAR, slot > 4 ? slot * 0.7 : slot);
  const first = scans[0];
  const last = scans[scans.length - 1];
  const summary = t("statistics.chart.summary", {
    count: scans.length,
    max: formatNumber(max, lang),
  });
  return (
    <Stack gap="xs">
      <Group gap="md" wrap="wrap">
        {SERIES.map((s) => (
          <Group key={s.key} gap={6} wrap="nowrap">
            <Swatch prefix={prefix} series={s.key} />
            <Text size="sm">{t(`statistics.series.${s.key}`)}</Text>
          </Group>
        ))}
      </Group>
      <Group gap={4} wrap="nowrap" align="stretch">
        <Stack justify="space-between" gap={0} aria-hidden="true">
          <Text size="xs" c="dimmed">
            {formatNumber(max, lang)}
          </Text>
          <Text size="xs" c="dimmed">
            {formatNumber(0, lang)}
          </Text>
        </Stack>
        <div ref={ref} style={{ flex: 1, minWidth: 0 }}>
          <svg
            viewBox={`0 0 ${width} ${HEIGHT}`}
            width="100%"
            height={HEIGHT}
            role="img"
            aria-label={summary}
            style={{ display: "block", borderBottom: "1px solid var(--mantine-color-default-border)" }}
            data-testid="scan-chart"
          >
            <Patterns prefix={prefix} />
            {scans.map((scan, i) => {
              let y = HEIGHT;
              return (
                <g key={scan.id} data-scan={scan.id}>
                  {/* A hover hint for mouse users; screen readers get the table below. */}
                  <title>
                    {`${formatDateTime(scan.startedAt, lang)}: ${SERIES.map((s) => `${t(`statistics.series.${s.key}`)} ${formatNumber(scan[s.key], lang)}`).join(", ")}`}
                  </title>
                  {SERIES.map((s) => {
                    const h = (scan[s.key] / max) * HEIGHT;
                    if (h <= 0) return null;
                    y -= h;
                    return (
                      <rect
                        key={s.key}
                        x={i * slot + (slot - barWidth) / 2}
                        y={y}
                        width={barWidth}
                        height={h}
                        fill={`url(#${prefix}-${s.key})`}
                      />
                    );
                  })}
                </g>
              );
            })}
          </svg>
        </div>
      </Group>
      {first && last && (
        <Group justify="space-between" gap="xs" aria-hidden="true">
          <Text size="xs" c="dimmed">
            {formatDateTime(first.startedAt, lang)}
          </Text>
          {last !== first && (
            <Text size="xs" c="dimmed">
              {formatDateTime(last.startedAt, lang)}
            </Text>
          )}
        </Group>
      )}
      <VisuallyHidden>
        <Table>
          <caption>{t("statistics.chart.caption")}</caption>
          <thead>
            <tr>
              <th scope="col">{t("statistics.chart.started")}</th>
              {SERIES.map((s) => (
                <th key={s.key} scope="col">
                  {t(`statistics.series.${s.key}`)}
                </th>
              ))}
            </tr>
          </thead>
          <tbody>
            {scans.map((scan) => (
              <tr key={scan.id}>
                <th scope="row">{formatDateTime(scan.startedAt, lang)}</th>
                {SERIES.map((s) => (
                  <td key={s.key}>{formatNumber(scan[s.key], lang)}</td>
                ))}
              </tr>
            ))}
          </tbody>
        </Table>
      </VisuallyHidden>
    </Stack>
  );
}
