// `psr serve`: the web UI, the API and (later) the scheduler in one process.
import type { FastifyInstance } from "fastify";
import type { Config } from "../config/env.js";
import { type Db, openDatabase } from "../db/connection.js";
import { buildApp } from "../http/app.js";
import { createLogger } from "../log.js";
import { parseCommandArgs } from "./args.js";

export interface RunningServer {
  app: FastifyInstance;
  db: Db;
  url: string;
  close(): Promise<void>;
}

export async function startServer(config: Config): Promise<RunningServer> {
  const logger = createLogger(config.logLevel);
  const db = await openDatabase(config.dataDir);
  const app = await buildApp({ config, db, logger });
  try {
    await app.listen({ host: config.server.host, port: config.server.port });
  } catch (error) {
    await app.close();
    await db.close();
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
  return {
    app,
    db,
    url: `http://${host}:${port}`,
    async close() {
      await app.close();
      await db.close();
    },
  };
}

/** Resolves once SIGINT or SIGTERM arrives, after running the given shutdown step. */
export function untilSignal(shutdown: () => Promise<void>): Promise<number> {
  return new Promise((resolve) => {
    let stopping = false;
    const onSignal = (signal: NodeJS.Signals) => {
      if (stopping) return;
      stopping = true;
      process.stderr.write(`\n${signal} received, shutting down…\n`);
      shutdown().then(
        () => resolve(0),
        (error: unknown) => {
          process.stderr.write(
            `Shutdown failed: ${error instanceof Error ? error.message : String(error)}\n`,
          );
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
  return untilSignal(() => server.close());
}
