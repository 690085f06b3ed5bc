// Background scans for the server: starts a job (one at a time, enforced by the database),
// runs it without blocking the request, cancels it, and stops it cleanly at shutdown.

import type { Kysely } from "kysely";
import { type ScanSettings, scanSettingsOf, scanSettingsSchema } from "../config/settings.js";
import type { Database } from "../db/schema.js";
import { loadSettings } from "../db/settings-repo.js";
import { errorMessage } from "../error-message.js";
import type { PlexClient } from "../plex/index.js";
import { selectSections } from "../scan/collect.js";
import type { Job, JobStore } from "./job-store.js";
import { type JobOutcome, runJob, shutdownReason } from "./runner.js";

/** What a caller may override for one scan (POST /api/scans, the scheduler, the CLI). */
export const scanOverridesSchema = scanSettingsSchema
  .pick({ libraries: true, days: true, maxItems: true, all: true, dryRun: true })
  .partial()
  .strict();
export type ScanOverrides = (typeof scanOverridesSchema)["_output"];

export interface ScanServiceDeps {
  db: Kysely<Database>;
  jobs: JobStore;
  plex: () => PlexClient;
  dataDir: string;
  secrets: ReadonlyArray<string | undefined>;
  log: (level: "info" | "warn" | "error", message: string) => void;
  onFinished?: (job: Job, outcome: JobOutcome, settings: ScanSettings) => void | Promise<void>;
  now?: () => number;
}

export class ScanService {
  private current: { id: number; abort: AbortController; done: Promise<void> } | undefined;

  constructor(private readonly deps: ScanServiceDeps) {}

  get runningJobId(): number | undefined {
    return this.current?.id;
  }

  /** Starts a scan in the background; throws ScanAlreadyRunningError when one is active. */
  async start(source: string, overrides: ScanOverrides = {}): Promise<Job> {
    const stored = scanSettingsOf(await loadSettings(this.deps.db));
    const settings = scanSettingsSchema.parse({ ...stored, ...overrides });
    // Libraries named for this run are bad input when Plex has no such library: refused before
    // any job is recorded (LibrarySelectionError), as the CLI does.
    if (overrides.libraries !== undefined && overrides.libraries.length > 0) {
      selectSections(await this.deps.plex().sections(), settings.libraries, settings.includePersonal);
    }
    const now = this.deps.now ?? Date.now;
    const job = await this.deps.jobs.create({
      source,
      settings,
      status: "running",
      now: now(),
      pid: process.pid,
    });
    const abort = new AbortController();
    const done = runJob(job, settings, {
      db: this.deps.db,
      jobs: this.deps.jobs,
      plex: this.deps.plex(),
      dataDir: this.deps.dataDir,
      secrets: this.deps.secrets,
      signal: abort.signal,
      now,
    })
      .then(async (outcome) => {
        this.deps.log("info", `Scan ${job.id} ${outcome.status}`);
        await this.deps.onFinished?.(job, outcome, settings);
      })
      .catch(async (error: unknown) => {
        // runJob records its own outcome; this catches failures around it (database, log file).
        const message = errorMessage(error);
        this.deps.log("error", `Scan ${job.id} crashed: ${message}`);
        await this.deps.jobs.finish(job.id, { status: "failed", now: now(), error: message }).catch(() => {});
      })
      .finally(() => {
        if (this.current?.id === job.id) this.current = undefined;
      });
    this.current = { id: job.id, abort, done };
    return job;
  }

  /**
   * Requests a cancel through the database flag, so it also reaches a scan run by another
   * process (the CLI); a scan of this process stops at once.
   */
  async cancel(id: number): Promise<Job | undefined> {
    const job = await this.deps.jobs.requestCancel(id);
    if (this.current?.id === id)
      this.current.abort.abort(new DOMException("The scan was cancelled", "AbortError"));
    return job;
  }

  /** Stops the running scan (it is recorded as cancelled with the reason) and waits for it. */
  async shutdown(reason: string): Promise<void> {
    const current = this.current;
    if (!current) return;
    this.deps.log("warn", `Stopping scan ${current.id}: ${reason}`);
    current.abort.abort(shutdownReason(reason));
    await current.done;
  }

  /** Resolves when the current scan (if any) has finished; for tests and shutdown. */
  async idle(): Promise<void> {
    await this.current?.done;
  }
}
