// Listens on Plex's notification websocket and reports items whose refresh/match finished.
// Reconnects by itself (python-plexapi's listener does not), detects dead sockets with pings,
// and stops for good on a 401. The token goes in the upgrade request's header, never the URL.
import WebSocket from "ws";
import { backoffDelay } from "./backoff.js";
import { PlexAuthError, type PlexError, PlexHttpError, PlexUnreachableError } from "./errors.js";
import { transportReason } from "./http.js";
import { type FinishedSource, finishedEvents } from "./notifications.js";
import { redactSecrets, sanitizeUrl } from "./sanitize.js";

export interface PlexNotificationListenerOptions {
  baseUrl: string;
  token: string;
  /** Extra headers for the upgrade request (client identification). */
  headers?: Record<string, string>;
  /** Default "activity,timeline". */
  filters?: string;
  /** A repeat "finished" for the same item within this window is dropped. Default 3000. */
  dedupeMs?: number;
  /** First reconnect delay; doubles per failure up to reconnectMaxMs, with jitter. Default 500. */
  reconnectBaseMs?: number;
  /** Default 30000. */
  reconnectMaxMs?: number;
  /** A connection that stayed open this long resets the back-off. Default 10000. */
  stableMs?: number;
  /** Default 15000. */
  pingIntervalMs?: number;
  /** No pong (or any frame) this long after a ping: the socket is dead. Default 5000. */
  pongTimeoutMs?: number;
  /** Default 10000. */
  handshakeTimeoutMs?: number;
  /**
   * A frame larger than this is refused before it is buffered (ws closes with 1009), counted as
   * malformed and followed by a reconnect. Plex's frames are a few KB; ws's default of 100 MiB
   * let one 99 MB frame take the server down at every start. Default 4 MiB.
   */
  maxFrameBytes?: number;
}

/** Why a frame was skipped: not JSON, over maxFrameBytes, or broken at the websocket level. */
export type MalformedFrame = "json" | "too_large" | "protocol";

/** ws's error for a frame over maxPayload; other `WS_ERR_*` codes are frames ws cannot read. */
const TOO_LARGE = "WS_ERR_UNSUPPORTED_MESSAGE_LENGTH";

export interface PlexNotificationEvents {
  /** An item's refresh or match finished (de-duplicated). */
  finished: (ratingKey: string, source: FinishedSource) => void;
  open: () => void;
  /** A connection that had opened closed (reconnecting unless close() was called or auth failed). */
  close: (code: number, reason: string) => void;
  /** A connection attempt failed (PlexUnreachableError, PlexHttpError) or the token was rejected (PlexAuthError, final). */
  error: (error: PlexError) => void;
  /** Every parsed frame, for callers that want more than "finished". */
  notification: (container: unknown) => void;
  /** A frame was skipped; for "too_large" and "protocol" the connection closes and reconnects. */
  malformed: (reason: MalformedFrame) => void;
}

type EventName = keyof PlexNotificationEvents;
type Handler = (...args: never[]) => void;

export class PlexNotificationListener {
  private readonly opts: Required<Omit<PlexNotificationListenerOptions, "headers">> & {
    headers: Record<string, string>;
  };
  private readonly url: string;
  private readonly handlers = new Map<EventName, Set<Handler>>();
  private readonly recent = new Map<string, number>();
  private readonly openWaiters = new Set<(opened: boolean) => void>();
  private ws: WebSocket | undefined;
  private running = false;
  private failures = 0;
  private openedAt = 0;
  private reconnectTimer: NodeJS.Timeout | undefined;
  private pingTimer: NodeJS.Timeout | undefined;
  private pongTimer: NodeJS.Timeout | undefined;
  private closing: Promise<void> | undefined;

  constructor(options: PlexNotificationListenerOptions) {
    this.opts = {
      filters: "activity,timeline",
      dedupeMs: 3000,
      reconnectBaseMs: 500,
      reconnectMaxMs: 30_000,
      stableMs: 10_000,
      pingIntervalMs: 15_000,
      pongTimeoutMs: 5000,
      handshakeTimeoutMs: 10_000,
      maxFrameBytes: 4 * 1_048_576,
      ...stripUndefined(options),
      baseUrl: options.baseUrl,
      token: options.token,
      headers: options.headers ?? {},
    };
    const url = new URL(options.baseUrl);
    url.protocol = url.protocol === "https:" ? "wss:" : "ws:";
    url.pathname = `${url.pathname.replace(/\/+$/, "")}/:/websockets/notifications`;
    url.search = this.opts.filters ? `?filters=${this.opts.filters}` : "";
    url.hash = "";
    this.url = url.href;
  }

  /** The websocket URL (it never contains the token). */
  get endpoint(): string {
    return sanitizeUrl(this.url);
  }

  get connected(): boolean {
    return this.ws?.readyState === WebSocket.OPEN;
  }

  on<E extends EventName>(event: E, handler: PlexNotificationEvents[E]): this {
    let set = this.handlers.get(event);
    if (!set) {
      set = new Set();
      this.handlers.set(event, set);
    }
    set.add(handler as Handler);
    return this;
  }

  off<E extends EventName>(event: E, handler: PlexNotificationEvents[E]): this {
    this.handlers.get(event)?.delete(handler as Handler);
    return this;
  }

  /** Connects (and keeps reconnecting) until close() or a 401. Calling it again is harmless. */
  start(): this {
    if (this.running) return this;
    this.running = true;
    this.failures = 0;
    this.connect();
    return this;
  }

  /** Stops reconnecting and closes the socket; resolves once it is closed. */
  close(): Promise<void> {
    this.running = false;
    this.clearTimers();
    clearTimeout(this.reconnectTimer);
    this.reconnectTimer = undefined;
    this.resolveOpenWaiters(false);
    const ws = this.ws;
    if (!ws || ws.readyState === WebSocket.CLOSED) return Promise.resolve();
    if (!this.closing) {
      this.closing = new Promise<void>((resolve) => {
        ws.once("close", () => resolve());
        if (ws.readyState === WebSocket.OPEN) {
          ws.close(1000, "client closing");
          // A peer that never answers the close handshake must not keep us waiting.
          setTimeout(() => ws.terminate(), 1000).unref();
        } else {
          ws.terminate();
        }
      }).finally(() => {
        this.closing = undefined;
      });
    }
    return this.closing;
  }

  /** True once connected (at once if already), false after timeoutMs or when stopped. */
  waitOpen(timeoutMs: number): Promise<boolean> {
    if (this.connected) return Promise.resolve(true);
    if (!this.running) return Promise.resolve(false);
    return new Promise((resolve) => {
      const done = (opened: boolean) => {
        clearTimeout(timer);
        this.openWaiters.delete(done);
        resolve(opened);
      };
      const timer = setTimeout(() => done(false), timeoutMs);
      this.openWaiters.add(done);
    });
  }

  /** Forgets the last "finished" of an item, so that its next completion is reported even if it comes soon. */
  forget(ratingKey: string): void {
    this.recent.delete(String(ratingKey));
  }

  // -------------------------------------------------------------------------------------------

  private emit<E extends EventName>(event: E, ...args: Parameters<PlexNotificationEvents[E]>): void {
    for (const handler of [...(this.handlers.get(event) ?? [])]) {
      (handler as (...a: Parameters<PlexNotificationEvents[E]>) => void)(...args);
    }
  }

  /** For events raised from inside ws's handlers: a throwing listener must not break the socket. */
  private emitSafely<E extends EventName>(event: E, ...args: Parameters<PlexNotificationEvents[E]>): void {
    try {
      this.emit(event, ...args);
    } catch {
      // the caller's problem; the connection goes on
    }
  }

  private connect(): void {
    this.reconnectTimer = undefined;
    if (!this.running) return;
    const details = { url: this.url, method: "GET" };
    let failure: PlexError | undefined;
    const ws = new WebSocket(this.url, {
      headers: { ...this.opts.headers, "X-Plex-Token": this.opts.token },
      handshakeTimeout: this.opts.handshakeTimeoutMs,
      followRedirects: false,
      perMessageDeflate: false,
      maxPayload: this.opts.maxFrameBytes,
    });
    this.ws = ws;

    ws.on("unexpected-response", (_req, res) => {
      const status = res.statusCode ?? 0;
      res.resume();
      if (status === 401) {
        failure = new PlexAuthError(details);
        // A wrong token does not fix itself: stop, like python-plexwebsocket does.
        this.running = false;
      } else {
        failure = new PlexHttpError(status, res.statusMessage ?? "", details);
      }
      ws.terminate();
    });

    ws.on("error", (error) => {
      if (failure) return; // already reported as an HTTP status
      const wsCode = (error as { code?: unknown }).code;
      if (this.openedAt > 0 && typeof wsCode === "string" && wsCode.startsWith("WS_ERR_")) {
        // A bad frame on a working connection, not an unreachable Plex: ws closes the socket,
        // and the close handler reconnects with the usual back-off.
        this.emitSafely("malformed", wsCode === TOO_LARGE ? "too_large" : "protocol");
        return;
      }
      const { reason, code } = transportReason(error);
      failure = new PlexUnreachableError(baseOf(this.url), redactSecrets(reason, [this.opts.token]), {
        ...details,
        code,
      });
    });

    ws.on("open", () => {
      this.openedAt = Date.now();
      this.startHeartbeat(ws);
      this.emit("open");
      this.resolveOpenWaiters(true);
    });

    ws.on("message", (data, isBinary) => {
      this.alive();
      if (isBinary) return;
      this.handleFrame(data.toString());
    });

    ws.on("pong", () => this.alive());

    ws.on("close", (code, reasonBuffer) => {
      const wasOpen = this.openedAt > 0;
      const stable = wasOpen && Date.now() - this.openedAt >= this.opts.stableMs;
      this.openedAt = 0;
      if (this.ws === ws) this.clearTimers();
      if (wasOpen) this.emit("close", code, reasonBuffer.toString());
      if (failure) this.emit("error", failure);
      if (!this.running) {
        this.resolveOpenWaiters(false);
        return;
      }
      if (this.ws !== ws) return;
      this.failures = stable ? 1 : this.failures + 1;
      const delay = backoffDelay(this.failures, this.opts.reconnectBaseMs, this.opts.reconnectMaxMs);
      this.reconnectTimer = setTimeout(() => this.connect(), delay);
    });
  }

  private handleFrame(text: string): void {
    let frame: unknown;
    try {
      frame = JSON.parse(text);
    } catch {
      this.emitSafely("malformed", "json");
      return;
    }
    try {
      this.emit("notification", frame);
    } catch {
      // A listener that chokes on a frame must not take the socket (and completion events) down.
    }
    const now = Date.now();
    for (const { ratingKey, source } of finishedEvents(frame)) {
      const last = this.recent.get(ratingKey);
      if (last !== undefined && now - last < this.opts.dedupeMs) continue;
      this.recent.set(ratingKey, now);
      this.emit("finished", ratingKey, source);
    }
    if (this.recent.size > 1000) {
      for (const [key, at] of this.recent) if (now - at >= this.opts.dedupeMs) this.recent.delete(key);
    }
  }

  private startHeartbeat(ws: WebSocket): void {
    this.clearTimers();
    this.pingTimer = setInterval(() => {
      if (this.pongTimer || ws.readyState !== WebSocket.OPEN) return;
      this.pongTimer = setTimeout(() => ws.terminate(), this.opts.pongTimeoutMs);
      ws.ping();
    }, this.opts.pingIntervalMs);
  }

  private alive(): void {
    clearTimeout(this.pongTimer);
    this.pongTimer = undefined;
  }

  private clearTimers(): void {
    clearInterval(this.pingTimer);
    this.pingTimer = undefined;
    this.alive();
  }

  private resolveOpenWaiters(opened: boolean): void {
    for (const waiter of [...this.openWaiters]) waiter(opened);
  }
}

function baseOf(wsUrl: string): string {
  const url = new URL(wsUrl);
  url.protocol = url.protocol === "wss:" ? "https:" : "http:";
  return url.origin;
}

function stripUndefined<T extends object>(value: T): Partial<T> {
  return Object.fromEntries(Object.entries(value).filter(([, v]) => v !== undefined)) as Partial<T>;
}
