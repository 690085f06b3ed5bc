import { Center, Loader } from "@mantine/core";
import type { ReactNode } from "react";
import { useTranslation } from "react-i18next";
import { Navigate, useLocation } from "react-router";
import { ErrorState } from "../components/ErrorState";
import { useMe } from "./session";

export interface LoginRedirectState {
  from?: string;
}

/** Renders its children for a logged-in user; otherwise the login page, remembering where we were. */
export function RequireAuth({ children }: { children: ReactNode }) {
  const me = useMe();
  const location = useLocation();
  const { t } = useTranslation();
  if (me.isPending) {
    return (
      <Center h="100vh">
        <Loader role="status" aria-label={t("common.loading")} />
      </Center>
    );
  }
  if (me.isError) return <ErrorState error={me.error} onRetry={() => void me.refetch()} />;
  if (!me.data) {
    const from = `${location.pathname}${location.search}${location.hash}`;
    return <Navigate to="/login" replace state={{ from } satisfies LoginRedirectState} />;
  }
  return children;
}
