// Bulk actions on chosen items: what happens to each item (a pure, table-tested decision) and
// the work itself, run the way a scan runs its fixes: a bounded pool of `concurrency` workers,
// completion from Plex's notification websocket (polling without it), the scan's own
// fix-and-verify, the outage gate, and results recorded through the scan's store.

import type { ScanSettings } from "../config/settings.js";
import type { BulkAction, BulkJobStats } from "../contracts/bulk.js";
import { BULK_MAX_LISTED_FAILURES } from "../contracts/bulk.js";
import { errorMessage } from "../error-message.js";
import {
  PlexAuthError,
  type PlexClient,
  type PlexItem,
  type PlexNotificationListener,
} from "../plex/index.js";
import { detectProblems } from "./detect.js";
import { type FixRequest, fixAndVerify, outcomeOfError } from "./fix.js";
import { abortError, type Batcher, isAbort, type Pacer, WorkQueue } from "./limits.js";
import type { Candidate } from "./match-choice.js";
import { itemResult, type Settled } from "./outcome.js";
import { type PlexGate, PlexOutageError } from "./plex-gate.js";
import { type CompletionTracking, openCompletionTracking, plexWorkTools } from "./plex-work.js";
import type { ItemState } from "./policy.js";
import { countCompletion, emptyStats, type ScanStats, STAT_OF_STATE } from "./stats.js";
import type { ScanStore } from "./store.js";

/** A selected item as the database knows it. */
export interface BulkItem {
  ratingKey: string;
  title: string;
  /** The state the scans found (not "ignored": that is `ignored`). */
  state: ItemState;
  ignored: boolean;
  candidates: readonly unknown[] | null;
}

export type BulkStep =
  | { kind: "fix"; request: FixRequest }
  | { kind: "ignore" }
  | { kind: "unignore" }
  | { kind: "skip"; note: string };
type ActionStep = Exclude<BulkStep, { kind: "skip" }>;

/** The first stored candidate, read leniently (an old row may hold odd values). */
export function topCandidate(candidates: readonly unknown[] | null): Candidate | undefined {
  const c = candidates?.[0];
  if (typeof c !== "object" || c === null) return undefined;
  const { guid, name, year } = c as Record<string, unknown>;
  if (typeof guid !== "string" || guid === "" || typeof name !== "string" || name === "") return undefined;
  return typeof year === "number" && Number.isInteger(year) ? { guid, name, year } : { guid, name };
}

/** What a bulk action does to one item. Pure; the first rule that applies wins. */
export function bulkStep(action: BulkAction, item: BulkItem): BulkStep {
  switch (action) {
    case "ignore":
      return item.ignored ? { kind: "skip", note: "already ignored" } : { kind: "ignore" };
    case "unignore":
      return item.ignored ? { kind: "unignore" } : { kind: "skip", note: "not ignored" };
    case "refresh":
      // Set aside by hand means no refresh or match, by a scan or by a bulk action.
      if (item.ignored) return { kind: "skip", note: "ignored; unignore it first" };
      return { kind: "fix", request: { kind: "refresh" } };
    case "accept_top": {
      if (item.ignored) return { kind: "skip", note: "ignored; unignore it first" };
      if (item.state !== "needs_review")
        return { kind: "skip", note: `does not need review (${item.state})` };
      const target = topCandidate(item.candidates);
      if (!target) return { kind: "skip", note: "no stored candidate to accept" };
      return { kind: "fix", request: { kind: "match", target, reason: "hand (top candidate)" } };
    }
  }
}

export interface BulkPlan {
  action: BulkAction;
  /** The ignore's reason (ignore only). */
  reason: string | null;
  items: readonly BulkItem[];
}

export interface BulkProgress {
  phase: "starting" | "scanning" | "finishing" | "done";
  done: number;
  total: number | null;
  current: string | null;
}

export interface BulkDeps {
  plex: PlexClient;
  store: ScanStore;
  /** Sets (reason) or clears (null) an ignore; false when the item is no longer recorded. */
  setIgnored: (ratingKey: string, ignore: { reason: string | null } | null, at: number) => Promise<boolean>;
  settings: Pick<ScanSettings, "concurrency" | "itemTimeoutSeconds" | "outageWaitSeconds" | "requestDelayMs">;
  reporter: {
    log(level: "info" | "warn" | "error", message: string): void;
    progress(progress: BulkProgress): void;
  };
  signal: AbortSignal;
  now?: () => number;
  /** Listen for completion on Plex's websocket (default true); otherwise poll. */
  notifications?: boolean;
  listener?: PlexNotificationListener;
  pollIntervalMs?: number;
}

export type BulkStats = ScanStats & { bulk: BulkJobStats };

export interface BulkOutcome {
  status: "success" | "failed" | "cancelled";
  stats: BulkStats;
  error: string | null;
}

const VERB: Record<BulkAction, string> = {
  refresh: "refresh",
  ignore: "ignore",
  unignore: "unignore",
  accept_top: "accept the top candidate",
};

export function runBulk(plan: BulkPlan, deps: BulkDeps): Promise<BulkOutcome> {
  return new BulkRun(plan, deps).run();
}

class BulkRun {
  private readonly stats: BulkStats;
  private readonly now: () => number;
  private readonly stop = new AbortController();
  private readonly signal: AbortSignal;
  private readonly gate: PlexGate;
  private readonly pacer: Pacer;
  private readonly reader: Batcher<PlexItem>;
  private tracking: CompletionTracking | undefined;
  private readonly log = (level: "info" | "warn" | "error", message: string) =>
    this.deps.reporter.log(level, message);
  private fatal: unknown;
  private current: string | null = null;
  private lastProgressAt = 0;

  constructor(
    private readonly plan: BulkPlan,
    private readonly deps: BulkDeps,
  ) {
    this.now = deps.now ?? Date.now;
    this.signal = AbortSignal.any([deps.signal, this.stop.signal]);
    // Before and after each fix the items are read in batches, as a scan verifies them.
    const tools = plexWorkTools(deps.plex, deps.settings, this.signal, this.log, this.now);
    this.gate = tools.gate;
    this.pacer = tools.pacer;
    this.reader = tools.reader;
    this.stats = {
      ...emptyStats(),
      bulk: {
        action: plan.action,
        total: plan.items.length,
        done: 0,
        succeeded: 0,
        failed: 0,
        skipped: 0,
        failures: [],
      },
    };
  }

  async run(): Promise<BulkOutcome> {
    const started = this.now();
    const { reporter } = this.deps;
    const total = this.plan.items.length;
    let status: BulkOutcome["status"] = "success";
    let error: string | null = null;
    reporter.log(
      "info",
      `Bulk action started: ${VERB[this.plan.action]} ${total} item${total === 1 ? "" : "s"}, concurrency ${this.deps.settings.concurrency}`,
    );
    this.emitProgress("starting", true);
    try {
      const queue = new WorkQueue<{ item: BulkItem; step: ActionStep }>();
      let fixes = 0;
      for (const item of this.plan.items) {
        const step = bulkStep(this.plan.action, item);
        if (step.kind === "skip") this.skip(item, step.note);
        else {
          if (step.kind === "fix") fixes++;
          queue.push({ item, step });
        }
      }
      queue.close();
      if (fixes > 0) await this.startCompletionTracking();
      const worker = async () => {
        for (let task = await queue.next(this.signal); task; task = await queue.next(this.signal)) {
          await this.handle(task.item, task.step);
        }
      };
      const results = await Promise.all(
        Array.from({ length: Math.max(1, this.deps.settings.concurrency) }, worker).map((p) =>
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
    } catch (e) {
      const cancelled = !this.fatal && isAbort(e, this.signal);
      status = cancelled ? "cancelled" : "failed";
      error = cancelled ? null : errorMessage(this.fatal ?? e);
    } finally {
      await this.tracking?.close();
    }
    this.stats.outages = this.gate.outages;
    this.stats.durationMs = this.now() - started;
    this.current = null;
    this.emitProgress("done", true);
    const b = this.stats.bulk;
    const summary = `${b.done} of ${b.total} done: ${b.succeeded} succeeded, ${b.failed} failed, ${b.skipped} skipped in ${(this.stats.durationMs / 1000).toFixed(1)} s`;
    if (status === "success") reporter.log("info", `Bulk action finished: ${summary}`);
    else if (status === "cancelled") reporter.log("warn", `Bulk action cancelled: ${summary}`);
    else reporter.log("error", `Bulk action failed: ${error}; ${summary}`);
    return { status, stats: this.stats, error };
  }

  private async startCompletionTracking(): Promise<void> {
    this.tracking = await openCompletionTracking({ ...this.deps, log: this.log }, this.signal);
  }

  private async handle(item: BulkItem, step: ActionStep): Promise<void> {
    this.current = item.title;
    this.emitProgress("scanning");
    if (step.kind === "fix") return this.fix(item, step.request);
    const ignore = step.kind === "ignore";
    const ok = await this.deps.setIgnored(
      item.ratingKey,
      ignore ? { reason: this.plan.reason } : null,
      this.now(),
    );
    if (!ok) return this.fail(item, "no longer recorded");
    this.stats.checked++;
    this.succeed(`${ignore ? "Ignored" : "Unignored"}: ${item.title}`);
  }

  private async fix(item: BulkItem, request: FixRequest): Promise<void> {
    let before: PlexItem | undefined;
    try {
      before = await this.gate.call(() => this.reader.get(item.ratingKey), this.signal);
    } catch (error) {
      return this.plexError(item, undefined, error);
    }
    if (!before) return this.fail(item, "no longer in Plex");
    this.stats.checked++;
    this.stats.broken++;
    let result: Settled;
    try {
      const fixed = await fixAndVerify(
        {
          plex: this.deps.plex,
          tracker: this.tracking!.tracker,
          signal: this.signal,
          timeoutMs: this.deps.settings.itemTimeoutSeconds * 1000,
          call: (fn) => this.gate.call(fn, this.signal),
          reread: (key) => this.reader.get(key),
          beforeSend: () => this.pacer.wait(this.signal),
        },
        before,
        request,
      );
      countCompletion(this.stats, fixed.completion);
      result = fixed.outcome;
    } catch (error) {
      return this.plexError(item, before, error);
    }
    await this.settle(item, before, result);
  }

  /** Plex failed for this item: fatal errors end the job, anything else is this item's error. */
  private async plexError(item: BulkItem, before: PlexItem | undefined, error: unknown): Promise<void> {
    if (isAbort(error, this.signal)) throw error;
    if (error instanceof PlexAuthError || error instanceof PlexOutageError) {
      this.fatal ??= error;
      this.stop.abort(error);
      throw error;
    }
    if (!before) return this.fail(item, `Plex error: ${errorMessage(error)}`);
    const o = outcomeOfError(before, detectProblems(before), error);
    if (o.state === "healthy") return;
    await this.settle(item, before, { ...o, state: o.state });
  }

  /** Records, counts and logs the outcome of a fix. */
  private async settle(item: BulkItem, before: PlexItem, o: Settled): Promise<void> {
    await this.deps.store.record(itemResult(before, undefined, o, this.now()));
    this.stats[STAT_OF_STATE[o.state]]++;
    if (o.matched) this.stats.matched++;
    if (o.log) this.deps.reporter.log(o.log.level, o.log.message);
    if (o.state === "fixed") this.succeed(null);
    else this.fail(item, o.note, !o.log);
  }

  private succeed(message: string | null): void {
    this.stats.bulk.succeeded++;
    this.count();
    if (message) this.deps.reporter.log("info", message);
  }

  private fail(item: BulkItem, note: string, log = true): void {
    const b = this.stats.bulk;
    b.failed++;
    if (b.failures.length < BULK_MAX_LISTED_FAILURES)
      b.failures.push({ ratingKey: item.ratingKey, title: item.title, note });
    this.count();
    if (log) this.deps.reporter.log("warn", `Failed: ${item.title} — ${note}`);
  }

  private skip(item: BulkItem, note: string): void {
    this.stats.bulk.skipped++;
    this.stats.skipped++;
    this.count();
    this.deps.reporter.log("info", `Skipped: ${item.title} — ${note}`);
  }

  private count(): void {
    this.stats.bulk.done++;
    this.emitProgress("scanning");
  }

  private emitProgress(phase: BulkProgress["phase"], force = false): void {
    const t = this.now();
    if (!force && t - this.lastProgressAt < 200) return;
    this.lastProgressAt = t;
    this.deps.reporter.progress({
      phase,
      done: this.stats.bulk.done,
      total: this.plan.items.length,
      current: this.current,
    });
  }
}
