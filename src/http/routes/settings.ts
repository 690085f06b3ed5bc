// /api/settings: the database is the one source of settings; every change is validated.
import type { FastifyInstance } from "fastify";
import type { AppSettings } from "../../config/settings.js";
import { codedIssue } from "../../contracts/validation.js";
import { type SettingsAccess, SettingsValidationError } from "../../db/settings-repo.js";
import {
  maskNotificationSecrets,
  maskSecret,
  restoreMaskedSecrets,
  unrestoredMasks,
} from "../../notify/schema.js";
import { sanitizeUrl } from "../../plex/index.js";
import { invalidInput } from "../errors.js";

export interface SettingsRouteDeps {
  settings: SettingsAccess;
  /** Next and last scheduled run, shown beside the schedule. */
  schedulerStatus: () => Promise<unknown>;
  onChange?: () => void | Promise<void>;
  /** Where Plex is now (environment over the browser's setup); the token is only ever shown masked. */
  plex: () => {
    url: string;
    token: string | undefined;
    timeoutMs?: number;
    fromEnvironment?: Record<string, boolean>;
  };
}

export async function settingsRoutes(app: FastifyInstance, deps: SettingsRouteDeps): Promise<void> {
  // Secrets (bot tokens, webhook URLs) leave the server masked; a PUT that sends a mask back
  // unchanged keeps the stored secret.
  const shown = (s: AppSettings) => ({ ...s, notifications: maskNotificationSecrets(s.notifications) });

  // Read per request: the connection can change in the browser without a restart. A password
  // in the URL is masked as in the logs.
  const plex = () => {
    const current = deps.plex();
    return {
      url: sanitizeUrl(current.url),
      token: current.token ? maskSecret(current.token) : null,
      ...(current.timeoutMs !== undefined ? { timeoutSeconds: Math.round(current.timeoutMs / 1000) } : {}),
      ...(current.fromEnvironment ? { fromEnvironment: current.fromEnvironment } : {}),
    };
  };

  app.get("/api/settings", async () => ({
    settings: shown(await deps.settings.load()),
    scheduler: await deps.schedulerStatus(),
    plex: plex(),
  }));

  app.put("/api/settings", async (request) => {
    const body = request.body;
    if (!body || typeof body !== "object" || Array.isArray(body)) {
      throw invalidInput([
        {
          field: "body",
          code: "invalid_type",
          params: { expected: "object" },
          message: "expected a JSON object of settings",
        },
      ]);
    }
    const patch = { ...(body as Record<string, unknown>) };
    if ("notifications" in patch) {
      const current = await deps.settings.load();
      patch.notifications = restoreMaskedSecrets(patch.notifications, current.notifications);
      const masked = unrestoredMasks(patch.notifications);
      if (masked.length > 0) {
        throw invalidInput(
          masked.map((field) => codedIssue(field, "secret_required")),
          "body",
          { code: "secret_required" },
        );
      }
    }
    try {
      const settings = await deps.settings.save(patch);
      await deps.onChange?.();
      return { settings: shown(settings), scheduler: await deps.schedulerStatus() };
    } catch (error) {
      if (error instanceof SettingsValidationError) throw invalidInput(error.issues);
      throw error;
    }
  });
}
