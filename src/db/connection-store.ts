// The Plex connection set in the browser, kept in the settings table. The token is a secret at
// rest: it is encrypted with AES-256-GCM under a random key in the data folder (plex-token.key,
// 0600), so a copy of the database alone does not give it away. The connection in effect is
// held in memory, so the Plex client provider can read it without waiting on the database.
import { createCipheriv, createDecipheriv, randomBytes } from "node:crypto";
import { existsSync, readFileSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import type { Kysely } from "kysely";
import {
  type EffectiveConnection,
  effectiveConnection,
  type StoredConnection,
} from "../config/connection.js";
import type { Config } from "../config/env.js";
import { errorMessage } from "../error-message.js";
import { ensurePrivateDir, makePrivate } from "./private-files.js";
import type { Database } from "./schema.js";
import { readState, writeState } from "./settings-repo.js";

export const CONNECTION_STATE_KEY = "plex.connection";
export const TOKEN_KEY_FILE = "plex-token.key";

/** The row as stored (JSON under `state:plex.connection`). */
interface StoredRow {
  url?: string;
  /** `v1:<iv>:<tag>:<ciphertext>`, base64 each. */
  token?: string;
  timeoutMs?: number;
}

/** A value that cannot be decrypted (the key file was replaced): the token counts as unset. */
export class TokenKeyError extends Error {
  constructor() {
    super(`the stored Plex token cannot be decrypted with ${TOKEN_KEY_FILE}: enter it again`);
    this.name = "TokenKeyError";
  }
}

function readKey(dataDir: string, create: boolean): Buffer | undefined {
  const path = join(dataDir, TOKEN_KEY_FILE);
  if (existsSync(path)) {
    const key = Buffer.from(readFileSync(path, "utf8").trim(), "base64");
    if (key.length === 32) return key;
    throw new Error(`${path} is not a key of this app (expected 32 bytes, base64): move it away`);
  }
  if (!create) return undefined;
  ensurePrivateDir(dataDir);
  const key = randomBytes(32);
  // "wx": never overwrite a key another process has just written.
  writeFileSync(path, `${key.toString("base64")}\n`, { mode: 0o600, flag: "wx" });
  makePrivate(path);
  return key;
}

export function encryptToken(token: string, key: Buffer): string {
  const iv = randomBytes(12);
  const cipher = createCipheriv("aes-256-gcm", key, iv);
  const data = Buffer.concat([cipher.update(token, "utf8"), cipher.final()]);
  return ["v1", iv, cipher.getAuthTag(), data]
    .map((p) => (typeof p === "string" ? p : p.toString("base64")))
    .join(":");
}

export function decryptToken(stored: string, key: Buffer): string {
  const [version, iv, tag, data] = stored.split(":");
  if (version !== "v1" || !iv || !tag || data === undefined) throw new TokenKeyError();
  try {
    const decipher = createDecipheriv("aes-256-gcm", key, Buffer.from(iv, "base64"));
    decipher.setAuthTag(Buffer.from(tag, "base64"));
    return Buffer.concat([decipher.update(Buffer.from(data, "base64")), decipher.final()]).toString("utf8");
  } catch {
    throw new TokenKeyError();
  }
}

/** Reads the stored connection (token decrypted); an undecryptable token is left out. */
export async function readStoredConnection(
  db: Kysely<Database>,
  dataDir: string,
  onProblem: (message: string) => void = () => {},
): Promise<StoredConnection> {
  const row = (await readState<StoredRow>(db, CONNECTION_STATE_KEY)) ?? {};
  const stored: StoredConnection = {};
  if (typeof row.url === "string") stored.url = row.url;
  if (typeof row.timeoutMs === "number") stored.timeoutMs = row.timeoutMs;
  if (typeof row.token === "string") {
    try {
      const key = readKey(dataDir, false);
      if (!key) throw new TokenKeyError();
      stored.token = decryptToken(row.token, key);
    } catch (error) {
      onProblem(errorMessage(error));
    }
  }
  return stored;
}

export interface ConnectionPatch {
  url?: string;
  token?: string;
  timeoutMs?: number;
}

/** The stored connection and the one in effect, kept current in memory. */
export class ConnectionStore {
  private current: EffectiveConnection;
  private readonly listeners: ((connection: EffectiveConnection) => void)[] = [];

  private constructor(
    private readonly db: Kysely<Database>,
    private readonly config: Config,
    private stored: StoredConnection,
  ) {
    this.current = effectiveConnection(config, stored);
  }

  static async open(
    db: Kysely<Database>,
    config: Config,
    onProblem?: (message: string) => void,
  ): Promise<ConnectionStore> {
    return new ConnectionStore(db, config, await readStoredConnection(db, config.dataDir, onProblem));
  }

  /** The connection in effect now (the environment wins per value). */
  effective(): EffectiveConnection {
    return this.current;
  }

  /** Called after each save with the connection then in effect. */
  onChange(listener: (connection: EffectiveConnection) => void): void {
    this.listeners.push(listener);
  }

  /** Stores the values given (the others stay); the caller has validated them. */
  async save(patch: ConnectionPatch): Promise<EffectiveConnection> {
    const next: StoredConnection = { ...this.stored };
    if (patch.url !== undefined) next.url = patch.url;
    if (patch.token !== undefined) next.token = patch.token;
    if (patch.timeoutMs !== undefined) next.timeoutMs = patch.timeoutMs;
    const row: StoredRow = {};
    if (next.url !== undefined) row.url = next.url;
    if (next.timeoutMs !== undefined) row.timeoutMs = next.timeoutMs;
    if (next.token !== undefined) row.token = encryptToken(next.token, readKey(this.config.dataDir, true)!);
    await writeState(this.db, CONNECTION_STATE_KEY, row);
    this.stored = next;
    this.current = effectiveConnection(this.config, next);
    for (const listener of this.listeners) listener(this.current);
    return this.current;
  }

  /** The connection with `patch` applied, without storing it (a test before saving). */
  preview(patch: ConnectionPatch): EffectiveConnection {
    return effectiveConnection(this.config, { ...this.stored, ...definedOnly(patch) });
  }
}

function definedOnly(patch: ConnectionPatch): StoredConnection {
  return Object.fromEntries(Object.entries(patch).filter(([, v]) => v !== undefined));
}
