// /api/plex: the Plex libraries with item counts, for choosing what to scan; the connection set
// in the browser (the environment's values win and cannot be changed here); and a connection
// test, of the connection in effect or of one about to be saved.
import type { FastifyInstance } from "fastify";
import type { EffectiveConnection } from "../../config/connection.js";
import { type PlexConnectionView, plexConnectionBodySchema, sameOrigin } from "../../contracts/setup.js";
import { codedIssue } from "../../contracts/validation.js";
import { errorMessage } from "../../error-message.js";
import { maskSecret } from "../../notify/schema.js";
import {
  PlexAuthError,
  type PlexClient,
  PlexError,
  PlexHttpError,
  PlexNotFoundError,
  PlexResponseError,
  PlexUnreachableError,
  sanitizeUrl,
} from "../../plex/index.js";
import { librariesWithCounts } from "../../scan/libraries.js";
import { invalidInput, parseInput } from "../errors.js";

/** A change to the stored connection (validated); a value left out stays as it is. */
export interface ConnectionPatch {
  url?: string;
  token?: string;
  timeoutMs?: number;
}

/** Whether the connection test failed when the server started; a later passing test clears it. */
export class ConnectionHealth {
  private failed = false;
  private pending: Promise<void> = Promise.resolve();

  /** Runs the start-up check in the background; `failedAtStart` waits for it. */
  checkAtStart(check: () => Promise<unknown>): void {
    this.pending = check().then(
      () => {
        this.failed = false;
      },
      () => {
        this.failed = true;
      },
    );
  }

  async failedAtStart(): Promise<boolean> {
    await this.pending;
    return this.failed;
  }

  passed(): void {
    this.failed = false;
  }
}

/** The connection as the HTTP layer sees it: read, saved, and tried. */
export interface ConnectionAccess {
  effective(): EffectiveConnection;
  save(patch: ConnectionPatch): Promise<EffectiveConnection>;
  /** The connection in effect with `patch` applied, not stored. */
  preview(patch: ConnectionPatch): EffectiveConnection;
  /** A client for one test: few retries, so a dead address answers quickly. Null without a token. */
  testClient(connection: EffectiveConnection): PlexClient | null;
  health: ConnectionHealth;
}

/** The connection as the API shows it: the token only ever masked, a password in the URL too. */
export function connectionView(c: EffectiveConnection): PlexConnectionView {
  return {
    url: sanitizeUrl(c.url),
    token: c.token ? maskSecret(c.token) : null,
    timeoutSeconds: Math.round(c.timeoutMs / 1000),
    fromEnvironment: { ...c.fromEnvironment },
  };
}

/** The code of a failed connection test (translated by the SPA). */
export function failureCode(error: unknown): string {
  if (error instanceof PlexAuthError) return "plex_auth";
  if (error instanceof PlexUnreachableError) return "plex_unreachable";
  // Something answers, but not as Plex does: a web page, a 404 for "/", another service.
  if (error instanceof PlexResponseError || error instanceof PlexNotFoundError) return "plex_not_plex";
  if (error instanceof PlexHttpError && error.status < 500 && error.status !== 403) return "plex_not_plex";
  if (error instanceof PlexError) return "plex_error";
  return "internal";
}

const ENV_NAMES = { url: "PLEX_URL", token: "PLEX_TOKEN", timeoutSeconds: "PLEX_TIMEOUT" } as const;

type ConnectionBody = { url?: string; token?: string; timeoutSeconds?: number };

/** The body with its URL as sent; the masked form the API showed stands for the stored URL. */
function unmasked<B extends ConnectionBody>(body: B, current: string): B {
  const shownAs = sanitizeUrl(current);
  return body.url !== undefined && shownAs !== current && body.url === shownAs
    ? { ...body, url: current }
    : body;
}

/**
 * The rule the notification secrets follow: a token is never paired with a new destination
 * unless it is typed again. A URL of another origin (scheme, host, port) without a token is
 * refused before anything is sent, so nobody can point the saved token, or the environment's,
 * at a server of their choosing and read it there.
 */
export function requireTokenForNewOrigin(current: EffectiveConnection, body: ConnectionBody): void {
  if (body.url === undefined || body.token !== undefined || !current.token) return;
  if (sameOrigin(body.url, current.url)) return;
  const fromEnvironment = current.fromEnvironment.token;
  throw invalidInput([codedIssue("token", "token_required", { fromEnvironment })], "body", {
    code: "token_required",
    fromEnvironment,
  });
}

function patchOf(body: ConnectionBody): ConnectionPatch {
  const patch: ConnectionPatch = {};
  if (body.url !== undefined) patch.url = body.url;
  if (body.token !== undefined) patch.token = body.token;
  if (body.timeoutSeconds !== undefined) patch.timeoutMs = body.timeoutSeconds * 1000;
  return patch;
}

export async function plexRoutes(
  app: FastifyInstance,
  deps: { plex: () => PlexClient; connection: ConnectionAccess },
): Promise<void> {
  const { connection } = deps;
  app.get("/api/plex/libraries", async () => ({ libraries: await librariesWithCounts(deps.plex()) }));

  app.get("/api/plex/connection", async () => connectionView(connection.effective()));

  // A value the environment sets is refused rather than silently ignored: it would never apply.
  app.put("/api/plex/connection", async (request) => {
    const current = connection.effective();
    const body = unmasked(parseInput(plexConnectionBodySchema, request.body, "body"), current.url);
    const env = current.fromEnvironment;
    for (const field of ["url", "token", "timeoutSeconds"] as const) {
      const fromEnv = field === "timeoutSeconds" ? env.timeout : env[field];
      if (body[field] !== undefined && fromEnv) {
        throw invalidInput([codedIssue(field, "set_by_environment", { variable: ENV_NAMES[field] })]);
      }
    }
    requireTokenForNewOrigin(current, body);
    return connectionView(await connection.save(patchOf(body)));
  });

  // A failed test is an answer, not an error: 200 with the reason, so the page shows it beside
  // the button instead of treating it as a broken request. With a body, the connection about to
  // be saved is tried (values left out are the ones in effect). A typed token is the one tried,
  // even where the environment sets one: the environment's never goes to an address typed here.
  app.post("/api/plex/test", async (request) => {
    const current = connection.effective();
    const body = unmasked(parseInput(plexConnectionBodySchema, request.body, "body"), current.url);
    requireTokenForNewOrigin(current, body);
    const patch = patchOf(body);
    const preview = Object.keys(patch).length > 0 ? connection.preview(patch) : current;
    const trial = body.token !== undefined ? { ...preview, token: body.token } : preview;
    const client = connection.testClient(trial);
    if (!client) {
      return { ok: false as const, code: "plex_not_configured", reason: "no Plex token is set" };
    }
    try {
      const server = await client.server();
      const libraries = await librariesWithCounts(client);
      const now = connection.effective();
      if (trial.url === now.url && trial.token === now.token) connection.health.passed();
      return {
        ok: true as const,
        server: { name: server.friendlyName, version: server.version, platform: server.platform },
        libraries,
      };
    } catch (error) {
      const code = failureCode(error);
      // Plex errors say what went wrong (refused, timed out, 401) and never carry the token;
      // anything else is logged and reported without internals.
      if (code === "internal") request.log.error({ err: error }, "Plex connection test failed");
      return {
        ok: false as const,
        code,
        reason: code === "internal" ? "unexpected error" : errorMessage(error),
      };
    }
  });
}
