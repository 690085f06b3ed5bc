// The one place that talks HTTP to Plex: URL building, headers, per-request timeout, retries
// with back-off, status → error mapping, body decoding, and sanitised request logging. The
// exchange itself (sockets, compression, the size cap) is send.ts.
import { backoffDelay, sleep } from "./backoff.js";
import {
  PlexAnswerTooLargeError,
  PlexAuthError,
  type PlexError,
  PlexHttpError,
  PlexNotFoundError,
  PlexResponseError,
  PlexUnreachableError,
} from "./errors.js";
import { oneLine, redactSecrets, sanitizeUrl } from "./sanitize.js";
import type { Answer, Send } from "./send.js";
import { xmlToJson } from "./xml.js";

export type HttpMethod = "GET" | "PUT" | "POST" | "DELETE";
export type Query = Record<string, string | number | boolean | undefined>;

/** One line per attempt; `url` never contains the token. */
export interface PlexRequestLogEvent {
  method: string;
  url: string;
  status?: number;
  ms: number;
  attempt: number;
  error?: string;
}

export interface TransportOptions {
  baseUrl: string;
  token: string;
  timeoutMs: number;
  retries: number;
  retryBaseMs: number;
  /** Cap for a single back-off delay. */
  retryMaxMs: number;
  /** Headers sent with every request (identification, Accept); the token is added here. */
  headers: Record<string, string>;
  log?: ((event: PlexRequestLogEvent) => void) | undefined;
  send: Send;
}

export interface RequestSpec {
  method: HttpMethod;
  path: string;
  query?: Query;
  headers?: Record<string, string>;
  signal?: AbortSignal | undefined;
  /** Refuse a body larger than this (read in chunks, so memory stays bounded); default MAX_ANSWER_BYTES. */
  maxBytes?: number;
  /** A request body (POST …/posters); sent as it is, never logged. */
  body?: Uint8Array;
}

export interface RawResponse {
  status: number;
  headers: Answer["headers"];
  bytes: Uint8Array;
  /** How errors about this answer name the request: method and URL, without the token. */
  details: { url: string; method: string };
}

/**
 * The cap on every answer, after decompression. A 300-item listing page is under 1 MB and a
 * batch of 50 items in full (extras, cast, reviews) about 5 MB, so Plex never comes near 64 MB;
 * without a cap, a megabyte of gzip expanding to a gigabyte took the server to 2.25 GB of RSS.
 */
export const MAX_ANSWER_BYTES = 64 * 1_048_576;

/** GET is safe and PUT/DELETE are idempotent in HTTP (refresh, match, unmatch): retrying is harmless. */
const IDEMPOTENT = new Set<HttpMethod>(["GET", "PUT", "DELETE"]);

export class PlexTransport {
  readonly baseUrl: URL;

  constructor(private readonly options: TransportOptions) {
    let base: URL;
    try {
      base = new URL(options.baseUrl);
    } catch {
      throw new TypeError(`PLEX_URL is not a valid URL: ${sanitizeUrl(options.baseUrl)}`);
    }
    if (base.protocol !== "http:" && base.protocol !== "https:") {
      throw new TypeError(`PLEX_URL must start with http:// or https://: ${sanitizeUrl(options.baseUrl)}`);
    }
    // A token pasted into PLEX_URL (`?X-Plex-Token=…`) must not end up in every URL we build.
    base.search = "";
    base.hash = "";
    this.prefix = base.pathname.replace(/\/+$/, "");
    this.baseUrl = base;
  }

  /** Path of PLEX_URL without a trailing slash ("" or e.g. "/plex" behind a proxy). */
  private readonly prefix: string;

  /** The base URL as it may be shown to people. */
  get displayUrl(): string {
    return sanitizeUrl(this.baseUrl.href.replace(/\/$/, ""));
  }

  buildUrl(path: string, query: Query = {}): URL {
    const rel = path.startsWith("/") ? path : `/${path}`;
    const url = new URL(this.baseUrl.href);
    const [pathname = "", search = ""] = rel.split("?", 2);
    url.pathname = `${this.prefix}${pathname}`;
    url.search = search;
    for (const [name, value] of Object.entries(query)) {
      if (value === undefined) continue;
      url.searchParams.append(name, typeof value === "boolean" ? (value ? "1" : "0") : String(value));
    }
    // Never let a caller-supplied path smuggle a token into the URL.
    for (const name of [...url.searchParams.keys()]) {
      if (name.toLowerCase() === "x-plex-token") url.searchParams.delete(name);
    }
    return url;
  }

  /** Sends a request with retries; resolves with a 2xx response or throws a PlexError / the abort reason. */
  async request(spec: RequestSpec): Promise<RawResponse> {
    const { retries, retryBaseMs, retryMaxMs, timeoutMs, token } = this.options;
    const url = this.buildUrl(spec.path, spec.query);
    const safeUrl = sanitizeUrl(url.href);
    const details = { url: safeUrl, method: spec.method };
    const headers = { ...this.options.headers, ...spec.headers, "X-Plex-Token": token };
    const retryable = IDEMPOTENT.has(spec.method);
    const userSignal = spec.signal;
    const maxBytes = spec.maxBytes ?? MAX_ANSWER_BYTES;

    for (let attempt = 1; ; attempt++) {
      userSignal?.throwIfAborted();
      const started = performance.now();
      const deadline = attemptSignal(userSignal, timeoutMs);
      let failure: PlexError;
      try {
        const res = await this.options.send(url, {
          method: spec.method,
          headers,
          signal: deadline.signal,
          maxBytes,
          tooLarge: () => new PlexAnswerTooLargeError(maxBytes, details),
          ...(spec.body ? { body: spec.body } : {}),
        });
        if (res.status >= 200 && res.status < 300) {
          this.log({ method: spec.method, url: safeUrl, status: res.status, ms: since(started), attempt });
          return { status: res.status, headers: res.headers, bytes: res.bytes, details };
        }
        // Error bodies are HTML (or anything) and never parsed; a redirect is not followed.
        failure = statusError(res.status, res.statusText, details);
        this.log({
          method: spec.method,
          url: safeUrl,
          status: res.status,
          ms: since(started),
          attempt,
          error: failure.message,
        });
        if (!(res.status >= 500 && retryable && attempt <= retries)) throw failure;
      } catch (error) {
        if (isPlexStatusError(error) || error instanceof PlexResponseError) throw error;
        if (userSignal?.aborted) {
          this.log({ method: spec.method, url: safeUrl, ms: since(started), attempt, error: "aborted" });
          throw userSignal.reason;
        }
        const { reason, code } = deadline.timedOut()
          ? { reason: `no answer within ${formatSeconds(timeoutMs)}`, code: "ETIMEDOUT" }
          : transportReason(error);
        failure = new PlexUnreachableError(this.displayUrl, redactSecrets(reason, [token]), {
          ...details,
          code,
        });
        this.log({ method: spec.method, url: safeUrl, ms: since(started), attempt, error: failure.message });
        if (!(retryable && attempt <= retries)) throw failure;
      } finally {
        deadline.release();
      }
      await sleep(backoffDelay(attempt, retryBaseMs, retryMaxMs), userSignal);
    }
  }

  /** Sends a request and decodes a JSON or XML body (undefined when empty). */
  async json(spec: RequestSpec): Promise<unknown> {
    const res = await this.request(spec);
    return decodeBody(res, res.details);
  }

  private log(event: PlexRequestLogEvent): void {
    if (!this.options.log) return;
    try {
      this.options.log({ ...event, url: sanitizeUrl(event.url) });
    } catch {
      // a broken logger must not break a request
    }
  }
}

/**
 * The signal of one attempt: aborted by the caller's signal or after `ms`, whichever comes
 * first, and released (timer cleared, listener removed) as soon as the attempt ends.
 * `AbortSignal.any([caller, AbortSignal.timeout(ms)])` did the same, but it links every
 * attempt's signal to the caller's long-lived one through weak references, which only a full
 * garbage collection clears: a whole-library scan then carried each request's state, page
 * included, into the old generation (issue 10 §6).
 */
function attemptSignal(
  caller: AbortSignal | undefined,
  ms: number,
): { signal: AbortSignal; timedOut(): boolean; release(): void } {
  const controller = new AbortController();
  let timedOut = false;
  const timer = setTimeout(() => {
    timedOut = true;
    controller.abort(new DOMException(`no answer within ${formatSeconds(ms)}`, "TimeoutError"));
  }, ms);
  const onAbort = () => controller.abort(caller?.reason);
  caller?.addEventListener("abort", onAbort, { once: true });
  return {
    signal: controller.signal,
    timedOut: () => timedOut,
    release() {
      clearTimeout(timer);
      caller?.removeEventListener("abort", onAbort);
    },
  };
}

const statusErrors = [PlexAuthError, PlexNotFoundError, PlexHttpError];
function isPlexStatusError(error: unknown): boolean {
  return statusErrors.some((cls) => error instanceof cls);
}

function statusError(
  status: number,
  statusText: string,
  details: { url: string; method: string },
): PlexError {
  if (status === 401) return new PlexAuthError(details);
  if (status === 404) return new PlexNotFoundError(details);
  return new PlexHttpError(status, statusText, details);
}

function since(started: number): number {
  return Math.round(performance.now() - started);
}

function formatSeconds(ms: number): string {
  if (ms % 1000 === 0) return `${ms / 1000} s`;
  return ms < 1000 ? `${ms} ms` : `${(ms / 1000).toFixed(1)} s`;
}

interface SystemErrorLike {
  code?: unknown;
  syscall?: unknown;
  message?: unknown;
  cause?: unknown;
  errors?: unknown;
}

/**
 * The reason of a transport failure: its system error code (ECONNREFUSED…), dug out of `cause`
 * or an AggregateError (several addresses tried) where it hides.
 */
export function transportReason(error: unknown): { reason: string; code?: string } {
  let current: unknown = error;
  for (let depth = 0; depth < 5 && current !== null && typeof current === "object"; depth++) {
    const e = current as SystemErrorLike;
    if (typeof e.code === "string" && e.code !== "") {
      const reason = typeof e.syscall === "string" ? `${e.syscall} ${e.code}` : e.code;
      return { reason, code: e.code };
    }
    if (Array.isArray(e.errors) && e.errors.length > 0) {
      current = e.errors[0];
      continue;
    }
    if (e.cause === undefined) break;
    current = e.cause;
  }
  const message =
    current instanceof Error ? current.message : error instanceof Error ? error.message : String(error);
  return { reason: oneLine(message, 120) };
}

/** JSON, or XML converted to the JSON shape; undefined for an empty body. */
export function decodeBody(
  res: Pick<RawResponse, "headers" | "bytes">,
  details: { url: string; method: string },
): unknown {
  const text = new TextDecoder().decode(res.bytes).replace(/^\uFEFF/, "");
  const trimmed = text.trimStart();
  if (trimmed === "") return undefined;
  const contentType = res.headers.get("content-type") ?? "";
  if (trimmed.startsWith("<") || /xml/i.test(contentType)) {
    let parsed: Record<string, unknown>;
    try {
      parsed = xmlToJson(text);
    } catch {
      throw new PlexResponseError("the body is neither JSON nor XML", details);
    }
    if ("html" in parsed || "HTML" in parsed) {
      throw new PlexResponseError("an HTML page instead of Plex's API: check PLEX_URL", details);
    }
    return parsed;
  }
  try {
    return JSON.parse(text);
  } catch {
    throw new PlexResponseError("the body is neither JSON nor XML", details);
  }
}
