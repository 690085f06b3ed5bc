import { Button, Center, Group, Loader, Paper, Stack, Text, Title } from "@mantine/core";
import { IconRefresh } from "@tabler/icons-react";
import { Component, type ErrorInfo, type ReactNode, useEffect, useState } from "react";
import { useTranslation } from "react-i18next";
import { healthProbe, PROBE_DELAYS_MS, type Probe } from "../events/reachability";
import { isChunkLoadError } from "../pages/lazy";

/** When the boundary last reloaded the page by itself (sessionStorage, so per tab). */
export const AUTO_RELOAD_KEY = "psr-auto-reload-at";
/** A page that fails again this soon after a reload is not reloaded again: no reload loop. */
export const RELOAD_GUARD_MS = 10_000;

interface Props {
  children: ReactNode;
  /** A new value (the path) clears the error, so another page can be opened. */
  resetKey?: string;
  /** For tests: the health check, and what reloads the page. */
  probe?: Probe;
  reload?: () => void;
}

interface State {
  error: unknown;
  resetKey: string | undefined;
}

/**
 * Catches what would otherwise leave a white page: a page whose code cannot be loaded (the
 * server is down, or an upgrade renamed the chunks) and a page that fails to render.
 */
export class PageErrorBoundary extends Component<Props, State> {
  override state: State = { error: null, resetKey: this.props.resetKey };

  static getDerivedStateFromError(error: unknown): Partial<State> {
    return { error };
  }

  static getDerivedStateFromProps(props: Props, state: State): Partial<State> | null {
    return props.resetKey === state.resetKey ? null : { error: null, resetKey: props.resetKey };
  }

  override componentDidCatch(error: unknown, info: ErrorInfo): void {
    // The browser console is the one place this reaches; the page shows a translated text.
    console.error("page failed:", error, info.componentStack);
  }

  override render(): ReactNode {
    if (this.state.error === null) return this.props.children;
    return (
      <ReloadScreen
        chunk={isChunkLoadError(this.state.error)}
        probe={this.props.probe ?? healthProbe}
        reload={this.props.reload ?? (() => window.location.reload())}
      />
    );
  }
}

function recentlyReloaded(): boolean {
  const at = Number(sessionStorage.getItem(AUTO_RELOAD_KEY));
  return Number.isFinite(at) && Date.now() - at < RELOAD_GUARD_MS;
}

/** "Reload to continue"; for missing code it waits for the server and reloads by itself, once. */
function ReloadScreen({ chunk, probe, reload }: { chunk: boolean; probe: Probe; reload: () => void }) {
  const { t } = useTranslation();
  const [stuck] = useState(() => chunk && recentlyReloaded());
  const auto = chunk && !stuck;
  useEffect(() => {
    if (!auto) return;
    let cancelled = false;
    let timer: ReturnType<typeof setTimeout> | undefined;
    const check = async (attempt: number) => {
      if (await probe()) {
        if (cancelled) return;
        sessionStorage.setItem(AUTO_RELOAD_KEY, String(Date.now()));
        reload();
        return;
      }
      if (cancelled) return;
      const delay = PROBE_DELAYS_MS[Math.min(attempt, PROBE_DELAYS_MS.length - 1)];
      timer = setTimeout(() => void check(attempt + 1), delay);
    };
    void check(0);
    return () => {
      cancelled = true;
      clearTimeout(timer);
    };
  }, [auto, probe, reload]);
  return (
    <Center py="xl" px="sm">
      <Paper withBorder p="lg" maw={560} role="alert">
        <Stack gap="sm" align="flex-start">
          <Title order={1} fz="h3">
            {t("reload.title")}
          </Title>
          <Text>
            {chunk ? t("reload.chunk") : t("reload.render")} {auto && t("reload.auto")}
          </Text>
          {auto && (
            <Group gap="xs">
              <Loader size="xs" aria-hidden />
              <Text size="sm" c="dimmed">
                {t("reload.waiting")}
              </Text>
            </Group>
          )}
          {stuck && <Text size="sm">{t("reload.stuck")}</Text>}
          <Button leftSection={<IconRefresh size={16} aria-hidden />} onClick={reload}>
            {t("reload.button")}
          </Button>
        </Stack>
      </Paper>
    </Center>
  );
}
