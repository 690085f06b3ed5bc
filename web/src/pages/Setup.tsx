// The first-run setup (/setup): connect Plex, choose the libraries and the schedule, done. The
// app opens it instead of the dashboard while no token is set or the connection failed at start
// (GET /api/setup); it can be opened again at any time.
import { Alert, Box, Center, Group, Loader, Paper, Progress, Stack, Text, Title } from "@mantine/core";
import { IconAlertTriangle, IconRefreshDot } from "@tabler/icons-react";
import { useQueryClient } from "@tanstack/react-query";
import { useState } from "react";
import { useTranslation } from "react-i18next";
import { useNavigate } from "react-router";
import { useSettings } from "../api/queries";
import { ErrorState } from "../components/ErrorState";
import { LanguageSwitch } from "../components/LanguageSwitch";
import { LogoutButton } from "../components/LogoutButton";
import { ThemeSwitch } from "../components/ThemeSwitch";
import { PRODUCT_NAME } from "../product";
import type { LibraryDraft } from "./settings/PlexSections";
import { setupKeys, usePlexConnection, useSetupStatus } from "./setup/api";
import {
  ConnectionStep,
  DoneStep,
  LibrariesStep,
  type ScheduleChoice,
  ScheduleStep,
  type ServerInfo,
  scheduleChoiceOf,
} from "./setup/Steps";

const STEPS = ["connection", "libraries", "schedule", "done"] as const;

/** Where the user is: every step's name on a wide screen, "step 2 of 4" and a bar on a phone. */
function StepProgress({ active }: { active: number }) {
  const { t } = useTranslation();
  const label = (i: number) => t(`setup.steps.${STEPS[i]}`);
  return (
    <nav aria-label={t("setup.progress")}>
      <Box hiddenFrom="sm">
        <Text size="sm" fw={500}>
          {t("setup.stepOf", { step: active + 1, total: STEPS.length, name: label(active) })}
        </Text>
        <Progress value={((active + 1) / STEPS.length) * 100} size="sm" mt={6} aria-hidden />
      </Box>
      <Group component="ol" visibleFrom="sm" gap="lg" wrap="nowrap" m={0} p={0} style={{ listStyle: "none" }}>
        {STEPS.map((step, i) => (
          <Group
            component="li"
            key={step}
            gap={8}
            wrap="nowrap"
            aria-current={i === active ? "step" : undefined}
          >
            <Center
              w={28}
              h={28}
              style={{
                borderRadius: "50%",
                flexShrink: 0,
                fontWeight: 700,
                fontSize: 14,
                color: i <= active ? "var(--mantine-color-white)" : "var(--mantine-color-dimmed)",
                background: i <= active ? "var(--mantine-primary-color-filled)" : "transparent",
                border: `1px solid ${i <= active ? "var(--mantine-primary-color-filled)" : "var(--mantine-color-default-border)"}`,
              }}
              aria-hidden
            >
              {i + 1}
            </Center>
            <Text size="sm" fw={i === active ? 700 : 400} c={i <= active ? undefined : "dimmed"}>
              {label(i)}
            </Text>
          </Group>
        ))}
      </Group>
    </nav>
  );
}

export default function SetupPage() {
  const { t } = useTranslation();
  const navigate = useNavigate();
  const client = useQueryClient();
  const connection = usePlexConnection();
  const status = useSetupStatus();
  const settings = useSettings();
  const [active, setActive] = useState(0);
  const [server, setServer] = useState<ServerInfo | null>(null);
  const [libraries, setLibraries] = useState<LibraryDraft | null>(null);
  const [schedule, setSchedule] = useState<ScheduleChoice | null>(null);
  const s = settings.data?.settings as Record<string, unknown> | undefined;
  const initialLibraries: LibraryDraft = libraries ?? {
    libraries: (s?.libraries as string[] | undefined) ?? [],
    includePersonal: (s?.includePersonal as boolean | undefined) ?? false,
  };
  const initialSchedule = schedule ?? scheduleChoiceOf(s?.schedule as Record<string, unknown> | undefined);
  // The app asks again whether the setup is needed (a cached "yes" would lead straight back).
  const finish = () => {
    client.removeQueries({ queryKey: setupKeys.status });
    void navigate("/", { replace: true });
  };
  const error = connection.error ?? settings.error;
  return (
    <Box component="main" mih="100vh" p={{ base: "sm", sm: "md" }}>
      <Group justify="space-between" gap={6} wrap="nowrap">
        <Group gap="xs" wrap="nowrap" miw={0}>
          <IconRefreshDot size={24} color="var(--mantine-color-amber-5)" aria-hidden />
          <Text fw={700} truncate>
            {PRODUCT_NAME}
          </Text>
        </Group>
        <Group gap={6} wrap="nowrap">
          <ThemeSwitch />
          <LanguageSwitch />
          <LogoutButton />
        </Group>
      </Group>
      <Center mt={{ base: "md", sm: 40 }}>
        <Paper withBorder shadow="sm" p={{ base: "md", sm: "xl" }} radius="md" w="100%" maw={720}>
          <Stack gap="lg">
            <div>
              <Title order={1} fz="h3">
                {t("setup.title")}
              </Title>
              <Text size="sm" c="dimmed" mt={4}>
                {t("setup.intro")}
              </Text>
            </div>
            <StepProgress active={active} />
            {error && (
              <ErrorState
                error={error}
                onRetry={() => {
                  void connection.refetch();
                  void settings.refetch();
                }}
              />
            )}
            {!error && (connection.isPending || settings.isPending) && (
              <Center py="xl">
                <Loader role="status" aria-label={t("common.loading")} />
              </Center>
            )}
            {connection.data && settings.data && (
              <>
                {active === 0 && status.data?.reason === "connection_failed" && (
                  <Alert color="yellow" icon={<IconAlertTriangle size={18} />}>
                    {t("setup.connectionFailedAtStart")}
                  </Alert>
                )}
                {active === 0 && (
                  <ConnectionStep
                    view={connection.data}
                    onDone={(info) => {
                      setServer(info);
                      setActive(1);
                    }}
                  />
                )}
                {active === 1 && (
                  <LibrariesStep
                    initial={initialLibraries}
                    onBack={() => setActive(0)}
                    onDone={(chosen) => {
                      setLibraries(chosen);
                      setActive(2);
                    }}
                  />
                )}
                {active === 2 && (
                  <ScheduleStep
                    initial={initialSchedule}
                    onBack={() => setActive(1)}
                    onDone={(choice) => {
                      setSchedule(choice);
                      setActive(3);
                    }}
                  />
                )}
                {active === 3 && (
                  <DoneStep
                    server={server}
                    libraries={initialLibraries}
                    schedule={initialSchedule}
                    onBack={() => setActive(2)}
                    onFinish={finish}
                  />
                )}
              </>
            )}
          </Stack>
        </Paper>
      </Center>
    </Box>
  );
}
