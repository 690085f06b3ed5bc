// The Plex connection's fields and its test result, used by the setup and by Settings → Plex.
// A value the environment sets is shown read-only ("set by the environment"); the stored token
// is only ever shown masked and is replaced, never edited. The token is bound to the address's
// origin: when that changes, the token must be typed again (the server refuses it otherwise).
import { Alert, Anchor, Group, NumberInput, PasswordInput, Stack, Text, TextInput } from "@mantine/core";
import { IconAlertCircle, IconCircleCheck, IconServer } from "@tabler/icons-react";
import { useTranslation } from "react-i18next";
import { PLEX_TIMEOUT_LIMITS } from "../../../../src/contracts/constants";
import type { PlexTestResponse } from "../../../../src/contracts/schemas";
import {
  type PlexConnectionBody,
  type PlexConnectionView,
  sameOrigin,
} from "../../../../src/contracts/setup";
import { ErrorState } from "../../components/ErrorState";
import { fieldError } from "../settings/shared";

export interface ConnectionDraft {
  url: string;
  /** A new token; empty keeps the stored one. */
  token: string;
  /** Whether the user asked to replace a stored token. */
  replaceToken: boolean;
  timeoutSeconds: number;
}

export function draftOf(view: PlexConnectionView): ConnectionDraft {
  return { url: view.url, token: "", replaceToken: view.token === null, timeoutSeconds: view.timeoutSeconds };
}

/** Whether the draft points a set token at another origin: it must be typed again for that. */
export function tokenNeededAgain(view: PlexConnectionView, draft: ConnectionDraft): boolean {
  return view.token !== null && !view.fromEnvironment.url && !sameOrigin(draft.url.trim(), view.url);
}

/** The values to save or try: only those changed and not set by the environment. */
export function connectionPatch(view: PlexConnectionView, draft: ConnectionDraft): PlexConnectionBody {
  const env = view.fromEnvironment;
  const body: PlexConnectionBody = {};
  const typing = draft.replaceToken || tokenNeededAgain(view, draft);
  if (!env.url && draft.url.trim() !== view.url) body.url = draft.url.trim();
  if (!env.token && typing && draft.token.trim() !== "") body.token = draft.token.trim();
  if (!env.timeout && draft.timeoutSeconds !== view.timeoutSeconds)
    body.timeoutSeconds = draft.timeoutSeconds;
  return body;
}

const PLEX_TOKEN_HELP =
  "https://support.plex.tv/articles/204059436-finding-an-authentication-token-x-plex-token/";

export function ConnectionFields({
  view,
  draft,
  update,
  error,
  showTimeout = true,
  idPrefix,
}: {
  view: PlexConnectionView;
  draft: ConnectionDraft;
  update: (patch: Partial<ConnectionDraft>) => void;
  /** The last save's error: a 400 shows on its field. */
  error: unknown;
  showTimeout?: boolean;
  idPrefix: string;
}) {
  const { t } = useTranslation();
  const env = view.fromEnvironment;
  const newAddress = tokenNeededAgain(view, draft);
  // The server's 400 names the field and the problem as a code, worded in the user's language.
  const problem = (field: "url" | "token" | "timeoutSeconds") => fieldError(t, error, field);
  return (
    <Stack gap="md">
      <TextInput
        id={`${idPrefix}-url`}
        label={t("settings.plex.url")}
        description={
          env.url ? t("setup.connection.envHint", { name: "PLEX_URL" }) : t("setup.connection.urlHint")
        }
        placeholder={t("setup.connection.urlPlaceholder")}
        value={draft.url}
        readOnly={env.url}
        onChange={(e) => update({ url: e.currentTarget.value })}
        error={problem("url")}
        inputMode="url"
        autoComplete="off"
        spellCheck={false}
      />
      {env.token || (view.token !== null && !draft.replaceToken && !newAddress) ? (
        <Stack gap={4}>
          <TextInput
            id={`${idPrefix}-token`}
            label={t("settings.plex.token")}
            description={
              env.token
                ? t(newAddress ? "setup.connection.envTokenNewAddress" : "setup.connection.envHint", {
                    name: "PLEX_TOKEN",
                  })
                : t("settings.plex.tokenHint")
            }
            value={view.token ?? ""}
            readOnly
            error={problem("token")}
          />
          {!env.token && (
            <Group>
              <Anchor
                component="button"
                type="button"
                size="sm"
                onClick={() => update({ replaceToken: true, token: "" })}
              >
                {t("setup.connection.replaceToken")}
              </Anchor>
            </Group>
          )}
        </Stack>
      ) : (
        <Stack gap={4}>
          <PasswordInput
            id={`${idPrefix}-token`}
            label={t("settings.plex.token")}
            description={t(newAddress ? "setup.connection.tokenForNewAddress" : "setup.connection.tokenHint")}
            aria-required={newAddress}
            value={draft.token}
            onChange={(e) => update({ token: e.currentTarget.value })}
            error={problem("token")}
            autoComplete="off"
            spellCheck={false}
          />
          <Group gap="md">
            <Anchor href={PLEX_TOKEN_HELP} target="_blank" rel="noreferrer" size="sm">
              {t("setup.connection.findToken")}
            </Anchor>
            {view.token !== null && !newAddress && (
              <Anchor
                component="button"
                type="button"
                size="sm"
                onClick={() => update({ replaceToken: false, token: "" })}
              >
                {t("setup.connection.keepToken")}
              </Anchor>
            )}
          </Group>
        </Stack>
      )}
      {showTimeout && (
        <NumberInput
          id={`${idPrefix}-timeout`}
          label={t("settings.plex.timeout")}
          description={env.timeout ? t("setup.connection.envHint", { name: "PLEX_TIMEOUT" }) : undefined}
          suffix={` ${t("setup.connection.secondsSuffix")}`}
          min={PLEX_TIMEOUT_LIMITS.min}
          max={PLEX_TIMEOUT_LIMITS.max}
          allowDecimal={false}
          value={draft.timeoutSeconds}
          readOnly={env.timeout}
          onChange={(v) => update({ timeoutSeconds: typeof v === "number" ? v : Number(v) || 0 })}
          error={problem("timeoutSeconds")}
        />
      )}
    </Stack>
  );
}

/** A connection test's answer: the server, its version and libraries, or why it failed. */
export function ConnectionTestResult({
  result,
  error,
}: {
  result: PlexTestResponse | undefined;
  error: unknown;
}) {
  const { t } = useTranslation();
  if (error) return <ErrorState error={error} />;
  if (!result) return null;
  if (result.ok) {
    return (
      <Alert
        color="teal"
        icon={<IconCircleCheck size={18} />}
        role="status"
        title={t("settings.plex.connected")}
        data-testid="connection-test-result"
      >
        <Group gap={6} wrap="nowrap" align="flex-start">
          <IconServer size={16} aria-hidden style={{ flexShrink: 0, marginTop: 2 }} />
          <Text size="sm">
            {t("settings.plex.server", { name: result.server.name, version: result.server.version })}
          </Text>
        </Group>
        <Text size="sm" style={{ overflowWrap: "anywhere" }}>
          {t("settings.plex.libraries", {
            count: result.libraries.length,
            names: result.libraries.map((l) => l.title).join(", "),
          })}
        </Text>
      </Alert>
    );
  }
  return (
    <Alert
      color="red"
      icon={<IconAlertCircle size={18} />}
      role="alert"
      title={t("settings.plex.failed")}
      data-testid="connection-test-result"
    >
      <Text size="sm">
        {t(`setup.failure.${result.code}`, { defaultValue: t("setup.failure.plex_error") })}
      </Text>
      <Text size="sm" c="dimmed" style={{ overflowWrap: "anywhere" }}>
        {result.reason}
      </Text>
    </Alert>
  );
}
