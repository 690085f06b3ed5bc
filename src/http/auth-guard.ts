// Every API route needs authentication except those marked public (health; later the login).
// Until the login (sessions, CSRF) lands, the only credential is PSR_API_KEY in X-Api-Key.
import { createHash, timingSafeEqual } from "node:crypto";
import type { FastifyInstance } from "fastify";
import { HttpError } from "./errors.js";

declare module "fastify" {
  interface FastifyContextConfig {
    public?: boolean;
  }
}

/** Compares secrets in constant time (hashing first makes the lengths equal). */
export function safeEqual(a: string, b: string): boolean {
  const ha = createHash("sha256").update(a).digest();
  const hb = createHash("sha256").update(b).digest();
  return timingSafeEqual(ha, hb);
}

export function registerAuthGuard(app: FastifyInstance, apiKey: string | undefined): void {
  app.addHook("onRequest", async (request) => {
    if (!request.url.startsWith("/api/")) return;
    if (request.routeOptions.config?.public) return;
    const given = request.headers["x-api-key"];
    if (typeof given === "string" && apiKey && safeEqual(given, apiKey)) return;
    throw new HttpError(
      401,
      apiKey
        ? "Authentication required: send a valid X-Api-Key header"
        : "Authentication required: set PSR_API_KEY and send it as the X-Api-Key header",
    );
  });
}
