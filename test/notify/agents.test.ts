// Every agent against a real HTTP receiver on 127.0.0.1: what goes over the wire, and how
// failures come back (status and reason in, secrets out).
import { afterEach, describe, expect, it } from "vitest";
import type { Reason } from "../../src/contracts/reasons.js";
import { notifyLanguage } from "../../src/notify/catalogue.js";
import { DiscordAgent } from "../../src/notify/discord.js";
import { eventsFor } from "../../src/notify/event.js";
import { NotificationError } from "../../src/notify/http.js";
import { encodeHeaderValue } from "../../src/notify/messages.js";
import { createAgents, type NotifyLog, notify, notifyAll, sendTest } from "../../src/notify/notifier.js";
import { NtfyAgent } from "../../src/notify/ntfy.js";
import type { NotificationSettingsInput } from "../../src/notify/schema.js";
import { TelegramAgent, telegramMessage } from "../../src/notify/telegram.js";
import { WebhookAgent } from "../../src/notify/webhook.js";
import {
  BOT_TOKEN,
  event,
  NTFY_TOKEN,
  settings,
  WEBHOOK_HEADER_SECRET,
  WEBHOOK_QUERY_SECRET,
} from "./fixtures.js";
import { json, type Receiver, type Responder, startReceiver } from "./receiver.js";

const NOW = new Date("2025-03-01T12:00:00.000Z");
const SECRETS = [BOT_TOKEN, NTFY_TOKEN, WEBHOOK_QUERY_SECRET, WEBHOOK_HEADER_SECRET, "SECRETdiscordTOKEN"];

const receivers: Receiver[] = [];
async function receiver(respond?: Responder): Promise<Receiver> {
  const r = await startReceiver(respond);
  receivers.push(r);
  return r;
}
afterEach(async () => {
  await Promise.all(receivers.splice(0).map((r) => r.close()));
});

/** All four agents switched on and pointed at `base`. */
function allOn(base: string, extra: NotificationSettingsInput = {}) {
  return settings({
    telegram: { enabled: true, botToken: BOT_TOKEN, chatId: "-1001234567890", topicId: 12, apiBase: base },
    discord: { enabled: true, webhookUrl: `${base}/api/webhooks/1/SECRETdiscordTOKEN` },
    ntfy: { enabled: true, serverUrl: base, topic: "psr-alerts", token: NTFY_TOKEN },
    webhook: {
      enabled: true,
      url: `${base}/hook?key=${WEBHOOK_QUERY_SECRET}`,
      headers: { "X-Api-Key": WEBHOOK_HEADER_SECRET },
    },
    ...extra,
  });
}

function collectLog(): { log: NotifyLog; lines: string[] } {
  const lines: string[] = [];
  return { log: (level, message) => lines.push(`${level} ${message}`), lines };
}

function expectNoSecrets(text: string): void {
  for (const secret of SECRETS) expect(text).not.toContain(secret);
  expect(text).not.toContain("SECRET");
}

describe("agents on the wire", () => {
  it("Telegram posts sendMessage to /bot<token>/ with the chat, HTML text and topic", async () => {
    const r = await receiver((_, res) => json(res, 200, { ok: true, result: { message_id: 1 } }));
    const agent = new TelegramAgent(allOn(r.url).telegram);
    expect(agent.enabled()).toBe(true);
    await agent.send(event({ source: "<ui>" }));
    expect(r.requests).toHaveLength(1);
    const [req] = r.requests;
    expect(req?.method).toBe("POST");
    expect(req?.url).toBe(`/bot${BOT_TOKEN}/sendMessage`);
    expect(req?.headers["content-type"]).toBe("application/json");
    const body = JSON.parse(req?.body ?? "{}") as Record<string, unknown>;
    expect(body).toMatchObject({
      chat_id: "-1001234567890",
      parse_mode: "HTML",
      disable_web_page_preview: true,
      message_thread_id: 12,
    });
    expect(body.text).toContain("<b>✅ Plex Smart Refresher: scan finished</b>");
    expect(body.text).toContain("Job: #42 (&lt;ui&gt;)");
  });

  it("Telegram leaves message_thread_id out without a topic", async () => {
    const r = await receiver();
    const s = allOn(r.url);
    await new TelegramAgent({ ...s.telegram, topicId: undefined }).send(event());
    expect(JSON.parse(r.requests[0]?.body ?? "{}")).not.toHaveProperty("message_thread_id");
  });

  it("Discord posts the embed to the webhook URL", async () => {
    const r = await receiver((_, res) => {
      res.writeHead(204);
      res.end();
    });
    await new DiscordAgent(allOn(r.url).discord, { now: () => NOW }).send(
      event({ kind: "scan_failed", status: "failed", error: "boom" }),
    );
    const [req] = r.requests;
    expect(req?.url).toBe("/api/webhooks/1/SECRETdiscordTOKEN");
    expect(req?.headers["content-type"]).toBe("application/json");
    const body = JSON.parse(req?.body ?? "{}");
    expect(body).toMatchObject({
      username: "Plex Smart Refresher",
      embeds: [
        {
          title: "❌ Plex Smart Refresher: scan failed",
          description: "Error: boom",
          color: 0xe74c3c,
          timestamp: NOW.toISOString(),
        },
      ],
    });
    expect(body.embeds[0].fields).toContainEqual({ name: "Checked", value: "120", inline: true });
  });

  it("ntfy posts plain text to /<topic> with title, priority, tags and the bearer token", async () => {
    const r = await receiver((_, res) => json(res, 200, { id: "abc", event: "message" }));
    await new NtfyAgent(allOn(r.url).ntfy).send(
      event({ kind: "needs_review", stats: { ...event().stats, needsReview: 2 } }),
    );
    const [req] = r.requests;
    expect(req?.url).toBe("/psr-alerts");
    expect(req?.headers).toMatchObject({
      "content-type": "text/plain; charset=utf-8",
      title: "Plex Smart Refresher: 2 items need review",
      priority: "3",
      tags: "mag,plex",
      authorization: `Bearer ${NTFY_TOKEN}`,
    });
    expect(req?.body).toContain("Needs review: 2");
    expect(req?.body.startsWith("Job: #42 (schedule)\n")).toBe(true);
  });

  it("ntfy sends no Authorization without a token, and the configured priority", async () => {
    const r = await receiver();
    const s = allOn(r.url).ntfy;
    await new NtfyAgent({ ...s, token: undefined, priority: 5 }).send(event());
    expect(r.requests[0]?.headers.authorization).toBeUndefined();
    expect(r.requests[0]?.headers.priority).toBe("5");
  });

  it("the webhook posts the event JSON with the custom headers", async () => {
    const r = await receiver();
    await new WebhookAgent(allOn(r.url).webhook, { now: () => NOW }).send(
      event({ dryRun: true, appUrl: "https://psr.example.com" }),
    );
    const [req] = r.requests;
    expect(req?.url).toBe(`/hook?key=${WEBHOOK_QUERY_SECRET}`);
    expect(req?.headers["x-api-key"]).toBe(WEBHOOK_HEADER_SECRET);
    expect(req?.headers["content-type"]).toBe("application/json");
    expect(req?.headers["user-agent"]).toMatch(/^plex-smart-refresher\//);
    expect(JSON.parse(req?.body ?? "{}")).toEqual({
      event: "scan_finished",
      jobId: 42,
      status: "success",
      source: "schedule",
      stats: event().stats,
      error: null,
      errorReason: null,
      dryRun: true,
      appUrl: "https://psr.example.com",
      test: false,
      sentAt: NOW.toISOString(),
    });
  });
});

describe("failures", () => {
  it("Telegram's failure comes back as the status and a hint, never the reply body or the token", async () => {
    const r = await receiver((_, res) =>
      json(res, 400, { ok: false, error_code: 400, description: "Bad Request: chat not found" }),
    );
    const error = await new TelegramAgent(allOn(r.url).telegram).send(event()).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(NotificationError);
    const message = (error as Error).message;
    expect(message).toContain("HTTP 400");
    expect(message).not.toContain("chat not found");
    expect(message).toContain("check the chat id");
    expectNoSecrets(message);
  });

  it("a receiver echoing the URL does not leak the bot token", async () => {
    const r = await receiver((req, res) =>
      json(res, 404, { ok: false, description: `Not Found: ${req.url}` }),
    );
    const message = await new TelegramAgent(allOn(r.url).telegram)
      .send(event())
      .then(() => "")
      .catch((e: Error) => e.message);
    expect(message).toContain("HTTP 404");
    expect(message).toContain("check the bot token");
    expectNoSecrets(message);
    expect(message).not.toContain("987654321");
  });

  it("a 500 from every agent: each ok:false with the status, secrets redacted, logged once each", async () => {
    // Echo everything back, as a badly behaved proxy might.
    const r = await receiver((req, res) => {
      res.writeHead(500, { "Content-Type": "text/plain" });
      res.end(
        `Internal error for ${req.url} auth=${req.headers.authorization} key=${req.headers["x-api-key"]}`,
      );
    });
    const { log, lines } = collectLog();
    const results = await notify(event(), createAgents(allOn(r.url)), log);
    expect(results.map((x) => [x.agent, x.ok])).toEqual([
      ["telegram", false],
      ["discord", false],
      ["ntfy", false],
      ["webhook", false],
    ]);
    for (const result of results) {
      expect(result.error).toContain("HTTP 500");
      // The receiver's body never comes back (it could be an internal service's answer).
      expect(result.error).not.toContain("Internal error");
      expectNoSecrets(result.error ?? "");
    }
    expect(lines).toHaveLength(4);
    for (const line of lines) {
      expect(line).toMatch(/^warn Notification "scan_finished" via \w+ failed: .*HTTP 500/);
      expect(line).not.toContain("\n");
      expectNoSecrets(line);
    }
  });

  it("ntfy's 403 names the token as the thing to check, without showing it", async () => {
    const r = await receiver((_, res) => json(res, 403, { code: 40301, http: 403, error: "forbidden" }));
    const [result] = await notify(event(), [new NtfyAgent(allOn(r.url).ntfy)], () => {});
    expect(result).toEqual({
      agent: "ntfy",
      ok: false,
      error: "ntfy: HTTP 403 – not authorized (check the access token and the topic's permissions)",
    });
  });

  it("a receiver that never answers times out; the others still get through", async () => {
    const r = await receiver((req, res) => {
      if (req.url.startsWith("/bot")) return; // Telegram hangs
      json(res, 200, { ok: true });
    });
    const started = Date.now();
    const results = await notify(event(), createAgents(allOn(r.url), { timeoutMs: 300 }), () => {});
    expect(Date.now() - started).toBeLessThan(3000);
    expect(results).toEqual([
      { agent: "telegram", ok: false, error: "Telegram: no answer within 0.3 s" },
      { agent: "discord", ok: true },
      { agent: "ntfy", ok: true },
      { agent: "webhook", ok: true },
    ]);
  });

  it("one agent failing does not stop the others", async () => {
    const r = await receiver((req, res) => {
      if (req.url === "/psr-alerts")
        return json(res, 429, { code: 42901, http: 429, error: "limit reached" });
      json(res, 200, { ok: true });
    });
    const { log, lines } = collectLog();
    const results = await notify(event(), createAgents(allOn(r.url)), log);
    expect(results.filter((x) => x.ok).map((x) => x.agent)).toEqual(["telegram", "discord", "webhook"]);
    expect(results.find((x) => x.agent === "ntfy")?.error).toBe(
      "ntfy: HTTP 429 – rate limited by the ntfy server",
    );
    expect(r.requests).toHaveLength(4);
    expect(lines.filter((l) => l.startsWith("info"))).toHaveLength(3);
  });

  it("an unreachable server is a one-line error naming the host", async () => {
    const r = await receiver();
    const base = r.url;
    await r.close();
    receivers.pop();
    const results = await notify(event(), createAgents(allOn(base)), () => {});
    for (const result of results) {
      expect(result.ok).toBe(false);
      expect(result.error).toMatch(/could not reach 127\.0\.0\.1:\d+ \(ECONNREFUSED\)/);
      expectNoSecrets(result.error ?? "");
    }
  });

  it("never rejects, even for an agent that throws synchronously or a logger that throws", async () => {
    const broken = {
      name: "broken",
      enabled: () => true,
      send: () => {
        throw new Error(`exploded with ${BOT_TOKEN}`);
      },
    };
    const results = await notify(event(), [broken], () => {
      throw new Error("logger down");
    });
    expect(results).toEqual([{ agent: "broken", ok: false, error: "exploded with ••••" }]);
  });

  it("skips disabled agents", async () => {
    const r = await receiver();
    const s = allOn(r.url);
    const results = await notify(
      event(),
      createAgents({
        ...s,
        telegram: { ...s.telegram, enabled: false },
        webhook: { ...s.webhook, enabled: false },
      }),
      () => {},
    );
    expect(results.map((x) => x.agent)).toEqual(["discord", "ntfy"]);
    expect(r.requests).toHaveLength(2);
  });

  it("an abort signal cancels sends", async () => {
    const r = await receiver(() => {});
    const controller = new AbortController();
    const pending = notify(event(), createAgents(allOn(r.url)), () => {}, { signal: controller.signal });
    setTimeout(() => controller.abort(), 50);
    const results = await pending;
    expect(results.every((x) => !x.ok && x.error?.endsWith("cancelled"))).toBe(true);
  });
});

describe("sendTest", () => {
  it("sends a marked test to every enabled agent", async () => {
    const r = await receiver();
    const results = await sendTest(allOn(r.url));
    expect(results.map((x) => x.ok)).toEqual([true, true, true, true]);
    const bodies = r.requests.map((req) => req.body);
    for (const body of bodies) expect(body).toMatch(/test/i);
    expect(JSON.parse(bodies[0] ?? "{}").text).toContain("This is a test from Plex Smart Refresher");
    expect(r.requests.find((req) => req.url === "/psr-alerts")?.headers.title).toBe(
      "Plex Smart Refresher: test notification",
    );
    expect(JSON.parse(r.requests.find((req) => req.url.startsWith("/hook"))?.body ?? "{}")).toMatchObject({
      test: true,
      jobId: 0,
    });
  });

  it("sends to one named agent, even while it is switched off", async () => {
    const r = await receiver();
    const s = allOn(r.url);
    const results = await sendTest({ ...s, ntfy: { ...s.ntfy, enabled: false } }, "ntfy");
    expect(results).toEqual([{ agent: "ntfy", ok: true }]);
    expect(r.requests.map((req) => req.url)).toEqual(["/psr-alerts"]);
  });

  it("explains a named agent that is not configured or unknown", async () => {
    expect(await sendTest(settings(), "telegram")).toEqual([
      {
        agent: "telegram",
        ok: false,
        error:
          "telegram.botToken: required when telegram notifications are enabled; telegram.chatId: required when telegram notifications are enabled",
      },
    ]);
    expect(await sendTest(settings(), "email")).toEqual([
      {
        agent: "email",
        ok: false,
        error: "unknown agent (expected one of telegram, discord, ntfy, webhook)",
      },
    ]);
    expect(await sendTest(settings())).toEqual([]);
  });

  it("reports a failure with the reason and no secret", async () => {
    const r = await receiver((_, res) =>
      json(res, 401, { ok: false, error_code: 401, description: "Unauthorized" }),
    );
    const { log, lines } = collectLog();
    const [result] = await sendTest(allOn(r.url), "telegram", { log });
    expect(result).toEqual({
      agent: "telegram",
      ok: false,
      error: "Telegram: HTTP 401 – Unauthorized (check the bot token)",
    });
    expect(lines).toEqual([`warn Notification "test" via telegram failed: ${result?.error}`]);
  });
});

describe("in the language chosen under Settings → Appearance", () => {
  /** Words only the English catalogue uses: none may reach a German message. */
  const ENGLISH = [
    "Checked",
    "Needs review",
    "Duration",
    "interrupted",
    "Error",
    "shutting down",
    "the server",
    "matched 2",
    "Open Plex",
  ];

  it("a German interrupted job reaches every agent in German; the webhook keeps the code for scripts", async () => {
    const r = await receiver((req, res) =>
      req.url === "/psr-alerts" ? json(res, 200, { id: "x" }) : json(res, 200, { ok: true }),
    );
    const events = eventsFor(
      {
        status: "interrupted",
        stats: { checked: 120, fixed: 7, matched: 2, failed: 1, needsReview: 0, durationMs: 83_000 },
        error: "the server received SIGTERM",
        errorReason: { code: "server_shutdown" },
      },
      { jobId: 42, source: "scheduler", dryRun: false, appUrl: "https://psr.example.com/", language: "de" },
      { scanFinished: true, scanFailed: true, needsReview: true },
    );
    const { log, lines } = collectLog();
    const results = await notifyAll(events, allOn(r.url), log);
    expect(results.map((x) => x.ok)).toEqual([true, true, true, true]);
    const byUrl = (prefix: string) => r.requests.find((req) => req.url.startsWith(prefix));

    const telegram = JSON.parse(byUrl("/bot")?.body ?? "{}").text as string;
    expect(telegram.split("\n")).toEqual([
      "<b>❌ Plex Smart Refresher: Scan unterbrochen</b>",
      "Auftrag: #42 (Zeitplan)",
      "Geprüft: 120",
      "Repariert: 7 (davon zugeordnet 2)",
      "Fehlgeschlagen: 1",
      "Zu prüfen: 0",
      "Dauer: 1m 23s",
      "Fehler: <code>Der Server wurde beendet, während der Auftrag lief</code>",
      '<a href="https://psr.example.com/">Plex Smart Refresher öffnen</a>',
    ]);
    const discord = JSON.parse(byUrl("/api/webhooks")?.body ?? "{}").embeds[0];
    expect(discord.title).toBe("❌ Plex Smart Refresher: Scan unterbrochen");
    expect(discord.description).toBe("Fehler: Der Server wurde beendet, während der Auftrag lief");
    const ntfy = byUrl("/psr-alerts");
    // ntfy's title is a header: non-ASCII travels RFC 2047-encoded.
    expect(ntfy?.headers.title).toBe(encodeHeaderValue("Plex Smart Refresher: Scan unterbrochen"));
    expect(ntfy?.body).toContain("Fehler: Der Server wurde beendet");
    for (const text of [telegram, JSON.stringify(discord), ntfy?.body ?? ""])
      for (const word of ENGLISH) expect(text).not.toContain(word);

    const hook = JSON.parse(byUrl("/hook")?.body ?? "{}");
    expect(hook).toMatchObject({
      error: "the server received SIGTERM",
      errorReason: { code: "server_shutdown" },
    });
    // The log stays English.
    expect(lines).toContain('info Notification "scan_failed" sent via telegram');
  });

  it("the test message follows the language; browser (no browser to ask) is English", async () => {
    const r = await receiver();
    await sendTest(allOn(r.url), "telegram", { language: notifyLanguage("de") });
    expect(JSON.parse(r.requests[0]?.body ?? "{}").text).toContain(
      "Dies ist ein Test von Plex Smart Refresher. Wenn du das liest, funktionieren Benachrichtigungen.",
    );
    await sendTest(allOn(r.url), "telegram", { language: notifyLanguage("browser") });
    expect(JSON.parse(r.requests[1]?.body ?? "{}").text).toContain(
      "This is a test from Plex Smart Refresher",
    );
  });

  it("a German failure without a code never shows the server's English error", async () => {
    const text = telegramMessageOf({ error: "database or disk is full", errorReason: null });
    expect(text).toContain("Fehler: <code>Unbekannter Fehler (siehe Auftragsprotokoll)</code>");
    expect(text).not.toContain("disk");
    expect(
      telegramMessageOf({ error: "x", errorReason: { code: "plex_error", params: { kind: "auth" } } }),
    ).toContain("Plex hat das Token abgelehnt");
  });
});

function telegramMessageOf(over: { error: string; errorReason: Reason | null }): string {
  return telegramMessage(event({ kind: "scan_failed", status: "failed", language: "de", ...over }));
}
