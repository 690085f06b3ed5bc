// What every run of Plex work does around its items, a scan and a bulk job alike: one signal
// (the caller's cancel, or our own stop on a fatal error), the Plex tools (outage gate, pause
// between changes, batched reads, completion tracking), a bounded pool of workers, throttled
// progress, and the final status with its report line. What a run does per item is the
// pipeline's; what it does before (collect, plan) is the run's own.
import type { SCAN_PHASES } from "../contracts/constants.js";
import type { Reason } from "../contracts/reasons.js";
import { errorMessage } from "../error-message.js";
import type { PlexClient, PlexNotificationListener } from "../plex/index.js";
import { jobErrorReason } from "./job-error.js";
import { abortError, isAbort, type WorkQueue } from "./limits.js";
import { type FixingTools, ItemPipeline, type PipelineDeps } from "./pipeline.js";
import {
  type CompletionTracking,
  openCompletionTracking,
  type PlexWorkTools,
  plexWorkTools,
} from "./plex-work.js";
import type { ScanStats } from "./stats.js";

type Level = "info" | "warn" | "error";

/** Progress of any job, as published on its row and to the SPA. */
export interface RunProgress {
  phase: (typeof SCAN_PHASES)[number];
  done: number;
  total: number | null;
  current: string | null;
}

/** How any job's work ended, with its figures (written to stats_json). */
export interface RunOutcome<S> {
  status: "success" | "failed" | "cancelled";
  stats: S;
  /** Why it failed, in English (logs, CLI, API clients); null unless it failed. */
  error: string | null;
  /** The same as a code the SPA words. */
  errorReason: Reason | null;
}

export interface RunReporter {
  log(level: Level, message: string): void;
  progress(progress: RunProgress): void;
}

export interface RunDeps {
  plex: PlexClient;
  reporter: RunReporter;
  signal: AbortSignal;
  now?: (() => number) | undefined;
  /** Listen for completion on Plex's websocket (default true); otherwise poll. */
  notifications?: boolean | undefined;
  /** Injected for tests; defaults to a listener from `plex`. */
  listener?: PlexNotificationListener | undefined;
  pollIntervalMs?: number | undefined;
}

/** Progress is published at most this often, except at the start and the end. */
const PROGRESS_EVERY_MS = 200;

export class RunLoop<S extends ScanStats> {
  readonly signal: AbortSignal;
  readonly now: () => number;
  readonly tools: PlexWorkTools;
  readonly startedAt: number;
  total: number | null = null;
  done = 0;
  current: string | null = null;
  readonly log = (level: Level, message: string) => this.deps.reporter.log(level, message);
  private readonly stop = new AbortController();
  /** A fatal condition (auth rejected, Plex gone for good, a dead worker) that ends the run. */
  private fatal: unknown;
  private tracking: CompletionTracking | undefined;
  private lastProgressAt = 0;

  constructor(
    private readonly deps: RunDeps,
    limits: { outageWaitSeconds: number; requestDelayMs: number },
    readonly stats: S,
  ) {
    this.now = deps.now ?? Date.now;
    this.startedAt = this.now();
    this.signal = AbortSignal.any([deps.signal, this.stop.signal]);
    this.tools = plexWorkTools(deps.plex, limits, this.signal, this.log, this.now);
  }

  /** Gate-wrapped Plex call on the run's signal. */
  readonly call = <T>(fn: () => Promise<T>): Promise<T> => this.tools.gate.call(fn, this.signal);

  /** Opens completion tracking (closed when the run ends) and returns what sends fixes. */
  async fixingTools(): Promise<FixingTools> {
    this.tracking ??= await openCompletionTracking({ ...this.deps, log: this.log }, this.signal);
    const { reader, pacer } = this.tools;
    return {
      tracker: this.tracking.tracker,
      reread: (key) => reader.get(key),
      beforeSend: () => pacer.wait(this.signal),
    };
  }

  /** The item pipeline on this run's tools, counting into its figures. */
  pipeline(deps: Pick<PipelineDeps, "store" | "itemTimeoutSeconds" | "fixing">): ItemPipeline {
    return new ItemPipeline({
      ...deps,
      plex: this.deps.plex,
      signal: this.signal,
      now: this.now,
      call: this.call,
      log: this.log,
      stats: this.stats,
    });
  }

  /** Ends the whole run: every worker stops, and the run fails with this error. */
  fail(error: unknown): void {
    this.fatal ??= error;
    this.stop.abort(error);
  }

  /**
   * `workers` workers take tasks from `queue` until it closes, while `feed` (which must close
   * it) fills it. Each worker holds one task at a time, so at most `workers` items are in
   * Plex's hands. A worker that dies ends the run: otherwise the feed could wait for queue
   * room that no worker will ever make.
   */
  async pool<T>(
    queue: WorkQueue<T>,
    workers: number,
    work: (task: T) => Promise<void>,
    feed: () => Promise<void> = async () => queue.close(),
  ): Promise<void> {
    const worker = async () => {
      try {
        for (let task = await queue.next(this.signal); task; task = await queue.next(this.signal))
          await work(task);
      } catch (error) {
        if (!isAbort(error, this.signal)) this.fail(error);
        throw error;
      }
    };
    const results = await Promise.all(
      [feed(), ...Array.from({ length: Math.max(1, workers) }, worker)].map((p) =>
        p.then(
          () => undefined,
          (e: unknown) => e,
        ),
      ),
    );
    if (this.fatal) throw this.fatal;
    const failure = results.find((r) => r !== undefined);
    if (failure !== undefined) throw failure;
    if (this.signal.aborted) throw abortError(this.signal);
  }

  progress(phase: RunProgress["phase"] = "scanning", force = false): void {
    const t = this.now();
    if (!force && t - this.lastProgressAt < PROGRESS_EVERY_MS) return;
    this.lastProgressAt = t;
    this.deps.reporter.progress({ phase, done: this.done, total: this.total, current: this.current });
  }

  /**
   * Runs `body` to its end, or until the signal aborts or something fatal happens, and reports
   * `<name> started: <scope>` first and `<name> finished|cancelled|failed: <summary>` last.
   */
  async run(
    name: string,
    scope: string,
    body: () => Promise<void>,
    summary: () => string,
  ): Promise<RunOutcome<S>> {
    let status: RunOutcome<S>["status"] = "success";
    let error: string | null = null;
    let errorReason: Reason | null = null;
    this.progress("starting", true);
    this.log("info", `${name} started: ${scope}`);
    try {
      await body();
    } catch (e) {
      const cancelled = !this.fatal && isAbort(e, this.signal);
      status = cancelled ? "cancelled" : "failed";
      error = cancelled ? null : errorMessage(this.fatal ?? e);
      errorReason = cancelled ? null : jobErrorReason(this.fatal ?? e);
    } finally {
      await this.tracking?.close();
    }
    this.stats.outages = this.tools.gate.outages;
    this.stats.durationMs = this.now() - this.startedAt;
    this.current = null;
    this.progress("done", true);
    const line = summary();
    if (status === "success") this.log("info", `${name} finished: ${line}`);
    else if (status === "cancelled") this.log("warn", `${name} cancelled: ${line}`);
    else this.log("error", `${name} failed: ${error}; ${line}`);
    return { status, stats: { ...this.stats }, error, errorReason };
  }
}
