import { Button } from "@mantine/core";
import { IconPlayerPause, IconPlayerPlay } from "@tabler/icons-react";
import { useTranslation } from "react-i18next";

/** Pauses and resumes a log's auto-scroll (the dashboard's tail and a job's page share it). */
export function FollowToggle({ paused, onToggle }: { paused: boolean; onToggle: () => void }) {
  const { t } = useTranslation();
  return (
    <Button
      size="xs"
      variant="default"
      leftSection={
        paused ? <IconPlayerPlay size={14} aria-hidden /> : <IconPlayerPause size={14} aria-hidden />
      }
      onClick={onToggle}
      aria-pressed={paused}
    >
      {paused ? t("log.resume") : t("log.pause")}
    </Button>
  );
}
