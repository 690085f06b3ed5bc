// The selection bar of the Items page: how many items are selected, "select all N matching
// this filter", and the bulk actions, each behind a confirmation that names the count. The
// work runs on the server as a background job (POST /api/bulk), shown under Jobs.
import { Alert, Button, Group, Paper, Stack, Text } from "@mantine/core";
import { useElementSize, useMediaQuery } from "@mantine/hooks";
import { notifications } from "@mantine/notifications";
import { IconCheck, IconEye, IconEyeOff, IconRefresh, IconX } from "@tabler/icons-react";
import { useMutation, useQueryClient } from "@tanstack/react-query";
import { type ReactNode, useState } from "react";
import { useTranslation } from "react-i18next";
import type { BulkFilter, BulkStarted } from "../../../../src/contracts/bulk";
import { BULK_MAX_ITEMS, type BulkAction } from "../../../../src/contracts/bulk-constants";
import { api } from "../../api/client";
import { errorMessage } from "../../api/errors";
import { ConfirmModal } from "../../components/ConfirmModal";
import { formatNumber } from "../../lib/format";
import { BulkPreviewList, useBulkPreview } from "./BulkPreview";
import { announceBulkJob } from "./BulkSummary";
import { IgnoreReasonField } from "./IgnoreReasonField";

export type BulkSelection = { ratingKeys: string[] } | { filter: BulkFilter };

export interface BulkBarProps {
  /** Items selected (every match of the filter when `allMatching`). */
  count: number;
  /** Items the filter matches across all pages. */
  total: number;
  /** Every item of this page is selected, so the whole filter can be offered. */
  pageSelected: boolean;
  allMatching: boolean;
  onSelectAllMatching: () => void;
  onClear: () => void;
  selection: () => BulkSelection;
  onStarted: () => void;
}

const ACTIONS: { action: BulkAction; icon: ReactNode }[] = [
  { action: "refresh", icon: <IconRefresh size={16} aria-hidden /> },
  { action: "accept_top", icon: <IconCheck size={16} aria-hidden /> },
  { action: "ignore", icon: <IconEyeOff size={16} aria-hidden /> },
  { action: "unignore", icon: <IconEye size={16} aria-hidden /> },
];

export function BulkBar(props: BulkBarProps) {
  const { t, i18n } = useTranslation();
  const phone = useMediaQuery("(max-width: 48em)");
  const { ref, height } = useElementSize();
  const client = useQueryClient();
  const [pending, setPending] = useState<BulkAction | null>(null);
  const [reason, setReason] = useState("");
  const lang = i18n.language;
  const items = (count: number) => t("bulk.summary.items", { count, formatted: formatNumber(count, lang) });
  const start = useMutation({
    mutationFn: (body: Record<string, unknown>) => api<BulkStarted>("/api/bulk", { method: "POST", body }),
    onSuccess: (started) => {
      announceBulkJob(started.id);
      void client.invalidateQueries({ queryKey: ["scans"] });
      notifications.show({
        color: "blue",
        title: t("bulk.started.title", { action: t(`bulk.action.${started.action}`), id: started.id }),
        message: t("bulk.started.text", { items: items(started.total), id: started.id }),
      });
      setPending(null);
      setReason("");
      props.onStarted();
    },
  });
  // Accepting candidates is listed item by item before it runs: ties and unclear items show why.
  const preview = useBulkPreview(pending === "accept_top" ? pending : null, props.selection);
  const acting = pending === "accept_top" ? (preview.data?.acting ?? 0) : props.count;
  const tooMany = props.total > BULK_MAX_ITEMS;
  const close = () => {
    setPending(null);
    start.reset();
  };

  return (
    <>
      {/* Room at the end of the list, so the fixed bar never covers the last rows. */}
      <div style={{ height: height + 32 }} aria-hidden />
      <Paper
        ref={ref}
        withBorder
        shadow="md"
        p="sm"
        radius={0}
        role="region"
        aria-label={t("bulk.bar")}
        // Fixed to the bottom of the viewport beside the navbar (AppShell's offset).
        style={{
          position: "fixed",
          bottom: 0,
          left: "var(--app-shell-navbar-offset, 0rem)",
          right: 0,
          zIndex: 150,
        }}
      >
        <Stack gap="xs">
          <Group gap="xs" justify="space-between" wrap="wrap">
            <Text fw={600} size="sm" aria-live="polite">
              {props.allMatching
                ? t("bulk.allSelected", { items: items(props.count) })
                : t("bulk.selected", { items: items(props.count) })}
            </Text>
            <Group gap="xs" wrap="wrap">
              {props.pageSelected && !props.allMatching && props.total > props.count && (
                <Button
                  variant="subtle"
                  size="compact-sm"
                  onClick={props.onSelectAllMatching}
                  disabled={tooMany}
                >
                  {t("bulk.selectAllMatching", { items: items(props.total) })}
                </Button>
              )}
              <Button
                variant="subtle"
                color="gray"
                size="compact-sm"
                leftSection={<IconX size={14} aria-hidden />}
                onClick={props.onClear}
              >
                {t("bulk.clear")}
              </Button>
            </Group>
          </Group>
          {props.pageSelected && !props.allMatching && tooMany && (
            <Text size="xs" c="dimmed">
              {t("bulk.limit", { max: formatNumber(BULK_MAX_ITEMS, lang) })}
            </Text>
          )}
          <Group gap="xs" role="group" aria-label={t("bulk.actions")} wrap="wrap">
            {ACTIONS.map(({ action, icon }) => (
              <Button
                key={action}
                size={phone ? "xs" : "sm"}
                variant={action === "refresh" ? "filled" : "default"}
                leftSection={icon}
                onClick={() => setPending(action)}
              >
                {t(`bulk.button.${action}`)}
              </Button>
            ))}
          </Group>
        </Stack>
        <ConfirmModal
          opened={pending !== null}
          title={pending ? t(`bulk.confirm.title.${pending}`, { items: items(props.count) }) : ""}
          confirmLabel={pending ? t(`bulk.confirm.button.${pending}`, { items: items(acting) }) : ""}
          loading={start.isPending || (pending === "accept_top" && preview.isPending)}
          onClose={close}
          onConfirm={() => {
            if (!pending || start.isPending || acting === 0) return;
            start.mutate({
              action: pending,
              ...props.selection(),
              ...(pending === "ignore" && reason.trim() ? { reason: reason.trim() } : {}),
            });
          }}
        >
          <Stack gap="sm">
            {pending && <Text size="sm">{t(`bulk.confirm.text.${pending}`)}</Text>}
            <Text size="sm" c="dimmed">
              {t("bulk.confirm.job")}
            </Text>
            {pending === "ignore" && <IgnoreReasonField value={reason} onChange={setReason} />}
            {pending === "accept_top" && <BulkPreviewList query={preview} />}
            {start.isError && (
              <Alert color="red" variant="light" role="alert">
                {errorMessage(t, start.error)}
              </Alert>
            )}
          </Stack>
        </ConfirmModal>
      </Paper>
    </>
  );
}
