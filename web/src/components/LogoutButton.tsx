import { ActionIcon, Tooltip } from "@mantine/core";
import { IconLogout } from "@tabler/icons-react";
import { useTranslation } from "react-i18next";
import { useNavigate } from "react-router";
import { useLogout } from "../auth/session";

export function LogoutButton() {
  const { t } = useTranslation();
  const logout = useLogout();
  const navigate = useNavigate();
  return (
    <Tooltip label={t("auth.logout")}>
      <ActionIcon
        variant="default"
        size="lg"
        aria-label={t("auth.logout")}
        loading={logout.isPending}
        onClick={() =>
          logout.mutate(undefined, { onSettled: () => void navigate("/login", { replace: true }) })
        }
      >
        <IconLogout size={18} stroke={1.6} />
      </ActionIcon>
    </Tooltip>
  );
}
