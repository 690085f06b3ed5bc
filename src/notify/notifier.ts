// Sending: every enabled agent at once, each failure contained and logged on one line. A
// notification that cannot be delivered never fails the scan that caused it.
import { errorMessage } from "../error-message.js";
import type { AgentOptions, NotificationAgent } from "./agent.js";
import type { NotifyLanguage } from "./catalogue.js";
import { DiscordAgent } from "./discord.js";
import type { NotificationEvent } from "./event.js";
import { NotificationError, redact } from "./http.js";
import { oneLine } from "./messages.js";
import { NtfyAgent } from "./ntfy.js";
import {
  AGENT_NAMES,
  type AgentName,
  type NotificationSettings,
  notificationSettingsSchema,
} from "./schema.js";
import { TelegramAgent } from "./telegram.js";
import { WebhookAgent } from "./webhook.js";

export type NotifyLog = (level: "info" | "warn" | "error", message: string) => void;

export interface NotifyResult {
  agent: string;
  ok: boolean;
  error?: string;
  /** A failure the settings page translates (with `params`); `error` stays for logs and scripts. */
  code?: string;
  params?: Record<string, string>;
}

/** One agent per channel, in a fixed order; callers filter with `enabled()`. */
export function createAgents(
  settings: NotificationSettings,
  options: AgentOptions = {},
): NotificationAgent[] {
  return [
    new TelegramAgent(settings.telegram, options),
    new DiscordAgent(settings.discord, options),
    new NtfyAgent(settings.ntfy, options),
    new WebhookAgent(settings.webhook, options),
  ];
}

/** Every secret in the settings, for a last redaction of messages that did not come from post(). */
function secretsOf(settings: NotificationSettings): string[] {
  return [
    settings.telegram.botToken,
    settings.discord.webhookUrl,
    settings.ntfy.token ?? "",
    settings.webhook.url,
    ...Object.values(settings.webhook.headers ?? {}),
  ];
}

/** An agent's failure as one short line for the log. */
function failureLine(error: unknown): string {
  return oneLine(errorMessage(error), 300);
}

function safeLog(log: NotifyLog, level: "info" | "warn" | "error", message: string): void {
  try {
    log(level, message);
  } catch {
    // a broken logger must not turn a notification into a failure
  }
}

/**
 * Sends `event` to every enabled agent concurrently and reports per agent. Never rejects:
 * failures are logged as warnings (one line, secrets redacted) and returned as ok:false.
 */
export async function notify(
  event: NotificationEvent,
  agents: readonly NotificationAgent[],
  log: NotifyLog,
  options: { signal?: AbortSignal; secrets?: readonly string[] } = {},
): Promise<NotifyResult[]> {
  const active = agents.filter((agent) => {
    try {
      return agent.enabled();
    } catch {
      return false;
    }
  });
  const label = event.test ? "test" : event.kind;
  const settled = await Promise.allSettled(active.map(async (agent) => agent.send(event, options.signal)));
  return settled.map((outcome, i) => {
    const agent = active[i]!.name;
    if (outcome.status === "fulfilled") {
      safeLog(log, "info", `Notification "${label}" sent via ${agent}`);
      return { agent, ok: true };
    }
    const error = redact(failureLine(outcome.reason), options.secrets ?? []);
    safeLog(log, "warn", `Notification "${label}" via ${agent} failed: ${error}`);
    const reason = outcome.reason;
    if (reason instanceof NotificationError && reason.code !== undefined)
      return {
        agent,
        ok: false,
        error,
        code: reason.code,
        ...(reason.params ? { params: reason.params } : {}),
      };
    return { agent, ok: false, error };
  });
}

/** Sends each event in turn (a job's "finished" before its "needs review"); results concatenated. */
export async function notifyAll(
  events: readonly NotificationEvent[],
  settings: NotificationSettings,
  log: NotifyLog,
  options: AgentOptions & { signal?: AbortSignal } = {},
): Promise<NotifyResult[]> {
  const agents = createAgents(settings, options);
  const results: NotifyResult[] = [];
  for (const event of events) {
    results.push(...(await notify(event, agents, log, { ...options, secrets: secretsOf(settings) })));
  }
  return results;
}

export function testEvent(appUrl?: string, language?: NotifyLanguage): NotificationEvent {
  return {
    kind: "scan_finished",
    jobId: 0,
    status: "success",
    source: "test",
    stats: {
      checked: 0,
      fixed: 0,
      matched: 0,
      wouldFix: 0,
      failed: 0,
      needsReview: 0,
      locked: 0,
      skipped: 0,
      errors: 0,
      durationMs: 0,
    },
    error: null,
    dryRun: false,
    test: true,
    ...(appUrl !== undefined ? { appUrl } : {}),
    ...(language !== undefined ? { language } : {}),
  };
}

function isAgentName(name: string): name is AgentName {
  return (AGENT_NAMES as readonly string[]).includes(name);
}

/**
 * The settings page's test button: a message marked as a test, to one agent or to every
 * enabled one. A named agent is tried even while switched off, so it can be checked before
 * it is switched on — but its required fields must be filled. Never rejects; an empty result
 * means no agent is enabled.
 */
export async function sendTest(
  settings: NotificationSettings,
  agentName?: string,
  options: AgentOptions & {
    log?: NotifyLog;
    appUrl?: string;
    signal?: AbortSignal;
    language?: NotifyLanguage;
  } = {},
): Promise<NotifyResult[]> {
  const log = options.log ?? (() => {});
  let effective = settings;
  if (agentName !== undefined) {
    if (!isAgentName(agentName)) {
      return [
        { agent: agentName, ok: false, error: `unknown agent (expected one of ${AGENT_NAMES.join(", ")})` },
      ];
    }
    const forced = notificationSettingsSchema.safeParse({
      ...settings,
      [agentName]: { ...settings[agentName], enabled: true },
    });
    if (!forced.success) {
      const error = forced.error.issues
        .filter((issue) => issue.path[0] === agentName)
        // The field first: the message alone ("required when … enabled") does not say which.
        .map((issue) => `${issue.path.join(".")}: ${issue.message}`)
        .join("; ");
      return [{ agent: agentName, ok: false, error: error || "the settings are not valid" }];
    }
    effective = forced.data;
  }
  const agents = createAgents(effective, options).filter(
    (agent) => agentName === undefined || agent.name === agentName,
  );
  return notify(testEvent(options.appUrl, options.language), agents, log, {
    secrets: secretsOf(effective),
    ...(options.signal ? { signal: options.signal } : {}),
  });
}
