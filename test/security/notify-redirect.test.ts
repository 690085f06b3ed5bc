// Audit finding 7: a notification send never follows a redirect, so a receiver that answers 3xx
// cannot forward a webhook's custom headers (X-Secret) or the body to another host. The redirect
// is the send's result, as a code the settings page translates.
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { createAgents, notify } from "../../src/notify/notifier.js";
import de from "../../web/src/i18n/de.json" with { type: "json" };
import en from "../../web/src/i18n/en.json" with { type: "json" };
import { startTestServer, type TestServer } from "../helpers/server.js";
import { event, settings } from "../notify/fixtures.js";
import { type Receiver, startReceiver } from "../notify/receiver.js";

const KEY = "redirect-test-key-0123456789";
const SECRET = "X-Secret-value-never-forwarded";

let target: Receiver;
let redirector: Receiver;
let redirectStatus = 307;
let test: TestServer;

beforeAll(async () => {
  target = await startReceiver();
  redirector = await startReceiver((request, response) => {
    response.writeHead(redirectStatus, { Location: `${target.url}/stolen${request.url}` });
    response.end();
  });
  test = await startTestServer(
    { seed: 7, items: 5 },
    { PSR_API_KEY: KEY, GUI_PASSWORD: "redirect-test-password" },
  );
});
afterAll(async () => {
  await test?.close();
  await redirector?.close();
  await target?.close();
});

async function api(method: string, path: string, body?: unknown) {
  const res = await fetch(test.server.url + path, {
    method,
    headers: { "X-Api-Key": KEY, "Content-Type": "application/json" },
    body: body === undefined ? undefined : JSON.stringify(body),
  });
  return { status: res.status, body: (await res.json()) as Record<string, unknown> };
}

describe("notification redirects", () => {
  it("the settings page's webhook test reports a 307 and the second host receives nothing", async () => {
    const put = await api("PUT", "/api/settings", {
      notifications: {
        webhook: { enabled: true, url: `${redirector.url}/hook`, headers: { "X-Secret": SECRET } },
      },
    });
    expect(put.status, JSON.stringify(put.body)).toBe(200);
    redirectStatus = 307;
    const sent = await api("POST", "/api/notifications/test", { agent: "webhook" });
    expect(sent.status).toBe(200);
    const targetHost = new URL(target.url).host;
    expect(sent.body.results).toEqual([
      {
        agent: "webhook",
        ok: false,
        error: `Webhook: HTTP 307 redirect to ${targetHost}, not followed`,
        code: "notify_redirect",
        params: { status: "307", host: targetHost },
      },
    ]);
    // The first receiver got the send with its header; the host it pointed at got nothing.
    expect(redirector.requests.at(-1)?.headers["x-secret"]).toBe(SECRET);
    expect(target.requests).toEqual([]);
  });

  it.each([301, 302, 303, 307, 308])("no agent follows a %i", async (status) => {
    redirectStatus = status;
    const base = redirector.url;
    const agents = createAgents(
      settings({
        telegram: {
          enabled: true,
          botToken: "123456:abcdefghijklmnopqrstuvwxyz",
          chatId: "42",
          apiBase: base,
        },
        discord: { enabled: true, webhookUrl: `${base}/api/webhooks/1/abc` },
        ntfy: { enabled: true, serverUrl: base, topic: "alerts", token: "tk_redirecttoken" },
        webhook: { enabled: true, url: `${base}/hook`, headers: { "X-Secret": SECRET } },
      }),
    );
    const results = await notify(event(), agents, () => {});
    expect(results.map((r) => [r.agent, r.ok, r.code, r.params?.status])).toEqual(
      ["telegram", "discord", "ntfy", "webhook"].map((agent) => [
        agent,
        false,
        "notify_redirect",
        String(status),
      ]),
    );
    expect(target.requests).toEqual([]);
  });

  it("the settings page has the code's text in English and German, with its parameters", () => {
    for (const texts of [en, de]) {
      const text = texts.settings.notifications.failure.notify_redirect;
      expect(text).toContain("{{host}}");
      expect(text).toContain("{{status}}");
    }
  });
});
