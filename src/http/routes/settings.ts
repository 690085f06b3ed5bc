// /api/settings: the database is the one source of settings; every change is validated.
import type { FastifyInstance } from "fastify";
import type { Kysely } from "kysely";
import type { Database } from "../../db/schema.js";
import { loadSettings, SettingsValidationError, saveSettings } from "../../db/settings-repo.js";
import { HttpError } from "../errors.js";

export interface SettingsRouteDeps {
  db: Kysely<Database>;
  /** Next and last scheduled run, shown beside the schedule. */
  schedulerStatus: () => Promise<unknown>;
  onChange?: () => void | Promise<void>;
}

export async function settingsRoutes(app: FastifyInstance, deps: SettingsRouteDeps): Promise<void> {
  app.get("/api/settings", async () => ({
    settings: await loadSettings(deps.db),
    scheduler: await deps.schedulerStatus(),
  }));

  app.put("/api/settings", async (request) => {
    const body = request.body;
    if (!body || typeof body !== "object" || Array.isArray(body)) {
      throw new HttpError(400, "Invalid body: expected a JSON object of settings", { field: "body" });
    }
    try {
      const settings = await saveSettings(deps.db, body as Record<string, unknown>);
      await deps.onChange?.();
      return { settings, scheduler: await deps.schedulerStatus() };
    } catch (error) {
      if (error instanceof SettingsValidationError) {
        const first = error.issues[0]!;
        throw new HttpError(400, `Invalid body: ${first.path}: ${first.message}`, {
          field: first.path,
          issues: error.issues.map((i) => ({ field: i.path, message: i.message })),
        });
      }
      throw error;
    }
  });
}
