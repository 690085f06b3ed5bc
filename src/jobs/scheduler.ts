// The daily scan, inside the server process: it runs with no browser open. A daily time (as
// the original) becomes a cron pattern; the time zone is respected; a run that finds a scan
// already going is skipped and the skip is recorded.
import { Cron } from "croner";
import type { ScheduleSettings } from "../config/settings.js";
import { errorMessage } from "../error-message.js";

export interface Clock {
  now(): number;
  setTimeout(fn: () => void, ms: number): unknown;
  clearTimeout(handle: unknown): void;
}

export const systemClock: Clock = {
  now: () => Date.now(),
  setTimeout: (fn, ms) => {
    const t = setTimeout(fn, ms);
    t.unref?.();
    return t;
  },
  clearTimeout: (h) => clearTimeout(h as NodeJS.Timeout),
};

export interface LastRun {
  at: string;
  outcome: "started" | "skipped" | "failed";
  jobId?: number;
  reason?: string;
}

export interface SchedulerStatus {
  enabled: boolean;
  pattern: string | null;
  timezone: string;
  nextRunAt: string | null;
  lastRun: LastRun | null;
}

export interface SchedulerDeps {
  schedule: () => Promise<ScheduleSettings>;
  /** Starts a scan; resolves with the job id, or throws (e.g. ScanAlreadyRunningError). */
  trigger: () => Promise<number>;
  loadLastRun: () => Promise<LastRun | undefined>;
  saveLastRun: (run: LastRun) => Promise<void>;
  log: (level: "info" | "warn" | "error", message: string) => void;
  clock?: Clock;
}

/** The cron pattern for a schedule: "HH:MM" daily becomes "M H * * *". Pure. */
export function cronPattern(s: ScheduleSettings): string | null {
  if (!s.enabled) return null;
  if (s.mode === "cron") return s.cron;
  const [h, m] = s.time.split(":").map(Number);
  return `${m} ${h} * * *`;
}

export function resolveTimezone(s: ScheduleSettings): string {
  return s.timezone || Intl.DateTimeFormat().resolvedOptions().timeZone;
}

/** The next time the pattern fires strictly after `from`, in the zone. Pure. */
export function nextRun(pattern: string, timezone: string, from: Date): Date | null {
  const cron = new Cron(pattern, { timezone, paused: true });
  try {
    return cron.nextRun(from);
  } finally {
    cron.stop();
  }
}

/**
 * The next `count` runs of a schedule after `from`, found exactly as the scheduler finds its next
 * one (cronPattern, resolveTimezone, nextRun, each from a moment after the previous run), so the
 * settings page shows what will happen. Empty when the schedule is off. Pure.
 */
export function previewRuns(
  s: ScheduleSettings,
  count: number,
  from: Date,
): { pattern: string | null; timezone: string; runs: Date[] } {
  const pattern = cronPattern(s);
  const timezone = resolveTimezone(s);
  const runs: Date[] = [];
  let cursor = from;
  while (pattern && runs.length < count) {
    const next = nextRun(pattern, timezone, cursor);
    if (!next) break;
    runs.push(next);
    cursor = next;
  }
  return { pattern, timezone, runs };
}

/** setTimeout cannot wait longer than ~24.8 days; longer waits re-arm. */
const MAX_TIMER_MS = 2 ** 31 - 1;

export class Scheduler {
  private timer: unknown;
  private next: Date | null = null;
  private pattern: string | null = null;
  private timezone = "UTC";
  private enabled = false;
  private stopped = false;
  private readonly clock: Clock;

  constructor(private readonly deps: SchedulerDeps) {
    this.clock = deps.clock ?? systemClock;
  }

  /** (Re)reads the schedule from the settings and arms the timer; call after settings change. */
  async reload(): Promise<void> {
    const schedule = await this.deps.schedule();
    this.enabled = schedule.enabled;
    this.pattern = cronPattern(schedule);
    this.timezone = resolveTimezone(schedule);
    this.arm();
  }

  async status(): Promise<SchedulerStatus> {
    return {
      enabled: this.enabled,
      pattern: this.pattern,
      timezone: this.timezone,
      nextRunAt: this.next?.toISOString() ?? null,
      lastRun: (await this.deps.loadLastRun()) ?? null,
    };
  }

  stop(): void {
    this.stopped = true;
    if (this.timer !== undefined) this.clock.clearTimeout(this.timer);
    this.timer = undefined;
  }

  private arm(): void {
    if (this.timer !== undefined) this.clock.clearTimeout(this.timer);
    this.timer = undefined;
    this.next = null;
    if (this.stopped || !this.pattern) return;
    this.next = nextRun(this.pattern, this.timezone, new Date(this.clock.now()));
    if (!this.next) return;
    const wait = Math.max(0, this.next.getTime() - this.clock.now());
    this.timer = this.clock.setTimeout(
      () => {
        if (wait > MAX_TIMER_MS) this.arm();
        else void this.fire();
      },
      Math.min(wait, MAX_TIMER_MS),
    );
  }

  private async fire(): Promise<void> {
    const at = new Date(this.clock.now()).toISOString();
    try {
      const jobId = await this.deps.trigger();
      await this.deps.saveLastRun({ at, outcome: "started", jobId });
      this.deps.log("info", `Scheduled scan started (job ${jobId})`);
    } catch (error) {
      const reason = errorMessage(error);
      const running = (error as { runningJobId?: number }).runningJobId;
      const outcome = running === undefined ? "failed" : "skipped";
      await this.deps.saveLastRun({ at, outcome, reason }).catch(() => {});
      this.deps.log(outcome === "skipped" ? "info" : "error", `Scheduled scan ${outcome}: ${reason}`);
    }
    // Arm from a moment after this slot so the same minute cannot fire twice.
    this.arm();
  }
}
