import { beforeAll, describe, expect, it } from "vitest";
import {
  DEFAULT_NOTIFICATION_SETTINGS,
  maskNotificationSecrets,
  maskSecret,
  maskUrl,
  type NotificationSettings,
  type NotificationSettingsInput,
  notificationSettingsFromEnv,
  notificationSettingsSchema,
  restoreMaskedSecrets,
  unrestoredMasks,
} from "../../src/notify/schema.js";
import { issuesFromZod } from "../../src/validation-issues.js";
import { BOT_TOKEN, NTFY_TOKEN, settings } from "./fixtures.js";

/** Each issue as "field code {params}", the way the API reports it (codes, not English). */
function issues(input: unknown): string[] {
  const parsed = notificationSettingsSchema.safeParse(input);
  if (parsed.success) return [];
  return issuesFromZod(parsed.error).map((i) => `${i.field} ${i.code} ${JSON.stringify(i.params ?? {})}`);
}

describe("notificationSettingsSchema", () => {
  it("fills every default from an empty object", () => {
    expect(DEFAULT_NOTIFICATION_SETTINGS).toEqual({
      events: { scanFinished: true, scanFailed: true, needsReview: true },
      telegram: { enabled: false, botToken: "", chatId: "", apiBase: "https://api.telegram.org" },
      discord: { enabled: false, webhookUrl: "" },
      ntfy: { enabled: false, serverUrl: "https://ntfy.sh", topic: "" },
      webhook: { enabled: false, url: "" },
    });
  });

  it.each<[string, NotificationSettingsInput]>([
    [
      "telegram with a supergroup and topic",
      { telegram: { enabled: true, botToken: BOT_TOKEN, chatId: "-1001234567890", topicId: 7 } },
    ],
    ["telegram with a user id", { telegram: { enabled: true, botToken: BOT_TOKEN, chatId: "123456789" } }],
    [
      "telegram with a channel name",
      { telegram: { enabled: true, botToken: BOT_TOKEN, chatId: "@channel" } },
    ],
    ["discord", { discord: { enabled: true, webhookUrl: "https://discord.com/api/webhooks/1/abc" } }],
    [
      "ntfy with token and priority",
      { ntfy: { enabled: true, topic: "plex_refresher-1", token: NTFY_TOKEN, priority: 5 } },
    ],
    [
      "ntfy on a self-hosted server",
      { ntfy: { enabled: true, serverUrl: "http://10.0.0.2:8080/", topic: "psr" } },
    ],
    [
      "webhook with headers",
      { webhook: { enabled: true, url: "http://ha.local:8123/api/webhook/x", headers: { "X-Key": "v" } } },
    ],
    ["a disabled agent half filled", { telegram: { enabled: false, botToken: BOT_TOKEN } }],
    ["all events off", { events: { scanFinished: false, scanFailed: false, needsReview: false } }],
  ])("accepts %s", (_, input) => {
    expect(issues(input)).toEqual([]);
  });

  it.each<[string, unknown, string]>([
    [
      "enabled telegram without a token",
      { telegram: { enabled: true, chatId: "-100123" } },
      'telegram.botToken required_when_enabled {"agent":"telegram"}',
    ],
    [
      "enabled telegram without a chat",
      { telegram: { enabled: true, botToken: BOT_TOKEN } },
      'telegram.chatId required_when_enabled {"agent":"telegram"}',
    ],
    [
      "a malformed bot token",
      { telegram: { botToken: "not-a-token" } },
      "telegram.botToken telegram_bot_token {}",
    ],
    ["a chat id with spaces", { telegram: { chatId: "my chat" } }, "telegram.chatId telegram_chat_id {}"],
    [
      "a topic id of 0",
      { telegram: { topicId: 0 } },
      'telegram.topicId too_small {"minimum":1,"inclusive":true,"origin":"number"}',
    ],
    [
      "a fractional topic id",
      { telegram: { topicId: 1.5 } },
      'telegram.topicId invalid_type {"expected":"int"',
    ],
    ["a non-http api base", { telegram: { apiBase: "ftp://example.com" } }, "telegram.apiBase http_url {}"],
    [
      "enabled discord without URL",
      { discord: { enabled: true } },
      'discord.webhookUrl required_when_enabled {"agent":"discord"}',
    ],
    [
      "a javascript: webhook URL",
      { discord: { webhookUrl: "javascript:alert(1)" } },
      "discord.webhookUrl http_url {}",
    ],
    [
      "enabled ntfy without topic",
      { ntfy: { enabled: true } },
      'ntfy.topic required_when_enabled {"agent":"ntfy"}',
    ],
    ["an ntfy topic with a slash", { ntfy: { topic: "a/b" } }, "ntfy.topic ntfy_topic {}"],
    ["an ntfy topic of 65 characters", { ntfy: { topic: "x".repeat(65) } }, "ntfy.topic ntfy_topic {}"],
    [
      "ntfy priority 6",
      { ntfy: { priority: 6 } },
      'ntfy.priority too_big {"maximum":5,"inclusive":true,"origin":"number"}',
    ],
    [
      "ntfy priority 0",
      { ntfy: { priority: 0 } },
      'ntfy.priority too_small {"minimum":1,"inclusive":true,"origin":"number"}',
    ],
    ["an ntfy server that is not a URL", { ntfy: { serverUrl: "ntfy" } }, "ntfy.serverUrl http_url {}"],
    ["an ntfy token with a space", { ntfy: { token: "a b" } }, "ntfy.token token_characters {}"],
    [
      "enabled webhook without URL",
      { webhook: { enabled: true } },
      'webhook.url required_when_enabled {"agent":"webhook"}',
    ],
    [
      "a bad header name",
      { webhook: { headers: { "X Key": "v" } } },
      'webhook.headers.X Key header_name {"name":"X Key"}',
    ],
    [
      "a header value with a line break",
      { webhook: { headers: { "X-Key": "a\r\nInjected: 1" } } },
      "webhook.headers.X-Key header_value {}",
    ],
    [
      "a string for a boolean",
      { events: { scanFinished: "yes" } },
      'events.scanFinished invalid_type {"expected":"boolean"}',
    ],
  ])("rejects %s, naming the field and the code", (_, input, expected) => {
    const found = issues(input);
    expect(
      found.some((line) => line.startsWith(expected)),
      found.join("\n"),
    ).toBe(true);
  });

  it("trims URLs' trailing slashes and whitespace", () => {
    const s = settings({
      ntfy: { serverUrl: " https://ntfy.example.com/// " },
      telegram: { chatId: " @channel " },
    });
    expect(s.ntfy.serverUrl).toBe("https://ntfy.example.com");
    expect(s.telegram.chatId).toBe("@channel");
  });

  it("treats an empty ntfy token as none", () => {
    expect(settings({ ntfy: { token: "" } }).ntfy.token).toBeUndefined();
  });
});

describe("notificationSettingsFromEnv", () => {
  it("switches Telegram on when both variables are set", () => {
    const s = notificationSettingsFromEnv({ TELEGRAM_BOT_TOKEN: BOT_TOKEN, TELEGRAM_CHAT_ID: "-100123" });
    expect(s.telegram).toEqual({
      enabled: true,
      botToken: BOT_TOKEN,
      chatId: "-100123",
      apiBase: "https://api.telegram.org",
    });
    expect(s.events).toEqual(DEFAULT_NOTIFICATION_SETTINGS.events);
  });

  it.each<[string, Record<string, string | undefined>, string | null]>([
    ["nothing set", {}, null],
    ["empty values", { TELEGRAM_BOT_TOKEN: "", TELEGRAM_CHAT_ID: " " }, null],
    ["a token of spaces only", { TELEGRAM_BOT_TOKEN: "  ", TELEGRAM_CHAT_ID: "" }, null],
    ["only the token", { TELEGRAM_BOT_TOKEN: BOT_TOKEN }, "TELEGRAM_CHAT_ID is not set"],
    ["only the chat", { TELEGRAM_CHAT_ID: "-100123" }, "TELEGRAM_BOT_TOKEN is not set"],
    [
      "a bad chat id",
      { TELEGRAM_BOT_TOKEN: BOT_TOKEN, TELEGRAM_CHAT_ID: "my chat" },
      "TELEGRAM_CHAT_ID: expected",
    ],
    [
      "a bad token",
      { TELEGRAM_BOT_TOKEN: "oops", TELEGRAM_CHAT_ID: "-100123" },
      "TELEGRAM_BOT_TOKEN: expected",
    ],
  ])("leaves Telegram off with %s", (_, env, warning) => {
    const warnings: string[] = [];
    const s = notificationSettingsFromEnv(env, (m) => warnings.push(m));
    expect(s).toEqual(DEFAULT_NOTIFICATION_SETTINGS);
    if (warning === null) expect(warnings).toEqual([]);
    else expect(warnings.join("\n")).toContain(warning);
    expect(warnings.join("\n")).not.toContain("SECRET");
  });
});

describe("masking", () => {
  it.each([
    ["", ""],
    ["short", "••••"],
    ["12345678", "••••"],
    [BOT_TOKEN, "••••p-42"],
  ])("maskSecret(%j) = %j", (input, expected) => {
    expect(maskSecret(input)).toBe(expected);
  });

  it.each([
    ["", ""],
    ["https://discord.com/api/webhooks/123/SECRET", "https://discord.com/••••"],
    ["http://ha.local:8123/api/webhook/abc?token=x", "http://ha.local:8123/••••"],
    ["https://user:pw@example.com", "https://example.com/••••"],
    ["https://example.com/", "https://example.com"],
  ])("maskUrl(%j) = %j", (input, expected) => {
    expect(maskUrl(input)).toBe(expected);
  });

  // Parsed before the tests, not while the file is collected: a broken schema then fails tests
  // instead of stopping the whole file from loading (which Stryker would count as no test).
  let full: NotificationSettings;
  beforeAll(() => {
    full = fullSettings();
  });
  const fullSettings = () =>
    settings({
      telegram: { enabled: true, botToken: BOT_TOKEN, chatId: "-100123", topicId: 3 },
      discord: { enabled: true, webhookUrl: "https://discord.com/api/webhooks/1/SECRETdiscord" },
      ntfy: { enabled: true, topic: "psr", token: NTFY_TOKEN, priority: 4 },
      webhook: {
        enabled: true,
        url: "https://hooks.example.com/p/SECRETpath?k=SECRETq",
        headers: { "X-Api-Key": "SECRETkey1234" },
      },
    });

  it("masks every secret and keeps everything else", () => {
    const masked = maskNotificationSecrets(full);
    expect(JSON.stringify(masked)).not.toMatch(/SECRET/);
    expect(masked).toEqual({
      events: full.events,
      telegram: { ...full.telegram, botToken: "••••p-42" },
      discord: { enabled: true, webhookUrl: "https://discord.com/••••" },
      ntfy: { ...full.ntfy, token: "••••Nzz9" },
      webhook: { enabled: true, url: "https://hooks.example.com/••••", headers: { "X-Api-Key": "••••1234" } },
    });
    expect(full.telegram.botToken).toBe(BOT_TOKEN);
  });

  it("puts stored secrets back where the client returned the masks unchanged", () => {
    const body = JSON.parse(JSON.stringify(maskNotificationSecrets(full))) as Record<string, unknown>;
    expect(notificationSettingsSchema.parse(restoreMaskedSecrets(body, full))).toEqual(full);
  });

  it("keeps values the client changed", () => {
    const body = maskNotificationSecrets(full);
    body.telegram.botToken = "111:abcdefghijklmnopqrstuvwxyz";
    body.webhook.headers = { "X-Api-Key": "new-key-value" };
    const restored = notificationSettingsSchema.parse(restoreMaskedSecrets(body, full));
    expect(restored.telegram.botToken).toBe("111:abcdefghijklmnopqrstuvwxyz");
    expect(restored.webhook.headers).toEqual({ "X-Api-Key": "new-key-value" });
    expect(restored.ntfy.token).toBe(NTFY_TOKEN);
  });

  // A mask only ever stands for the secret at the place it was sent to: sent back with another
  // destination it stays a mask (and is named), so a caller who cannot read a secret cannot
  // redirect it either. Rows with the same destination, spelled differently, still restore.
  type Body = ReturnType<typeof maskNotificationSecrets>;
  interface DestinationCase {
    name: string;
    edit: (body: Body) => void;
    /** The fields left holding a mask. */
    masked: string[];
  }
  const section = (restored: unknown, path: string) =>
    (restored as Record<string, unknown>)[path.split(".")[1] ?? ""];
  it.each<DestinationCase>([
    {
      name: "the Telegram token with another API base",
      edit: (b) => {
        b.telegram.apiBase = "https://collector.example";
      },
      masked: ["notifications.telegram.botToken"],
    },
    {
      name: "the ntfy token with another server",
      edit: (b) => {
        b.ntfy.serverUrl = "https://collector.example";
      },
      masked: ["notifications.ntfy.token"],
    },
    {
      name: "the webhook's header values with another URL",
      edit: (b) => {
        b.webhook.url = "https://collector.example/hook";
      },
      masked: ["notifications.webhook.headers.X-Api-Key"],
    },
    {
      name: "the Discord URL's mask on another host",
      edit: (b) => {
        b.discord.webhookUrl = "https://collector.example/••••";
      },
      masked: ["notifications.discord.webhookUrl"],
    },
    {
      name: "nothing: the same API base and server with a trailing slash",
      edit: (b) => {
        b.telegram.apiBase = "https://api.telegram.org/";
        b.ntfy.serverUrl = " https://ntfy.sh// ";
      },
      masked: [],
    },
    {
      name: "nothing: API base and server left out, so the defaults they were stored with",
      edit: (b) => {
        delete (b.telegram as Partial<Body["telegram"]>).apiBase;
        delete (b.ntfy as Partial<Body["ntfy"]>).serverUrl;
      },
      masked: [],
    },
  ])("a mask is restored only for its own destination — left masked: $name", ({ edit, masked }) => {
    const body = maskNotificationSecrets(full);
    edit(body);
    const restored = restoreMaskedSecrets(body, full);
    expect(unrestoredMasks(restored)).toEqual(masked);
    // No secret travels with a new destination; with the old one, all of them are back.
    for (const path of masked) expect(JSON.stringify(section(restored, path))).not.toMatch(/SECRET/);
    if (masked.length === 0) expect(notificationSettingsSchema.parse(restored)).toEqual(full);
  });
});

describe("the edges of masking and restoring", () => {
  it("reads the Telegram variables with their spaces trimmed, and warns of both bad values at once", () => {
    const s = notificationSettingsFromEnv({
      TELEGRAM_BOT_TOKEN: ` ${BOT_TOKEN} `,
      TELEGRAM_CHAT_ID: " -100123 ",
    });
    expect([s.telegram.botToken, s.telegram.chatId]).toEqual([BOT_TOKEN, "-100123"]);
    const warnings: string[] = [];
    notificationSettingsFromEnv({ TELEGRAM_BOT_TOKEN: "oops", TELEGRAM_CHAT_ID: "my chat" }, (m) =>
      warnings.push(m),
    );
    expect(warnings).toHaveLength(1);
    expect(warnings[0]).toMatch(
      /^Telegram notifications stay off: TELEGRAM_BOT_TOKEN: .+; TELEGRAM_CHAT_ID: .+$/,
    );
  });

  it("without a warning callback, bad variables still leave Telegram off", () => {
    expect(notificationSettingsFromEnv({ TELEGRAM_BOT_TOKEN: BOT_TOKEN })).toEqual(
      DEFAULT_NOTIFICATION_SETTINGS,
    );
    expect(notificationSettingsFromEnv({ TELEGRAM_BOT_TOKEN: "oops", TELEGRAM_CHAT_ID: "1" })).toEqual(
      DEFAULT_NOTIFICATION_SETTINGS,
    );
  });

  it.each([
    { url: "https://user@example.com/", masked: "https://example.com/••••" },
    { url: "https://:pw@example.com/", masked: "https://example.com/••••" },
    { url: "https://example.com/?k=v", masked: "https://example.com/••••" },
    { url: "https://example.com/#frag", masked: "https://example.com/••••" },
    { url: "not a url", masked: "••••" },
  ])("maskUrl($url) = $masked", ({ url, masked }) => {
    expect(maskUrl(url)).toBe(masked);
  });

  it("a webhook with more than 20 headers is refused with the limit", () => {
    const headers = Object.fromEntries(Array.from({ length: 21 }, (_, i) => [`X-H${i}`, "v"]));
    expect(issues({ webhook: { headers } })).toEqual(['webhook.headers header_count {"maximum":20}']);
    expect(issues({ webhook: { headers: Object.fromEntries(Object.entries(headers).slice(1)) } })).toEqual(
      [],
    );
  });

  it("settings without an ntfy token or webhook headers stay without them", () => {
    const masked = maskNotificationSecrets(settings({}));
    expect("token" in masked.ntfy).toBe(false);
    expect("headers" in masked.webhook).toBe(false);
  });

  it.each([
    { name: "not an object", body: "text" },
    { name: "a list", body: ["a"] },
    { name: "null", body: null },
  ])("a body that is $name is passed on as it is", ({ body }) => {
    expect(restoreMaskedSecrets(body, settings({}))).toBe(body);
  });

  it.each([
    { name: "a section that is a list", body: { telegram: ["••••p-42"] } },
    { name: "a section that is null", body: { ntfy: null } },
    {
      name: "headers that are a list",
      body: { webhook: { url: "https://hooks.example.com/p", headers: ["x"] } },
    },
  ])("odd sections are left for validation to refuse: $name", ({ body }) => {
    const current = settings({
      telegram: { botToken: BOT_TOKEN },
      ntfy: { token: NTFY_TOKEN },
      webhook: { url: "https://hooks.example.com/p", headers: { "X-Api-Key": "SECRETkey1234" } },
    });
    expect(restoreMaskedSecrets(body, current)).toEqual(body);
  });

  it("nothing is restored where nothing is stored: an empty token's mask stays what was sent", () => {
    const body = { telegram: { botToken: "" }, ntfy: { token: "••••" } };
    expect(restoreMaskedSecrets(body, settings({}))).toEqual(body);
  });

  it("an API base that is not text is another destination", () => {
    const current = settings({ telegram: { botToken: BOT_TOKEN } });
    const body = { telegram: { botToken: maskSecret(BOT_TOKEN), apiBase: 42 } };
    expect(unrestoredMasks(restoreMaskedSecrets(body, current))).toEqual(["notifications.telegram.botToken"]);
  });

  it("only the headers the client sent back masked are restored; new ones are kept as sent", () => {
    const current = settings({
      webhook: { url: "https://hooks.example.com/p", headers: { "X-Api-Key": "SECRETkey1234" } },
    });
    const body = {
      webhook: {
        url: "https://hooks.example.com/p",
        headers: { "X-Api-Key": "••••1234", "X-New": "••••1234" },
      },
    };
    expect(restoreMaskedSecrets(body, current)).toEqual({
      webhook: {
        url: "https://hooks.example.com/p",
        headers: { "X-Api-Key": "SECRETkey1234", "X-New": "••••1234" },
      },
    });
    // Stored without headers: the masks stay.
    expect(restoreMaskedSecrets(body, settings({ webhook: { url: "https://hooks.example.com/p" } }))).toEqual(
      body,
    );
  });

  it("names masks at the top level and in nested sections by their path", () => {
    expect(unrestoredMasks("••••")).toEqual(["notifications"]);
    expect(unrestoredMasks({ a: { b: "x••••" }, c: "plain" })).toEqual(["notifications.a.b"]);
  });
});
