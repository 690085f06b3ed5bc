// Every API route needs authentication except those marked public (health, login). A request
// authenticates with an API key (X-Api-Key: PSR_API_KEY or a key created in the settings; no
// CSRF needed) or with the session cookie, in which case a state-changing request must also be
// same-origin and carry the session's CSRF token.
import type {} from "@fastify/cookie"; // its types add request.cookies and reply.setCookie
import type { FastifyInstance, FastifyReply, FastifyRequest } from "fastify";
import { safeEqual } from "../auth/crypto.js";
import { isUnsafeMethod, sameOriginVerdict } from "../auth/policy.js";
import type { AuthStore } from "../auth/store.js";
import { HttpError } from "./errors.js";

declare module "fastify" {
  interface FastifyContextConfig {
    public?: boolean;
  }
  interface FastifyRequest {
    auth?: { kind: "apiKey" } | { kind: "session"; sessionId: string; csrfToken: string };
  }
}

export interface AuthOptions {
  store: AuthStore;
  apiKey: string | undefined;
  cookieName: string;
  cookieExpiryDays: number;
}

/** Renew the cookie at most this often (sliding expiry without a write per request). */
const RENEW_AFTER_MS = 5 * 60_000;

export function ownOrigin(request: FastifyRequest): string {
  return `${request.protocol}://${request.host}`;
}

export function setSessionCookie(
  reply: FastifyReply,
  request: FastifyRequest,
  opts: AuthOptions,
  id: string,
): void {
  reply.setCookie(opts.cookieName, id, {
    httpOnly: true,
    sameSite: "lax",
    secure: request.protocol === "https",
    path: "/",
    maxAge: opts.cookieExpiryDays * 86_400,
  });
}

export function clearSessionCookie(reply: FastifyReply, request: FastifyRequest, opts: AuthOptions): void {
  reply.clearCookie(opts.cookieName, {
    path: "/",
    httpOnly: true,
    sameSite: "lax",
    secure: request.protocol === "https",
  });
}

/** Rejects cross-site and token-less state changes made with a session cookie. */
export function checkCsrf(request: FastifyRequest, expected: string): void {
  const verdict = sameOriginVerdict(
    { origin: header(request, "origin"), secFetchSite: header(request, "sec-fetch-site") },
    ownOrigin(request),
  );
  if (!verdict.ok) throw new HttpError(403, `Forbidden: ${verdict.reason}`);
  const token = header(request, "x-csrf-token");
  if (!token || !safeEqual(token, expected))
    throw new HttpError(403, "Forbidden: missing or wrong X-CSRF-Token");
}

function header(request: FastifyRequest, name: string): string | undefined {
  const v = request.headers[name];
  return typeof v === "string" ? v : undefined;
}

export function registerAuthGuard(app: FastifyInstance, opts: AuthOptions): void {
  app.addHook("onRequest", async (request, reply) => {
    if (!request.url.startsWith("/api/") && request.url !== "/api") return;
    if (request.routeOptions.config?.public) return;

    const apiKey = header(request, "x-api-key");
    if (apiKey !== undefined) {
      const ok =
        (opts.apiKey !== undefined && safeEqual(apiKey, opts.apiKey)) || (await opts.store.useApiKey(apiKey));
      if (!ok) throw new HttpError(401, "Authentication required: the X-Api-Key is not valid");
      request.auth = { kind: "apiKey" };
      return;
    }

    const sessionId = request.cookies[opts.cookieName];
    if (sessionId) {
      const session = await opts.store.session(sessionId);
      if (!session) {
        clearSessionCookie(reply, request, opts);
        throw new HttpError(401, "Your session has expired: please log in again");
      }
      if (isUnsafeMethod(request.method)) checkCsrf(request, session.csrfToken);
      if (Date.now() - session.lastSeenAt > RENEW_AFTER_MS) {
        await opts.store.renewSession(session.idHash, opts.cookieExpiryDays);
        setSessionCookie(reply, request, opts, sessionId);
      }
      request.auth = { kind: "session", sessionId, csrfToken: session.csrfToken };
      return;
    }
    throw new HttpError(401, "Authentication required: log in, or send an X-Api-Key header");
  });
}
