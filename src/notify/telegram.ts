// Telegram through the Bot API's sendMessage, in HTML parse mode like the original tool.
import type { AgentOptions, NotificationAgent } from "./agent.js";
import type { NotificationEvent } from "./event.js";
import { NotificationError, post } from "./http.js";
import { appLink, errorLabel, errorText, openText, summaryLines, testText, title } from "./messages.js";
import type { TelegramSettings } from "./schema.js";

/** Escapes text for Telegram's HTML mode (it knows &amp; &lt; &gt; &quot;). */
export function escapeHtml(text: string): string {
  return text.replace(/&/g, "&amp;").replace(/</g, "&lt;").replace(/>/g, "&gt;").replace(/"/g, "&quot;");
}

/** The message text: a bold title, one line per figure, the error, a link to the app. */
export function telegramMessage(event: NotificationEvent): string {
  const lines = [`<b>${escapeHtml(title(event))}</b>`];
  if (event.test) {
    lines.push(escapeHtml(testText(event)));
  } else {
    for (const line of summaryLines(event))
      lines.push(`${escapeHtml(line.label)}: ${escapeHtml(line.value)}`);
    const error = errorText(event);
    if (error !== null) lines.push(`${escapeHtml(errorLabel(event))}: <code>${escapeHtml(error)}</code>`);
  }
  const link = appLink(event);
  if (link !== undefined) lines.push(`<a href="${escapeHtml(link)}">${escapeHtml(openText(event))}</a>`);
  return lines.join("\n");
}

export interface TelegramRequestBody {
  chat_id: string;
  text: string;
  parse_mode: "HTML";
  disable_web_page_preview: true;
  message_thread_id?: number;
}

export function telegramRequestBody(
  settings: TelegramSettings,
  event: NotificationEvent,
): TelegramRequestBody {
  return {
    chat_id: settings.chatId,
    text: telegramMessage(event),
    parse_mode: "HTML",
    disable_web_page_preview: true,
    ...(settings.topicId !== undefined ? { message_thread_id: settings.topicId } : {}),
  };
}

/** A hint by status for the mistakes people make setting a bot up (the reply body is not read). */
function telegramDetail(status: number): string | undefined {
  if (status === 401 || status === 404) return "Unauthorized (check the bot token)";
  if (status === 400) return "Bad Request (check the chat id and the topic id)";
  if (status === 403) return "Forbidden (is the bot a member of the chat?)";
  if (status === 429) return "rate limited by Telegram";
  return undefined;
}

export class TelegramAgent implements NotificationAgent {
  readonly name = "telegram";

  constructor(
    private readonly settings: TelegramSettings,
    private readonly options: AgentOptions = {},
  ) {}

  enabled(): boolean {
    return this.settings.enabled && this.settings.botToken !== "" && this.settings.chatId !== "";
  }

  async send(event: NotificationEvent, signal?: AbortSignal): Promise<void> {
    const { apiBase, botToken } = this.settings;
    const response = await post(
      {
        label: "Telegram",
        url: `${apiBase.replace(/\/+$/, "")}/bot${botToken}/sendMessage`,
        headers: { "Content-Type": "application/json" },
        body: JSON.stringify(telegramRequestBody(this.settings, event)),
        secrets: [botToken],
        detail: telegramDetail,
        ...(signal ? { signal } : {}),
      },
      this.options,
    );
    // The Bot API answers {ok:false} with an error status; a 2xx without ok:true is not delivered.
    let ok = false;
    try {
      ok = (JSON.parse(response.body) as { ok?: unknown }).ok === true;
    } catch {
      ok = false;
    }
    if (!ok) {
      throw new NotificationError(`Telegram: HTTP ${response.status} – the answer was not {ok: true}`);
    }
  }
}
