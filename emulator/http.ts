/**
 * The HTTP front: plain node:http plus the websocket upgrade. Order per request mirrors what
 * a client can observe: outage (reset), latency, injected 500, token (401), route (404).
 */
import { createServer, type IncomingMessage, type Server, type ServerResponse } from "node:http";
import type { Socket } from "node:net";
import type { Duplex } from "node:stream";
import { type EmulatorContext, HttpError, type Route } from "./context.js";
import { formatOf, htmlError, sendError } from "./respond.js";
import { metadataRoutes } from "./routes/metadata.js";
import { posterRoutes } from "./routes/posters.js";
import { sectionRoutes } from "./routes/sections.js";
import { serverRoutes } from "./routes/server.js";

const ROUTES: Route[] = [...serverRoutes, ...sectionRoutes, ...metadataRoutes, ...posterRoutes];
const WS_PATH = "/:/websockets/notifications";

export interface HttpStats {
  requests: number;
  byRoute: Record<string, number>;
}

function tokenOf(req: IncomingMessage, query: URLSearchParams): string | undefined {
  const h = req.headers["x-plex-token"];
  const header = Array.isArray(h) ? h[0] : h;
  return header || query.get("X-Plex-Token") || undefined;
}

function parseUrl(req: IncomingMessage): URL | undefined {
  try {
    return new URL(req.url ?? "/", "http://emulator.invalid");
  } catch {
    return undefined;
  }
}

function safeDecode(p: string): string {
  try {
    return decodeURIComponent(p);
  } catch {
    return p;
  }
}

export class EmulatorHttp {
  readonly server: Server;
  readonly stats: HttpStats = { requests: 0, byRoute: {} };
  private readonly sockets = new Set<Socket>();

  constructor(
    private readonly ctx: EmulatorContext,
    private readonly token: string,
  ) {
    this.server = createServer((req, res) => this.onRequest(req, res));
    // PMS keeps connections alive; the default Node timeouts are fine for clients.
    this.server.keepAliveTimeout = 20_000;
    this.server.on("connection", (socket: Socket) => {
      if (this.ctx.faults.inOutage()) {
        socket.destroy();
        return;
      }
      this.sockets.add(socket);
      socket.on("close", () => this.sockets.delete(socket));
    });
    this.server.on("upgrade", (req: IncomingMessage, socket: Duplex, head: Buffer) =>
      this.onUpgrade(req, socket, head),
    );
  }

  /** Starts an outage: every open connection is reset now, new ones until it ends. */
  outage(ms: number): void {
    this.ctx.faults.startOutage(ms);
    this.ctx.hub.dropAll();
    for (const s of this.sockets) s.destroy();
    this.sockets.clear();
  }

  resetStats(): void {
    this.stats.requests = 0;
    this.stats.byRoute = {};
  }

  private count(name: string): void {
    this.stats.requests++;
    this.stats.byRoute[name] = (this.stats.byRoute[name] ?? 0) + 1;
  }

  private onRequest(req: IncomingMessage, res: ServerResponse): void {
    if (this.ctx.faults.inOutage()) {
      req.socket.destroy();
      return;
    }
    const latency = this.ctx.faults.latencyMs;
    if (latency > 0) setTimeout(() => this.handle(req, res), latency);
    else this.handle(req, res);
  }

  private handle(req: IncomingMessage, res: ServerResponse): void {
    if (this.ctx.faults.inOutage()) {
      req.socket.destroy();
      return;
    }
    const url = parseUrl(req);
    const path = url ? safeDecode(url.pathname).replace(/\/{2,}/g, "/") : "";
    const query = url?.searchParams ?? new URLSearchParams();
    let route: Route | undefined;
    let params: string[] = [];
    for (const r of ROUTES) {
      if (r.method !== req.method) continue;
      const m = r.pattern.exec(path);
      if (m) {
        route = r;
        params = m.slice(1).map((p) => p ?? "");
        break;
      }
    }
    const name = route?.name ?? `${req.method} (unknown)`;
    this.count(name);
    if (this.ctx.faults.shouldFail()) {
      sendError(res, 500);
      return;
    }
    if (route?.name !== "GET /identity" && tokenOf(req, query) !== this.token) {
      sendError(res, 401);
      return;
    }
    if (!route || !url) {
      sendError(res, 404);
      return;
    }
    try {
      const done = route.handler(this.ctx, { req, res, params, query, format: formatOf(req) });
      if (done) done.catch((e: unknown) => this.fail(res, e));
    } catch (e) {
      this.fail(res, e);
    }
  }

  private fail(res: ServerResponse, e: unknown): void {
    if (e instanceof HttpError) sendError(res, e.status);
    else {
      console.error("[plex-emulator] handler error", e);
      sendError(res, 500);
    }
  }

  private onUpgrade(req: IncomingMessage, socket: Duplex, head: Buffer): void {
    // Until the websocket library owns the socket, a client that resets it (after a refusal,
    // say) must not crash the emulator with an unhandled error.
    socket.on("error", () => socket.destroy());
    if (this.ctx.faults.inOutage()) {
      socket.destroy();
      return;
    }
    const url = parseUrl(req);
    const query = url?.searchParams ?? new URLSearchParams();
    this.count("WS /:/websockets/notifications");
    const reject = (status: number) => {
      const body = htmlError(status);
      const text = status === 401 ? "Unauthorized" : "Not Found";
      socket.end(
        `HTTP/1.1 ${status} ${text}\r\nContent-Type: text/html\r\nContent-Length: ${Buffer.byteLength(body)}\r\nConnection: close\r\n\r\n${body}`,
      );
    };
    if (url?.pathname !== WS_PATH) {
      reject(404);
      return;
    }
    if (tokenOf(req, query) !== this.token) {
      reject(401);
      return;
    }
    this.ctx.hub.accept(req, socket, head, query);
  }

  close(): Promise<void> {
    return new Promise((resolve) => {
      this.server.close(() => resolve());
      this.server.closeAllConnections();
      for (const s of this.sockets) s.destroy();
    });
  }
}
