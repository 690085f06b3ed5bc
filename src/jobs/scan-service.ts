// Background jobs for the server: starts a scan, a bulk action or a dry run's fixes (one job at a time, enforced by
// the database), runs it without blocking the request, cancels it, and stops it cleanly at
// shutdown.

import type { Kysely } from "kysely";
import { type ScanSettings, scanSettingsOf, scanSettingsSchema } from "../config/settings.js";
import { APPLY_SOURCE, BULK_SOURCE, type BulkBody, type BulkPreview } from "../contracts/bulk.js";
import type { Database } from "../db/schema.js";
import { loadSettings } from "../db/settings-repo.js";
import { errorMessage } from "../error-message.js";
import type { PlexClient } from "../plex/index.js";
import { selectSections } from "../scan/collect.js";
import { type ApplyJobSettings, dryRunProposals, runApplyJob } from "./apply-job.js";
import { bulkJobSettings, bulkPreview, resolveBulkSelection, runBulkJob } from "./bulk-job.js";
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

  /** Starts a scan in the background; throws ScanAlreadyRunningError when a job is active. */
  async start(source: string, overrides: ScanOverrides = {}): Promise<Job> {
    const stored = scanSettingsOf(await loadSettings(this.deps.db));
    // The first scan ever is a dry run unless the caller says otherwise (the start dialog's
    // switch, --dry-run=false through the API): nothing is written to Plex before the person
    // has seen what the app would do. That holds for the scheduler's first night too.
    const firstDry = overrides.dryRun === undefined && !(await this.deps.jobs.anyScanSucceeded());
    const settings = scanSettingsSchema.parse({
      ...stored,
      ...overrides,
      ...(firstDry ? { dryRun: true } : {}),
    });
    if (firstDry && !stored.dryRun)
      this.deps.log("info", "First scan: a dry run, so nothing changes in Plex yet");
    // Libraries named for this run are bad input when Plex has no such library: refused before
    // any job is recorded (LibrarySelectionError), as the CLI does.
    if (overrides.libraries !== undefined && overrides.libraries.length > 0) {
      selectSections(await this.deps.plex().sections(), settings.libraries, settings.includePersonal);
    }
    const job = await this.create(source, settings);
    this.launch(job, "Scan", (signal) =>
      runJob(job, settings, { ...this.wrapperDeps(signal), db: this.deps.db, plex: this.deps.plex() }).then(
        async (outcome) => {
          await this.deps.onFinished?.(job, outcome, settings);
          return outcome;
        },
      ),
    );
    return job;
  }

  /**
   * Starts a bulk action on items as a background job, under the same one-job-at-a-time rule
   * as a scan. The selection is checked first: a bad one (BulkSelectionError,
   * BulkUnknownItemsError) records no job.
   */
  async startBulk(body: BulkBody): Promise<{ job: Job; total: number }> {
    const items = await resolveBulkSelection(this.deps.db, body);
    const scan = scanSettingsOf(await loadSettings(this.deps.db));
    const settings = bulkJobSettings(body, items, scan);
    const job = await this.create(BULK_SOURCE, settings);
    this.launch(job, "Bulk job", (signal) =>
      runBulkJob(job, settings, items, {
        ...this.wrapperDeps(signal),
        db: this.deps.db,
        plex: this.deps.plex(),
      }),
    );
    return { job, total: items.length };
  }

  /** What a bulk action would do to each selected item; starts nothing (same selection errors). */
  async previewBulk(body: BulkBody): Promise<BulkPreview> {
    return bulkPreview(body.action, await resolveBulkSelection(this.deps.db, body));
  }

  /**
   * Applies what a finished dry run proposed, as a real run that re-checks each item first,
   * under the same one-job-at-a-time rule. A job that is not a finished dry run, or proposed
   * nothing, is refused (ApplyRefusedError) and records no job.
   */
  async startApply(dryRun: Job): Promise<{ job: Job; total: number }> {
    const ratingKeys = await dryRunProposals(this.deps.db, dryRun);
    const scan = scanSettingsOf(await loadSettings(this.deps.db));
    const settings: ApplyJobSettings = {
      ...scan,
      dryRun: false,
      apply: { fromJobId: dryRun.id, total: ratingKeys.length },
    };
    const job = await this.create(APPLY_SOURCE, settings);
    this.launch(job, "Apply job", (signal) =>
      runApplyJob(job, settings, ratingKeys, {
        ...this.wrapperDeps(signal),
        db: this.deps.db,
        plex: this.deps.plex(),
      }),
    );
    return { job, total: ratingKeys.length };
  }

  private create(source: string, settings: object): Promise<Job> {
    return this.deps.jobs.create({
      source,
      settings: settings as Record<string, unknown>,
      status: "running",
      now: (this.deps.now ?? Date.now)(),
      pid: process.pid,
    });
  }

  private wrapperDeps(signal: AbortSignal) {
    return {
      jobs: this.deps.jobs,
      dataDir: this.deps.dataDir,
      secrets: this.deps.secrets,
      signal,
      ...(this.deps.now ? { now: this.deps.now } : {}),
    };
  }

  /** Runs a job without blocking the caller; it holds the slot until it has ended. */
  private launch(job: Job, label: string, run: (signal: AbortSignal) => Promise<{ status: string }>): void {
    const now = this.deps.now ?? Date.now;
    const abort = new AbortController();
    const done = run(abort.signal)
      .then((outcome) => this.deps.log("info", `${label} ${job.id} ${outcome.status}`))
      .catch(async (error: unknown) => {
        // The wrapper records its own outcome; this catches failures around it (database, log file).
        const message = errorMessage(error);
        this.deps.log("error", `${label} ${job.id} crashed: ${message}`);
        await this.deps.jobs.finish(job.id, { status: "failed", now: now(), error: message }).catch(() => {});
      })
      .finally(() => {
        if (this.current?.id === job.id) this.current = undefined;
      });
    this.current = { id: job.id, abort, done };
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

  /** Stops the running job (it is recorded as interrupted with the reason) and waits for it. */
  async shutdown(reason: string): Promise<void> {
    const current = this.current;
    if (!current) return;
    this.deps.log("warn", `Stopping job ${current.id}: ${reason}`);
    current.abort.abort(shutdownReason(reason));
    await current.done;
  }

  /** Resolves when the current job (if any) has finished; for tests and shutdown. */
  async idle(): Promise<void> {
    await this.current?.done;
  }
}
