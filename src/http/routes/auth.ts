// /api/auth: login (public), logout, log out everywhere, who am I, and API keys.
import type { FastifyInstance, FastifyRequest } from "fastify";
import { z } from "zod";
import { CheckGate, GateFullError } from "../../auth/check-gate.js";
import { dummyPasswordHash, safeEqual, verifyPassword } from "../../auth/crypto.js";
import { sameOriginVerdict } from "../../auth/policy.js";
import { passwordProblem } from "../../contracts/constants.js";
import { passwordChangeBodySchema } from "../../contracts/schemas.js";
import { type AuthOptions, clearSessionCookie, ownOrigin, setSessionCookie } from "../auth-guard.js";
import { HttpError, parseInput } from "../errors.js";

const loginBody = z
  .object({
    username: z.string().max(200, { message: "too long" }),
    password: z.string().max(1000, { message: "too long" }),
  })
  .strict();
const apiKeyBody = z.object({ name: z.string().trim().min(1).max(100) }).strict();
const apiKeyParams = z.object({ id: z.coerce.number().int().positive() });

export interface AuthRouteOptions extends AuthOptions {
  maxLoginAttempts: number;
  lockoutMinutes: number;
}

export async function authRoutes(app: FastifyInstance, opts: AuthRouteOptions): Promise<void> {
  const { store } = opts;
  const windowMs = opts.lockoutMinutes * 60_000;
  const gate = new CheckGate(1, 8);

  app.post("/api/auth/login", { config: { public: true } }, async (request, reply) => {
    // A login form posted from another site is refused (login CSRF).
    const origin = request.headers.origin;
    const site = request.headers["sec-fetch-site"];
    if (typeof origin === "string" || typeof site === "string") {
      const verdict = sameOriginVerdict(
        {
          origin: typeof origin === "string" ? origin : undefined,
          secFetchSite: typeof site === "string" ? site : undefined,
        },
        ownOrigin(request),
      );
      if (!verdict.ok) throw new HttpError(403, `Forbidden: ${verdict.reason}`, { code: "csrf_failed" });
    }
    const { username, password } = parseInput(loginBody, request.body, "body");
    const keys = [`ip:${request.ip}`, `user:${username.trim().toLowerCase()}`];
    const wait = await store.reserveAttempt(keys, { max: opts.maxLoginAttempts, windowMs });
    if (wait > 0) {
      const seconds = Math.ceil(wait / 1000);
      reply.header("Retry-After", String(seconds));
      throw new HttpError(429, `Too many failed logins: try again in ${Math.ceil(seconds / 60)} minute(s)`, {
        code: "login_locked",
        retryAfterSeconds: seconds,
      });
    }
    const user = await store.user();
    // The password is checked even for a wrong user name (against a hash nobody knows), so
    // both mistakes take the same time and the answer tells nothing about which it was.
    const nameOk = user !== undefined && safeEqual(username, user.username);
    let passwordOk: boolean;
    try {
      passwordOk = await gate.run(async () =>
        verifyPassword(password, nameOk ? user.passwordHash : await dummyPasswordHash()),
      );
    } catch (error) {
      if (!(error instanceof GateFullError)) throw error;
      reply.header("Retry-After", "1");
      throw new HttpError(503, error.message, { code: "login_busy" });
    }
    if (!nameOk || !passwordOk) {
      request.log.warn({ ip: request.ip }, "failed login");
      throw new HttpError(401, "Wrong user name or password", { code: "invalid_credentials" });
    }
    await store.clearFailures(keys);
    const session = await store.createSession(
      { ip: request.ip, userAgent: request.headers["user-agent"] },
      opts.cookieExpiryDays,
    );
    setSessionCookie(reply, request, opts, session.id);
    return { username: user.username, csrfToken: session.csrfToken };
  });

  app.get("/api/auth/me", async (request) => {
    const user = await store.user();
    return {
      username: user?.username ?? null,
      via: request.auth?.kind ?? null,
      csrfToken: request.auth?.kind === "session" ? request.auth.csrfToken : null,
    };
  });

  const sessionOnly = (request: FastifyRequest) => {
    if (request.auth?.kind !== "session")
      throw new HttpError(400, "Not logged in with a session", { code: "not_session" });
    return request.auth.sessionId;
  };

  app.post("/api/auth/logout", async (request, reply) => {
    await store.deleteSession(sessionOnly(request));
    clearSessionCookie(reply, request, opts);
    return { ok: true };
  });

  app.post("/api/auth/logout-all", async (request, reply) => {
    const ended = await store.deleteAllSessions();
    if (request.auth?.kind === "session") clearSessionCookie(reply, request, opts);
    return { ok: true, sessionsEnded: ended };
  });

  // Changing the password needs the current one. A wrong one counts toward the same lock-out as
  // a failed login (same keys), so this form cannot be used to guess the password either.
  // Every other session ends (AuthStore.setPassword); the session that made the change gets a
  // fresh one, so the user stays logged in here and only here.
  app.post("/api/auth/password", async (request, reply) => {
    const { currentPassword, newPassword } = parseInput(passwordChangeBodySchema, request.body, "body");
    const user = await store.user();
    if (!user) throw new HttpError(400, "No user is set up", { code: "not_found" });
    const keys = [`ip:${request.ip}`, `user:${user.username.trim().toLowerCase()}`];
    const wait = await store.reserveAttempt(keys, { max: opts.maxLoginAttempts, windowMs });
    if (wait > 0) {
      const seconds = Math.ceil(wait / 1000);
      reply.header("Retry-After", String(seconds));
      throw new HttpError(
        429,
        `Too many wrong passwords: try again in ${Math.ceil(seconds / 60)} minute(s)`,
        {
          code: "login_locked",
          retryAfterSeconds: seconds,
        },
      );
    }
    let ok: boolean;
    try {
      ok = await gate.run(() => verifyPassword(currentPassword, user.passwordHash));
    } catch (error) {
      if (!(error instanceof GateFullError)) throw error;
      reply.header("Retry-After", "1");
      throw new HttpError(503, error.message, { code: "login_busy" });
    }
    if (!ok) {
      request.log.warn({ ip: request.ip }, "wrong current password on password change");
      // 400, not 401: the caller is logged in; only the form's field is wrong.
      throw new HttpError(400, "The current password is wrong", {
        code: "wrong_password",
        field: "currentPassword",
      });
    }
    await store.clearFailures(keys);
    const problem = passwordProblem(newPassword, { username: user.username, current: currentPassword });
    if (problem) {
      throw new HttpError(400, `Invalid body: newPassword: ${problem.replaceAll("_", " ")}`, {
        code: "weak_password",
        field: "newPassword",
        reason: problem,
        issues: [{ field: "newPassword", message: problem }],
      });
    }
    await store.setPassword(newPassword);
    request.log.info("password changed; every other session ended");
    if (request.auth?.kind !== "session") return { ok: true, csrfToken: null, sessionsEnded: true };
    const session = await store.createSession(
      { ip: request.ip, userAgent: request.headers["user-agent"] },
      opts.cookieExpiryDays,
    );
    setSessionCookie(reply, request, opts, session.id);
    return { ok: true, csrfToken: session.csrfToken, sessionsEnded: true };
  });

  app.get("/api/auth/api-keys", async () => ({ keys: await store.listApiKeys() }));

  app.post("/api/auth/api-keys", async (request, reply) => {
    const { name } = parseInput(apiKeyBody, request.body, "body");
    const created = await store.createApiKey(name);
    // The key itself is shown once, here; only its hash is stored.
    return reply.status(201).send({ ...created, createdAt: new Date(created.createdAt).toISOString() });
  });

  app.delete("/api/auth/api-keys/:id", async (request) => {
    const { id } = parseInput(apiKeyParams, request.params, "params");
    if (!(await store.revokeApiKey(id))) throw new HttpError(404, `No API key with id ${id}`);
    return { ok: true };
  });
}
