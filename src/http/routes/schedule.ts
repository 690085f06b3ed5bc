// POST /api/schedule/preview: the next runs of a schedule that is not saved yet, computed with
// the scheduler's own functions, so the settings page previews what the scheduler will do.
import type { FastifyInstance } from "fastify";
import { cronIssue, scheduleSettingsSchema } from "../../config/settings.js";
import { schedulePreviewBodySchema } from "../../contracts/schemas.js";
import { codedIssue } from "../../contracts/validation.js";
import { previewRuns } from "../../jobs/scheduler.js";
import { issuesFromZod } from "../../validation-issues.js";
import { invalidInput, parseInput } from "../errors.js";

export async function scheduleRoutes(app: FastifyInstance, deps: { now?: () => number } = {}): Promise<void> {
  const now = deps.now ?? Date.now;
  app.post("/api/schedule/preview", async (request) => {
    const body = parseInput(schedulePreviewBodySchema, request.body, "body");
    const parsed = scheduleSettingsSchema.safeParse(body.schedule);
    if (!parsed.success) throw invalidInput(issuesFromZod(parsed.error, ["schedule"], "schedule"));
    const schedule = parsed.data;
    // The same rule as saving (appSettingsSchema): a cron schedule needs a usable expression.
    if (schedule.enabled && schedule.mode === "cron") {
      const field = "schedule.cron";
      const problem = schedule.cron ? cronIssue(schedule.cron) : undefined;
      if (problem) throw invalidInput([{ field, ...problem }]);
      if (!schedule.cron) throw invalidInput([codedIssue(field, "cron_required")]);
    }
    const preview = previewRuns(schedule, body.count ?? 5, new Date(now()));
    return {
      pattern: preview.pattern,
      timezone: preview.timezone,
      runs: preview.runs.map((d) => d.toISOString()),
    };
  });
}
