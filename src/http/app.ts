// The fastify application: it only translates HTTP into calls on the core (DESIGN §3).
import Fastify, { type FastifyBaseLogger, type FastifyInstance } from "fastify";
import type { Config } from "../config/env.js";
import type { Db } from "../db/connection.js";
import type { Logger } from "../log.js";
import { VERSION } from "../version.js";
import { placeholderPage } from "./placeholder.js";

export interface AppDeps {
  config: Config;
  db: Db;
  logger: Logger;
}

export async function buildApp(deps: AppDeps): Promise<FastifyInstance> {
  const app = Fastify({
    loggerInstance: deps.logger as FastifyBaseLogger,
    trustProxy: deps.config.server.trustProxy,
    bodyLimit: 64 * 1024,
    disableRequestLogging: false,
  });

  // Errors are JSON with a message meant for people; stack traces stay in the server log.
  app.setErrorHandler((error: Error & { statusCode?: number }, request, reply) => {
    const status = error.statusCode && error.statusCode >= 400 ? error.statusCode : 500;
    if (status >= 500) request.log.error({ err: error }, "request failed");
    reply.status(status).send({ error: status >= 500 ? "Internal server error" : error.message });
  });
  app.setNotFoundHandler((request, reply) => {
    reply.status(404).send({ error: `Not found: ${request.method} ${request.url.split("?")[0]}` });
  });

  app.get("/api/health", async () => {
    deps.db.sqlite.prepare("select 1").get();
    return { status: "ok", version: VERSION };
  });

  app.get("/", async (_request, reply) => {
    reply.type("text/html; charset=utf-8").send(placeholderPage(VERSION));
  });

  return app;
}
