// GET /api/retention: the Retention section's view: the stored limits, those the environment
// sets (they win, and the page shows them read-only) and the ones in force. Saving goes through
// PUT /api/settings {retention}, validated like every other section.
import type { FastifyInstance } from "fastify";
import type { RetentionStatus } from "../../contracts/retention.js";

export async function retentionRoutes(
  app: FastifyInstance,
  deps: { status: () => Promise<RetentionStatus> },
): Promise<void> {
  app.get("/api/retention", async () => deps.status());
}
