import { describe, expect, it } from "vitest";
import { discordMessage } from "../../src/notify/discord.js";
import { encodeHeaderValue, formatDuration, plainText } from "../../src/notify/messages.js";
import { testEvent } from "../../src/notify/notifier.js";
import { ntfyHeaders, ntfyMessage } from "../../src/notify/ntfy.js";
import { escapeHtml, telegramMessage, telegramRequestBody } from "../../src/notify/telegram.js";
import { webhookPayload } from "../../src/notify/webhook.js";
import { event, settings } from "./fixtures.js";

const NOW = new Date("2025-03-01T12:00:00.000Z");

describe("formatDuration", () => {
  it.each([
    [0, "0s"],
    [400, "0s"],
    [45_000, "45s"],
    [83_000, "1m 23s"],
    [3_600_000, "1h 0m 0s"],
    [3_723_400, "1h 2m 3s"],
  ])("%d ms → %s", (ms, expected) => {
    expect(formatDuration(ms)).toBe(expected);
  });
});

describe("telegramMessage", () => {
  it("renders a finished scan like the original", () => {
    expect(telegramMessage(event({ appUrl: "https://psr.example.com/" }))).toBe(
      [
        "<b>✅ Plex Smart Refresher: scan finished</b>",
        "Job: #42 (schedule)",
        "Checked: 120",
        "Fixed: 7 (matched 2)",
        "Failed: 1",
        "Needs review: 0",
        "Duration: 1m 23s",
        '<a href="https://psr.example.com/">Open Plex Smart Refresher</a>',
      ].join("\n"),
    );
  });

  it.each([
    [
      "a dry run",
      event({ dryRun: true, stats: { ...event().stats, wouldFix: 9 } }),
      ["scan finished (dry run)", "Would fix: 9"],
      [],
    ],
    ["a live run", event(), ["Fixed: 7 (matched 2)"], ["Would fix"]],
    [
      "a failure",
      event({ kind: "scan_failed", status: "failed", error: "Plex is unreachable" }),
      ["❌ Plex Smart Refresher: scan failed", "Error: <code>Plex is unreachable</code>"],
      [],
    ],
    [
      "an interruption",
      event({ kind: "scan_failed", status: "interrupted" }),
      ["scan interrupted", "Error: <code>the app stopped"],
      [],
    ],
    [
      "review items",
      event({ kind: "needs_review", stats: { ...event().stats, needsReview: 3 } }),
      ["🔎 Plex Smart Refresher: 3 items need review", "Needs review: 3"],
      [],
    ],
    [
      "one review item",
      event({ kind: "needs_review", stats: { ...event().stats, needsReview: 1 } }),
      ["1 item needs review"],
      [],
    ],
    [
      "locked items and errors",
      event({ stats: { ...event().stats, locked: 2, errors: 4 } }),
      ["Locked: 2", "Errors: 4"],
      [],
    ],
    ["a success", event({ error: "stale" }), [], ["Error"]],
    ["a non-http app URL", event({ appUrl: "javascript:alert(1)" }), [], ["href", "javascript"]],
    [
      "a test",
      testEvent(),
      ["🧪 Plex Smart Refresher: test notification", "This is a test from Plex Smart Refresher"],
      ["Checked"],
    ],
  ])("for %s", (_, e, present, absent) => {
    const text = telegramMessage(e);
    for (const p of present) expect(text).toContain(p);
    for (const a of absent) expect(text).not.toContain(a);
  });

  it("escapes every interpolated value", () => {
    const text = telegramMessage(
      event({
        kind: "scan_failed",
        status: "failed",
        source: '<script>&"',
        error: 'Title <script>alert("x")</script> & more',
        appUrl: 'https://psr.example.com/?a=1&b="<x>',
      }),
    );
    expect(text).toContain("Job: #42 (&lt;script&gt;&amp;&quot;)");
    expect(text).toContain(
      "Error: <code>Title &lt;script&gt;alert(&quot;x&quot;)&lt;/script&gt; &amp; more</code>",
    );
    expect(text).toContain('href="https://psr.example.com/?a=1&amp;b=%22%3Cx%3E"');
    // Only our own tags remain.
    expect(text.match(/<\/?[a-z]+/g)).toEqual(["<b", "</b", "<code", "</code", "<a", "</a"]);
    expect(escapeHtml('<script>&"')).toBe("&lt;script&gt;&amp;&quot;");
  });

  it("cuts a long error to one line", () => {
    const text = telegramMessage(
      event({ kind: "scan_failed", status: "failed", error: `line1\nline2 ${"x".repeat(2000)}` }),
    );
    const errorLine = text.split("\n").find((l) => l.startsWith("Error:"))!;
    expect(errorLine).toContain("line1 line2");
    expect(errorLine.length).toBeLessThan(600);
  });

  it("builds the sendMessage body, with the topic when set", () => {
    const s = settings({ telegram: { chatId: "-100123", topicId: 77 } }).telegram;
    expect(telegramRequestBody(s, event())).toMatchObject({
      chat_id: "-100123",
      parse_mode: "HTML",
      disable_web_page_preview: true,
      message_thread_id: 77,
    });
    expect(telegramRequestBody({ ...s, topicId: undefined }, event())).not.toHaveProperty(
      "message_thread_id",
    );
  });
});

describe("discordMessage", () => {
  it("is one embed with fields, a color per kind and the time", () => {
    const body = discordMessage(event({ appUrl: "https://psr.example.com" }), NOW);
    expect(body.username).toBe("Plex Smart Refresher");
    expect(body.allowed_mentions).toEqual({ parse: [] });
    const [embed] = body.embeds;
    expect(embed).toMatchObject({
      title: "✅ Plex Smart Refresher: scan finished",
      color: 0x2ecc71,
      timestamp: "2025-03-01T12:00:00.000Z",
      url: "https://psr.example.com/",
    });
    expect(embed.fields).toContainEqual({ name: "Fixed", value: "7 (matched 2)", inline: true });
    expect(embed.fields).toContainEqual({ name: "Duration", value: "1m 23s", inline: true });
  });

  it.each([
    [event({ kind: "scan_failed", status: "failed", error: "boom" }), 0xe74c3c, "Error: boom"],
    [event({ kind: "needs_review", stats: { ...event().stats, needsReview: 2 } }), 0xf1c40f, ""],
    [event({ dryRun: true }), 0x2ecc71, "Dry run: nothing was changed."],
    [
      testEvent(),
      0x3498db,
      "This is a test from Plex Smart Refresher. If you can read this, notifications work.",
    ],
  ])("colors and describes %#", (e, color, description) => {
    const [embed] = discordMessage(e, NOW).embeds;
    expect(embed.color).toBe(color);
    expect(embed.description).toBe(description);
  });
});

describe("ntfy", () => {
  it("puts the facts in the body and the rest in ASCII headers", () => {
    const message = ntfyMessage(event({ appUrl: "https://psr.example.com" }));
    expect(message).toEqual({
      title: "Plex Smart Refresher: scan finished",
      body: plainText(event({ appUrl: "https://psr.example.com" }), false),
      priority: 3,
      tags: ["white_check_mark", "plex"],
      click: "https://psr.example.com/",
    });
    expect(message.body).toContain("Checked: 120\nFixed: 7 (matched 2)");
    expect(ntfyHeaders(message, "tk_abc")).toEqual({
      "Content-Type": "text/plain; charset=utf-8",
      Title: "Plex Smart Refresher: scan finished",
      Priority: "3",
      Tags: "white_check_mark,plex",
      Click: "https://psr.example.com/",
      Authorization: "Bearer tk_abc",
    });
    expect(ntfyHeaders(message, undefined)).not.toHaveProperty("Authorization");
  });

  it.each([
    [event({ kind: "scan_failed", status: "failed" }), undefined, 4, "x"],
    [event({ kind: "scan_failed", status: "failed" }), 2, 2, "x"],
    [event({ kind: "needs_review", stats: { ...event().stats, needsReview: 1 } }), undefined, 3, "mag"],
    [event(), 5, 5, "white_check_mark"],
  ])("priority and tag %#", (e, configured, priority, tag) => {
    const message = ntfyMessage(e, configured);
    expect(message.priority).toBe(priority);
    expect(message.tags[0]).toBe(tag);
  });

  it.each([
    ["Plex Smart Refresher: scan finished", "Plex Smart Refresher: scan finished"],
    ["Prüfung – fertig ✅", `=?UTF-8?B?${Buffer.from("Prüfung – fertig ✅").toString("base64")}?=`],
  ])("encodes the header value %j", (value, expected) => {
    expect(encodeHeaderValue(value)).toBe(expected);
  });
});

describe("webhookPayload", () => {
  it("is the event as JSON with the time it was sent", () => {
    const failed = event({
      kind: "scan_failed",
      status: "failed",
      error: "boom",
      errorReason: { code: "internal_error" },
    });
    expect(webhookPayload(failed, NOW)).toEqual({
      event: "scan_failed",
      jobId: 42,
      status: "failed",
      source: "schedule",
      stats: event().stats,
      error: "boom",
      errorReason: { code: "internal_error" },
      dryRun: false,
      appUrl: null,
      test: false,
      sentAt: "2025-03-01T12:00:00.000Z",
    });
    expect(webhookPayload(testEvent("https://x.example"), NOW)).toMatchObject({
      test: true,
      appUrl: "https://x.example",
    });
  });
});
