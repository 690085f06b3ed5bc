// ntfy: a plain-text POST to <server>/<topic>, the rest in headers. Header values must be
// ASCII for fetch, so the title goes without emoji (the Tags header adds it on the phone) and
// is RFC 2047-encoded if anything non-ASCII is left.
import type { AgentOptions, NotificationAgent } from "./agent.js";
import type { NotificationEvent } from "./event.js";
import { post } from "./http.js";
import { appLink, encodeHeaderValue, headline, plainText } from "./messages.js";
import type { NtfySettings } from "./schema.js";

export interface NtfyMessage {
  title: string;
  body: string;
  priority: number;
  tags: string[];
  click?: string;
}

/** ntfy's priorities: 3 is the default, 4 "high" (a failed scan), both overridden by the settings. */
export function ntfyMessage(event: NotificationEvent, priority?: number): NtfyMessage {
  const h = headline(event);
  const link = appLink(event);
  return {
    title: h.text,
    body: plainText(event, false),
    priority: priority ?? (!event.test && event.kind === "scan_failed" ? 4 : 3),
    tags: [h.tag, "plex"],
    ...(link !== undefined ? { click: link } : {}),
  };
}

export function ntfyHeaders(message: NtfyMessage, token: string | undefined): Record<string, string> {
  return {
    "Content-Type": "text/plain; charset=utf-8",
    Title: encodeHeaderValue(message.title),
    Priority: String(message.priority),
    Tags: message.tags.join(","),
    ...(message.click !== undefined ? { Click: message.click } : {}),
    ...(token !== undefined && token !== "" ? { Authorization: `Bearer ${token}` } : {}),
  };
}

export class NtfyAgent implements NotificationAgent {
  readonly name = "ntfy";

  constructor(
    private readonly settings: NtfySettings,
    private readonly options: AgentOptions = {},
  ) {}

  enabled(): boolean {
    return this.settings.enabled && this.settings.topic !== "";
  }

  async send(event: NotificationEvent, signal?: AbortSignal): Promise<void> {
    const { serverUrl, topic, token, priority } = this.settings;
    const message = ntfyMessage(event, priority);
    await post(
      {
        label: "ntfy",
        url: `${serverUrl.replace(/\/+$/, "")}/${encodeURIComponent(topic)}`,
        headers: ntfyHeaders(message, token),
        body: message.body,
        secrets: [token],
        detail: (status) =>
          status === 401 || status === 403
            ? "not authorized (check the access token and the topic's permissions)"
            : status === 429
              ? "rate limited by the ntfy server"
              : undefined,
        ...(signal ? { signal } : {}),
      },
      this.options,
    );
  }
}
