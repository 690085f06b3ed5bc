// Notification settings: one schema shared by the server API (validation of PUT /api/settings)
// and the SPA (form types). Agents may be saved half-filled while switched off; switching one
// on requires its fields, and every message names the field so the UI can point at it.
import { z } from "zod";
import { coded, type ValidationCode } from "../contracts/validation.js";

export const AGENT_NAMES = ["telegram", "discord", "ntfy", "webhook"] as const;
export type AgentName = (typeof AGENT_NAMES)[number];

const MASK = "••••";

function isHttpUrl(value: string): boolean {
  try {
    const url = new URL(value);
    return url.protocol === "http:" || url.protocol === "https:";
  } catch {
    return false;
  }
}

/** An http(s) URL, or "" while the agent is not configured yet. */
const optionalHttpUrl = z
  .string()
  .trim()
  .refine((v) => v === "" || isHttpUrl(v), coded("http_url"));

/** A base URL: http(s), trailing slashes dropped so paths can be appended. */
const baseUrl = (fallback: string) =>
  z
    .string()
    .trim()
    .refine(isHttpUrl, coded("http_url"))
    .transform((v) => v.replace(/\/+$/, ""))
    .default(fallback);

/** Empty, or matching `pattern`. */
const optionalMatching = (pattern: RegExp, code: ValidationCode) =>
  z
    .string()
    .trim()
    .refine((v) => v === "" || pattern.test(v), coded(code));

export const TELEGRAM_BOT_TOKEN_PATTERN = /^\d{1,20}:[A-Za-z0-9_-]{20,100}$/;
/** A numeric chat id (users positive, groups negative, supergroups/channels -100…) or @channelname. */
export const TELEGRAM_CHAT_ID_PATTERN = /^(-?\d{1,20}|@[A-Za-z][A-Za-z0-9_]{4,31})$/;
export const NTFY_TOPIC_PATTERN = /^[A-Za-z0-9_-]{1,64}$/;
/** RFC 9110 token characters. */
const HEADER_NAME_PATTERN = /^[!#$%&'*+.^_`|~0-9A-Za-z-]{1,100}$/;

export const notificationEventsSchema = z.object({
  scanFinished: z.boolean().default(true),
  scanFailed: z.boolean().default(true),
  needsReview: z.boolean().default(true),
});

export const telegramSettingsSchema = z.object({
  enabled: z.boolean().default(false),
  botToken: optionalMatching(TELEGRAM_BOT_TOKEN_PATTERN, "telegram_bot_token").default(""),
  chatId: optionalMatching(TELEGRAM_CHAT_ID_PATTERN, "telegram_chat_id").default(""),
  /** A forum topic of a supergroup (Telegram's message_thread_id). */
  topicId: z
    .number({ message: "expected a whole number" })
    .int({ message: "expected a whole number" })
    .min(1, { message: "must be at least 1" })
    .optional(),
  apiBase: baseUrl("https://api.telegram.org"),
});

export const discordSettingsSchema = z.object({
  enabled: z.boolean().default(false),
  webhookUrl: optionalHttpUrl.default(""),
});

export const ntfySettingsSchema = z.object({
  enabled: z.boolean().default(false),
  serverUrl: baseUrl("https://ntfy.sh"),
  topic: optionalMatching(NTFY_TOPIC_PATTERN, "ntfy_topic").default(""),
  /** An access token, sent as `Authorization: Bearer …`. */
  token: z
    .string()
    .trim()
    .refine((v) => /^[\x21-\x7e]{1,256}$/.test(v), coded("token_characters"))
    .optional()
    .or(z.literal("").transform(() => undefined)),
  priority: z
    .number({ message: "expected a whole number from 1 to 5" })
    .int({ message: "expected a whole number from 1 to 5" })
    .min(1, { message: "must be at least 1" })
    .max(5, { message: "must be at most 5" })
    .optional(),
});

export const webhookSettingsSchema = z.object({
  enabled: z.boolean().default(false),
  url: optionalHttpUrl.default(""),
  headers: z
    .record(
      z.string(),
      // Latin-1 without control characters: what fetch accepts in a header value.
      z.string().refine((v) => /^[\t\x20-\x7e\x80-\xff]*$/.test(v), coded("header_value")),
    )
    .superRefine((headers, ctx) => {
      const names = Object.keys(headers);
      if (names.length > 20) ctx.addIssue({ code: "custom", ...coded("header_count", { maximum: 20 }) });
      for (const name of names) {
        if (HEADER_NAME_PATTERN.test(name)) continue;
        // zod 4 reports a bad record key only as "Invalid key in record": say which and why.
        ctx.addIssue({ code: "custom", path: [name], ...coded("header_name", { name }) });
      }
    })
    .optional(),
});

function requireField(
  ctx: z.core.$RefinementCtx<unknown>,
  agent: AgentName,
  field: string,
  value: string,
): void {
  if (value !== "") return;
  ctx.addIssue({ code: "custom", path: [agent, field], ...coded("required_when_enabled", { agent }) });
}

export const notificationSettingsSchema = z
  .object({
    events: notificationEventsSchema.prefault({}),
    telegram: telegramSettingsSchema.prefault({}),
    discord: discordSettingsSchema.prefault({}),
    ntfy: ntfySettingsSchema.prefault({}),
    webhook: webhookSettingsSchema.prefault({}),
  })
  .superRefine((s, ctx) => {
    if (s.telegram.enabled) {
      requireField(ctx, "telegram", "botToken", s.telegram.botToken);
      requireField(ctx, "telegram", "chatId", s.telegram.chatId);
    }
    if (s.discord.enabled) requireField(ctx, "discord", "webhookUrl", s.discord.webhookUrl);
    if (s.ntfy.enabled) requireField(ctx, "ntfy", "topic", s.ntfy.topic);
    if (s.webhook.enabled) requireField(ctx, "webhook", "url", s.webhook.url);
  });

export type NotificationSettings = z.output<typeof notificationSettingsSchema>;
export type NotificationSettingsInput = z.input<typeof notificationSettingsSchema>;
export type NotificationEventSettings = NotificationSettings["events"];
export type TelegramSettings = NotificationSettings["telegram"];
export type DiscordSettings = NotificationSettings["discord"];
export type NtfySettings = NotificationSettings["ntfy"];
export type WebhookSettings = NotificationSettings["webhook"];

export const DEFAULT_NOTIFICATION_SETTINGS: NotificationSettings = Object.freeze(
  notificationSettingsSchema.parse({}),
);

/** Fresh, mutable defaults (DEFAULT_NOTIFICATION_SETTINGS is shared). */
function defaults(): NotificationSettings {
  return notificationSettingsSchema.parse({});
}

/**
 * The initial notification settings for an install migrating from the original tool:
 * TELEGRAM_BOT_TOKEN and TELEGRAM_CHAT_ID together switch Telegram on. Malformed values leave
 * Telegram off and are reported through `warn` (named, the token never shown).
 */
export function notificationSettingsFromEnv(
  env: Readonly<Record<string, string | undefined>>,
  warn?: (message: string) => void,
): NotificationSettings {
  const botToken = env.TELEGRAM_BOT_TOKEN?.trim() ?? "";
  const chatId = env.TELEGRAM_CHAT_ID?.trim() ?? "";
  if (botToken === "" && chatId === "") return defaults();
  if (botToken === "" || chatId === "") {
    const missing = botToken === "" ? "TELEGRAM_BOT_TOKEN" : "TELEGRAM_CHAT_ID";
    warn?.(`Telegram notifications stay off: ${missing} is not set`);
    return defaults();
  }
  const parsed = notificationSettingsSchema.safeParse({ telegram: { enabled: true, botToken, chatId } });
  if (parsed.success) return parsed.data;
  const problems = parsed.error.issues.map((issue) => {
    const name = issue.path[1] === "botToken" ? "TELEGRAM_BOT_TOKEN" : "TELEGRAM_CHAT_ID";
    return `${name}: ${issue.message}`;
  });
  warn?.(`Telegram notifications stay off: ${problems.join("; ")}`);
  return defaults();
}

/** `••••` plus the last 4 characters; short secrets are masked whole. */
export function maskSecret(value: string): string {
  if (value === "") return "";
  return value.length <= 8 ? MASK : `${MASK}${value.slice(-4)}`;
}

/**
 * A URL with its secret parts masked: scheme and host stay, credentials, path, query and
 * fragment become `••••` (a Discord webhook's token is in the path).
 */
export function maskUrl(value: string): string {
  if (value === "") return "";
  let url: URL;
  try {
    url = new URL(value);
  } catch {
    return MASK;
  }
  const hasSecretParts =
    url.username !== "" ||
    url.password !== "" ||
    url.pathname !== "/" ||
    url.search !== "" ||
    url.hash !== "";
  return hasSecretParts ? `${url.protocol}//${url.host}/${MASK}` : `${url.protocol}//${url.host}`;
}

/** A copy safe to return from the API: tokens, webhook URLs and custom header values masked. */
export function maskNotificationSecrets(settings: NotificationSettings): NotificationSettings {
  const headers = settings.webhook.headers;
  return {
    events: { ...settings.events },
    telegram: { ...settings.telegram, botToken: maskSecret(settings.telegram.botToken) },
    discord: { ...settings.discord, webhookUrl: maskUrl(settings.discord.webhookUrl) },
    ntfy: {
      ...settings.ntfy,
      ...(settings.ntfy.token !== undefined ? { token: maskSecret(settings.ntfy.token) } : {}),
    },
    webhook: {
      ...settings.webhook,
      url: maskUrl(settings.webhook.url),
      ...(headers !== undefined
        ? { headers: Object.fromEntries(Object.entries(headers).map(([k, v]) => [k, maskSecret(v)])) }
        : {}),
    },
  };
}

function isRecord(value: unknown): value is Record<string, unknown> {
  return typeof value === "object" && value !== null && !Array.isArray(value);
}

/** A base URL as the schema stores it, for comparing an incoming one with the stored one. */
function sameBase(incoming: unknown, stored: string, fallback: string): boolean {
  const text = typeof incoming === "string" ? incoming.trim() : incoming === undefined ? fallback : null;
  return text !== null && text.replace(/\/+$/, "") === stored;
}

/**
 * The inverse for a settings PUT: where the client sent back a masked value unchanged, put the
 * stored secret in its place, but only while the secret would still go where it went before
 * (the same Telegram API base, ntfy server or webhook URL). A mask sent with a new destination
 * stays a mask, and unrestoredMasks names it, so nobody can redirect a secret they cannot read.
 * Call on the raw request body before parsing it.
 */
export function restoreMaskedSecrets(incoming: unknown, current: NotificationSettings): unknown {
  if (!isRecord(incoming)) return incoming;
  const out: Record<string, unknown> = { ...incoming };
  const restore = (
    agent: AgentName,
    field: string,
    stored: string | undefined,
    mask: (v: string) => string,
    sameDestination: (section: Record<string, unknown>) => boolean = () => true,
  ) => {
    const section = out[agent];
    if (!isRecord(section) || stored === undefined || stored === "") return;
    if (section[field] === mask(stored) && sameDestination(section))
      out[agent] = { ...section, [field]: stored };
  };
  restore("telegram", "botToken", current.telegram.botToken, maskSecret, (t) =>
    sameBase(t.apiBase, current.telegram.apiBase, "https://api.telegram.org"),
  );
  // A masked URL keeps its scheme and host, so restoring it keeps the destination.
  restore("discord", "webhookUrl", current.discord.webhookUrl, maskUrl);
  restore("ntfy", "token", current.ntfy.token, maskSecret, (n) =>
    sameBase(n.serverUrl, current.ntfy.serverUrl, "https://ntfy.sh"),
  );
  restore("webhook", "url", current.webhook.url, maskUrl);
  const webhook = out.webhook;
  const storedHeaders = current.webhook.headers;
  if (
    isRecord(webhook) &&
    isRecord(webhook.headers) &&
    storedHeaders !== undefined &&
    webhook.url === current.webhook.url
  ) {
    const headers: Record<string, unknown> = { ...webhook.headers };
    for (const [name, value] of Object.entries(headers)) {
      const stored = storedHeaders[name];
      if (stored !== undefined && value === maskSecret(stored)) headers[name] = stored;
    }
    out.webhook = { ...webhook, headers };
  }
  return out;
}

/** The fields of a (restored) notifications body that still hold a mask instead of a secret. */
export function unrestoredMasks(restored: unknown): string[] {
  const found: string[] = [];
  const walk = (value: unknown, path: string) => {
    if (typeof value === "string") {
      if (value.includes(MASK)) found.push(path);
    } else if (isRecord(value)) {
      for (const [key, v] of Object.entries(value)) walk(v, path === "" ? key : `${path}.${key}`);
    }
  };
  walk(restored, "notifications");
  return found;
}
