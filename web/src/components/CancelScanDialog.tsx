import { Text } from "@mantine/core";
import { notifications } from "@mantine/notifications";
import { useTranslation } from "react-i18next";
import { errorMessage } from "../api/errors";
import { useCancelScan } from "../api/queries";
import { ConfirmModal } from "./ConfirmModal";

/** Asks before cancelling a scan, sends the cancel and reports the outcome (dashboard and job page). */
export function CancelScanDialog({
  scanId,
  opened,
  onClose,
}: {
  scanId: number;
  opened: boolean;
  onClose: () => void;
}) {
  const { t } = useTranslation();
  const cancelScan = useCancelScan();
  return (
    <ConfirmModal
      opened={opened}
      onClose={onClose}
      title={t("cancelScan.title")}
      confirmLabel={t("cancelScan.button")}
      confirmColor="red.9"
      loading={cancelScan.isPending}
      onConfirm={() =>
        cancelScan.mutate(scanId, {
          onSuccess: () => {
            onClose();
            notifications.show({ message: t("cancelScan.requested") });
          },
          onError: (error) => {
            onClose();
            notifications.show({ color: "red", title: t("errors.title"), message: errorMessage(t, error) });
          },
        })
      }
    >
      <Text>{t("cancelScan.text", { id: scanId })}</Text>
    </ConfirmModal>
  );
}
