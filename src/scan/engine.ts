// The scan: collect → triage → fix (refresh or match) → wait for Plex → verify → settle.
// Fixes run on a bounded pool of workers fed by the collector, so Plex always has work queued
// but never more than `concurrency` items at once; completion comes from Plex's notification
// websocket, and verification re-reads finished items in batches. What happens to an item is
// decided by plain functions (triage, fixPlan, matchDecision, outcomeAfterFix); this file only
// orders the work and settles each outcome in one place.
import type { ScanSettings } from "../config/settings.js";
import { errorMessage } from "../error-message.js";
import {
  KeySet,
  PlexAuthError,
  type PlexClient,
  type PlexItem,
  type PlexNotificationListener,
  type PlexSection,
} from "../plex/index.js";
import {
  type Collected,
  collectPool,
  countWindow,
  listingTypes,
  listWindow,
  selectSections,
} from "./collect.js";
import { type Detection, detectProblems } from "./detect.js";
import { type FixDeps, fixAndVerify, outcomeOfError } from "./fix.js";
import { knownBatch } from "./known.js";
import { abortError, type Batcher, isAbort, type Pacer, WorkQueue } from "./limits.js";
import type { MatchQuery } from "./match-search.js";
import { asDryRun, itemResult, type Outcome } from "./outcome.js";
import { type PlexGate, PlexOutageError } from "./plex-gate.js";
import { type CompletionTracking, openCompletionTracking, plexWorkTools } from "./plex-work.js";
import type { KnownItem } from "./policy.js";
import {
  countCompletion,
  describeScope,
  emptyStats,
  type ScanStats,
  STAT_OF_STATE,
  summarizeStats,
} from "./stats.js";
import type { ScanStore } from "./store.js";
import { displayTitle } from "./title.js";
import { fixPlan, triage } from "./triage.js";
import { fixStep, withShowFolders } from "./wrong-match-fix.js";

export interface ScanProgress {
  phase: "starting" | "scanning" | "finishing" | "done";
  done: number;
  total: number | null;
  current: string | null;
}

export interface ScanReporter {
  log(level: "info" | "warn" | "error", message: string): void;
  progress(progress: ScanProgress): void;
}

export interface ScanDeps {
  plex: PlexClient;
  store: ScanStore;
  reporter: ScanReporter;
  signal: AbortSignal;
  /** Listen for completion on Plex's websocket (default true); otherwise poll. */
  notifications?: boolean;
  /** Injected for tests; defaults to a listener from `plex`. */
  listener?: PlexNotificationListener;
  now?: () => number;
  pollIntervalMs?: number;
}

export interface ScanOutcome {
  status: "success" | "failed" | "cancelled";
  stats: ScanStats;
  error: string | null;
}

interface Task {
  c: Collected;
  detection: Detection;
  prior: KnownItem | undefined;
}

/** A season or episode that waits for its show's match, with what it gets if the match fails. */
interface Held {
  c: Collected;
  outcome: Outcome;
}

/**
 * Listed broken items waiting for a worker. Enough that the workers never run dry, few enough
 * that a library with thousands of broken items is not held in memory while they wait.
 */
const QUEUE_CAPACITY = 100;

/** Runs one scan to the end, or until `signal` aborts; results are recorded as they happen. */
export async function runScan(settings: ScanSettings, deps: ScanDeps): Promise<ScanOutcome> {
  return new Scan(settings, deps).run();
}

class Scan {
  private readonly stats = emptyStats();
  private readonly now: () => number;
  private readonly signal: AbortSignal;
  private readonly gate: PlexGate;
  private readonly pacer: Pacer;
  private readonly verifier: Batcher<PlexItem>;
  /** Broken items waiting for a worker; the collector pauses while it is full. */
  private readonly queue = new WorkQueue<Task>(QUEUE_CAPACITY);
  /** Items already triaged (a 450,000-item scan holds them all, so in a bitmap where it can). */
  private readonly seen = new KeySet();
  /** Unmatched shows queued for a match in this scan, with the children that wait for it. */
  private readonly pendingShows = new Map<string, Held[]>();
  private tracking: CompletionTracking | undefined;
  private readonly log = (level: "info" | "warn" | "error", message: string) =>
    this.deps.reporter.log(level, message);
  private total: number | null = null;
  private done = 0;
  private current: string | null = null;
  private lastProgressAt = 0;
  /** A fatal condition (auth rejected, Plex gone for good) that ends the whole scan. */
  private fatal: unknown;
  private readonly stop = new AbortController();
  private startedAt = 0;

  constructor(
    private readonly settings: ScanSettings,
    private readonly deps: ScanDeps,
  ) {
    this.now = deps.now ?? Date.now;
    // One signal for everything: the caller's cancel, or our own stop on a fatal error.
    this.signal = AbortSignal.any([deps.signal, this.stop.signal]);
    const tools = plexWorkTools(deps.plex, settings, this.signal, this.log, this.now);
    this.gate = tools.gate;
    this.pacer = tools.pacer;
    this.verifier = tools.reader;
  }

  async run(): Promise<ScanOutcome> {
    this.startedAt = this.now();
    const { reporter } = this.deps;
    let status: ScanOutcome["status"] = "success";
    let error: string | null = null;
    try {
      this.emitProgress("starting", true);
      reporter.log("info", `Scan started: ${describeScope(this.settings)}`);
      const sections = selectSections(
        await this.gate.call(() => this.deps.plex.sections({ signal: this.signal }), this.signal),
        this.settings.libraries,
        this.settings.includePersonal,
      );
      if (sections.length === 0) reporter.log("warn", "No movie or show libraries to scan");
      else reporter.log("info", `Libraries: ${sections.map((s) => `${s.title} (${s.type})`).join(", ")}`);
      await this.startCompletionTracking();
      await this.process(sections);
    } catch (e) {
      const cancelled = !this.fatal && isAbort(e, this.signal);
      status = cancelled ? "cancelled" : "failed";
      error = cancelled ? null : errorMessage(this.fatal ?? e);
    } finally {
      await this.tracking?.close();
    }
    this.stats.outages = this.gate.outages;
    this.stats.durationMs = this.now() - this.startedAt;
    this.emitProgress("done", true);
    const summary = summarizeStats(this.stats);
    if (status === "success") reporter.log("info", `Scan finished: ${summary}`);
    else if (status === "cancelled") reporter.log("warn", `Scan cancelled: ${summary}`);
    else reporter.log("error", `Scan failed: ${error}; ${summary}`);
    return { status, stats: { ...this.stats }, error };
  }

  private async startCompletionTracking(): Promise<void> {
    if (this.settings.dryRun) return;
    this.tracking = await openCompletionTracking({ ...this.deps, log: this.log }, this.signal);
  }

  /** Collector and workers run together; the queue between them only holds broken items. */
  private async process(sections: PlexSection[]): Promise<void> {
    const collectOptions = {
      settings: this.settings,
      nowSeconds: Math.floor(this.now() / 1000),
      signal: this.signal,
    };
    this.total = await this.gate.call(
      () => countWindow(this.deps.plex, sections, collectOptions),
      this.signal,
    );
    // Each worker holds one task at a time, so at most `concurrency` items are in Plex's hands.
    const worker = async () => {
      try {
        for (let task = await this.queue.next(this.signal); task; task = await this.queue.next(this.signal)) {
          await this.fix(task);
        }
      } catch (error) {
        // A worker that dies (the database refused a write) ends the scan: otherwise the
        // collector could wait for queue room that no worker will ever make.
        if (!isAbort(error, this.signal)) {
          this.fatal ??= error;
          this.stop.abort(error);
        }
        throw error;
      }
    };
    const collector = async () => {
      try {
        for (const section of sections) {
          for (const type of listingTypes(section, this.settings.includeChildren)) {
            // A listing that dies in an outage restarts from the top; seen items are skipped.
            await this.gate.call(async () => {
              for await (const page of listWindow(this.deps.plex, section, type, collectOptions)) {
                await this.triage(page.map((item) => ({ item, section, origin: "window" as const })));
              }
            }, this.signal);
          }
        }
        const poolKeys = (await this.deps.store.retryPool(this.settings.retryPoolLimit)).filter(
          (k) => !this.seen.has(k),
        );
        if (poolKeys.length > 0) {
          const pooled = await this.gate.call(
            () => collectPool(this.deps.plex, sections, poolKeys, this.signal),
            this.signal,
          );
          this.stats.fromRetryPool += pooled.length;
          if (this.total !== null) this.total += pooled.length;
          await this.triage(pooled);
        }
      } finally {
        this.stats.collectMs = this.now() - this.startedAt;
        this.queue.close();
      }
    };

    const results = await Promise.all(
      [collector(), ...Array.from({ length: this.settings.concurrency }, worker)].map((p) =>
        p.then(
          () => undefined,
          (e: unknown) => e,
        ),
      ),
    );
    // Children still waiting (the scan stopped before their show's match) keep their skip.
    for (const key of [...this.pendingShows.keys()]) await this.releaseChildren(key, false);
    if (this.fatal) throw this.fatal;
    const failure = results.find((r) => r !== undefined);
    if (failure !== undefined) throw failure;
    if (this.signal.aborted) throw abortError(this.signal);
  }

  /** Triages a page of newly listed items; items seen before in this scan are passed over. */
  private async triage(batch: Collected[]): Promise<void> {
    const unseen = batch.filter((c) => !this.seen.has(c.item.ratingKey));
    if (unseen.length === 0) return;
    const fresh = await withShowFolders(unseen, (keys) => this.reread(keys));
    const known = await knownBatch(
      this.deps.store,
      fresh.map((c) => c.item),
    );
    for (const c of fresh) {
      if (this.signal.aborted) throw abortError(this.signal);
      await this.queue.room(this.signal);
      this.seen.add(c.item.ratingKey);
      this.stats.checked++;
      await this.route(c, known.prior(c.item), known.showIgnored(c.item));
    }
  }

  /** Settles one item, holds it for its show's match, or queues it for a fix. */
  private async route(c: Collected, prior: KnownItem | undefined, showIgnored = false): Promise<void> {
    const detection = detectProblems(c.item);
    const verdict = triage({
      item: c.item,
      detection,
      prior,
      showIgnored,
      now: this.now(),
      settings: this.settings,
    });
    if (verdict === "fix") {
      this.stats.broken++;
      // Its seasons and episodes, listed after it, wait to see whether the match takes.
      if (
        c.item.type === "show" &&
        !this.settings.dryRun &&
        fixPlan(detection, this.settings, prior) === "match"
      )
        this.pendingShows.set(c.item.ratingKey, []);
      this.queue.push({ c, detection, prior });
      return;
    }
    const waiting =
      verdict.waitsForShow === undefined ? undefined : this.pendingShows.get(verdict.waitsForShow);
    if (waiting) {
      waiting.push({ c, outcome: verdict });
      return;
    }
    await this.settle(c, verdict);
    this.done++;
    this.emitProgress("scanning");
  }

  private async fix(task: Task): Promise<void> {
    const { c, detection } = task;
    this.current = displayTitle(c.item);
    this.emitProgress("scanning");
    let result: Outcome;
    try {
      result = await this.attempt(task);
    } catch (error) {
      if (isAbort(error, this.signal)) throw error;
      if (error instanceof PlexAuthError || error instanceof PlexOutageError) {
        this.fatal ??= error;
        this.stop.abort(error);
      }
      result = outcomeOfError(c.item, detection, error);
    } finally {
      this.done++;
      this.emitProgress("scanning");
    }
    await this.settle(c, result);
    if (this.pendingShows.has(c.item.ratingKey))
      await this.releaseChildren(c.item.ratingKey, !!result.matched);
  }

  /** Plans the fix and, unless this is a dry run, sends it and judges the result. */
  private async attempt({ c, detection, prior }: Task): Promise<Outcome> {
    const plan = fixPlan(detection, this.settings, prior);
    if (typeof plan !== "string") return plan;
    const search = (query: MatchQuery) =>
      this.gate.call(
        () => this.deps.plex.matches(c.item.ratingKey, { ...query, signal: this.signal }),
        this.signal,
      );
    const step = await fixStep(plan, { ...c, detection, prior, settings: this.settings, search });
    if (!("request" in step)) return step;
    if (this.settings.dryRun) return step.intent;
    const { outcome, completion } = await fixAndVerify(this.fixDeps(), c.item, step.request);
    countCompletion(this.stats, completion);
    return outcome;
  }

  private fixDeps(): FixDeps {
    return {
      plex: this.deps.plex,
      tracker: this.tracking!.tracker,
      signal: this.signal,
      timeoutMs: this.settings.itemTimeoutSeconds * 1000,
      call: (fn) => this.gate.call(fn, this.signal),
      reread: (key) => this.verifier.get(key),
      beforeSend: () => this.pacer.wait(this.signal),
    };
  }

  /**
   * A show's match has settled. If it took, its waiting seasons and episodes are re-read and
   * triaged again, now that they may have changed with it; otherwise they keep their skip.
   */
  private async releaseChildren(showKey: string, matched: boolean): Promise<void> {
    const held = this.pendingShows.get(showKey) ?? [];
    const fresh = matched && held.length > 0 ? await this.reread(held.map((h) => h.c.item.ratingKey)) : [];
    this.pendingShows.delete(showKey);
    const byKey = new Map(fresh.map((item) => [item.ratingKey, item]));
    for (const h of held) {
      const item = byKey.get(h.c.item.ratingKey);
      if (item) {
        // What this scan knew of the child until now is its skip: healthy now means fixed by the match.
        await this.route({ ...h.c, item }, { state: "skipped", lastFailedAt: null });
      } else {
        await this.settle(h.c, h.outcome);
        this.done++;
      }
    }
  }

  private reread(keys: string[]): Promise<PlexItem[]> {
    return this.gate.call(() => this.deps.plex.metadata(keys, { signal: this.signal }), this.signal);
  }

  /** Records, counts and logs one outcome: the only place that does. */
  private async settle(c: Collected, proposed: Outcome): Promise<void> {
    const o = this.settings.dryRun ? asDryRun(proposed) : proposed;
    if (o.state === "healthy") return;
    if (o.record)
      await this.deps.store.record(itemResult(c.item, c.section, { ...o, state: o.state }, this.now()));
    this.stats[STAT_OF_STATE[o.state]]++;
    if (o.matched) this.stats.matched++;
    if (o.log) this.deps.reporter.log(o.log.level, o.log.message);
  }

  private emitProgress(phase: ScanProgress["phase"], force = false): void {
    const t = this.now();
    if (!force && t - this.lastProgressAt < 200) return;
    this.lastProgressAt = t;
    this.deps.reporter.progress({ phase, done: this.done, total: this.total, current: this.current });
  }
}
