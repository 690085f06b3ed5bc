// Discord through an incoming webhook: one embed per notification.
import type { AgentOptions, NotificationAgent } from "./agent.js";
import type { NotificationEvent } from "./event.js";
import { post } from "./http.js";
import {
  APP_NAME,
  appLink,
  dryRunText,
  errorLabel,
  errorText,
  summaryLines,
  testText,
  title,
} from "./messages.js";
import type { DiscordSettings } from "./schema.js";

const COLORS = {
  scan_finished: 0x2ecc71,
  scan_failed: 0xe74c3c,
  needs_review: 0xf1c40f,
  test: 0x3498db,
} as const;

export interface DiscordEmbed {
  title: string;
  description: string;
  color: number;
  url?: string;
  fields: { name: string; value: string; inline: boolean }[];
  timestamp: string;
}

export interface DiscordWebhookBody {
  username: string;
  /** Nobody gets pinged, whatever an error text contains. */
  allowed_mentions: { parse: [] };
  embeds: [DiscordEmbed];
}

export function discordMessage(event: NotificationEvent, now: Date): DiscordWebhookBody {
  const error = event.test ? null : errorText(event);
  const link = appLink(event);
  const description = event.test
    ? testText(event)
    : error !== null
      ? `${errorLabel(event)}: ${error}`
      : event.dryRun
        ? dryRunText(event)
        : "";
  const embed: DiscordEmbed = {
    title: title(event),
    description,
    color: event.test ? COLORS.test : COLORS[event.kind],
    fields: event.test
      ? []
      : summaryLines(event).map((line) => ({ name: line.label, value: line.value, inline: true })),
    timestamp: now.toISOString(),
    ...(link !== undefined ? { url: link } : {}),
  };
  return { username: APP_NAME, allowed_mentions: { parse: [] }, embeds: [embed] };
}

export class DiscordAgent implements NotificationAgent {
  readonly name = "discord";

  constructor(
    private readonly settings: DiscordSettings,
    private readonly options: AgentOptions = {},
  ) {}

  enabled(): boolean {
    return this.settings.enabled && this.settings.webhookUrl !== "";
  }

  async send(event: NotificationEvent, signal?: AbortSignal): Promise<void> {
    const now = this.options.now?.() ?? new Date();
    await post(
      {
        label: "Discord",
        url: this.settings.webhookUrl,
        headers: { "Content-Type": "application/json" },
        body: JSON.stringify(discordMessage(event, now)),
        secrets: [this.settings.webhookUrl],
        detail: (status) =>
          status === 401 || status === 404 ? "unknown webhook (check the webhook URL)" : undefined,
        ...(signal ? { signal } : {}),
      },
      this.options,
    );
  }
}
