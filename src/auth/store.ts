// The single user, sessions, login attempts and API keys, in SQLite.
import type { Kysely } from "kysely";
import type { Database } from "../db/schema.js";
import { hashPassword, randomPassword, randomToken, sha256 } from "./crypto.js";
import { lockoutRemaining } from "./policy.js";

const DAY_MS = 86_400_000;

export interface SessionRecord {
  idHash: string;
  csrfToken: string;
  expiresAt: number;
  lastSeenAt: number;
}

/** Told after sessions were deleted: one (by its cookie value) or all of them. */
export type SessionsEndedListener = (ended: { sessionId: string } | "all") => void;

export class AuthStore {
  constructor(
    private readonly db: Kysely<Database>,
    /** The server ends the open event streams of ended sessions with it. */
    private readonly onSessionsEnded: SessionsEndedListener = () => {},
  ) {}

  async user(): Promise<{ username: string; passwordHash: string } | undefined> {
    const row = await this.db
      .selectFrom("auth_user")
      .select(["username", "password_hash"])
      .executeTakeFirst();
    return row ? { username: row.username, passwordHash: row.password_hash } : undefined;
  }

  /**
   * Creates the user on first start: the password is GUI_PASSWORD when set, otherwise a random
   * one that the caller prints once. The username follows PSR_AUTH_USERNAME on every start.
   */
  async ensureUser(username: string, initialPassword: string | undefined, now = Date.now()) {
    const existing = await this.user();
    if (existing) {
      if (existing.username !== username) {
        await this.db.updateTable("auth_user").set({ username }).where("id", "=", 1).execute();
      }
      return { created: false as const };
    }
    const password = initialPassword ?? randomPassword();
    await this.db
      .insertInto("auth_user")
      .values({ id: 1, username, password_hash: await hashPassword(password), changed_at: now })
      .onConflict((oc) => oc.column("id").doNothing())
      .execute();
    return { created: true as const, generatedPassword: initialPassword ? undefined : password };
  }

  /** Sets a new password and ends every session. */
  async setPassword(password: string, now = Date.now()): Promise<void> {
    const hash = await hashPassword(password);
    await this.db.transaction().execute(async (tx) => {
      await tx
        .updateTable("auth_user")
        .set({ password_hash: hash, changed_at: now })
        .where("id", "=", 1)
        .execute();
      await tx.deleteFrom("sessions").execute();
    });
    this.onSessionsEnded("all");
  }

  async createSession(
    meta: { ip: string; userAgent: string | undefined },
    expiryDays: number,
    now = Date.now(),
  ) {
    const id = randomToken(32);
    const csrfToken = randomToken(32);
    const expiresAt = now + expiryDays * DAY_MS;
    await this.db
      .insertInto("sessions")
      .values({
        id_hash: sha256(id),
        csrf_token: csrfToken,
        created_at: now,
        last_seen_at: now,
        expires_at: expiresAt,
        user_agent: meta.userAgent?.slice(0, 300) ?? null,
        ip: meta.ip,
      })
      .execute();
    return { id, csrfToken, expiresAt };
  }

  async session(id: string, now = Date.now()): Promise<SessionRecord | undefined> {
    const row = await this.db
      .selectFrom("sessions")
      .select(["id_hash", "csrf_token", "expires_at", "last_seen_at"])
      .where("id_hash", "=", sha256(id))
      .where("expires_at", ">", now)
      .executeTakeFirst();
    return row
      ? {
          idHash: row.id_hash,
          csrfToken: row.csrf_token,
          expiresAt: row.expires_at,
          lastSeenAt: row.last_seen_at,
        }
      : undefined;
  }

  /** Sliding expiry: each use pushes the end out again. */
  async renewSession(idHash: string, expiryDays: number, now = Date.now()): Promise<number> {
    const expiresAt = now + expiryDays * DAY_MS;
    await this.db
      .updateTable("sessions")
      .set({ last_seen_at: now, expires_at: expiresAt })
      .where("id_hash", "=", idHash)
      .execute();
    return expiresAt;
  }

  async deleteSession(id: string): Promise<void> {
    await this.db.deleteFrom("sessions").where("id_hash", "=", sha256(id)).execute();
    this.onSessionsEnded({ sessionId: id });
  }

  async deleteAllSessions(): Promise<number> {
    const ended = Number((await this.db.deleteFrom("sessions").executeTakeFirst()).numDeletedRows);
    this.onSessionsEnded("all");
    return ended;
  }

  async purgeExpired(now = Date.now(), attemptWindowMs = DAY_MS): Promise<void> {
    await this.db.deleteFrom("sessions").where("expires_at", "<=", now).execute();
    await this.db
      .deleteFrom("login_attempts")
      .where("at", "<", now - attemptWindowMs)
      .execute();
  }

  // --- login attempts -------------------------------------------------------------------

  async failures(
    keys: readonly string[],
    since: number,
  ): Promise<{ count: number; oldest: number | null }[]> {
    return Promise.all(
      keys.map(async (key) => {
        const row = await this.db
          .selectFrom("login_attempts")
          .select([(eb) => eb.fn.countAll<number>().as("n"), (eb) => eb.fn.min("at").as("oldest")])
          .where("key", "=", key)
          .where("at", ">=", since)
          .executeTakeFirstOrThrow();
        return { count: Number(row.n), oldest: row.oldest === null ? null : Number(row.oldest) };
      }),
    );
  }

  /**
   * Counts the attempt before the password is checked, in one transaction with the lock-out
   * check, so parallel tries cannot all slip under the limit. Returns the milliseconds until
   * another try is allowed (nothing recorded then), or 0 when this attempt was recorded; a
   * successful login then clears it with clearFailures.
   */
  async reserveAttempt(
    keys: readonly string[],
    limit: { max: number; windowMs: number },
    now = Date.now(),
  ): Promise<number> {
    return this.db.transaction().execute(async (tx) => {
      const windows = await new AuthStore(tx).failures(keys, now - limit.windowMs);
      const wait = lockoutRemaining(windows, limit.max, limit.windowMs, now);
      if (wait > 0) return wait;
      await new AuthStore(tx).recordFailure(keys, now);
      return 0;
    });
  }

  async recordFailure(keys: readonly string[], now = Date.now()): Promise<void> {
    await this.db
      .insertInto("login_attempts")
      .values(keys.map((key) => ({ key, at: now })))
      .execute();
  }

  async clearFailures(keys: readonly string[]): Promise<void> {
    await this.db.deleteFrom("login_attempts").where("key", "in", keys).execute();
  }

  // --- API keys ---------------------------------------------------------------------------

  async createApiKey(name: string, now = Date.now()) {
    const key = `psr_${randomToken(24)}`;
    const row = await this.db
      .insertInto("api_keys")
      .values({ name, key_hash: sha256(key), prefix: key.slice(0, 8), created_at: now })
      .returning(["id", "name", "prefix", "created_at"])
      .executeTakeFirstOrThrow();
    return { id: row.id, name: row.name, prefix: row.prefix, createdAt: row.created_at, key };
  }

  async listApiKeys() {
    const rows = await this.db
      .selectFrom("api_keys")
      .select(["id", "name", "prefix", "created_at", "last_used_at"])
      .where("revoked_at", "is", null)
      .orderBy("id")
      .execute();
    return rows.map((r) => ({
      id: r.id,
      name: r.name,
      prefix: r.prefix,
      createdAt: new Date(r.created_at).toISOString(),
      lastUsedAt: r.last_used_at === null ? null : new Date(r.last_used_at).toISOString(),
    }));
  }

  async revokeApiKey(id: number, now = Date.now()): Promise<boolean> {
    const r = await this.db
      .updateTable("api_keys")
      .set({ revoked_at: now })
      .where("id", "=", id)
      .where("revoked_at", "is", null)
      .executeTakeFirst();
    return Number(r.numUpdatedRows) > 0;
  }

  /** True for a live key; the lookup is by hash, so timing reveals nothing about stored keys. */
  async acceptApiKey(key: string, now = Date.now()): Promise<boolean> {
    const r = await this.db
      .updateTable("api_keys")
      .set({ last_used_at: now })
      .where("key_hash", "=", sha256(key))
      .where("revoked_at", "is", null)
      .executeTakeFirst();
    return Number(r.numUpdatedRows) > 0;
  }
}
