// What a notification reports, and the pure decision of which notifications a finished job
// sends. Agents only format and deliver; they never decide.
import type { Reason } from "../contracts/reasons.js";
import type { ScanStats } from "../scan/stats.js";
import type { NotifyLanguage } from "./catalogue.js";
import type { NotificationEventSettings } from "./schema.js";

export type NotificationKind = "scan_finished" | "scan_failed" | "needs_review";

export type NotificationStats = Pick<
  ScanStats,
  | "checked"
  | "fixed"
  | "matched"
  | "wouldFix"
  | "failed"
  | "needsReview"
  | "locked"
  | "skipped"
  | "errors"
  | "durationMs"
>;

export interface NotificationEvent {
  kind: NotificationKind;
  jobId: number;
  /** The job's final status: success, failed, cancelled or interrupted. */
  status: string;
  /** Who started the job: ui, api, cli, schedule… */
  source: string;
  stats: NotificationStats;
  /** Why it failed, in English (the webhook's `error`). */
  error: string | null;
  /** The same as a code, worded in `language` by the message formatters. */
  errorReason?: Reason | null;
  dryRun: boolean;
  /** The language of the message (Settings → Appearance); English when absent. */
  language?: NotifyLanguage;
  /** The web UI's address, linked from the message when set. */
  appUrl?: string;
  /** A test send from the settings page: formatters mark the message as a test. */
  test?: boolean;
}

/** A finished job as the runner (ScanOutcome) or the job store (Job, e.g. after recovery) sees it. */
export interface FinishedJob {
  status: string;
  stats: Partial<ScanStats> | Record<string, unknown> | null;
  error: string | null;
  errorReason?: Reason | null;
}

export interface JobMeta {
  jobId: number;
  source: string;
  dryRun: boolean;
  appUrl?: string;
  language?: NotifyLanguage;
}

const STAT_KEYS = [
  "checked",
  "fixed",
  "matched",
  "wouldFix",
  "failed",
  "needsReview",
  "locked",
  "skipped",
  "errors",
  "durationMs",
] as const satisfies readonly (keyof NotificationStats)[];

/** The reported subset of the stats; missing or odd values (a stats_json from an old run) count 0. */
export function notificationStats(stats: FinishedJob["stats"]): NotificationStats {
  const source = (stats ?? {}) as Record<string, unknown>;
  const out = {} as NotificationStats;
  for (const key of STAT_KEYS) {
    const value = source[key];
    out[key] = typeof value === "number" && Number.isFinite(value) && value >= 0 ? value : 0;
  }
  return out;
}

/**
 * The notifications a finished job sends: "scan_finished" for a success, "scan_failed" for a
 * failed or interrupted job, each only when enabled, and "needs_review" besides whenever items
 * were left for the user to review — also after a cancel, since those items wait either way.
 * A cancel itself sends nothing: the user asked for it. Unfinished statuses send nothing.
 */
export function eventsFor(
  outcome: FinishedJob,
  job: JobMeta,
  enabled: NotificationEventSettings,
): NotificationEvent[] {
  const stats = notificationStats(outcome.stats);
  const kinds: NotificationKind[] = [];
  switch (outcome.status) {
    case "success":
      if (enabled.scanFinished) kinds.push("scan_finished");
      break;
    case "failed":
    case "interrupted":
      if (enabled.scanFailed) kinds.push("scan_failed");
      break;
    case "cancelled":
      break;
    default:
      return [];
  }
  if (enabled.needsReview && stats.needsReview > 0) kinds.push("needs_review");
  return kinds.map((kind) => ({
    kind,
    jobId: job.jobId,
    status: outcome.status,
    source: job.source,
    stats: { ...stats },
    error: outcome.error,
    errorReason: outcome.errorReason ?? null,
    dryRun: job.dryRun,
    ...(job.appUrl !== undefined ? { appUrl: job.appUrl } : {}),
    ...(job.language !== undefined ? { language: job.language } : {}),
  }));
}
