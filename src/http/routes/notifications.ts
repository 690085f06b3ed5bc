// POST /api/notifications/test: sends a marked test message to one agent or all enabled ones.
import type { FastifyInstance } from "fastify";
import type { Kysely } from "kysely";
import { z } from "zod";
import type { Database } from "../../db/schema.js";
import { loadSettings } from "../../db/settings-repo.js";
import { sendTest } from "../../notify/notifier.js";
import { AGENT_NAMES } from "../../notify/schema.js";
import { parseInput } from "../errors.js";

const testBody = z.object({ agent: z.enum(AGENT_NAMES).optional() }).strict();

export async function notificationRoutes(
  app: FastifyInstance,
  deps: { db: Kysely<Database> },
): Promise<void> {
  app.post("/api/notifications/test", async (request) => {
    const { agent } = parseInput(testBody, request.body ?? {}, "body");
    const settings = await loadSettings(deps.db);
    const results = await sendTest(settings.notifications, agent, {
      log: (level, message) => request.log[level](message),
    });
    return { results };
  });
}
