// Watch mode's worker: the queue of item groups due for their check, one group at a time,
// waiting while a scan runs, and trying a group again a minute later when Plex is away or
// refuses the token. Each item goes through the same pipeline as a scan's.
import type { AppSettings } from "../config/settings.js";
import { scanSettingsOf } from "../config/settings.js";
import type { WatchToday } from "../contracts/watch.js";
import { errorMessage } from "../error-message.js";
import type { PlexClient, PlexItem, PlexSection } from "../plex/index.js";
import type { CompletionTracker } from "../scan/completion.js";
import { knownBatch } from "../scan/known.js";
import { isAbort, sleep } from "../scan/limits.js";
import { isFatalPlexError, PlexGate } from "../scan/plex-gate.js";
import type { ScanStore } from "../scan/store.js";
import { displayTitle } from "../scan/title.js";
import { type CheckResult, checkItem, watchPipeline } from "./check.js";
import { countCheck, restoredDay, todayAt } from "./daily-count.js";
import { CheckQueue, type DueGroup } from "./decide.js";

const TODAY_KEY = "watch.today";
const WATCHED = new Set(["movie", "show", "episode"]);
/** A group Plex could not take is tried again after this long. */
const RETRY_MS = 60_000;

type Log = (level: "info" | "warn" | "error", message: string) => void;

/** What a check needs from the connection; undefined while there is none. */
export interface CheckTarget {
  client: PlexClient;
  completion: CompletionTracker;
  settings: AppSettings;
  /** The chosen libraries; throws when they cannot be listed (the group is tried again). */
  sections: () => Promise<Map<string, PlexSection>>;
}

export interface WorkerDeps {
  store: ScanStore;
  state: { read<T>(key: string): Promise<T | undefined>; write(key: string, value: unknown): Promise<void> };
  scanRunning: () => Promise<boolean>;
  log: Log;
  now: () => number;
  signal: AbortSignal;
  target: () => CheckTarget | undefined;
  count: (name: string, n?: number) => void;
  scanWaitPollMs?: number | undefined;
  maxQueue?: number | undefined;
}

export class WatchWorker {
  private readonly queue: CheckQueue;
  private inFlight: DueGroup | undefined;
  private pumping: Promise<void> | undefined;
  private retryTimer: NodeJS.Timeout | undefined;
  private stopped = false;
  private today: WatchToday;
  waitingForScan = false;
  /** Items checked, and when: a catch-up passes over those checked since they were added. */
  private readonly checkedAt = new Map<string, number>();

  constructor(private readonly deps: WorkerDeps) {
    this.queue = new CheckQueue(deps.maxQueue ?? 500);
    this.today = restoredDay(undefined, deps.now());
  }

  /** Today's figures from before a restart. */
  async restore(): Promise<void> {
    this.today = restoredDay(await this.deps.state.read<WatchToday>(TODAY_KEY), this.deps.now());
  }

  async stop(): Promise<void> {
    this.stopped = true;
    clearTimeout(this.retryTimer);
    await this.pumping?.catch(() => {});
  }

  get depth(): number {
    return this.queue.size + (this.inFlight ? 1 : 0);
  }

  /** When the oldest group waiting here was created. */
  oldestCreatedAt(): number | undefined {
    const times = [this.queue.oldestCreatedAt(), this.inFlight?.createdAt].filter((v) => v !== undefined);
    return times.length > 0 ? Math.min(...times) : undefined;
  }

  checkedSince(ratingKey: string): number {
    return this.checkedAt.get(ratingKey) ?? 0;
  }

  todayFigures(): WatchToday {
    return { ...todayAt(this.today, this.deps.now()) };
  }

  enqueue(group: DueGroup): void {
    const result = this.queue.push(group);
    if (result === "dropped") this.deps.count("dropped");
    if (result === "merged") this.deps.count("repeat");
    this.pump();
  }

  private pump(): void {
    if (this.pumping || this.stopped) return;
    this.pumping = this.work().finally(() => {
      this.pumping = undefined;
      // Work that arrived while the last group finished.
      if (this.queue.size > 0 && !this.stopped && !this.retryTimer) this.pump();
    });
  }

  private async work(): Promise<void> {
    const { signal, log } = this.deps;
    for (let group = this.queue.shift(); group; group = this.queue.shift()) {
      this.inFlight = group;
      try {
        await this.waitForScans();
        await this.checkGroup(group);
      } catch (error) {
        if (isAbort(error, signal)) return;
        if (isFatalPlexError(error)) {
          // Not the items' fault: they wait for Plex and are checked again later.
          this.queue.push(group);
          log("warn", `Watch: ${errorMessage(error)}; trying again in a minute`);
          this.retryTimer = setTimeout(() => {
            this.retryTimer = undefined;
            this.pump();
          }, RETRY_MS);
          this.retryTimer.unref?.();
          return;
        }
        this.deps.count("errors");
        log("error", `Watch: checking new items failed: ${errorMessage(error)}`);
      } finally {
        this.inFlight = undefined;
      }
    }
  }

  /** A scan and the watcher never put work on Plex together: repairs wait while a scan runs. */
  private async waitForScans(): Promise<void> {
    try {
      while (await this.deps.scanRunning()) {
        this.waitingForScan = true;
        await sleep(this.deps.scanWaitPollMs ?? 5000, this.deps.signal);
      }
    } finally {
      this.waitingForScan = false;
    }
  }

  private async checkGroup(group: DueGroup): Promise<void> {
    const target = this.deps.target();
    if (!target) return;
    const { client, settings: app } = target;
    const { signal, log, store } = this.deps;
    const sections = await target.sections();
    const settings = scanSettingsOf(app);
    const gate = new PlexGate(
      (s) => client.identity({ signal: s }),
      settings.outageWaitSeconds * 1000,
      (message) => log("warn", `Watch: ${message}`),
    );
    const items = await gate.call(() => client.metadata(group.ratingKeys, { signal }), signal);
    // Only what a scan of the chosen libraries would look at (the frame's section may lie).
    const wanted = items.filter(
      (i) => WATCHED.has(i.type) && i.librarySectionId !== undefined && sections.has(i.librarySectionId),
    );
    this.deps.count("ignored", items.length - wanted.length);
    const known = await knownBatch(store, wanted);
    const pipeline = watchPipeline({
      plex: client,
      store,
      tracker: target.completion,
      gate,
      settings,
      signal,
      now: this.deps.now,
      log,
    });
    for (const item of wanted) {
      const section = sections.get(item.librarySectionId as string) as PlexSection;
      const result = await checkItem(
        pipeline,
        settings,
        item,
        section,
        known.prior(item),
        known.showIgnored(item),
      );
      this.tally(result, item, group);
    }
    await this.deps.state.write(TODAY_KEY, this.today).catch(() => {});
  }

  private tally(result: CheckResult, item: PlexItem, group: DueGroup): void {
    const t = this.deps.now();
    this.checkedAt.set(item.ratingKey, t);
    if (this.checkedAt.size > 10_000)
      for (const [k, at] of this.checkedAt) if (t - at > 86_400_000) this.checkedAt.delete(k);
    this.deps.count("checked");
    this.deps.count(result);
    this.today = countCheck(this.today, result, t);
    if (result === "fixed") {
      const seconds = ((t - group.createdAt) / 1000).toFixed(1);
      this.deps.log("info", `Watch: ${displayTitle(item)} verified fixed ${seconds} s after Plex added it`);
    }
  }
}
