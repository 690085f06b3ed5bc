import type { NotificationEvent } from "../../src/notify/event.js";
import { type NotificationSettingsInput, notificationSettingsSchema } from "../../src/notify/schema.js";

/** Distinctive secrets: a test fails if any of them shows up in an error or a log line. */
export const BOT_TOKEN = "987654321:SECRETbotTOKEN_abcdefghijklmnop-42";
export const NTFY_TOKEN = "tk_SECRETntfyTOKENzz9";
export const WEBHOOK_QUERY_SECRET = "SECRETquerySTRING77";
export const WEBHOOK_HEADER_SECRET = "SECRETheaderVALUE55";

export function event(overrides: Partial<NotificationEvent> = {}): NotificationEvent {
  return {
    kind: "scan_finished",
    jobId: 42,
    status: "success",
    source: "schedule",
    stats: {
      checked: 120,
      fixed: 7,
      matched: 2,
      wouldFix: 0,
      failed: 1,
      needsReview: 0,
      locked: 0,
      skipped: 3,
      errors: 0,
      durationMs: 83_000,
    },
    error: null,
    dryRun: false,
    ...overrides,
  };
}

export function settings(input: NotificationSettingsInput = {}) {
  return notificationSettingsSchema.parse(input);
}
