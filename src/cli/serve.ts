// `psr serve`: the API, the background scans and the scheduler in one process.

import type { FastifyInstance } from "fastify";
import { AuthStore } from "../auth/store.js";
import type { Config } from "../config/env.js";
import { type Db, openDatabase } from "../db/connection.js";
import { loadSettings, readState, saveSettings, writeState } from "../db/settings-repo.js";
import { errorMessage } from "../error-message.js";
import { buildApp } from "../http/app.js";
import { JobStore } from "../jobs/job-store.js";
import { recoverOrphans } from "../jobs/recovery.js";
import { applyRetention } from "../jobs/retention.js";
import { ScanService } from "../jobs/scan-service.js";
import { type LastRun, Scheduler } from "../jobs/scheduler.js";
import { createLogger } from "../log.js";
import { eventsFor } from "../notify/event.js";
import { notifyAll } from "../notify/notifier.js";
import { notificationSettingsFromEnv } from "../notify/schema.js";
import type { PlexClient } from "../plex/index.js";
import { createPlexClient } from "../runtime.js";
import { parseCommandArgs } from "./args.js";

export interface RunningServer {
  app: FastifyInstance;
  db: Db;
  scans: ScanService;
  scheduler: Scheduler;
  url: string;
  close(reason?: string): Promise<void>;
}

const DAY_MS = 86_400_000;

export interface ServerOptions {
  /** How long a client may take to send a request (headers and body); 30 s by default. */
  requestTimeoutMs?: number;
  /** The built web UI (default dist/web). */
  webDir?: string;
}

export async function startServer(config: Config, options: ServerOptions = {}): Promise<RunningServer> {
  const logger = createLogger(config.logLevel);
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
      const result = await applyRetention(db.kysely, config.dataDir, config.jobs);
      logger.info(result, "retention applied");
    } catch (error) {
      logger.error({ err: error }, "retention failed");
    }
  };
  await retention();
  const retentionTimer = setInterval(retention, DAY_MS);
  retentionTimer.unref();

  let plexClient: PlexClient | undefined;
  const plex = () => {
    plexClient ??= createPlexClient(config);
    return plexClient;
  };
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
    secrets: [config.plex.token, config.auth.apiKey, config.auth.initialPassword],
    log,
    // A failed notification is logged by notifyAll and never fails the scan.
    onFinished: async (job, outcome, settings) => {
      const { notifications } = await loadSettings(db.kysely);
      const events = eventsFor(
        outcome,
        { jobId: job.id, source: job.source, dryRun: settings.dryRun },
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

  const app = await buildApp({
    config,
    db,
    logger,
    jobs,
    scans,
    plex,
    schedulerStatus: () => scheduler.status(),
    onSettingsChange: () => scheduler.reload(),
    ...(options.requestTimeoutMs !== undefined ? { requestTimeoutMs: options.requestTimeoutMs } : {}),
    ...(options.webDir !== undefined ? { webDir: options.webDir } : {}),
  });
  let closed: Promise<void> | undefined;
  const close = (reason = "the server is shutting down") => {
    closed ??= (async () => {
      scheduler.stop();
      clearInterval(retentionTimer);
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
  return { app, db, scans, scheduler, url: `http://${host}:${port}`, close };
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
