// The fastify application: it only translates HTTP into calls on the core (DESIGN §3).

import { createServer as createHttpServer } from "node:http";
import fastifyCookie from "@fastify/cookie";
import fastifyHelmet from "@fastify/helmet";
import Fastify, { type FastifyBaseLogger, type FastifyInstance } from "fastify";
import { AuthStore } from "../auth/store.js";
import { MissingTokenError } from "../config/connection.js";
import type { Config, TrustProxy } from "../config/env.js";
import type { WatchStatus } from "../contracts/watch.js";
import type { Db } from "../db/connection.js";
import { settingsAccess } from "../db/settings-repo.js";
import { ImportUploads } from "../import/uploads.js";
import { previousMatch, SqliteScanStore, setIgnored } from "../jobs/item-store.js";
import type { JobStore } from "../jobs/job-store.js";
import { LiveFeed } from "../jobs/live-feed.js";
import { ResultsView, statsHistory } from "../jobs/results-view.js";
import { retentionStatus } from "../jobs/retention.js";
import type { ScanService } from "../jobs/scan-service.js";
import type { Logger } from "../log.js";
import { MetricsView } from "../metrics/metrics-view.js";
import type { PlexState } from "../metrics/plex-health.js";
import { createMetrics, type PsrMetrics, type WatchMetrics } from "../metrics/registry.js";
import {
  PlexAuthError,
  type PlexClient,
  PlexError,
  PlexNotFoundError,
  PlexUnreachableError,
} from "../plex/index.js";
import { VERSION } from "../version.js";
import { type AuthOptions, apiNotFound, isApiPath, registerAuthGuard } from "./auth-guard.js";
import { limitConnectionsPerAddress } from "./connection-limit.js";
import { defaultErrorCode, HttpError } from "./errors.js";
import { authRoutes } from "./routes/auth.js";
import { bulkRoutes } from "./routes/bulk.js";
import { eventRoutes } from "./routes/events.js";
import { importRoutes } from "./routes/import.js";
import { itemActionRoutes } from "./routes/item-actions.js";
import { itemRoutes } from "./routes/items.js";
import { metricsRoutes } from "./routes/metrics.js";
import { notificationRoutes } from "./routes/notifications.js";
import { type ConnectionAccess, plexRoutes } from "./routes/plex.js";
import { retentionRoutes } from "./routes/retention.js";
import { scanRoutes } from "./routes/scans.js";
import { scheduleRoutes } from "./routes/schedule.js";
import { settingsRoutes } from "./routes/settings.js";
import { setupRoutes } from "./routes/setup.js";
import { statsRoutes } from "./routes/stats.js";
import { watchRoutes } from "./routes/watch.js";
import { SessionStreams } from "./session-streams.js";
import { type WebApp, wantsAppPage, webApp } from "./web-app.js";

declare module "fastify" {
  interface FastifyInstance {
    registeredRoutes: { method: string; url: string; public: boolean }[];
  }
}

export interface AppDeps {
  config: Config;
  db: Db;
  logger: Logger;
  jobs: JobStore;
  scans: ScanService;
  plex: () => PlexClient;
  /** The Plex connection in effect (environment over browser), saved and tried from the UI. */
  connection: ConnectionAccess;
  schedulerStatus: () => Promise<unknown>;
  /** The last known state of Plex, learned from the app's own requests (never a live call). */
  plexHealth?: () => PlexState;
  /** Watch mode's figures for /metrics; its metrics read 0 without it. */
  watch?: () => WatchMetrics;
  /** Watch mode's state for the dashboard (GET /api/watch/status); "off" without it. */
  watchStatus?: () => WatchStatus;
  onSettingsChange?: () => void | Promise<void>;
  ssePollMs?: number;
  requestTimeoutMs?: number;
  /** How long a client may take to send a request's headers; 10 s by default. */
  headersTimeoutMs?: number;
  /** The built SPA (default dist/web). */
  webDir?: string;
}

/** Maps any error to a status and a JSON body; 5xx bodies never carry internals. */
export function errorResponse(error: unknown): { status: number; body: Record<string, unknown> } {
  if (error instanceof HttpError)
    return { status: error.statusCode, body: { error: error.message, code: error.code, ...error.details } };
  if (error instanceof PlexAuthError)
    return { status: 502, body: { error: error.message, code: "plex_auth" } };
  if (error instanceof PlexNotFoundError)
    return { status: 404, body: { error: "Not found in Plex", code: "not_found" } };
  if (error instanceof PlexUnreachableError)
    return { status: 502, body: { error: error.message, code: "plex_unreachable" } };
  if (error instanceof PlexError) return { status: 502, body: { error: error.message, code: "plex_error" } };
  if (error instanceof MissingTokenError)
    return { status: 503, body: { error: error.message, code: "plex_not_configured" } };
  const e = error as { statusCode?: number; message?: string; code?: string };
  if (e.statusCode && e.statusCode >= 400 && e.statusCode < 500) {
    // fastify's own client errors: malformed JSON, body too large, wrong content type.
    return {
      status: e.statusCode,
      body: { error: e.message ?? "Bad request", code: defaultErrorCode(e.statusCode) },
    };
  }
  return { status: 500, body: { error: "Internal server error", code: "internal" } };
}

/** A hop count becomes proxy-addr's "trust the first N hops" function (fastify's types want one). */
function trustProxyOption(
  trust: TrustProxy,
): boolean | string[] | ((address: string, hop: number) => boolean) {
  if (typeof trust === "number") return (_address, hop) => hop < trust;
  return trust;
}

export async function buildApp(deps: AppDeps): Promise<FastifyInstance> {
  const app = Fastify({
    loggerInstance: deps.logger as FastifyBaseLogger,
    trustProxy: trustProxyOption(deps.config.server.trustProxy),
    bodyLimit: 64 * 1024,
    // A client that sends its headers or body slowly cannot hold a connection for ever. The
    // headers get their own short deadline (a browser sends them in one packet); Node checks the
    // deadlines every few seconds (30 s by default, too coarse for a short timeout).
    serverFactory: (handler) => {
      const requestTimeout = deps.requestTimeoutMs ?? 30_000;
      const headersTimeout = Math.min(deps.headersTimeoutMs ?? 10_000, requestTimeout);
      const server = createHttpServer(
        {
          requestTimeout,
          headersTimeout,
          connectionsCheckingInterval: Math.max(100, Math.min(2_000, Math.floor(headersTimeout / 4))),
          keepAliveTimeout: 10_000,
        },
        handler,
      );
      // Enough for many browsers with an event stream each; beyond it connections are refused.
      server.maxConnections = 512;
      // ... and no single address may take them all (audit finding 5).
      limitConnectionsPerAddress(server, {
        caps: deps.config.server.connectionCaps,
        trustProxy: deps.config.server.trustProxy,
        onRefused: (address, cap) =>
          deps.logger.warn(`Connections from ${address} refused: it already holds ${cap} (its cap)`),
      });
      return server;
    },
  });

  // A POST with "Content-Type: application/json" and no body (curl, Home Assistant, n8n) is an
  // empty object, not a 400: every body-less action accepts it.
  // Anything else goes to fastify's own parser, which refuses __proto__ and constructor keys.
  const parseJson = app.getDefaultJsonParser("error", "error");
  app.removeContentTypeParser("application/json");
  app.addContentTypeParser("application/json", { parseAs: "string" }, (request, body, done) => {
    const text = typeof body === "string" ? body : body.toString("utf8");
    if (text.trim() === "") return done(null, undefined);
    parseJson(request, text, done);
  });
  // Every registered route, so a test can prove that each one is behind the auth check.
  const routes: { method: string; url: string; public: boolean }[] = [];
  app.addHook("onRoute", (route) => {
    for (const method of [route.method].flat()) {
      if (method === "HEAD") continue;
      // Read when asked: a scope's own onRoute hook (the web UI's) may mark the route public
      // after this one has run.
      routes.push({
        method,
        url: route.url,
        get public() {
          return route.config?.public === true;
        },
      });
    }
  });
  app.decorate("registeredRoutes", routes);

  app.setErrorHandler((error, request, reply) => {
    const { status, body } = errorResponse(error);
    if (status >= 500) request.log.error({ err: error }, "request failed");
    reply.status(status).send(body);
  });
  let web: WebApp | undefined;
  app.setNotFoundHandler((request, reply) => {
    const api = isApiPath(request.url);
    // Client routes (/jobs/7) get the app's page; nothing under /api ever does.
    if (!api && web?.built && wantsAppPage(request)) return web.sendIndex(request, reply);
    const error = api
      ? apiNotFound(request)
      : new HttpError(404, `Not found: ${request.method} ${request.url.split("?")[0]}`);
    const { status, body } = errorResponse(error);
    return reply.status(status).send(body);
  });

  // Strict headers: no inline scripts, no framing, no MIME sniffing, no referrer to other sites.
  await app.register(fastifyHelmet, {
    contentSecurityPolicy: {
      useDefaults: false,
      directives: {
        defaultSrc: ["'self'"],
        scriptSrc: ["'self'"],
        styleSrc: ["'self'", "'unsafe-inline'"],
        imgSrc: ["'self'", "data:"],
        connectSrc: ["'self'"],
        fontSrc: ["'self'"],
        objectSrc: ["'none'"],
        baseUri: ["'none'"],
        formAction: ["'self'"],
        frameAncestors: ["'none'"],
      },
    },
    referrerPolicy: { policy: "same-origin" },
    hsts: false, // TLS ends at the reverse proxy, which decides about HSTS
  });
  await app.register(fastifyCookie);
  // Every session's open event streams, ended with the session (audit finding 6).
  const sessionStreams = new SessionStreams(async (id) => (await auth.store.session(id)) !== undefined);
  app.addHook("onClose", async () => sessionStreams.stop());
  // Before the server waits for open requests to finish: an event stream never would.
  app.addHook("preClose", async () => sessionStreams.endAll());
  const auth: AuthOptions = {
    store: new AuthStore(deps.db.kysely, (ended) => sessionStreams.ended(ended)),
    apiKey: deps.config.auth.apiKey,
    cookieName: deps.config.auth.cookieName,
    cookieExpiryDays: deps.config.auth.cookieExpiryDays,
  };
  registerAuthGuard(app, auth);
  await authRoutes(app, {
    ...auth,
    maxLoginAttempts: deps.config.auth.maxLoginAttempts,
    lockoutMinutes: deps.config.auth.lockoutMinutes,
  });

  app.get("/api/health", { config: { public: true } }, async () => {
    deps.db.sqlite.prepare("select 1").get();
    return { status: "ok", version: VERSION, plex: deps.plexHealth?.() ?? "unknown" };
  });
  // Built on the first allowed scrape: with metrics off nothing is collected.
  const metricsView = new MetricsView(deps.db.kysely);
  let metrics: PsrMetrics | undefined;
  await metricsRoutes(app, {
    access: deps.config.metrics,
    metrics: () => {
      metrics ??= createMetrics({
        read: () => metricsView.read(),
        plexState: () => deps.plexHealth?.() ?? "unknown",
        watch: deps.watch,
        version: VERSION,
      });
      return metrics;
    },
  });

  // One poller for every open stream, however many browsers follow the scans.
  const feed = new LiveFeed({ jobs: deps.jobs, dataDir: deps.config.dataDir, pollMs: deps.ssePollMs });
  app.addHook("onClose", async () => feed.stop());
  await bulkRoutes(app, { scans: deps.scans });
  await scanRoutes(app, {
    sessions: sessionStreams,
    jobs: deps.jobs,
    scans: deps.scans,
    dataDir: deps.config.dataDir,
    follow: {
      dataDir: deps.config.dataDir,
      current: async (id) => (feed.current.running?.id === id ? feed.current.running : deps.jobs.get(id)),
      ticks: (signal) => feed.ticks(signal),
    },
  });
  await eventRoutes(app, { feed, schedulerStatus: deps.schedulerStatus, sessions: sessionStreams });
  const settings = settingsAccess(deps.db.kysely);
  await settingsRoutes(app, {
    settings,
    schedulerStatus: deps.schedulerStatus,
    onChange: deps.onSettingsChange,
    plex: () => deps.connection.effective(),
  });
  const results = new ResultsView(deps.db.kysely);
  await itemRoutes(app, { results });
  await statsRoutes(app, { history: (days, now) => statsHistory(deps.db.kysely, days, now) });
  await itemActionRoutes(app, {
    store: () => new SqliteScanStore(deps.db.kysely, null),
    plex: deps.plex,
    timeoutMs: 120_000,
    results,
    setIgnored: (ratingKey, ignore) => setIgnored(deps.db.kysely, ratingKey, ignore, Date.now()),
    previousMatch: (ratingKey) => previousMatch(deps.db.kysely, ratingKey),
    placeholderCheckOffsetsMinutes: async () => (await settings.load()).placeholderCheckOffsetsMinutes,
    // Read on each request: the URL set in the browser can change while the server runs.
    get plexUrl() {
      return deps.connection.effective().url;
    },
  });
  await plexRoutes(app, { plex: deps.plex, connection: deps.connection });
  await setupRoutes(app, { connection: deps.connection, settings, onSettingsChange: deps.onSettingsChange });
  await notificationRoutes(app, { settings });
  await scheduleRoutes(app);
  await watchRoutes(app, deps.watchStatus ? { status: deps.watchStatus } : {});
  await retentionRoutes(app, {
    status: () => retentionStatus(deps.db.kysely, deps.config.retentionFromEnvironment),
  });
  await importRoutes(app, {
    uploads: new ImportUploads(deps.config.dataDir, deps.db.kysely),
    onImported: deps.onSettingsChange,
  });

  web = await webApp(app, deps.webDir);

  return app;
}
