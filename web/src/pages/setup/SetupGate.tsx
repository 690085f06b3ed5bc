// Sends a logged-in user to the setup while it is needed (no Plex token, or the connection
// failed at start); otherwise renders the app. If the question itself fails, the app opens
// anyway: its pages say what is wrong.
import { Center, Loader } from "@mantine/core";
import type { ReactNode } from "react";
import { useTranslation } from "react-i18next";
import { Navigate } from "react-router";
import { useSetupStatus } from "./api";

export function SetupGate({ children }: { children: ReactNode }) {
  const { t } = useTranslation();
  const status = useSetupStatus();
  if (status.isPending) {
    return (
      <Center h="100vh">
        <Loader role="status" aria-label={t("common.loading")} />
      </Center>
    );
  }
  if (status.data?.needed) return <Navigate to="/setup" replace />;
  return children;
}
