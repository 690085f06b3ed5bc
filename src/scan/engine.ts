// The scan: collect → detect → fix (refresh or match) → wait for Plex → verify → record.
// Fixes run on a bounded pool of workers fed by the collector, so Plex always has work queued
// but never more than `concurrency` items at once; completion comes from Plex's notification
// websocket, and verification re-reads finished items in batches.
import type { ScanSettings } from "../config/settings.js";
import {
  compactKey,
  PlexAuthError,
  type PlexClient,
  type PlexItem,
  PlexNotFoundError,
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
import { type Completion, CompletionTracker } from "./completion.js";
import { type Detection, detectProblems, isFullyLocked } from "./detect.js";
import { abortError, Batcher, isAbort, Pacer, WorkQueue } from "./limits.js";
import {
  type Candidate,
  chooseById,
  chooseByTitle,
  externalIdFromPaths,
  idLookupTitle,
  type MatchChoice,
  searchTitle,
} from "./match-choice.js";
import { PlexGate, PlexOutageError } from "./plex-gate.js";
import { describe, type ItemState, inBackoff, type KnownItem, retryAt, verdictAfterFix } from "./policy.js";
import type { ItemAction, ScanStore } from "./store.js";

export interface ScanStats {
  checked: number;
  fixed: number;
  wouldFix: number;
  failed: number;
  matched: number;
  needsReview: number;
  skipped: number;
  locked: number;
  errors: number;
  /** Broken items found (everything that was refreshed, matched, or would have been). */
  broken: number;
  fromRetryPool: number;
  completedByEvent: number;
  completedByPoll: number;
  timeouts: number;
  outages: number;
  /** Until every library was listed and triaged (fixes overlap with it). */
  collectMs: number;
  durationMs: number;
}

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

const MAX_STORED_CANDIDATES = 10;

export function emptyStats(): ScanStats {
  return {
    checked: 0,
    fixed: 0,
    wouldFix: 0,
    failed: 0,
    matched: 0,
    needsReview: 0,
    skipped: 0,
    locked: 0,
    errors: 0,
    broken: 0,
    fromRetryPool: 0,
    completedByEvent: 0,
    completedByPoll: 0,
    timeouts: 0,
    outages: 0,
    collectMs: 0,
    durationMs: 0,
  };
}

/** "Show – S01E02 – Title" for episodes, "Title (Year)" for the rest. */
export function displayTitle(item: PlexItem): string {
  if (item.type === "episode") {
    const se =
      item.parentIndex !== undefined && item.index !== undefined
        ? `S${String(item.parentIndex).padStart(2, "0")}E${String(item.index).padStart(2, "0")}`
        : "";
    return [item.grandparentTitle, se, item.title].filter(Boolean).join(" – ");
  }
  if (item.type === "season") return [item.parentTitle, item.title].filter(Boolean).join(" – ");
  return item.year ? `${item.title} (${item.year})` : item.title;
}

interface Task {
  c: Collected;
  detection: Detection;
}

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
  /** Items already triaged; numeric keys are stored as numbers (a 450,000-item scan holds them all). */
  private readonly seen = new Set<string | number>();
  /** Seasons and episodes skipped because their show is unmatched, by show ratingKey. */
  private readonly waitingForShow = new Map<string, Collected[]>();
  private enqueue: ((task: Task) => void) | undefined;
  private tracker: CompletionTracker | undefined;
  private listener: PlexNotificationListener | undefined;
  private ownsListener = false;
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
    this.gate = new PlexGate(
      (signal) => deps.plex.identity({ signal }),
      settings.outageWaitSeconds * 1000,
      (message) => deps.reporter.log("warn", message),
    );
    this.pacer = new Pacer(settings.requestDelayMs, this.now);
    this.verifier = new Batcher(async (keys) => {
      const items = await deps.plex.metadata(keys, { signal: this.signal });
      return new Map(items.map((i) => [i.ratingKey, i]));
    });
  }

  async run(): Promise<ScanOutcome> {
    const started = this.now();
    this.startedAt = started;
    const { reporter } = this.deps;
    let status: ScanOutcome["status"] = "success";
    let error: string | null = null;
    try {
      this.emitProgress("starting", true);
      reporter.log("info", `Scan started: ${this.describeSettings()}`);
      const sections = selectSections(
        await this.gate.call(() => this.deps.plex.sections({ signal: this.signal }), this.signal),
        this.settings.libraries,
        this.settings.includePersonal,
      );
      if (sections.length === 0) {
        reporter.log("warn", "No movie or show libraries to scan");
      } else {
        reporter.log("info", `Libraries: ${sections.map((s) => `${s.title} (${s.type})`).join(", ")}`);
      }
      await this.startCompletionTracking();
      await this.process(sections);
    } catch (e) {
      if (this.fatal) {
        status = "failed";
        error = messageOf(this.fatal);
      } else if (isAbort(e, this.signal)) {
        status = "cancelled";
        error = null;
      } else {
        status = "failed";
        error = messageOf(e);
      }
    } finally {
      this.tracker?.close();
      if (this.ownsListener) await this.listener?.close();
    }
    this.stats.outages = this.gate.outages;
    this.stats.durationMs = this.now() - started;
    this.emitProgress("done", true);
    const s = this.stats;
    const summary = `checked ${s.checked}, fixed ${s.fixed}, matched ${s.matched}, would fix ${s.wouldFix}, failed ${s.failed}, needs review ${s.needsReview}, locked ${s.locked}, skipped ${s.skipped}, errors ${s.errors} in ${(s.durationMs / 1000).toFixed(1)} s`;
    if (status === "success") reporter.log("info", `Scan finished: ${summary}`);
    else if (status === "cancelled") reporter.log("warn", `Scan cancelled: ${summary}`);
    else reporter.log("error", `Scan failed: ${error}; ${summary}`);
    return { status, stats: { ...this.stats }, error };
  }

  private describeSettings(): string {
    const s = this.settings;
    const scope = s.all
      ? "whole libraries"
      : `added in the last ${s.days} days, newest ${s.maxItems} per library`;
    return `${scope}${s.dryRun ? ", dry run" : ""}, concurrency ${s.concurrency}`;
  }

  private async startCompletionTracking(): Promise<void> {
    if (this.settings.dryRun) return;
    if (this.deps.listener) {
      this.listener = this.deps.listener;
    } else if (this.deps.notifications !== false) {
      this.listener = this.deps.plex.notifications();
      this.ownsListener = true;
      this.listener.start();
    }
    if (this.listener && !this.listener.connected) {
      const open = await this.listener.waitOpen(3000);
      if (!open)
        this.deps.reporter.log("warn", "Plex notifications are unavailable; polling for completion instead");
    }
    this.tracker = new CompletionTracker(
      this.listener,
      (keys) => this.deps.plex.metadata(keys, { signal: this.signal }),
      this.deps.pollIntervalMs,
    );
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
    const queue = new WorkQueue<Task>();
    this.enqueue = (task) => queue.push(task);
    // Each worker holds one task at a time, so at most `concurrency` items are in Plex's hands.
    const worker = async () => {
      for (let task = await queue.next(this.signal); task; task = await queue.next(this.signal)) {
        await this.fix(task);
      }
    };

    const collector = async () => {
      try {
        for (const section of sections) {
          for (const type of listingTypes(section, this.settings.includeChildren)) {
            // A listing that dies in an outage restarts from the top; seen items are skipped.
            await this.gate.call(async () => {
              for await (const page of listWindow(this.deps.plex, section, type, collectOptions)) {
                await this.triage(
                  page.map((item) => ({ item, section, origin: "window" as const })),
                  (t) => queue.push(t),
                );
              }
            }, this.signal);
          }
        }
        const poolKeys = (await this.deps.store.retryPool(this.settings.retryPoolLimit)).filter(
          (k) => !this.seen.has(compactKey(k)),
        );
        if (poolKeys.length > 0) {
          const pooled = await this.gate.call(
            () => collectPool(this.deps.plex, sections, poolKeys, this.signal),
            this.signal,
          );
          this.stats.fromRetryPool += pooled.length;
          if (this.total !== null) this.total += pooled.length;
          await this.triage(pooled, (t) => queue.push(t));
        }
      } finally {
        this.stats.collectMs = this.now() - this.startedAt;
        queue.close();
      }
    };

    const workers = Array.from({ length: this.settings.concurrency }, () => worker());
    const results = await Promise.all(
      [collector(), ...workers].map((p) =>
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

  /** Detects problems in a page and decides per item: healthy, skipped, locked, or a task. */
  private async triage(batch: Collected[], enqueue: (task: Task) => void): Promise<void> {
    const fresh = batch.filter((c) => !this.seen.has(compactKey(c.item.ratingKey)));
    if (fresh.length === 0) return;
    const known = await this.deps.store.knownStates(fresh.map((c) => c.item.ratingKey));
    for (const c of fresh) {
      if (this.signal.aborted) throw abortError(this.signal);
      this.seen.add(compactKey(c.item.ratingKey));
      this.stats.checked++;
      const detection = detectProblems(c.item);
      const prior = known.get(c.item.ratingKey);
      const handled = await this.decide(c, detection, prior);
      if (handled) {
        this.done++;
        this.emitProgress("scanning");
      } else {
        this.stats.broken++;
        enqueue({ c, detection });
      }
    }
  }

  /** Settles items that need no Plex call; returns false when the item needs a fix task. */
  private async decide(c: Collected, d: Detection, prior: KnownItem | undefined): Promise<boolean> {
    const title = displayTitle(c.item);
    if (d.personal) {
      if (prior)
        await this.record(c, "skipped", d, "personal media: never refreshed or matched", "skip", null);
      this.stats.skipped++;
      return true;
    }
    if (d.problems.length === 0) {
      // Someone (or Plex) fixed it since we last failed: close the case.
      if (prior && prior.state !== "fixed") {
        await this.record(c, "fixed", d, "healthy on re-check", "check", null);
        this.stats.fixed++;
      }
      return true;
    }
    if (d.parentUnmatched) {
      await this.record(c, "skipped", d, "the show is not matched; match the show first", "skip", null);
      this.stats.skipped++;
      // If this scan matches the show, the item is checked again right after.
      const show = c.item.type === "episode" ? c.item.grandparentRatingKey : c.item.parentRatingKey;
      if (show) this.waitingForShow.set(show, [...(this.waitingForShow.get(show) ?? []), c]);
      return true;
    }
    if (isFullyLocked(d)) {
      await this.record(
        c,
        "locked",
        d,
        `locked field: ${describe(d.locked)}; unlock it in Plex to allow a fix`,
        "check",
        null,
      );
      this.stats.locked++;
      this.deps.reporter.log("info", `Locked: ${title} (${describe(d.locked)})`);
      return true;
    }
    if (inBackoff(prior, this.now(), this.settings.backoffHours)) {
      const at = prior ? retryAt(prior, this.settings.backoffHours) : undefined;
      const until = at ? ` until ${new Date(at).toISOString()}` : "";
      await this.record(
        c,
        "skipped",
        d,
        `failed recently; waiting${until} before the next try`,
        "skip",
        null,
      );
      this.stats.skipped++;
      return true;
    }
    return false;
  }

  private async fix(task: Task): Promise<void> {
    const { c, detection } = task;
    const title = displayTitle(c.item);
    this.current = title;
    this.emitProgress("scanning");
    try {
      if (detection.problems.includes("unmatched")) {
        if (this.settings.matchUnmatched) await this.matchItem(c, detection);
        else {
          await this.record(
            c,
            "needs_review",
            detection,
            "unmatched; automatic matching is switched off",
            "check",
            null,
          );
          this.stats.needsReview++;
        }
      } else if (this.settings.dryRun) {
        await this.record(
          c,
          "would_fix",
          detection,
          `would refresh: ${describe(detection.problems)}`,
          "dry_run",
          null,
        );
        this.stats.wouldFix++;
        this.deps.reporter.log("info", `Would refresh: ${title} (${describe(detection.problems)})`);
      } else {
        await this.refreshItem(c, detection);
      }
    } catch (error) {
      await this.handleTaskError(c, detection, error);
    } finally {
      this.done++;
      this.emitProgress("scanning");
    }
  }

  private async handleTaskError(c: Collected, d: Detection, error: unknown): Promise<void> {
    if (isAbort(error, this.signal)) throw error;
    const title = displayTitle(c.item);
    if (error instanceof PlexNotFoundError) {
      await this.record(c, "skipped", d, "no longer in Plex (deleted while scanning)", "skip", null);
      this.stats.skipped++;
      return;
    }
    // Not the item's fault: retried at the next scan with no back-off.
    await this.record(c, "error", d, `Plex error: ${messageOf(error)}`, "refresh", null).catch(() => {});
    this.stats.errors++;
    this.deps.reporter.log("error", `Error: ${title}: ${messageOf(error)}`);
    if (error instanceof PlexAuthError || error instanceof PlexOutageError) {
      this.fatal ??= error;
      this.stop.abort(error);
    }
  }

  private async refreshItem(c: Collected, before: Detection): Promise<void> {
    const key = c.item.ratingKey;
    const how = await this.sendAndWait(c.item, () => this.deps.plex.refresh(key, { signal: this.signal }));
    const after = await this.verify(key);
    if (!after) throw new PlexNotFoundError({ url: `/library/metadata/${key}` } as never);
    const afterDetection = detectProblems(after);
    const verdict = verdictAfterFix(before, afterDetection);
    const note =
      how === "timeout" ? `${verdict.note} (Plex did not report completion in time)` : verdict.note;
    await this.record({ ...c, item: after }, verdict.state, afterDetection, note, "refresh", null);
    this.count(verdict.state);
    const label = { fixed: "Fixed", failed: "Still broken", locked: "Locked" }[verdict.state];
    this.deps.reporter.log(
      verdict.state === "failed" ? "warn" : "info",
      `${label}: ${displayTitle(after)} — ${note}`,
    );
  }

  private async matchItem(c: Collected, before: Detection): Promise<void> {
    const { item, section } = c;
    const key = item.ratingKey;
    const choice = await this.chooseMatch(item, section);
    const title = displayTitle(item);
    if (choice.decision === "none") {
      if (this.settings.dryRun) {
        await this.record(
          c,
          "would_fix",
          before,
          `unmatched; no match found (${choice.reason})`,
          "dry_run",
          null,
        );
        this.stats.wouldFix++;
        return;
      }
      await this.record(c, "failed", before, `unmatched; no match found (${choice.reason})`, "match", null);
      this.stats.failed++;
      this.deps.reporter.log("warn", `No match: ${title} — ${choice.reason}`);
      return;
    }
    if (choice.decision === "review") {
      const candidates = choice.candidates.slice(0, MAX_STORED_CANDIDATES);
      await this.record(
        c,
        "needs_review",
        before,
        `unmatched; ${choice.reason}`,
        this.settings.dryRun ? "dry_run" : "match",
        candidates,
      );
      this.stats.needsReview++;
      this.deps.reporter.log("warn", `Needs review: ${title} — ${choice.reason}`);
      return;
    }
    const target = choice.candidate;
    const label = `${target.name}${target.year ? ` (${target.year})` : ""}`;
    if (this.settings.dryRun) {
      await this.record(
        c,
        "would_fix",
        before,
        `would match to ${label} [${target.guid}] by ${choice.reason}`,
        "dry_run",
        [target],
      );
      this.stats.wouldFix++;
      this.deps.reporter.log("info", `Would match: ${title} → ${label} (${choice.reason})`);
      return;
    }
    const how = await this.sendAndWait(item, () =>
      this.deps.plex.match(
        key,
        { guid: target.guid, name: target.name, year: target.year },
        { signal: this.signal },
      ),
    );
    const after = await this.verify(key);
    if (!after) throw new PlexNotFoundError({ url: `/library/metadata/${key}` } as never);
    const afterDetection = detectProblems(after);
    const verdict = verdictAfterFix(before, afterDetection);
    const matched = !afterDetection.problems.includes("unmatched");
    if (matched) this.stats.matched++;
    const note = matched
      ? `matched to ${label} by ${choice.reason}; ${verdict.note}`
      : `match to ${label} did not take${how === "timeout" ? " (Plex did not report completion in time)" : ""}`;
    const state = matched ? verdict.state : "failed";
    await this.record({ ...c, item: after }, state, afterDetection, note, "match", [target]);
    this.count(state);
    this.deps.reporter.log(
      state === "fixed" ? "info" : "warn",
      `${matched ? "Matched" : "Match failed"}: ${title} — ${note}`,
    );
    if (matched && item.type === "show") await this.recheckChildren(key);
  }

  /** A show was just matched: its seasons and episodes skipped earlier are checked again. */
  private async recheckChildren(showKey: string): Promise<void> {
    const waiting = this.waitingForShow.get(showKey);
    this.waitingForShow.delete(showKey);
    if (!waiting?.length || !this.enqueue) return;
    const items = await this.gate.call(
      () =>
        this.deps.plex.metadata(
          waiting.map((c) => c.item.ratingKey),
          { signal: this.signal },
        ),
      this.signal,
    );
    const section = waiting[0]!.section;
    const known = await this.deps.store.knownStates(items.map((i) => i.ratingKey));
    this.stats.skipped -= waiting.length;
    if (this.total !== null) this.total += items.length;
    for (const item of items) {
      const c: Collected = { item, section, origin: "window" };
      const detection = detectProblems(item);
      if (await this.decide(c, detection, known.get(item.ratingKey))) {
        this.done++;
      } else {
        this.stats.broken++;
        this.enqueue({ c, detection });
      }
    }
  }

  /** ID in the path first (exact), then title and year with the section's agent and language. */
  private async chooseMatch(item: PlexItem, section: PlexSection): Promise<MatchChoice> {
    const ask = (title: string, year?: number) =>
      this.gate.call(
        () =>
          this.deps.plex.matches(item.ratingKey, {
            title,
            year,
            agent: section.agent,
            language: section.language,
            signal: this.signal,
          }),
        this.signal,
      );
    const id = externalIdFromPaths([...item.files, ...item.locations]);
    if (id) {
      const byId = chooseById(id, await ask(idLookupTitle(id)));
      if (byId.decision !== "none") return byId;
    }
    // Unmatched items often carry a raw file name as their title: search for the clean part.
    const wanted = searchTitle(item.title);
    const year = item.year ?? wanted.year;
    return chooseByTitle({ title: wanted.title, year }, await ask(wanted.title, year));
  }

  /** Sends a refresh or match and waits until Plex reports it done (or the item times out). */
  private async sendAndWait(before: PlexItem, send: () => Promise<void>): Promise<Completion> {
    const tracker = this.tracker!;
    const waiter = tracker.expect(before.ratingKey, before, () => this.gate.call(send, this.signal));
    await this.pacer.wait(this.signal);
    await this.gate.call(send, this.signal);
    const how = await waiter.wait(this.settings.itemTimeoutSeconds * 1000, this.signal);
    if (how === "event") this.stats.completedByEvent++;
    else if (how === "poll") this.stats.completedByPoll++;
    else this.stats.timeouts++;
    return how;
  }

  private verify(ratingKey: string): Promise<PlexItem | undefined> {
    return this.gate.call(() => this.verifier.get(ratingKey), this.signal);
  }

  private count(state: ItemState): void {
    if (state === "fixed") this.stats.fixed++;
    else if (state === "failed") this.stats.failed++;
    else if (state === "locked") this.stats.locked++;
  }

  private record(
    c: Collected,
    state: ItemState,
    d: Detection,
    note: string,
    action: ItemAction,
    candidates: Candidate[] | null,
  ): Promise<void> {
    const { item, section } = c;
    return this.deps.store.record({
      ratingKey: item.ratingKey,
      sectionId: section.id,
      library: section.title,
      type: item.type,
      title: displayTitle(item),
      year: item.year ?? null,
      parentRatingKey: item.parentRatingKey ?? null,
      state,
      problems: d.problems,
      note,
      candidates,
      action,
      at: this.now(),
    });
  }

  private emitProgress(phase: ScanProgress["phase"], force = false): void {
    const t = this.now();
    if (!force && t - this.lastProgressAt < 200) return;
    this.lastProgressAt = t;
    this.deps.reporter.progress({ phase, done: this.done, total: this.total, current: this.current });
  }
}

function messageOf(error: unknown): string {
  return error instanceof Error ? error.message : String(error);
}
