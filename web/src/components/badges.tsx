// State badges: always an icon AND the text, never colour alone.
import { Badge, type BadgeProps, Loader } from "@mantine/core";
import {
  IconAlertTriangle,
  IconBan,
  IconCircleCheck,
  IconCircleX,
  IconClock,
  IconEye,
  IconEyeOff,
  IconFlask,
  IconHourglass,
  IconLock,
  IconPlayerSkipForward,
  IconPlayerStop,
  IconPlugConnectedX,
  IconTool,
} from "@tabler/icons-react";
import type { ComponentType } from "react";
import { useTranslation } from "react-i18next";
import type { ItemState, ScanStatus } from "../../../src/contracts/constants";

type Icon = ComponentType<{ size?: number; stroke?: number; "aria-hidden"?: boolean }>;

export const ITEM_STATE_LOOK: Record<ItemState, { color: string; icon: Icon }> = {
  fixed: { color: "green", icon: IconCircleCheck },
  failed: { color: "red", icon: IconCircleX },
  would_fix: { color: "blue", icon: IconTool },
  needs_review: { color: "orange", icon: IconEye },
  locked: { color: "grape", icon: IconLock },
  skipped: { color: "gray", icon: IconPlayerSkipForward },
  error: { color: "red", icon: IconAlertTriangle },
  ignored: { color: "dark", icon: IconEyeOff },
  waiting: { color: "cyan", icon: IconHourglass },
};

export function ItemStateBadge({ state, ...props }: { state: ItemState } & BadgeProps) {
  const { t } = useTranslation();
  const look = ITEM_STATE_LOOK[state] ?? { color: "gray", icon: IconAlertTriangle };
  const Icon = look.icon;
  return (
    <Badge
      variant="light"
      color={look.color}
      leftSection={<Icon size={14} stroke={2} aria-hidden />}
      style={{ textTransform: "none", minWidth: "max-content" }}
      {...props}
    >
      {t(`itemState.${state}`, { defaultValue: state })}
    </Badge>
  );
}

const SCAN_LOOK: Record<ScanStatus, { color: string; icon: Icon | null }> = {
  queued: { color: "gray", icon: IconClock },
  running: { color: "amber", icon: null },
  success: { color: "green", icon: IconCircleCheck },
  failed: { color: "red", icon: IconCircleX },
  cancelled: { color: "gray", icon: IconPlayerStop },
  interrupted: { color: "orange", icon: IconPlugConnectedX },
};

export function ScanStatusBadge({ status, ...props }: { status: ScanStatus } & BadgeProps) {
  const { t } = useTranslation();
  const look = SCAN_LOOK[status] ?? { color: "gray", icon: IconBan };
  const Icon = look.icon;
  return (
    <Badge
      variant="light"
      color={look.color}
      leftSection={Icon ? <Icon size={14} stroke={2} aria-hidden /> : <Loader size={10} aria-hidden />}
      style={{ textTransform: "none", minWidth: "max-content" }}
      {...props}
    >
      {t(`scanStatus.${status}`, { defaultValue: status })}
    </Badge>
  );
}

/** Marks a dry run (nothing in Plex was changed). */
export function DryRunBadge(props: BadgeProps) {
  const { t } = useTranslation();
  return (
    <Badge
      variant="outline"
      color="gray"
      leftSection={<IconFlask size={14} stroke={2} aria-hidden />}
      style={{ textTransform: "none", minWidth: "max-content" }}
      {...props}
    >
      {t("startScan.dryRun")}
    </Badge>
  );
}
