// `psr serve`: the API, the background scans and the scheduler in one process.

import type { FastifyInstance } from "fastify";
import { AuthStore } from "../auth/store.js";
import type { PlexConnection } from "../config/connection.js";
import type { Config } from "../config/env.js";
import { type Db, openDatabase } from "../db/connection.js";
import { ConnectionStore } from "../db/connection-store.js";
import { loadSettings, readState, saveSettings, writeState } from "../db/settings-repo.js";
import { errorMessage } from "../error-message.js";
import { buildApp } from "../http/app.js";
import { ConnectionHealth } from "../http/routes/plex.js";
import { SqliteScanStore } from "../jobs/item-store.js";
import { JobStore } from "../jobs/job-store.js";
import { recoverOrphans } from "../jobs/recovery.js";
import { runRetention } from "../jobs/retention.js";
import { ScanService } from "../jobs/scan-service.js";
import { type LastRun, Scheduler } from "../jobs/scheduler.js";
import { createLogger, type DestinationStream } from "../log.js";
import { PlexHealth } from "../metrics/plex-health.js";
import { notifyLanguage } from "../notify/catalogue.js";
import { eventsFor } from "../notify/event.js";
import { notifyAll } from "../notify/notifier.js";
import { notificationSettingsFromEnv } from "../notify/schema.js";
import { createPlexClientFor, PlexClientProvider } from "../runtime.js";
import { notingWrites, RecentWrites } from "../watch/echo.js";
import { Watcher } from "../watch/watcher.js";
import { parseCommandArgs } from "./args.js";

export interface RunningServer {
  app: FastifyInstance;
  db: Db;
  scans: ScanService;
  scheduler: Scheduler;
  watcher: Watcher;
  url: string;
  close(reason?: string): Promise<void>;
}

const DAY_MS = 86_400_000;

export interface ServerOptions {
  /** How long a client may take to send a request (headers and body); 30 s by default. */
  requestTimeoutMs?: number;
  /** How long a client may take to send a request's headers; 10 s by default. */
  headersTimeoutMs?: number;
  /** The built web UI (default dist/web). */
  webDir?: string;
  /** Where log lines go (default stdout, as JSON lines for journald and log shippers). */
  logDestination?: DestinationStream;
}

export async function startServer(config: Config, options: ServerOptions = {}): Promise<RunningServer> {
  const logger = createLogger(config.logLevel, options.logDestination);
  const db = await openDatabase(config.dataDir);
  const jobs = new JobStore(db.kysely);

  // The single user: on first start the password is GUI_PASSWORD, or a random one printed once
  // (to the console only, never to a log file).
  const authStore = new AuthStore(db.kysely);
  const user = await authStore.ensureUser(config.auth.username, config.auth.initialPassword);
  if (user.created && user.generatedPassword) {
    process.stdout.write(
      `\nFirst start: log in as "${config.auth.username}" with password ${user.generatedPassword}\n` +
        'It is shown only this once; change it with "psr passwd".\n\n',
    );
  }
  await authStore.purgeExpired(Date.now(), config.auth.lockoutMinutes * 60_000);

  // Recovery first, at once: a job left running by a dead process becomes interrupted.
  for (const r of await recoverOrphans(jobs, {
    now: Date.now(),
    graceMinutes: config.jobs.orphanGraceMinutes,
  })) {
    logger.warn(`Scan ${r.id} marked interrupted: ${r.reason}`);
  }
  const retention = async () => {
    try {
      // The limits are read each time: a value saved in the browser applies at the next pass.
      const result = await runRetention(db.kysely, config.dataDir, config.retentionFromEnvironment);
      logger.info(result, "retention applied");
    } catch (error) {
      logger.error({ err: error }, "retention failed");
    }
  };
  await retention();
  const retentionTimer = setInterval(retention, DAY_MS);
  retentionTimer.unref();

  // The connection in effect (the environment wins, else what was set in the browser); the
  // client is rebuilt when it changes, so a new URL or token applies without a restart.
  const connections = await ConnectionStore.open(db.kysely, config, (m) => logger.warn(m));
  // /api/health and /metrics report Plex as the app's own requests last found it.
  const plexHealth = new PlexHealth();
  const plexClients = new PlexClientProvider(() => connections.effective(), { observe: plexHealth.observe });
  // Every refresh and match the app sends is noted, so watch mode never takes it for a new item.
  const writes = new RecentWrites();
  const plex = () => notingWrites(plexClients.get(), writes);
  // Job logs redact every token this process has known (the array is read when a line is written).
  const secrets = [
    config.plex.token,
    connections.effective().token,
    config.auth.apiKey,
    config.auth.initialPassword,
    config.metrics.access === "token" ? config.metrics.token : undefined,
  ];
  connections.onChange((c) => {
    if (c.token && !secrets.includes(c.token)) secrets.push(c.token);
  });
  // A test answers quickly: one retry, and at most 10 s per request.
  const testClient = (c: PlexConnection) =>
    c.token ? createPlexClientFor(c, { retries: 1, timeoutMs: Math.min(c.timeoutMs, 10_000) }) : null;
  const health = new ConnectionHealth();
  // The start-up check: when it fails, the browser opens the setup until a test passes.
  health.checkAtStart(async () => {
    const client = testClient(connections.effective());
    if (!client) return;
    try {
      await client.server();
    } catch (error) {
      logger.warn(`Plex connection check at start failed: ${errorMessage(error)}`);
      throw error;
    }
  });
  const log = (level: "info" | "warn" | "error", message: string) => logger[level](message);
  // The original's TELEGRAM_BOT_TOKEN/TELEGRAM_CHAT_ID seed the notification settings once;
  // from then on the database is the one source.
  if ((await readState<boolean>(db.kysely, "notifications.seeded")) !== true) {
    const fromEnv = notificationSettingsFromEnv(process.env, (m) => logger.warn(m));
    if (fromEnv.telegram.enabled) await saveSettings(db.kysely, { notifications: fromEnv });
    await writeState(db.kysely, "notifications.seeded", true);
  }
  const scans = new ScanService({
    db: db.kysely,
    jobs,
    plex,
    dataDir: config.dataDir,
    secrets,
    log,
    // A failed notification is logged by notifyAll and never fails the scan.
    onFinished: async (job, outcome, settings) => {
      const { notifications, appearance } = await loadSettings(db.kysely);
      const events = eventsFor(
        outcome,
        {
          jobId: job.id,
          source: job.source,
          dryRun: settings.dryRun,
          language: notifyLanguage(appearance.language),
        },
        notifications.events,
      );
      if (events.length > 0) await notifyAll(events, notifications, log);
    },
  });
  const scheduler = new Scheduler({
    schedule: async () => (await loadSettings(db.kysely)).schedule,
    trigger: async () => (await scans.start("scheduler")).id,
    loadLastRun: () => readState<LastRun>(db.kysely, "scheduler.lastRun"),
    saveLastRun: (run) => writeState(db.kysely, "scheduler.lastRun", run),
    log,
  });
  await scheduler.reload();
  // Watch mode: items Plex adds are checked and repaired within a minute (see src/watch).
  const watcher = new Watcher({
    plex,
    loadSettings: () => loadSettings(db.kysely),
    store: new SqliteScanStore(db.kysely, null, "watch"),
    state: {
      read: (key) => readState(db.kysely, key),
      write: (key, value) => writeState(db.kysely, key, value),
    },
    scanRunning: async () => (await jobs.active()) !== undefined,
    writes,
    log,
  });
  await watcher.start();
  connections.onChange(() => void watcher.restart());

  const app = await buildApp({
    config,
    db,
    logger,
    jobs,
    scans,
    plex,
    connection: {
      effective: () => connections.effective(),
      save: (patch) => connections.save(patch),
      preview: (patch) => connections.preview(patch),
      testClient,
      health,
    },
    schedulerStatus: () => scheduler.status(),
    plexHealth: () => plexHealth.state,
    watchStatus: () => watcher.status(),
    watch: () => watcher.snapshot(),
    onSettingsChange: async () => {
      await scheduler.reload();
      await watcher.reload();
    },
    ...(options.requestTimeoutMs !== undefined ? { requestTimeoutMs: options.requestTimeoutMs } : {}),
    ...(options.headersTimeoutMs !== undefined ? { headersTimeoutMs: options.headersTimeoutMs } : {}),
    ...(options.webDir !== undefined ? { webDir: options.webDir } : {}),
  });
  let closed: Promise<void> | undefined;
  const close = (reason = "the server is shutting down") => {
    closed ??= (async () => {
      scheduler.stop();
      clearInterval(retentionTimer);
      await watcher.stop();
      await scans.shutdown(reason);
      await app.close();
      await db.close();
    })();
    return closed;
  };
  try {
    await app.listen({ host: config.server.host, port: config.server.port });
  } catch (error) {
    await close();
    const code = (error as NodeJS.ErrnoException).code;
    if (code === "EADDRINUSE") {
      throw new Error(
        `Port ${config.server.port} on ${config.server.host} is already in use: stop the other program or set PSR_PORT`,
      );
    }
    throw error;
  }
  const address = app.server.address();
  const port = typeof address === "object" && address ? address.port : config.server.port;
  const host = config.server.host.includes(":") ? `[${config.server.host}]` : config.server.host;
  return { app, db, scans, scheduler, watcher, url: `http://${host}:${port}`, close };
}

/** Resolves once SIGINT or SIGTERM arrives, after running the given shutdown step. */
export function untilSignal(shutdown: (signal: NodeJS.Signals) => Promise<void>): Promise<number> {
  return new Promise((resolve) => {
    let stopping = false;
    const onSignal = (signal: NodeJS.Signals) => {
      if (stopping) return;
      stopping = true;
      process.stderr.write(`\n${signal} received, shutting down…\n`);
      shutdown(signal).then(
        () => resolve(0),
        (error: unknown) => {
          process.stderr.write(`Shutdown failed: ${errorMessage(error)}\n`);
          resolve(1);
        },
      );
    };
    process.once("SIGINT", onSignal);
    process.once("SIGTERM", onSignal);
  });
}

export async function serveCommand(argv: string[], config: Config): Promise<number> {
  parseCommandArgs(argv, {});
  const server = await startServer(config);
  process.stdout.write(`Plex Smart Refresher listening on ${server.url}\n`);
  return untilSignal((signal) => server.close(`the server received ${signal}`));
}
