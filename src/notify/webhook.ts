// A generic webhook: the event as JSON, for scripts and home-automation systems.
import type { Reason } from "../contracts/reasons.js";
import type { AgentOptions, NotificationAgent } from "./agent.js";
import type { NotificationEvent, NotificationKind, NotificationStats } from "./event.js";
import { post } from "./http.js";
import type { WebhookSettings } from "./schema.js";

export interface WebhookPayload {
  event: NotificationKind;
  jobId: number;
  status: string;
  source: string;
  stats: NotificationStats;
  error: string | null;
  /** The error as a code with parameters (null without one), for scripts that word it. */
  errorReason: Reason | null;
  dryRun: boolean;
  appUrl: string | null;
  /** True for a test send from the settings page. */
  test: boolean;
  sentAt: string;
}

export function webhookPayload(event: NotificationEvent, now: Date): WebhookPayload {
  return {
    event: event.kind,
    jobId: event.jobId,
    status: event.status,
    source: event.source,
    stats: { ...event.stats },
    error: event.error,
    errorReason: event.errorReason ?? null,
    dryRun: event.dryRun,
    appUrl: event.appUrl ?? null,
    test: event.test === true,
    sentAt: now.toISOString(),
  };
}

export class WebhookAgent implements NotificationAgent {
  readonly name = "webhook";

  constructor(
    private readonly settings: WebhookSettings,
    private readonly options: AgentOptions = {},
  ) {}

  enabled(): boolean {
    return this.settings.enabled && this.settings.url !== "";
  }

  async send(event: NotificationEvent, signal?: AbortSignal): Promise<void> {
    const now = this.options.now?.() ?? new Date();
    const headers = this.settings.headers ?? {};
    await post(
      {
        label: "Webhook",
        url: this.settings.url,
        headers: { "Content-Type": "application/json", ...headers },
        body: JSON.stringify(webhookPayload(event, now)),
        // The URL may carry a token in its path or query, the headers an API key.
        secrets: [this.settings.url, ...Object.values(headers)],
        ...(signal ? { signal } : {}),
      },
      this.options,
    );
  }
}
