// The one place agents talk HTTP: a POST with a timeout, the response read under the same
// deadline, and every failure turned into a one-line message with the secrets taken out.
import { errorMessage } from "../error-message.js";
import { VERSION } from "../version.js";
import type { AgentOptions } from "./agent.js";
import { oneLine } from "./messages.js";

export const DEFAULT_TIMEOUT_MS = 10_000;
export const USER_AGENT = `plex-smart-refresher/${VERSION}`;
const REDACTED = "••••";
/** A Telegram bot token wherever it appears (the API puts it in the URL path). */
const BOT_TOKEN_ANYWHERE = /\d{1,20}:[A-Za-z0-9_-]{20,}/g;

export class NotificationError extends Error {
  constructor(
    message: string,
    /** For the settings page to translate (e.g. notify_redirect); absent: show the message. */
    readonly code?: string,
    readonly params?: Record<string, string>,
  ) {
    super(message);
    this.name = "NotificationError";
  }
}

/**
 * Removes every secret from `text`: the given values (and, for URLs, their path and query)
 * and anything shaped like a Telegram bot token.
 */
export function redact(text: string, secrets: readonly (string | undefined)[]): string {
  const values = new Set<string>();
  for (const secret of secrets) {
    if (secret === undefined || secret.length < 4) continue;
    values.add(secret);
    try {
      const url = new URL(secret);
      for (const part of [url.pathname + url.search, url.search.slice(1), url.password]) {
        if (part.length >= 4 && part !== "/") values.add(part);
      }
    } catch {
      // not a URL: the value itself is enough
    }
  }
  let out = text;
  for (const value of [...values].sort((a, b) => b.length - a.length)) out = out.split(value).join(REDACTED);
  return out.replace(BOT_TOKEN_ANYWHERE, REDACTED);
}

export interface PostRequest {
  /** For messages: "Telegram", "Discord", "ntfy", "Webhook". */
  label: string;
  url: string;
  headers: Record<string, string>;
  body: string;
  /** Values that must never appear in an error message. */
  secrets: readonly (string | undefined)[];
  signal?: AbortSignal;
  /** Our own hint for an error status; the receiver's body is never echoed. */
  detail?: (status: number) => string | undefined;
}

export interface PostResponse {
  status: number;
  body: string;
}

function networkProblem(error: unknown, url: string): string {
  const cause = (error as { cause?: { code?: unknown; message?: unknown } }).cause;
  const code = typeof cause?.code === "string" ? cause.code : undefined;
  let host = "the server";
  try {
    host = new URL(url).host;
  } catch {
    // keep the generic wording
  }
  if (code !== undefined) return `could not reach ${host} (${code})`;
  return `could not reach ${host} (${oneLine(errorMessage(error), 200)})`;
}

/** POSTs and returns the 2xx response; throws NotificationError (secrets redacted) otherwise. */
export async function post(request: PostRequest, options: AgentOptions): Promise<PostResponse> {
  const doFetch = options.fetch ?? fetch;
  const timeoutMs = options.timeoutMs ?? DEFAULT_TIMEOUT_MS;
  const timeout = AbortSignal.timeout(timeoutMs);
  const signal = request.signal ? AbortSignal.any([request.signal, timeout]) : timeout;
  const fail = (problem: string, code?: string, params?: Record<string, string>): NotificationError =>
    new NotificationError(redact(`${request.label}: ${problem}`, request.secrets), code, params);

  let status: number;
  let body: string;
  let location: string | null = null;
  try {
    // Never followed: a redirect would carry the custom headers (a webhook's X-Secret) and the
    // body to whatever host the receiver names.
    const response = await doFetch(request.url, {
      method: "POST",
      headers: { "User-Agent": USER_AGENT, ...request.headers },
      body: request.body,
      signal,
      redirect: "manual",
    });
    status = response.status;
    location = response.headers.get("location");
    body = await response.text();
  } catch (error) {
    if (timeout.aborted) throw fail(`no answer within ${formatSeconds(timeoutMs)}`);
    if (request.signal?.aborted) throw fail("cancelled");
    throw fail(networkProblem(error, request.url));
  }
  if (status >= 300 && status <= 399) {
    const host = redact(redirectHost(location, request.url), request.secrets);
    throw fail(`HTTP ${status} redirect to ${host}, not followed`, "notify_redirect", {
      status: String(status),
      host,
    });
  }
  if (status < 200 || status > 299) {
    // Only the status and our own hint: the reply body of whatever answered stays unread, so a
    // test send cannot be used to read an internal service's answers.
    const detail = request.detail?.(status);
    throw fail(`HTTP ${status}${detail ? ` – ${detail}` : ""}`);
  }
  return { status, body };
}

/** Only the host a redirect points at: its path and query may carry anything. */
function redirectHost(location: string | null, base: string): string {
  if (location === null) return "?";
  try {
    return new URL(location, base).host || "?";
  } catch {
    return "?";
  }
}

function formatSeconds(ms: number): string {
  return ms % 1000 === 0 ? `${ms / 1000} s` : `${(ms / 1000).toFixed(1)} s`;
}
