// "Apply these N fixes" after a dry run: the run's proposals become a real job on the server,
// which reads and checks every item again before it changes anything (POST /api/scans/:id/apply).
import { Alert, Anchor, Button, Group, Paper, Stack, Text } from "@mantine/core";
import { notifications } from "@mantine/notifications";
import { IconTool } from "@tabler/icons-react";
import { useState } from "react";
import { useTranslation } from "react-i18next";
import { useNavigate } from "react-router";
import { APPLY_SOURCE, BULK_SOURCE } from "../../../src/contracts/bulk-constants";
import { isActiveStatus } from "../../../src/contracts/constants";
import type { ScanResource } from "../../../src/contracts/schemas";
import { errorMessage } from "../api/errors";
import { useApplyFixes } from "../api/queries";
import { formatNumber } from "../lib/format";
import { announceApplyJob } from "./ApplySummary";
import { ConfirmModal } from "./ConfirmModal";

/** How many fixes a finished dry run proposed; 0 for any other job. */
export function proposedFixes(scan: Pick<ScanResource, "source" | "status" | "settings" | "stats">): number {
  if (scan.source === BULK_SOURCE || scan.source === APPLY_SOURCE) return 0;
  if (scan.settings.dryRun !== true || isActiveStatus(scan.status)) return 0;
  const n = scan.stats?.wouldFix;
  return typeof n === "number" && n > 0 ? n : 0;
}

export function ApplyFixes({ scan }: { scan: ScanResource }) {
  const { t, i18n } = useTranslation();
  const [open, setOpen] = useState(false);
  const apply = useApplyFixes();
  const navigate = useNavigate();
  const count = proposedFixes(scan);
  if (count === 0) return null;
  const n = { count, formatted: formatNumber(count, i18n.language) };
  const close = () => {
    setOpen(false);
    apply.reset();
  };
  const onConfirm = () => {
    if (apply.isPending) return;
    apply.mutate(scan.id, {
      onSuccess: (started) => {
        announceApplyJob(started.id);
        close();
        notifications.show({
          color: "blue",
          message: (
            <Stack gap={2}>
              <Text size="sm">{t("applyFixes.started", { id: started.id, from: started.fromJobId })}</Text>
              {/* Toasts live outside the router: a plain link, followed in the app. */}
              <Anchor
                href={`/jobs/${started.id}`}
                size="sm"
                onClick={(event) => {
                  event.preventDefault();
                  void navigate(`/jobs/${started.id}`);
                }}
              >
                {t("applyFixes.follow", { id: started.id })}
              </Anchor>
            </Stack>
          ),
        });
      },
    });
  };
  return (
    <Paper withBorder p="sm" aria-labelledby="apply-fixes-text">
      <Group justify="space-between" gap="sm" wrap="wrap">
        <Text size="sm" id="apply-fixes-text" style={{ flex: "1 1 16rem" }}>
          {t("applyFixes.found", { ...n, id: scan.id })}
        </Text>
        <Button leftSection={<IconTool size={18} aria-hidden />} onClick={() => setOpen(true)}>
          {t("applyFixes.button", n)}
        </Button>
      </Group>
      <ConfirmModal
        opened={open}
        title={t("applyFixes.confirmTitle", n)}
        confirmLabel={t("applyFixes.button", n)}
        loading={apply.isPending}
        onClose={close}
        onConfirm={onConfirm}
      >
        <Stack gap="sm">
          <Text size="sm">{t("applyFixes.confirmText")}</Text>
          {apply.isError && (
            <Alert color="red" variant="light" role="alert">
              {errorMessage(t, apply.error)}
            </Alert>
          )}
        </Stack>
      </ConfirmModal>
    </Paper>
  );
}
