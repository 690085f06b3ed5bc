// The one interface every notification channel implements. An agent formats and delivers;
// which events to send is decided elsewhere (event.ts), and failures are contained by notify().
import type { NotificationEvent } from "./event.js";

export interface NotificationAgent {
  /** "telegram", "discord", "ntfy" or "webhook". */
  readonly name: string;
  /** Switched on and configured well enough to send. */
  enabled(): boolean;
  /**
   * Delivers one notification. Rejects with a NotificationError whose message is one line,
   * names the HTTP status or the network problem and contains no secret.
   */
  send(event: NotificationEvent, signal?: AbortSignal): Promise<void>;
}

export interface AgentOptions {
  /** Injected for tests; the global fetch otherwise. */
  fetch?: typeof fetch;
  /** Per send, including reading the response. Default 10 s. */
  timeoutMs?: number;
  /** The clock for timestamps in payloads. */
  now?: () => Date;
}
