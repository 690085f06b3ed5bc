// Notifications: the events, and per agent its fields and a test that shows the agent's answer.
// Secrets arrive masked (••••1234); sending a mask back unchanged keeps the stored secret, as
// long as its destination stays the same (the server says which field needs it again).
import {
  Alert,
  Button,
  Card,
  Checkbox,
  Group,
  NumberInput,
  Stack,
  Switch,
  Text,
  TextInput,
  Title,
} from "@mantine/core";
import { IconAlertCircle, IconCircleCheck, IconSend } from "@tabler/icons-react";
import type { ReactNode } from "react";
import { useTranslation } from "react-i18next";
import { errorMessage } from "../../api/errors";
import { useNotificationTest, useSaveSettings } from "./api";
import { fieldError, SettingsSection, sectionSave, useDraft } from "./shared";

export interface NotificationsDraft {
  events: { scanFinished: boolean; scanFailed: boolean; needsReview: boolean };
  telegram: { enabled: boolean; botToken: string; chatId: string; topicId?: number; apiBase?: string };
  discord: { enabled: boolean; webhookUrl: string };
  ntfy: { enabled: boolean; serverUrl: string; topic: string; token?: string; priority?: number };
  webhook: { enabled: boolean; url: string; headers?: Record<string, string> };
}

type Agent = "telegram" | "discord" | "ntfy" | "webhook";
const EVENTS = ["scanFinished", "scanFailed", "needsReview"] as const;

export function NotificationsSection({ settings }: { settings: NotificationsDraft }) {
  const { t } = useTranslation();
  const save = useSaveSettings();
  const form = useDraft<NotificationsDraft>(settings);
  const d = form.draft;
  const set = <A extends Agent>(agent: A, patch: Partial<NotificationsDraft[A]>) =>
    form.setDraft((old) => ({ ...old, [agent]: { ...old[agent], ...patch } }));
  const err = (path: string) => fieldError(t, save.error, `notifications.${path}`);
  const text = (
    agent: Agent,
    field: string,
    value: string,
    opts: { secret?: boolean; hint?: string } = {},
  ) => (
    <TextInput
      label={t(`settings.notifications.${agent}.${field}`)}
      description={opts.secret ? t("settings.notifications.secretHint") : opts.hint}
      value={value}
      onChange={(e) => set(agent, { [field]: e.currentTarget.value } as never)}
      error={err(`${agent}.${field}`)}
      autoComplete="off"
      spellCheck={false}
    />
  );
  return (
    <SettingsSection
      id="notifications"
      title={t("settings.notifications.title")}
      description={t("settings.notifications.description")}
      save={sectionSave(
        form,
        save,
        () => ({ notifications: d }),
        (saved) => saved.notifications as NotificationsDraft,
      )}
    >
      <Stack gap={4} role="group" aria-labelledby="notify-events-label">
        <Text size="sm" fw={500} id="notify-events-label">
          {t("settings.notifications.events")}
        </Text>
        <Group gap="lg">
          {EVENTS.map((event) => (
            <Checkbox
              key={event}
              label={t(`settings.notifications.event.${event}`)}
              checked={d.events[event]}
              onChange={(e) => form.update({ events: { ...d.events, [event]: e.currentTarget.checked } })}
            />
          ))}
        </Group>
      </Stack>
      <AgentCard
        agent="telegram"
        enabled={d.telegram.enabled}
        onEnabled={(v) => set("telegram", { enabled: v })}
        dirty={form.dirty}
      >
        {text("telegram", "botToken", d.telegram.botToken, { secret: true })}
        {text("telegram", "chatId", d.telegram.chatId, {
          hint: t("settings.notifications.telegram.chatIdHint"),
        })}
        <NumberInput
          label={t("settings.notifications.telegram.topicId")}
          description={t("settings.notifications.telegram.topicIdHint")}
          min={1}
          allowDecimal={false}
          value={d.telegram.topicId ?? ""}
          onChange={(v) => set("telegram", { topicId: typeof v === "number" ? v : undefined })}
          error={err("telegram.topicId")}
        />
      </AgentCard>
      <AgentCard
        agent="discord"
        enabled={d.discord.enabled}
        onEnabled={(v) => set("discord", { enabled: v })}
        dirty={form.dirty}
      >
        {text("discord", "webhookUrl", d.discord.webhookUrl, { secret: true })}
      </AgentCard>
      <AgentCard
        agent="ntfy"
        enabled={d.ntfy.enabled}
        onEnabled={(v) => set("ntfy", { enabled: v })}
        dirty={form.dirty}
      >
        {text("ntfy", "serverUrl", d.ntfy.serverUrl)}
        {text("ntfy", "topic", d.ntfy.topic)}
        {text("ntfy", "token", d.ntfy.token ?? "", { secret: true })}
        <NumberInput
          label={t("settings.notifications.ntfy.priority")}
          description={t("settings.notifications.ntfy.priorityHint")}
          min={1}
          max={5}
          allowDecimal={false}
          value={d.ntfy.priority ?? ""}
          onChange={(v) => set("ntfy", { priority: typeof v === "number" ? v : undefined })}
          error={err("ntfy.priority")}
        />
      </AgentCard>
      <AgentCard
        agent="webhook"
        enabled={d.webhook.enabled}
        onEnabled={(v) => set("webhook", { enabled: v })}
        dirty={form.dirty}
      >
        {text("webhook", "url", d.webhook.url, { secret: true })}
        {d.webhook.headers && Object.keys(d.webhook.headers).length > 0 && (
          <Text size="sm" c="dimmed">
            {t("settings.notifications.webhook.headers", {
              names: Object.keys(d.webhook.headers).join(", "),
            })}
          </Text>
        )}
      </AgentCard>
    </SettingsSection>
  );
}

function AgentCard({
  agent,
  enabled,
  onEnabled,
  dirty,
  children,
}: {
  agent: Agent;
  enabled: boolean;
  onEnabled: (on: boolean) => void;
  /** The test sends with the saved settings, so it waits for unsaved changes. */
  dirty: boolean;
  children: ReactNode;
}) {
  const { t } = useTranslation();
  const test = useNotificationTest();
  const result = test.data?.results.find((r) => r.agent === agent);
  const name = t(`settings.notifications.${agent}.name`);
  return (
    <Card withBorder padding="md" radius="sm" component="fieldset" aria-label={name} style={{ minWidth: 0 }}>
      <Stack gap="sm">
        <Group justify="space-between" wrap="wrap" gap="sm">
          <Title order={3} fz="h5">
            {name}
          </Title>
          <Switch
            checked={enabled}
            onChange={(e) => onEnabled(e.currentTarget.checked)}
            label={t("settings.notifications.enableAgent", { agent: name })}
          />
        </Group>
        {children}
        <Group gap="sm" wrap="wrap">
          <Button
            variant="light"
            size="sm"
            leftSection={<IconSend size={16} />}
            loading={test.isPending}
            disabled={dirty}
            onClick={() => test.mutate(agent)}
          >
            {t("settings.notifications.test", { agent: name })}
          </Button>
          {dirty && (
            <Text size="xs" c="dimmed">
              {t("settings.notifications.saveFirst")}
            </Text>
          )}
        </Group>
        {test.isError && (
          <Alert color="red" icon={<IconAlertCircle size={18} />} role="alert">
            {errorMessage(t, test.error)}
          </Alert>
        )}
        {result && (
          <Alert
            color={result.ok ? "teal" : "red"}
            icon={result.ok ? <IconCircleCheck size={18} /> : <IconAlertCircle size={18} />}
            role={result.ok ? "status" : "alert"}
            title={result.ok ? t("settings.notifications.testOk") : t("settings.notifications.testFailed")}
          >
            {result.ok
              ? t("settings.notifications.testOkHint", { agent: name })
              : result.code
                ? // A known failure in the reader's language; the server's English line otherwise.
                  t(`settings.notifications.failure.${result.code}`, {
                    ...result.params,
                    defaultValue: result.error,
                  })
                : result.error}
          </Alert>
        )}
      </Stack>
    </Card>
  );
}
