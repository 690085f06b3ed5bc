// The Plex connection in effect: each value from the environment when it sets one, otherwise
// from the connection stored in the browser's setup, otherwise the default. Pure, so the rule
// is table-tested apart from the database and the key file.
import type { Config } from "./env.js";

export interface PlexConnection {
  url: string;
  token: string | undefined;
  timeoutMs: number;
}

/** What the browser stored; any value may be missing. */
export interface StoredConnection {
  url?: string | undefined;
  token?: string | undefined;
  timeoutMs?: number | undefined;
}

export type ConnectionField = "url" | "token" | "timeout";

export interface EffectiveConnection extends PlexConnection {
  /** Which values come from the environment: those cannot be changed in the browser. */
  fromEnvironment: Record<ConnectionField, boolean>;
}

/** Which values the environment set; a config built by hand (tests) counts as all of them. */
export function environmentFields(config: Config): Record<ConnectionField, boolean> {
  return config.plexFromEnvironment ?? { url: true, token: config.plex.token !== undefined, timeout: true };
}

/** The environment wins per value; `config.plex` already holds the defaults for unset ones. */
export function effectiveConnection(config: Config, stored: StoredConnection): EffectiveConnection {
  const env = environmentFields(config);
  return {
    url: env.url ? config.plex.url : (stored.url ?? config.plex.url),
    token: env.token ? config.plex.token : (stored.token ?? config.plex.token),
    timeoutMs: env.timeout ? config.plex.timeoutMs : (stored.timeoutMs ?? config.plex.timeoutMs),
    fromEnvironment: env,
  };
}

/** Whether two connections reach the same server the same way (a client can be kept). */
export function sameConnection(a: PlexConnection, b: PlexConnection): boolean {
  return a.url === b.url && a.token === b.token && a.timeoutMs === b.timeoutMs;
}

/** No token in the environment nor in the browser's setup. */
export class MissingTokenError extends Error {
  readonly exitCode = 2;
  constructor() {
    super(
      "PLEX_TOKEN is not set and no token was entered in the browser: open the web UI (psr serve) and " +
        "enter it in the setup or under Settings → Plex, or put it in .env or the environment (see .env.example)",
    );
    this.name = "MissingTokenError";
  }
}
