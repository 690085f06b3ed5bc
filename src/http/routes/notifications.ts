// POST /api/notifications/test: sends a marked test message to one agent or all enabled ones.
import type { FastifyInstance } from "fastify";
import { z } from "zod";
import type { SettingsAccess } from "../../db/settings-repo.js";
import { notifyLanguage } from "../../notify/catalogue.js";
import { sendTest } from "../../notify/notifier.js";
import { AGENT_NAMES } from "../../notify/schema.js";
import { parseInput } from "../errors.js";

const testBody = z.object({ agent: z.enum(AGENT_NAMES).optional() }).strict();

export async function notificationRoutes(
  app: FastifyInstance,
  deps: { settings: SettingsAccess },
): Promise<void> {
  app.post("/api/notifications/test", async (request) => {
    const { agent } = parseInput(testBody, request.body ?? {}, "body");
    const settings = await deps.settings.load();
    const results = await sendTest(settings.notifications, agent, {
      log: (level, message) => request.log[level](message),
      language: notifyLanguage(settings.appearance.language),
    });
    return { results };
  });
}
