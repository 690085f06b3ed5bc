// Wiring shared by every command: environment → config, and the Plex client built from it.
import { type Config, loadConfig, loadDotEnv } from "./config/env.js";
import { PlexClient, type PlexClientOptions } from "./plex/index.js";
import { VERSION } from "./version.js";

export class MissingTokenError extends Error {
  readonly exitCode = 2;
  constructor() {
    super("PLEX_TOKEN is not set: put your Plex token in .env or the environment (see .env.example)");
    this.name = "MissingTokenError";
  }
}

/** Loads .env (when present) and parses the environment once. */
export function loadRuntimeConfig(env: NodeJS.ProcessEnv = process.env): Config {
  loadDotEnv(env);
  return loadConfig(env);
}

export function createPlexClient(config: Config, overrides: Partial<PlexClientOptions> = {}): PlexClient {
  if (!config.plex.token) throw new MissingTokenError();
  return new PlexClient({
    baseUrl: config.plex.url,
    token: config.plex.token,
    timeoutMs: config.plex.timeoutMs,
    version: VERSION,
    ...overrides,
  });
}
