// The web UI: the Vite build in dist/web, served by the same server. Its files and client routes
// are public (the login page must load without a session); everything under /api stays private,
// because access is decided per route and these routes are the only ones marked public here.
import { join } from "node:path";
import fastifyStatic from "@fastify/static";
import type { FastifyInstance, FastifyReply, FastifyRequest } from "fastify";
import { VERSION } from "../version.js";
import { DEFAULT_WEB_DIR, readWebIndex } from "../web-build.js";
import { routedPath } from "./auth-guard.js";
import { placeholderPage } from "./placeholder.js";

export interface WebApp {
  /** Whether a build was found (otherwise "/" explains how to build one). */
  built: boolean;
  /** Answers a client route (/jobs/7, /items?state=failed) with the app's page. */
  sendIndex(request: FastifyRequest, reply: FastifyReply): FastifyReply;
}

export async function webApp(app: FastifyInstance, webDir = DEFAULT_WEB_DIR): Promise<WebApp> {
  const index = readWebIndex(webDir);
  if (index === undefined) {
    const page = placeholderPage(VERSION);
    app.get("/", { config: { public: true } }, async (_request, reply) =>
      reply.type("text/html; charset=utf-8").header("Cache-Control", "no-cache").send(page),
    );
    return { built: false, sendIndex: (_request, reply) => reply.status(404).type("text/html").send(page) };
  }
  const sendIndex = (_request: FastifyRequest, reply: FastifyReply) =>
    reply.type("text/html; charset=utf-8").header("Cache-Control", "no-cache").send(index);

  await app.register(async (scope) => {
    // Every route registered in this scope (the static files and "/") is public.
    scope.addHook("onRoute", (route) => {
      route.config = { ...(route.config ?? {}), public: true };
    });
    await scope.register(fastifyStatic, {
      root: webDir,
      prefix: "/",
      // One route per file found at start, no catch-all: nothing under /api can reach the disk.
      wildcard: false,
      index: false,
      cacheControl: false,
      setHeaders(res, path) {
        // Hashed file names never change content: cache them for a year. Everything else
        // (favicon, theme script) is revalidated.
        const hashed = path.startsWith(join(webDir, "assets"));
        res.setHeader("Cache-Control", hashed ? "public, max-age=31536000, immutable" : "no-cache");
      },
    });
    scope.get("/", async (request, reply) => sendIndex(request, reply));
  });
  return { built: true, sendIndex };
}

/** Whether a request that matched no route should get the app's page (a client route). */
export function wantsAppPage(request: FastifyRequest): boolean {
  if (request.method !== "GET" && request.method !== "HEAD") return false;
  // A browser navigating asks for HTML; a script or image request for a missing file must get a
  // 404, not the page (which it would try to run or draw).
  if (!(request.headers.accept ?? "").includes("text/html")) return false;
  const last = routedPath(request.url).split("/").pop() ?? "";
  return !/\.[a-z0-9]{1,8}$/i.test(last);
}
