// /api/setup: the first-run setup. It opens when no Plex token is set anywhere or the connection
// failed when the server started; its steps store the libraries and the schedule through the
// same settings (and validation) as the settings page.
import type { FastifyInstance } from "fastify";
import {
  type SetupScheduleBody,
  type SetupStatus,
  setupLibrariesBodySchema,
  setupScheduleBodySchema,
} from "../../contracts/setup.js";
import { type SettingsAccess, SettingsValidationError } from "../../db/settings-repo.js";
import { invalidInput, parseInput } from "../errors.js";
import { type ConnectionAccess, connectionView } from "./plex.js";

/** Why the setup is needed, if it is. Pure: the rule of issue 12 §1. */
export function setupReason(tokenSet: boolean, failedAtStart: boolean): SetupStatus["reason"] {
  if (!tokenSet) return "no_token";
  if (failedAtStart) return "connection_failed";
  return null;
}

/** The schedule step's choice as the settings' schedule (a partial: the rest is kept). */
export function scheduleOf(body: SetupScheduleBody): Record<string, unknown> {
  if (body.mode === "off") return { enabled: false };
  if (body.mode === "daily") return { enabled: true, mode: "daily", time: body.time };
  return { enabled: true, mode: "cron", cron: body.cron };
}

export interface SetupRouteDeps {
  connection: ConnectionAccess;
  settings: SettingsAccess;
  onSettingsChange?: () => void | Promise<void>;
}

export async function setupRoutes(app: FastifyInstance, deps: SetupRouteDeps): Promise<void> {
  app.get("/api/setup", async (): Promise<SetupStatus> => {
    const connection = deps.connection.effective();
    const reason = setupReason(Boolean(connection.token), await deps.connection.health.failedAtStart());
    return { needed: reason !== null, reason, connection: connectionView(connection) };
  });

  /** Saves a settings patch; a refusal names the step's own field (`schedule.cron` → `cron`). */
  const save = async (patch: Record<string, unknown>, field: (path: string) => string) => {
    try {
      const settings = await deps.settings.save(patch);
      await deps.onSettingsChange?.();
      return settings;
    } catch (error) {
      if (!(error instanceof SettingsValidationError)) throw error;
      throw invalidInput(error.issues.map((i) => ({ ...i, field: field(i.field) })));
    }
  };

  app.post("/api/setup/libraries", async (request) => {
    const body = parseInput(setupLibrariesBodySchema, request.body, "body");
    const settings = await save(
      {
        libraries: body.libraries,
        ...(body.includePersonal !== undefined ? { includePersonal: body.includePersonal } : {}),
      },
      (path) => path,
    );
    return { libraries: settings.libraries, includePersonal: settings.includePersonal };
  });

  app.post("/api/setup/schedule", async (request) => {
    const body = parseInput(setupScheduleBodySchema, request.body, "body");
    const settings = await save({ schedule: scheduleOf(body) }, (path) => path.replace(/^schedule\./, ""));
    return { schedule: settings.schedule };
  });
}
