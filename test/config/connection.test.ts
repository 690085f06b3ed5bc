// The Plex connection in effect: the environment wins per value over what the browser stored,
// and the stored token is encrypted at rest (checked in the SQLite file itself).
import { readdirSync, readFileSync, statSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import Sqlite from "better-sqlite3";
import { afterEach, describe, expect, it } from "vitest";
import { effectiveConnection, sameConnection } from "../../src/config/connection.js";
import { loadConfig } from "../../src/config/env.js";
import { sameOrigin } from "../../src/contracts/setup.js";
import { DB_FILE_NAME, openDatabase } from "../../src/db/connection.js";
import {
  CONNECTION_STATE_KEY,
  ConnectionStore,
  decryptToken,
  encryptToken,
  readStoredConnection,
  TOKEN_KEY_FILE,
} from "../../src/db/connection-store.js";
import { resolvePlexConnection } from "../../src/runtime.js";
import { tempDir } from "../helpers/tmp.js";

const TOKEN = "browser-token-Zq8Xk2Lm9Pw4";

describe("effectiveConnection", () => {
  const stored = { url: "http://stored:32400", token: "stored-token", timeoutMs: 7_000 };
  it.each([
    [{}, { url: "http://stored:32400", token: "stored-token", timeoutMs: 7_000 }, [false, false, false]],
    [
      { PLEX_URL: "http://env:32400" },
      { url: "http://env:32400", token: "stored-token", timeoutMs: 7_000 },
      [true, false, false],
    ],
    [
      { PLEX_TOKEN: "env-token" },
      { url: "http://stored:32400", token: "env-token", timeoutMs: 7_000 },
      [false, true, false],
    ],
    [
      { PLEX_TIMEOUT: "45" },
      { url: "http://stored:32400", token: "stored-token", timeoutMs: 45_000 },
      [false, false, true],
    ],
    [
      { PLEX_URL: "http://env:1", PLEX_TOKEN: "e", PLEX_TIMEOUT: "2" },
      { url: "http://env:1", token: "e", timeoutMs: 2_000 },
      [true, true, true],
    ],
  ])("env %j over the stored connection", (env, expected, [url, token, timeout]) => {
    const c = effectiveConnection(loadConfig(env, "/srv"), stored);
    expect({ url: c.url, token: c.token, timeoutMs: c.timeoutMs }).toEqual(expected);
    expect(c.fromEnvironment).toEqual({ url, token, timeout });
  });

  it("falls back to the defaults when nothing is stored or set", () => {
    const c = effectiveConnection(loadConfig({}, "/srv"), {});
    expect(c).toMatchObject({ url: "http://127.0.0.1:32400", token: undefined, timeoutMs: 30_000 });
  });

  it("compares connections by every value", () => {
    const a = { url: "http://a", token: "t", timeoutMs: 1 };
    expect(sameConnection(a, { ...a })).toBe(true);
    expect(sameConnection(a, { ...a, url: "http://b" })).toBe(false);
    expect(sameConnection(a, { ...a, token: "u" })).toBe(false);
    expect(sameConnection(a, { ...a, timeoutMs: 2 })).toBe(false);
  });

  // The origin a saved token is bound to: another one needs the token typed again.
  it.each([
    ["http://plex.lan:32400", "http://plex.lan:32400/base", true],
    ["http://plex.lan:32400", "HTTP://PLEX.LAN:32400", true],
    ["http://plex.lan:32400", "http://user:pw@plex.lan:32400", true],
    ["http://plex.lan", "http://plex.lan:80", true],
    ["https://plex.lan", "https://plex.lan:443", true],
    ["http://plex.lan:32400", "https://plex.lan:32400", false],
    ["http://plex.lan:32400", "http://plex.lan:32401", false],
    ["http://plex.lan:32400", "http://evil.lan:32400", false],
    ["http://plex.lan:32400", "http://plex.lan.evil.lan:32400", false],
    ["http://127.0.0.1:32400", "http://localhost:32400", false],
    ["not a url", "not a url", true],
    ["not a url", "http://plex.lan", false],
  ] as const)("same origin: %s and %s → %s", (a, b, same) => {
    expect(sameOrigin(a, b)).toBe(same);
    expect(sameOrigin(b, a)).toBe(same);
  });
});

describe("token encryption", () => {
  const key = Buffer.alloc(32, 7);
  it("round-trips and differs on every call (random IV)", () => {
    const a = encryptToken(TOKEN, key);
    const b = encryptToken(TOKEN, key);
    expect(a).not.toBe(b);
    expect(a).not.toContain(TOKEN);
    expect(decryptToken(a, key)).toBe(TOKEN);
  });
  it("refuses another key or a tampered value", () => {
    const sealed = encryptToken(TOKEN, key);
    expect(() => decryptToken(sealed, Buffer.alloc(32, 8))).toThrow(/cannot be decrypted/);
    const [v, iv, tag, data] = sealed.split(":");
    const flipped = Buffer.from(data!, "base64");
    flipped[0] = flipped[0]! ^ 1;
    expect(() => decryptToken([v, iv, tag, flipped.toString("base64")].join(":"), key)).toThrow();
  });
});

describe("ConnectionStore", () => {
  let work: ReturnType<typeof tempDir> | undefined;
  afterEach(() => work?.cleanup());

  it("stores the token encrypted: not in the SQLite files, the row or anywhere in the data folder", async () => {
    work = tempDir();
    const config = loadConfig({ PSR_DATA_DIR: work.dir }, work.dir);
    const db = await openDatabase(config.dataDir);
    const store = await ConnectionStore.open(db.kysely, config);
    expect(store.effective().token).toBeUndefined();
    const seen: (string | undefined)[] = [];
    store.onChange((c) => seen.push(c.token));
    await store.save({ url: "http://plex.lan:32400", token: TOKEN, timeoutMs: 15_000 });
    expect(store.effective()).toMatchObject({
      url: "http://plex.lan:32400",
      token: TOKEN,
      timeoutMs: 15_000,
    });
    expect(seen).toEqual([TOKEN]);
    await db.close();

    // The row itself, read with a plain SQLite connection.
    const sqlite = new Sqlite(join(work.dir, DB_FILE_NAME), { readonly: true });
    const row = sqlite
      .prepare("select value from settings where key = ?")
      .get(`state:${CONNECTION_STATE_KEY}`) as {
      value: string;
    };
    sqlite.close();
    expect(row.value).toContain("http://plex.lan:32400");
    expect(row.value).not.toContain(TOKEN);
    expect(JSON.parse(row.value).token).toMatch(/^v1:/);
    // Every file of the data folder (the database, its WAL, the key file) as raw bytes.
    for (const name of readdirSync(work.dir)) {
      const path = join(work.dir, name);
      if (!statSync(path).isFile()) continue;
      expect(readFileSync(path).includes(Buffer.from(TOKEN)), name).toBe(false);
    }
    // The key file is private.
    expect(statSync(join(work.dir, TOKEN_KEY_FILE)).mode & 0o777).toBe(0o600);

    // Read back after a restart, and used by the CLI's resolution.
    const again = await openDatabase(config.dataDir);
    expect(await readStoredConnection(again.kysely, config.dataDir)).toEqual({
      url: "http://plex.lan:32400",
      token: TOKEN,
      timeoutMs: 15_000,
    });
    await again.close();
    expect(await resolvePlexConnection(config)).toMatchObject({ url: "http://plex.lan:32400", token: TOKEN });
    // The environment still wins per value.
    const withEnv = loadConfig({ PSR_DATA_DIR: work.dir, PLEX_URL: "http://env:32400" }, work.dir);
    expect(await resolvePlexConnection(withEnv)).toMatchObject({ url: "http://env:32400", token: TOKEN });
  });

  it("keeps values not named in a save, and previews without storing", async () => {
    work = tempDir();
    const config = loadConfig({ PSR_DATA_DIR: work.dir }, work.dir);
    const db = await openDatabase(config.dataDir);
    const store = await ConnectionStore.open(db.kysely, config);
    await store.save({ url: "http://a:32400", token: TOKEN });
    await store.save({ url: "http://b:32400" });
    expect(store.effective()).toMatchObject({ url: "http://b:32400", token: TOKEN, timeoutMs: 30_000 });
    expect(store.preview({ url: "http://c:32400" }).url).toBe("http://c:32400");
    expect(store.effective().url).toBe("http://b:32400");
    await db.close();
  });

  it("treats a token it cannot decrypt (key file replaced) as unset and says so", async () => {
    work = tempDir();
    const config = loadConfig({ PSR_DATA_DIR: work.dir }, work.dir);
    const db = await openDatabase(config.dataDir);
    await (await ConnectionStore.open(db.kysely, config)).save({ url: "http://a:32400", token: TOKEN });
    writeFileSync(join(work.dir, TOKEN_KEY_FILE), `${Buffer.alloc(32, 1).toString("base64")}\n`);
    const problems: string[] = [];
    const store = await ConnectionStore.open(db.kysely, config, (m) => problems.push(m));
    expect(store.effective()).toMatchObject({ url: "http://a:32400", token: undefined });
    expect(problems.join()).toMatch(/cannot be decrypted/);
    await db.close();
  });
});
