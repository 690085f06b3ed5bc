// POST /api/schedule/preview: the next runs of a schedule that is not saved yet, computed with
// the scheduler's own functions, so the settings page previews what the scheduler will do.
import type { FastifyInstance } from "fastify";
import { cronProblem, scheduleSettingsSchema } from "../../config/settings.js";
import { schedulePreviewBodySchema } from "../../contracts/schemas.js";
import { previewRuns } from "../../jobs/scheduler.js";
import { HttpError, parseInput } from "../errors.js";

export async function scheduleRoutes(app: FastifyInstance, deps: { now?: () => number } = {}): Promise<void> {
  const now = deps.now ?? Date.now;
  app.post("/api/schedule/preview", async (request) => {
    const body = parseInput(schedulePreviewBodySchema, request.body, "body");
    const parsed = scheduleSettingsSchema.safeParse(body.schedule);
    if (!parsed.success) {
      const issues = parsed.error.issues.map((i) => ({
        field: ["schedule", ...i.path].join("."),
        message: i.message,
      }));
      throw new HttpError(400, `Invalid body: ${issues[0]!.field}: ${issues[0]!.message}`, {
        field: issues[0]!.field,
        issues,
      });
    }
    const schedule = parsed.data;
    // The same rule as saving (appSettingsSchema): a cron schedule needs a usable expression.
    if (schedule.enabled && schedule.mode === "cron") {
      const problem = schedule.cron ? cronProblem(schedule.cron) : "required when mode is cron";
      if (problem) {
        throw new HttpError(400, `Invalid body: schedule.cron: ${problem}`, {
          field: "schedule.cron",
          issues: [{ field: "schedule.cron", message: problem }],
        });
      }
    }
    const preview = previewRuns(schedule, body.count ?? 5, new Date(now()));
    return {
      pattern: preview.pattern,
      timezone: preview.timezone,
      runs: preview.runs.map((d) => d.toISOString()),
    };
  });
}
