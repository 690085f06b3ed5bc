// The dashboard's watch mode card: whether the watcher listens to Plex, and what it handled
// today (checked, fixed, failed). Polls GET /api/watch/status; it changes slowly.
import { Anchor, Badge, Group, Paper, Text } from "@mantine/core";
import { IconEye, IconEyeOff, IconPlugConnectedX } from "@tabler/icons-react";
import { useQuery } from "@tanstack/react-query";
import { useTranslation } from "react-i18next";
import { Link } from "react-router";
import type { WatchState, WatchStatus } from "../../../src/contracts/watch";
import { api } from "../api/client";
import { formatNumber } from "../lib/format";

const COLOR: Record<WatchState, string> = {
  connected: "green",
  connecting: "yellow",
  disconnected: "red",
  unconfigured: "gray",
  off: "gray",
};

export function useWatchStatus() {
  return useQuery({
    queryKey: ["watch-status"],
    queryFn: ({ signal }) => api<WatchStatus>("/api/watch/status", { signal }),
    refetchInterval: 10_000,
  });
}

export function WatchCard() {
  const { t, i18n } = useTranslation();
  const status = useWatchStatus();
  const s = status.data;
  if (!s) return null;
  const Icon = s.state === "connected" ? IconEye : s.state === "off" ? IconEyeOff : IconPlugConnectedX;
  // The separator stays with the figure after it, so a narrow screen never ends a line with it.
  const figure = (key: "checked" | "fixed" | "failed", separated: boolean) => (
    <Text size="sm" span style={{ whiteSpace: "nowrap" }}>
      {separated && (
        <Text span c="dimmed" aria-hidden mr={8}>
          ·
        </Text>
      )}
      {t(`watch.${key}`, { n: formatNumber(s.today[key], i18n.language) })}
    </Text>
  );
  return (
    <Paper withBorder p="sm" component="section" aria-label={t("watch.title")} data-testid="watch-card">
      <Group gap="lg" wrap="wrap">
        <Badge
          variant="light"
          color={COLOR[s.state]}
          size="lg"
          leftSection={<Icon size={14} aria-hidden />}
          style={{ textTransform: "none" }}
        >
          {t(`watch.state.${s.state}`)}
        </Badge>
        {s.state !== "off" && (
          <Group gap="xs" wrap="wrap">
            <Text size="sm" span>
              {t("watch.today")}
            </Text>
            {figure("checked", false)}
            {figure("fixed", true)}
            {figure("failed", true)}
          </Group>
        )}
        {s.queueDepth > 0 && (
          <Text size="sm" c="dimmed">
            {t("watch.waiting", { n: formatNumber(s.queueDepth, i18n.language) })}
          </Text>
        )}
        {s.waitingForScan && (
          <Text size="sm" c="dimmed">
            {t("watch.waitsForScan")}
          </Text>
        )}
        <Anchor component={Link} to="/settings#settings-watch" size="sm">
          {t("watch.settings")}
        </Anchor>
      </Group>
    </Paper>
  );
}
