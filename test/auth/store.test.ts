// The auth store on a real SQLite file: the user, sessions, login attempts and API keys.
import { afterEach, describe, expect, it } from "vitest";
import { verifyPassword } from "../../src/auth/crypto.js";
import { AuthStore, type SessionsEndedListener } from "../../src/auth/store.js";
import { openDatabase } from "../../src/db/connection.js";
import { tempDir } from "../helpers/tmp.js";

const NOW = Date.parse("2026-11-24T12:00:00Z");
const DAY = 86_400_000;
const cleanups: (() => Promise<void> | void)[] = [];
afterEach(async () => {
  for (const c of cleanups.splice(0).reverse()) await c();
});

async function freshStore() {
  const dir = tempDir();
  const db = await openDatabase(dir.dir);
  cleanups.push(dir.cleanup, () => db.close());
  const ended: Parameters<SessionsEndedListener>[0][] = [];
  return { store: new AuthStore(db.kysely, (e) => ended.push(e)), db, ended };
}

describe("the user", () => {
  it("is created once with the given password; later starts only follow the user name", async () => {
    const { store, db } = await freshStore();
    expect(await store.user()).toBeUndefined();
    expect(await store.ensureUser("admin", "first-secret-1", NOW)).toEqual({
      created: true,
      generatedPassword: undefined,
    });
    const user = await store.user();
    expect(user?.username).toBe("admin");
    expect(await verifyPassword("first-secret-1", user?.passwordHash ?? "")).toBe(true);
    expect(await db.kysely.selectFrom("auth_user").select("changed_at").executeTakeFirst()).toEqual({
      changed_at: NOW,
    });

    expect(await store.ensureUser("admin", "other-secret-2")).toEqual({ created: false });
    expect((await store.user())?.passwordHash).toBe(user?.passwordHash);
    expect(await store.ensureUser("root", undefined)).toEqual({ created: false });
    expect(await store.user()).toEqual({ username: "root", passwordHash: user?.passwordHash });
  });

  it("without a password gets a generated one, returned once", async () => {
    const { store } = await freshStore();
    const made = await store.ensureUser("admin", undefined, NOW);
    expect(made.created).toBe(true);
    const generated = made.created ? made.generatedPassword : undefined;
    expect(generated).toMatch(/^[a-km-zA-HJ-NP-Z2-9]{20}$/);
    expect(await verifyPassword(generated ?? "", (await store.user())?.passwordHash ?? "")).toBe(true);
  });

  it("a new password ends every session", async () => {
    const { store, db, ended } = await freshStore();
    await store.ensureUser("admin", "first-secret-1", NOW);
    const s = await store.createSession({ ip: "10.0.0.1", userAgent: "x" }, 30, NOW);
    await store.setPassword("second-secret-2", NOW + 1000);
    expect(await verifyPassword("second-secret-2", (await store.user())?.passwordHash ?? "")).toBe(true);
    expect(await db.kysely.selectFrom("auth_user").select("changed_at").executeTakeFirst()).toEqual({
      changed_at: NOW + 1000,
    });
    expect(await store.session(s.id, NOW)).toBeUndefined();
    expect(ended).toEqual(["all"]);
  });
});

describe("sessions", () => {
  it("stores only a hash of the id, with the CSRF token, the client and the expiry", async () => {
    const { store, db } = await freshStore();
    const s = await store.createSession({ ip: "10.0.0.1", userAgent: "A".repeat(400) }, 30, NOW);
    expect(s.expiresAt).toBe(NOW + 30 * DAY);
    expect(s.id).not.toBe(s.csrfToken);
    const rows = await db.kysely.selectFrom("sessions").selectAll().execute();
    expect(rows).toHaveLength(1);
    expect(JSON.stringify(rows)).not.toContain(s.id);
    expect(rows[0]).toMatchObject({
      csrf_token: s.csrfToken,
      created_at: NOW,
      last_seen_at: NOW,
      expires_at: NOW + 30 * DAY,
      ip: "10.0.0.1",
      user_agent: "A".repeat(300),
    });
    const other = await store.createSession({ ip: "10.0.0.2", userAgent: undefined }, 1, NOW);
    const second = await db.kysely
      .selectFrom("sessions")
      .select("user_agent")
      .where("expires_at", "=", other.expiresAt)
      .executeTakeFirst();
    expect(second).toEqual({ user_agent: null });
  });

  it.each([
    { name: "found while it lasts", at: NOW + DAY - 1, found: true },
    { name: "gone at its expiry", at: NOW + DAY, found: false },
  ])("session(): $name", async ({ at, found }) => {
    const { store } = await freshStore();
    const s = await store.createSession({ ip: "10.0.0.1", userAgent: undefined }, 1, NOW);
    const record = await store.session(s.id, at);
    expect(record === undefined).toBe(!found);
    if (found)
      expect(record).toMatchObject({ csrfToken: s.csrfToken, expiresAt: NOW + DAY, lastSeenAt: NOW });
    expect(await store.session(`${s.id}x`, NOW)).toBeUndefined();
  });

  it("renewing pushes the end out from the time of use", async () => {
    const { store } = await freshStore();
    const s = await store.createSession({ ip: "10.0.0.1", userAgent: undefined }, 1, NOW);
    const record = await store.session(s.id, NOW);
    const at = NOW + DAY - 10;
    expect(await store.renewSession(record?.idHash ?? "", 2, at)).toBe(at + 2 * DAY);
    expect(await store.session(s.id, NOW + 2 * DAY)).toMatchObject({
      lastSeenAt: at,
      expiresAt: at + 2 * DAY,
    });
  });

  it("logout ends one session; log out everywhere ends all and counts them", async () => {
    const { store, ended } = await freshStore();
    const a = await store.createSession({ ip: "10.0.0.1", userAgent: undefined }, 1, NOW);
    const b = await store.createSession({ ip: "10.0.0.1", userAgent: undefined }, 1, NOW);
    const c = await store.createSession({ ip: "10.0.0.1", userAgent: undefined }, 1, NOW);
    await store.deleteSession(a.id);
    expect(await store.session(a.id, NOW)).toBeUndefined();
    expect(await store.session(b.id, NOW)).toBeDefined();
    expect(ended).toEqual([{ sessionId: a.id }]);
    expect(await store.deleteAllSessions()).toBe(2);
    expect(await store.session(c.id, NOW)).toBeUndefined();
    expect(ended).toEqual([{ sessionId: a.id }, "all"]);
  });

  it("purgeExpired removes ended sessions and attempts older than the window", async () => {
    const { store, db } = await freshStore();
    const old = await store.createSession({ ip: "10.0.0.1", userAgent: undefined }, 1, NOW - DAY);
    const live = await store.createSession({ ip: "10.0.0.1", userAgent: undefined }, 1, NOW - DAY + 1);
    await store.recordFailure(["ip:a"], NOW - 2 * DAY);
    await store.recordFailure(["ip:b"], NOW - DAY);
    await store.purgeExpired(NOW);
    const hashes = (await db.kysely.selectFrom("sessions").select("expires_at").execute()).map(
      (r) => r.expires_at,
    );
    expect(hashes).toEqual([live.expiresAt]);
    expect(old.expiresAt).toBe(NOW);
    expect((await store.failures(["ip:a", "ip:b"], 0)).map((w) => w.count)).toEqual([0, 1]);
    await store.purgeExpired(NOW, DAY / 2);
    expect((await store.failures(["ip:b"], 0))[0]?.count).toBe(0);
  });
});

describe("login attempts", () => {
  const limit = { max: 3, windowMs: 15 * 60_000 };

  it("counts failures per key within the window, with the oldest", async () => {
    const { store } = await freshStore();
    await store.recordFailure(["ip:1", "user:admin"], NOW - 20 * 60_000);
    await store.recordFailure(["ip:1", "user:admin"], NOW - 10 * 60_000);
    await store.recordFailure(["user:admin"], NOW - 5 * 60_000);
    expect(await store.failures(["ip:1", "user:admin", "ip:2"], NOW - 15 * 60_000)).toEqual([
      { count: 1, oldest: NOW - 10 * 60_000 },
      { count: 2, oldest: NOW - 10 * 60_000 },
      { count: 0, oldest: null },
    ]);
    expect(await store.failures(["ip:1"], NOW - 10 * 60_000)).toEqual([
      { count: 1, oldest: NOW - 10 * 60_000 },
    ]);
  });

  it("reserves attempts up to the limit, then answers the wait and records nothing", async () => {
    const { store } = await freshStore();
    const keys = ["ip:1", "user:admin"];
    for (let i = 0; i < 3; i++) expect(await store.reserveAttempt(keys, limit, NOW + i * 60_000)).toBe(0);
    expect(await store.reserveAttempt(keys, limit, NOW + 5 * 60_000)).toBe(10 * 60_000);
    expect((await store.failures(keys, 0)).map((w) => w.count)).toEqual([3, 3]);
    // Once the oldest leaves the window, a try is allowed again.
    expect(await store.reserveAttempt(keys, limit, NOW + 15 * 60_000)).toBe(0);
  });

  it("a successful login clears the failures of its keys only", async () => {
    const { store } = await freshStore();
    await store.recordFailure(["ip:1", "user:admin", "ip:2"], NOW);
    await store.clearFailures(["ip:1", "user:admin"]);
    expect((await store.failures(["ip:1", "user:admin", "ip:2"], 0)).map((w) => w.count)).toEqual([0, 0, 1]);
  });
});

describe("API keys", () => {
  it("are shown once, stored hashed with a prefix, accepted until revoked", async () => {
    const { store, db } = await freshStore();
    const created = await store.createApiKey("backup", NOW);
    expect(created).toMatchObject({ name: "backup", createdAt: NOW, prefix: created.key.slice(0, 8) });
    expect(created.key).toMatch(/^psr_[A-Za-z0-9_-]{32}$/);
    expect(JSON.stringify(await db.kysely.selectFrom("api_keys").selectAll().execute())).not.toContain(
      created.key,
    );
    const other = await store.createApiKey("second", NOW);

    expect(await store.listApiKeys()).toEqual([
      {
        id: created.id,
        name: "backup",
        prefix: created.prefix,
        createdAt: new Date(NOW).toISOString(),
        lastUsedAt: null,
      },
      {
        id: other.id,
        name: "second",
        prefix: other.prefix,
        createdAt: new Date(NOW).toISOString(),
        lastUsedAt: null,
      },
    ]);
    expect(await store.acceptApiKey(created.key, NOW + 1000)).toBe(true);
    expect(await store.acceptApiKey(`${created.key}x`, NOW + 1000)).toBe(false);
    expect((await store.listApiKeys())[0]?.lastUsedAt).toBe(new Date(NOW + 1000).toISOString());

    expect(await store.revokeApiKey(created.id, NOW + 2000)).toBe(true);
    expect(await store.revokeApiKey(created.id, NOW + 3000)).toBe(false);
    expect(await store.revokeApiKey(999)).toBe(false);
    expect(await store.acceptApiKey(created.key)).toBe(false);
    expect((await store.listApiKeys()).map((k) => k.name)).toEqual(["second"]);
    expect(await store.acceptApiKey(other.key)).toBe(true);
  });
});
