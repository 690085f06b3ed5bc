// Runs a job from start to finish: log file, heartbeat, cancel flag, final status. A scan and a
// bulk action plug their work into the same wrapper; the same code runs a scan for the CLI in
// the foreground and for the server in the background.
import type { Kysely } from "kysely";
import type { ScanSettings } from "../config/settings.js";
import type { Reason } from "../contracts/reasons.js";
import type { Database } from "../db/schema.js";
import { type PlexClient, redactSecrets } from "../plex/index.js";
import { runScan } from "../scan/engine.js";
import type { RunOutcome, RunProgress, RunReporter } from "../scan/run-loop.js";
import type { ScanStats } from "../scan/stats.js";
import { SqliteScanStore } from "./item-store.js";
import { JobLog, jobLogPath, type LogLevel } from "./job-log.js";
import type { Job, JobStore } from "./job-store.js";

export interface RunJobDeps {
  db: Kysely<Database>;
  jobs: JobStore;
  plex: PlexClient;
  dataDir: string;
  /** Secrets that must never reach the job log (the Plex token…). */
  secrets: ReadonlyArray<string | undefined>;
  /** Ends the scan like a cancel (SIGINT in the CLI, shutdown in the server). */
  signal?: AbortSignal;
  onLine?: (line: string, level: LogLevel) => void;
  onProgress?: (progress: RunProgress) => void;
  heartbeatMs?: number;
  now?: () => number;
}

/** Name of the abort reason that marks a job `interrupted` instead of `cancelled`. */
export const SHUTDOWN = "Shutdown";

/** The abort reason of a shutdown: English for the log, a code for the job's row. */
export function shutdownReason(message: string, why: Reason = { code: "server_shutdown" }): Error {
  const error = Object.assign(new Error(message), { reason: why });
  error.name = SHUTDOWN;
  return error;
}

/** How a job ended: its work's outcome, or interrupted by a shutdown. */
export type FinalOutcome<S> = Omit<RunOutcome<S>, "status"> & {
  status: RunOutcome<S>["status"] | "interrupted";
};

export type JobOutcome = FinalOutcome<ScanStats>;

/** What a job's work gets from the wrapper: one signal to stop on, a log, and progress. */
export interface JobContext {
  signal: AbortSignal;
  reporter: RunReporter;
}

export type JobWrapperDeps = Omit<RunJobDeps, "db" | "plex">;

/**
 * The one job wrapper, for scans and bulk actions alike: the log file, the heartbeat (liveness,
 * progress, and a cancel requested from any process), a shutdown recorded as `interrupted`, and
 * the final status. `work` does the job and must end when the signal aborts.
 */
export async function runJobWith<S>(
  job: Job,
  deps: JobWrapperDeps,
  work: (context: JobContext) => Promise<RunOutcome<S>>,
): Promise<FinalOutcome<S>> {
  const now = deps.now ?? Date.now;
  const path = jobLogPath(deps.dataDir, job.id);
  let lastLevel: LogLevel = "info";
  const log = new JobLog(
    path,
    (text) => redactSecrets(text, deps.secrets),
    (line) => deps.onLine?.(line, lastLevel),
  );
  await deps.jobs.setLogPath(job.id, path);
  const cancel = new AbortController();
  const signal = deps.signal ? AbortSignal.any([deps.signal, cancel.signal]) : cancel.signal;
  let progress: RunProgress | undefined;

  // Heartbeat: proves this process is alive, publishes progress, and picks up a cancel
  // requested from another process (UI, API, `psr jobs cancel`) through the database.
  const beat = async () => {
    const cancelRequested = await deps.jobs.heartbeat(job.id, now(), progress);
    if (cancelRequested && !cancel.signal.aborted) {
      log.write("warn", "Cancel requested; stopping");
      cancel.abort(new DOMException("The job was cancelled", "AbortError"));
    }
  };
  let beating = Promise.resolve();
  const timer = setInterval(() => {
    beating = beating.then(beat).catch(() => {});
  }, deps.heartbeatMs ?? 1000);

  let outcome: FinalOutcome<S>;
  try {
    outcome = await work({
      signal,
      reporter: {
        log: (level, message) => {
          lastLevel = level;
          log.write(level, message);
        },
        progress: (p) => {
          progress = p;
          deps.onProgress?.(p);
        },
      },
    });
  } finally {
    clearInterval(timer);
    await beating;
  }
  // A job stopped by a shutdown did not end by the user's choice: record it as interrupted.
  const reason = deps.signal?.aborted
    ? (deps.signal.reason as (Error & { reason?: Reason }) | undefined)
    : undefined;
  if (outcome.status === "cancelled" && reason?.name === SHUTDOWN) {
    const errorReason = reason.reason ?? { code: "server_shutdown" };
    outcome = { ...outcome, status: "interrupted", error: reason.message, errorReason };
    log.write("warn", `Interrupted: ${outcome.error}`);
  }
  await deps.jobs.heartbeat(job.id, now(), progress);
  await deps.jobs.finish(job.id, {
    status: outcome.status,
    now: now(),
    stats: outcome.stats,
    error: outcome.error,
    errorReason: outcome.errorReason,
  });
  log.close();
  return outcome;
}

/** Runs one scan job from start to finish. */
export function runJob(job: Job, settings: ScanSettings, deps: RunJobDeps): Promise<JobOutcome> {
  return runJobWith(job, deps, ({ signal, reporter }) =>
    runScan(settings, {
      plex: deps.plex,
      store: new SqliteScanStore(deps.db, job.id),
      signal,
      now: deps.now,
      reporter,
    }),
  );
}
