import {
  Alert,
  Box,
  Button,
  Center,
  Group,
  Paper,
  PasswordInput,
  Stack,
  Text,
  TextInput,
  Title,
} from "@mantine/core";
import { IconAlertCircle, IconClockPause, IconRefreshDot } from "@tabler/icons-react";
import { useEffect, useState } from "react";
import { useTranslation } from "react-i18next";
import { Navigate, useLocation, useNavigate } from "react-router";
import { ApiError, errorMessage } from "../api/errors";
import type { LoginRedirectState } from "../auth/RequireAuth";
import { useLogin, useMe } from "../auth/session";
import { LanguageSwitch } from "../components/LanguageSwitch";
import { ThemeSwitch } from "../components/ThemeSwitch";
import { PRODUCT_NAME } from "../product";

/** Only paths inside the app are followed after login. */
export function safeReturnPath(from: unknown): string {
  return typeof from === "string" &&
    from.startsWith("/") &&
    !from.startsWith("//") &&
    !from.startsWith("/login")
    ? from
    : "/";
}

function useCountdown(until: number | null): number {
  const [now, setNow] = useState(() => Date.now());
  useEffect(() => {
    if (until === null) return;
    setNow(Date.now());
    const timer = setInterval(() => setNow(Date.now()), 1000);
    return () => clearInterval(timer);
  }, [until]);
  return until === null ? 0 : Math.max(0, Math.ceil((until - now) / 1000));
}

export function LoginPage() {
  const { t } = useTranslation();
  const me = useMe();
  const login = useLogin();
  const navigate = useNavigate();
  const location = useLocation();
  const from = safeReturnPath((location.state as LoginRedirectState | null)?.from);
  const [username, setUsername] = useState("");
  const [password, setPassword] = useState("");
  const [lockedUntil, setLockedUntil] = useState<number | null>(null);
  const [expired] = useState(() => sessionStorage.getItem("psr-session-expired") === "1");
  const remaining = useCountdown(lockedUntil);

  useEffect(() => {
    document.title = `${t("auth.title")} · ${PRODUCT_NAME}`;
    sessionStorage.removeItem("psr-session-expired");
  }, [t]);

  if (me.data) return <Navigate to={from} replace />;

  const submit = (event: React.FormEvent) => {
    event.preventDefault();
    login.mutate(
      { username, password },
      {
        onSuccess: () => void navigate(from, { replace: true }),
        onError: (error) => {
          if (error instanceof ApiError && error.status === 429 && error.retryAfterSeconds) {
            setLockedUntil(Date.now() + error.retryAfterSeconds * 1000);
          }
        },
      },
    );
  };

  const locked = remaining > 0;
  const minutes = Math.floor(remaining / 60);
  const seconds = String(remaining % 60).padStart(2, "0");
  const showError =
    login.isError && !(login.error instanceof ApiError && login.error.status === 429 && locked);

  return (
    <Box component="main" mih="100vh" p="md">
      <Group justify="flex-end" gap={6}>
        <ThemeSwitch />
        <LanguageSwitch />
      </Group>
      <Center mt={{ base: "md", sm: 60 }}>
        <Paper withBorder shadow="sm" p={{ base: "md", sm: "xl" }} radius="md" w="100%" maw={400}>
          <Stack gap="md">
            <Group gap="xs" wrap="nowrap">
              <IconRefreshDot size={28} color="var(--mantine-color-amber-5)" aria-hidden />
              <Text fw={700}>{PRODUCT_NAME}</Text>
            </Group>
            <Title order={1} fz="h3">
              {t("auth.title")}
            </Title>
            {expired && !login.isError && (
              <Alert color="amber" variant="light" role="status">
                {t("auth.sessionExpired")}
              </Alert>
            )}
            {locked && (
              <Alert color="red" variant="light" icon={<IconClockPause aria-hidden />} role="alert">
                {t("auth.lockedCountdown", { time: `${minutes}:${seconds}` })}
              </Alert>
            )}
            {showError && (
              <Alert color="red" variant="light" icon={<IconAlertCircle aria-hidden />} role="alert">
                {errorMessage(t, login.error)}
              </Alert>
            )}
            <form onSubmit={submit} noValidate>
              <Stack gap="sm">
                <TextInput
                  label={t("auth.username")}
                  autoComplete="username"
                  value={username}
                  onChange={(e) => setUsername(e.currentTarget.value)}
                  required
                  autoFocus
                />
                <PasswordInput
                  label={t("auth.password")}
                  autoComplete="current-password"
                  visibilityToggleButtonProps={{ "aria-label": t("auth.showPassword") }}
                  value={password}
                  onChange={(e) => setPassword(e.currentTarget.value)}
                  required
                />
                <Button type="submit" loading={login.isPending} disabled={locked} mt="xs">
                  {t("auth.submit")}
                </Button>
              </Stack>
            </form>
          </Stack>
        </Paper>
      </Center>
    </Box>
  );
}
