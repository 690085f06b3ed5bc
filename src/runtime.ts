// Wiring shared by every command: environment → config, the Plex connection in effect (the
// environment, or what was set in the browser), and the Plex client built from it.
import { existsSync } from "node:fs";
import { join } from "node:path";
import {
  effectiveConnection,
  MissingTokenError,
  type PlexConnection,
  sameConnection,
} from "./config/connection.js";
import { type Config, loadConfig, loadDotEnv } from "./config/env.js";
import { DB_FILE_NAME, openDatabase } from "./db/connection.js";
import { readStoredConnection } from "./db/connection-store.js";
import { PlexClient, type PlexClientOptions } from "./plex/index.js";
import { VERSION } from "./version.js";

export { MissingTokenError };

/** Loads .env (when present) and parses the environment once. */
export function loadRuntimeConfig(env: NodeJS.ProcessEnv = process.env): Config {
  loadDotEnv(env);
  return loadConfig(env);
}

/** A client for `connection`; throws MissingTokenError when it has no token. */
export function createPlexClientFor(
  connection: PlexConnection,
  overrides: Partial<PlexClientOptions> = {},
): PlexClient {
  if (!connection.token) throw new MissingTokenError();
  return new PlexClient({
    baseUrl: connection.url,
    token: connection.token,
    timeoutMs: connection.timeoutMs,
    version: VERSION,
    ...overrides,
  });
}

/** A client for the environment's connection only (see resolvePlexConnection for the stored one). */
export function createPlexClient(config: Config, overrides: Partial<PlexClientOptions> = {}): PlexClient {
  return createPlexClientFor(config.plex, overrides);
}

/**
 * The connection in effect for a command: the environment's values, and for those it leaves
 * unset the connection stored in the browser, read from the database when there is one.
 */
export async function resolvePlexConnection(config: Config): Promise<PlexConnection> {
  if (!existsSync(join(config.dataDir, DB_FILE_NAME))) return effectiveConnection(config, {});
  const db = await openDatabase(config.dataDir);
  try {
    const stored = await readStoredConnection(db.kysely, config.dataDir, (m) =>
      process.stderr.write(`Warning: ${m}\n`),
    );
    return effectiveConnection(config, stored);
  } finally {
    await db.close();
  }
}

/**
 * The server's Plex client: built for the connection in effect when first asked, and built again
 * when the connection has changed since. A caller that holds a client (a running scan) keeps it.
 */
export class PlexClientProvider {
  private client: { connection: PlexConnection; client: PlexClient } | undefined;

  constructor(
    private readonly connection: () => PlexConnection,
    private readonly overrides: Partial<PlexClientOptions> = {},
  ) {}

  get(): PlexClient {
    const connection = this.connection();
    if (this.client && sameConnection(this.client.connection, connection)) return this.client.client;
    const client = createPlexClientFor(connection, this.overrides);
    this.client = { connection: { ...connection }, client };
    return client;
  }
}
