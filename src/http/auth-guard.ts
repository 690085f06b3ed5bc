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
  if (!verdict.ok) throw new HttpError(403, `Forbidden: ${verdict.reason}`, { code: "csrf_failed" });
  const token = header(request, "x-csrf-token");
  if (!token || !safeEqual(token, expected))
    throw new HttpError(403, "Forbidden: missing or wrong X-CSRF-Token", { code: "csrf_failed" });
}

function header(request: FastifyRequest, name: string): string | undefined {
  const v = request.headers[name];
  return typeof v === "string" ? v : undefined;
}

/**
 * The path a request is routed by, decoded and with repeated slashes collapsed; absolute-form
 * targets ("http://host/api/…") reduced to their path. Used only to choose between the API's 401
 * and the SPA's fallback for requests that match no route; access is never decided on it.
 */
export function routedPath(url: string): string {
  let path = url.split("?")[0] ?? "";
  const absolute = /^[a-z][a-z0-9+.-]*:\/\/[^/]*/i.exec(path);
  if (absolute) path = path.slice(absolute[0].length) || "/";
  try {
    path = decodeURIComponent(path);
  } catch {
    // a malformed escape: judge the raw text
  }
  // Collapse repeated slashes and resolve "." and ".." as a server resolving a file path would.
  const out: string[] = [];
  for (const segment of path.split("/")) {
    if (segment === "" || segment === ".") continue;
    if (segment === "..") out.pop();
    else out.push(segment);
  }
  return `/${out.join("/")}`;
}

/** Whether an unmatched request aimed at the API (so it gets the API's 401/404, not the SPA). */
export function isApiPath(url: string): boolean {
  return /^\/api(\/|$)/i.test(routedPath(url));
}

/** Whether the request matched a registered route (the not-found handler has no route url). */
function matchedRoute(request: FastifyRequest): boolean {
  return request.routeOptions.url !== undefined;
}

/**
 * Private by default: the decision rests on the matched route's config, never on the text of the
 * URL, which a client can encode at will (/%61pi/…, absolute-form targets, double slashes). A
 * request that matches no route is authenticated if it can be, and the not-found handler answers
 * 401 under /api for anyone who is not (see apiNotFound), so routes cannot be enumerated.
 */
export function registerAuthGuard(app: FastifyInstance, opts: AuthOptions): void {
  app.addHook("onRequest", async (request, reply) => {
    const matched = matchedRoute(request);
    if (matched && request.routeOptions.config?.public === true) return;
    const auth = await authenticate(request, reply, opts, matched);
    if (auth) request.auth = auth;
  });
}

/**
 * The answer for a request that matched no route: 401 under /api without credentials (the same
 * as for a real route), otherwise 404.
 */
export function apiNotFound(request: FastifyRequest): HttpError {
  if (!request.auth)
    return new HttpError(401, "Authentication required: log in, or send an X-Api-Key header");
  return new HttpError(404, `Not found: ${request.method} ${routedPath(request.url)}`);
}

type Auth = NonNullable<FastifyRequest["auth"]>;

/** Checks the credentials; throws for a matched route, returns undefined for an unmatched one. */
async function authenticate(
  request: FastifyRequest,
  reply: FastifyReply,
  opts: AuthOptions,
  required: boolean,
): Promise<Auth | undefined> {
  const apiKey = header(request, "x-api-key");
  if (apiKey !== undefined) {
    const ok =
      (opts.apiKey !== undefined && safeEqual(apiKey, opts.apiKey)) ||
      (await opts.store.acceptApiKey(apiKey));
    if (ok) return { kind: "apiKey" };
    if (required) throw new HttpError(401, "Authentication required: the X-Api-Key is not valid");
    return undefined;
  }

  const sessionId = request.cookies[opts.cookieName];
  if (sessionId) {
    const session = await opts.store.session(sessionId);
    if (!session) {
      if (!required) return undefined;
      clearSessionCookie(reply, request, opts);
      throw new HttpError(401, "Your session has expired: please log in again", { code: "session_expired" });
    }
    if (required && isUnsafeMethod(request.method)) checkCsrf(request, session.csrfToken);
    if (required && Date.now() - session.lastSeenAt > RENEW_AFTER_MS) {
      await opts.store.renewSession(session.idHash, opts.cookieExpiryDays);
      setSessionCookie(reply, request, opts, sessionId);
    }
    return { kind: "session", sessionId, csrfToken: session.csrfToken };
  }
  if (required) throw new HttpError(401, "Authentication required: log in, or send an X-Api-Key header");
  return undefined;
}
