// Account: change the password (needs the current one), log out everywhere, API keys.
import {
  ActionIcon,
  Alert,
  Button,
  Code,
  CopyButton,
  Divider,
  Group,
  PasswordInput,
  Stack,
  Table,
  Text,
  TextInput,
  Title,
  Tooltip,
} from "@mantine/core";
import { IconCheck, IconCopy, IconKey, IconLogout, IconTrash } from "@tabler/icons-react";
import { useState } from "react";
import { useTranslation } from "react-i18next";
import { PASSWORD_RULES, passwordProblem } from "../../../../src/contracts/constants";
import { ApiError, errorMessage } from "../../api/errors";
import { useMe } from "../../auth/session";
import { ConfirmModal } from "../../components/ConfirmModal";
import { ErrorState } from "../../components/ErrorState";
import { RelativeTime } from "../../components/RelativeTime";
import { useApiKeys, useChangePassword, useCreateApiKey, useLogoutEverywhere, useRevokeApiKey } from "./api";
import { SettingsSection, useReportDirty } from "./shared";

export function AccountSection() {
  const { t } = useTranslation();
  return (
    <SettingsSection
      id="account"
      title={t("settings.account.title")}
      description={t("settings.account.description")}
    >
      <PasswordForm />
      <Divider />
      <LogoutEverywhere />
      <Divider />
      <ApiKeys />
    </SettingsSection>
  );
}

function PasswordForm() {
  const { t } = useTranslation();
  const me = useMe();
  const change = useChangePassword();
  const [current, setCurrent] = useState("");
  const [next, setNext] = useState("");
  const [repeat, setRepeat] = useState("");
  const [tried, setTried] = useState(false);
  useReportDirty("password", current !== "" || next !== "" || repeat !== "");
  const local = next === "" ? undefined : passwordProblem(next, { username: me.data?.username ?? undefined });
  const serverReason =
    change.error instanceof ApiError && change.error.code === "weak_password"
      ? String(change.error.body.reason ?? "")
      : undefined;
  const nextError = local ?? serverReason;
  const mismatch = repeat !== "" && repeat !== next;
  const wrongCurrent = change.error instanceof ApiError && change.error.code === "wrong_password";
  const otherError =
    change.error &&
    !wrongCurrent &&
    !(change.error instanceof ApiError && change.error.code === "weak_password");
  return (
    <form
      aria-labelledby="password-title"
      onSubmit={(event) => {
        event.preventDefault();
        setTried(true);
        if (!current || local || next === "" || repeat !== next) return;
        change.mutate(
          { currentPassword: current, newPassword: next },
          {
            onSuccess: () => {
              setCurrent("");
              setNext("");
              setRepeat("");
              setTried(false);
            },
          },
        );
      }}
    >
      <Stack gap="sm">
        <Title order={3} fz="h5" id="password-title">
          {t("settings.account.password.title")}
        </Title>
        <PasswordInput
          label={t("settings.account.password.current")}
          autoComplete="current-password"
          value={current}
          onChange={(e) => {
            setCurrent(e.currentTarget.value);
            if (wrongCurrent) change.reset();
          }}
          error={
            wrongCurrent
              ? t("errors.wrong_password")
              : tried && current === ""
                ? t("settings.account.password.required")
                : undefined
          }
        />
        <PasswordInput
          label={t("settings.account.password.new")}
          description={t("settings.account.password.rules", {
            min: PASSWORD_RULES.minLength,
            distinct: PASSWORD_RULES.minDistinct,
          })}
          autoComplete="new-password"
          value={next}
          onChange={(e) => setNext(e.currentTarget.value)}
          error={
            nextError && (tried || serverReason)
              ? t(`settings.account.password.problem.${nextError}`, { min: PASSWORD_RULES.minLength })
              : undefined
          }
        />
        <PasswordInput
          label={t("settings.account.password.repeat")}
          autoComplete="new-password"
          value={repeat}
          onChange={(e) => setRepeat(e.currentTarget.value)}
          error={mismatch && tried ? t("settings.account.password.mismatch") : undefined}
        />
        {otherError && <ErrorState error={change.error} />}
        {change.isSuccess && (
          <Alert color="teal" icon={<IconCheck size={18} />} role="status">
            {t("settings.account.password.changed")}
          </Alert>
        )}
        <Group justify="flex-end">
          <Button type="submit" loading={change.isPending}>
            {t("settings.account.password.submit")}
          </Button>
        </Group>
      </Stack>
    </form>
  );
}

function LogoutEverywhere() {
  const { t } = useTranslation();
  const logout = useLogoutEverywhere();
  const [open, setOpen] = useState(false);
  return (
    <Stack gap="sm">
      <Title order={3} fz="h5">
        {t("settings.account.logoutAll.title")}
      </Title>
      <Text size="sm" c="dimmed">
        {t("settings.account.logoutAll.description")}
      </Text>
      {logout.isError && <ErrorState error={logout.error} />}
      <Group>
        <Button
          variant="default"
          color="red"
          leftSection={<IconLogout size={18} />}
          onClick={() => setOpen(true)}
        >
          {t("settings.account.logoutAll.button")}
        </Button>
      </Group>
      <ConfirmModal
        opened={open}
        title={t("settings.account.logoutAll.confirmTitle")}
        confirmLabel={t("settings.account.logoutAll.button")}
        confirmColor="red"
        loading={logout.isPending}
        onClose={() => setOpen(false)}
        onConfirm={() => logout.mutate(undefined, { onSettled: () => setOpen(false) })}
      >
        <Text size="sm">{t("settings.account.logoutAll.confirm")}</Text>
      </ConfirmModal>
    </Stack>
  );
}

function ApiKeys() {
  const { t } = useTranslation();
  const list = useApiKeys();
  const create = useCreateApiKey();
  const revoke = useRevokeApiKey();
  const [name, setName] = useState("");
  const [revoking, setRevoking] = useState<{ id: number; name: string } | null>(null);
  useReportDirty("api-key-name", name.trim() !== "");
  const created = create.data;
  return (
    <Stack gap="sm">
      <Title order={3} fz="h5">
        {t("settings.account.apiKeys.title")}
      </Title>
      <Text size="sm" c="dimmed">
        {t("settings.account.apiKeys.description")}
      </Text>
      {list.isError && <ErrorState error={list.error} onRetry={() => void list.refetch()} />}
      {list.data && list.data.keys.length === 0 && (
        <Text size="sm" c="dimmed">
          {t("settings.account.apiKeys.none")}
        </Text>
      )}
      {list.data && list.data.keys.length > 0 && (
        <Table.ScrollContainer minWidth={420}>
          <Table verticalSpacing="xs">
            <Table.Thead>
              <Table.Tr>
                <Table.Th>{t("settings.account.apiKeys.name")}</Table.Th>
                <Table.Th>{t("settings.account.apiKeys.created")}</Table.Th>
                <Table.Th>{t("settings.account.apiKeys.lastUsed")}</Table.Th>
                <Table.Th>
                  <span className="visually-hidden">{t("settings.account.apiKeys.actions")}</span>
                </Table.Th>
              </Table.Tr>
            </Table.Thead>
            <Table.Tbody>
              {list.data.keys.map((key) => (
                <Table.Tr key={key.id}>
                  <Table.Td>{key.name}</Table.Td>
                  <Table.Td>
                    <RelativeTime value={key.createdAt} />
                  </Table.Td>
                  <Table.Td>
                    {key.lastUsedAt ? (
                      <RelativeTime value={key.lastUsedAt} />
                    ) : (
                      t("settings.account.apiKeys.never")
                    )}
                  </Table.Td>
                  <Table.Td>
                    <Button
                      size="xs"
                      variant="subtle"
                      color="red"
                      leftSection={<IconTrash size={14} />}
                      onClick={() => setRevoking({ id: key.id, name: key.name })}
                      aria-label={t("settings.account.apiKeys.revokeNamed", { name: key.name })}
                    >
                      {t("settings.account.apiKeys.revoke")}
                    </Button>
                  </Table.Td>
                </Table.Tr>
              ))}
            </Table.Tbody>
          </Table>
        </Table.ScrollContainer>
      )}
      <form
        onSubmit={(event) => {
          event.preventDefault();
          if (name.trim() === "") return;
          create.mutate(name.trim(), { onSuccess: () => setName("") });
        }}
      >
        <Group align="flex-end" gap="sm" wrap="wrap">
          <TextInput
            label={t("settings.account.apiKeys.newName")}
            value={name}
            onChange={(e) => setName(e.currentTarget.value)}
            maxLength={100}
            style={{ flex: "1 1 12rem" }}
          />
          <Button
            type="submit"
            leftSection={<IconKey size={18} />}
            loading={create.isPending}
            disabled={!name.trim()}
          >
            {t("settings.account.apiKeys.create")}
          </Button>
        </Group>
      </form>
      {create.isError && <ErrorState error={create.error} />}
      {created && (
        <Alert
          color="teal"
          icon={<IconKey size={18} />}
          title={t("settings.account.apiKeys.createdTitle")}
          role="status"
        >
          <Text size="sm" mb="xs">
            {t("settings.account.apiKeys.shownOnce")}
          </Text>
          <Group gap="xs" wrap="nowrap" style={{ minWidth: 0 }}>
            <Code data-testid="new-api-key" style={{ overflowWrap: "anywhere", minWidth: 0 }}>
              {created.key}
            </Code>
            <CopyButton value={created.key}>
              {({ copied, copy }) => (
                <Tooltip
                  label={copied ? t("settings.account.apiKeys.copied") : t("settings.account.apiKeys.copy")}
                >
                  <ActionIcon
                    variant="subtle"
                    onClick={copy}
                    aria-label={t("settings.account.apiKeys.copy")}
                    color={copied ? "teal" : undefined}
                  >
                    {copied ? <IconCheck size={16} /> : <IconCopy size={16} />}
                  </ActionIcon>
                </Tooltip>
              )}
            </CopyButton>
          </Group>
        </Alert>
      )}
      <ConfirmModal
        opened={revoking !== null}
        title={t("settings.account.apiKeys.revokeTitle")}
        confirmLabel={t("settings.account.apiKeys.revoke")}
        confirmColor="red"
        loading={revoke.isPending}
        onClose={() => setRevoking(null)}
        onConfirm={() => revoking && revoke.mutate(revoking.id, { onSettled: () => setRevoking(null) })}
      >
        <Text size="sm">{t("settings.account.apiKeys.revokeConfirm", { name: revoking?.name ?? "" })}</Text>
        {revoke.isError && <Text c="red">{errorMessage(t, revoke.error)}</Text>}
      </ConfirmModal>
    </Stack>
  );
}
