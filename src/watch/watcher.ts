// Watch mode: `psr serve` listens on Plex's notification websocket for items a library scan
// adds, waits until Plex has finished them (plus a settle time), and checks and repairs them
// with the scan's own rules. The decisions are in decide.ts; this class wires the socket,
// the clock, the database and Plex together.
import { type AppSettings, type ScanSettings, scanSettingsOf } from "../config/settings.js";
import type { WatchStatus, WatchToday } from "../contracts/watch.js";
import { errorMessage } from "../error-message.js";
import {
  PlexAuthError,
  type PlexClient,
  type PlexItem,
  type PlexNotificationListener,
  type PlexNotificationListenerOptions,
  type PlexSection,
} from "../plex/index.js";
import { sectionScanEvents, timelineItems } from "../plex/notifications.js";
import { selectSections } from "../scan/collect.js";
import { CompletionTracker } from "../scan/completion.js";
import { knownBatch } from "../scan/known.js";
import { isAbort, sleep } from "../scan/limits.js";
import { PlexGate, PlexOutageError } from "../scan/plex-gate.js";
import type { ScanStore } from "../scan/store.js";
import { displayTitle } from "../scan/title.js";
import { type CheckResult, checkItem, watchPipeline } from "./check.js";
import { filteredCompletions, RepeatFilter } from "./completion-feed.js";
import {
  CheckQueue,
  catchUpPlan,
  catchUpSince,
  classifyEntry,
  DEFAULT_TRACKER_OPTIONS,
  type DueGroup,
  dayOf,
  nextMark,
  type TrackerOptions,
  WatchTracker,
} from "./decide.js";
import type { RecentWrites } from "./echo.js";

const MARK_KEY = "watch.mark";
const TODAY_KEY = "watch.today";
/** Items a catch-up checks at most; older ones are left to the daily scan. */
const CATCH_UP_MAX = 500;
const WATCHED = new Set(["movie", "show", "episode"]);

export interface WatcherDeps {
  /** Throws when Plex is not configured (no token): the watcher then stays "unconfigured". */
  plex: () => PlexClient;
  loadSettings: () => Promise<AppSettings>;
  /** Records results (with the source `watch`). */
  store: ScanStore;
  state: { read<T>(key: string): Promise<T | undefined>; write(key: string, value: unknown): Promise<void> };
  /** True while a scan (of any process) runs: the watcher's repairs wait for it. */
  scanRunning: () => Promise<boolean>;
  writes: RecentWrites;
  log: (level: "info" | "warn" | "error", message: string) => void;
  now?: () => number;
  /** Tuning for tests: reconnect delays and the like. */
  listener?: Partial<Omit<PlexNotificationListenerOptions, "baseUrl" | "token">>;
  tracker?: Partial<TrackerOptions>;
  /** How often a waiting repair looks again whether the scan has finished; default 5 s. */
  scanWaitPollMs?: number;
  /** How often the catch-up mark is saved while connected; default 30 s. */
  markEveryMs?: number;
  /** Groups waiting for their check at most; default 500. */
  maxQueue?: number;
}

export interface WatchSnapshot {
  connected: boolean;
  queueDepth: number;
  events: Record<string, number>;
}

export class Watcher {
  private readonly now: () => number;
  private readonly tracker: WatchTracker;
  private readonly noDoneMs: number;
  private readonly queue: CheckQueue;
  private readonly events: Record<string, number> = {};
  private settings: AppSettings | undefined;
  private listener: PlexNotificationListener | undefined;
  private completion: CompletionTracker | undefined;
  private client: PlexClient | undefined;
  private unconfigured = false;
  private sections: Map<string, PlexSection> | undefined;
  private sectionsLoading: Promise<void> | undefined;
  private readonly plexScanning = new Set<string>();
  private lastAddedAt: number | null = null;
  private waitingForScan = false;
  private inFlight: DueGroup | undefined;
  private today: WatchToday;
  private dueTimer: NodeJS.Timeout | undefined;
  private markTimer: NodeJS.Timeout | undefined;
  private pumping: Promise<void> | undefined;
  private abort = new AbortController();
  private stopped = false;
  private retryTimer: NodeJS.Timeout | undefined;
  private readonly repeats: RepeatFilter;
  /** Items this watcher checked, and when: a catch-up passes over those checked since they were added. */
  private readonly checkedAt = new Map<string, number>();
  private detachFeed: (() => void) | undefined;

  constructor(private readonly deps: WatcherDeps) {
    this.now = deps.now ?? Date.now;
    const tracking = { ...DEFAULT_TRACKER_OPTIONS, ...deps.tracker };
    this.noDoneMs = tracking.noDoneMs;
    this.tracker = new WatchTracker(tracking);
    this.queue = new CheckQueue(deps.maxQueue ?? 500);
    this.repeats = new RepeatFilter(this.now);
    this.today = { day: dayOf(this.now()), checked: 0, fixed: 0, failed: 0 };
  }

  /** Loads today's figures and the settings, and connects when watch mode is on. */
  async start(): Promise<void> {
    const saved = await this.deps.state.read<WatchToday>(TODAY_KEY);
    if (saved && saved.day === this.today.day) this.today = { ...this.today, ...saved };
    await this.reload();
  }

  /** Applies changed settings at once: on/off and the settle time, no restart needed. */
  async reload(): Promise<void> {
    if (this.stopped) return;
    this.settings = await this.deps.loadSettings();
    const { enabled, settleSeconds } = this.settings.watch;
    this.tracker.setSettleMs(settleSeconds * 1000);
    this.sections = undefined; // the chosen libraries may have changed
    if (enabled) this.connect();
    else await this.disconnect();
    this.schedule();
  }

  /** The Plex connection changed (URL or token saved in the browser): connect anew. */
  async restart(): Promise<void> {
    await this.disconnect();
    this.client = undefined;
    await this.reload();
  }

  async stop(): Promise<void> {
    this.stopped = true;
    this.abort.abort(new DOMException("The server is shutting down", "AbortError"));
    clearTimeout(this.dueTimer);
    clearTimeout(this.retryTimer);
    await this.disconnect();
    await this.pumping?.catch(() => {});
  }

  snapshot(): WatchSnapshot {
    return {
      connected: this.listener?.connected ?? false,
      queueDepth: this.depth(),
      events: { ...this.events },
    };
  }

  status(): WatchStatus {
    const enabled = this.settings?.watch.enabled ?? true;
    const connected = this.listener?.connected ?? false;
    const state = !enabled
      ? "off"
      : this.unconfigured
        ? "unconfigured"
        : connected
          ? "connected"
          : this.events.disconnects
            ? "disconnected"
            : "connecting";
    this.rollDay();
    return {
      enabled,
      state,
      connected,
      settleSeconds: this.settings?.watch.settleSeconds ?? 10,
      queueDepth: this.depth(),
      lastAddedAt: this.lastAddedAt,
      plexScanning: this.plexScanning.size > 0,
      waitingForScan: this.waitingForScan,
      today: { ...this.today },
    };
  }

  // -------------------------------------------------------------------------------------------

  private count(name: string, n = 1): void {
    this.events[name] = (this.events[name] ?? 0) + n;
  }

  private depth(): number {
    return this.tracker.size + this.queue.size + (this.inFlight ? 1 : 0);
  }

  private connect(): void {
    if (this.listener) return;
    try {
      this.client ??= this.deps.plex();
    } catch (error) {
      this.unconfigured = true;
      this.deps.log("warn", `Watch mode is waiting for a Plex connection: ${errorMessage(error)}`);
      return;
    }
    this.unconfigured = false;
    const client = this.client;
    const listener = client.notifications(this.deps.listener);
    this.listener = listener;
    // The watcher reads each frame first, so the completion feed knows which items repeat "done".
    listener.on("notification", (frame) => this.onFrame(frame));
    const { feed, detach } = filteredCompletions(listener, this.repeats);
    this.detachFeed = detach;
    this.completion = new CompletionTracker(feed, (keys) =>
      client.metadata(keys, { signal: this.abort.signal }),
    );
    listener.on("open", () => {
      this.count("connects");
      void this.catchUp();
      this.startMarks();
    });
    listener.on("close", () => {
      this.count("disconnects");
      this.plexScanning.clear();
      clearInterval(this.markTimer);
    });
    listener.on("error", (error) => {
      if (error instanceof PlexAuthError) this.deps.log("error", `Watch mode stopped: ${error.message}`);
    });
    // A frame that is not JSON, too large or broken is skipped like one we cannot read. An
    // oversized one costs the connection (the listener reconnects): said once per connect, as a
    // server that sends one tends to send it again.
    let oversizeLogged = false;
    listener.on("malformed", (reason) => {
      this.count("malformed");
      if (reason !== "too_large" || oversizeLogged) return;
      oversizeLogged = true;
      this.deps.log(
        "warn",
        "Watch: Plex sent a notification over the size limit; it was skipped and the connection reopened",
      );
    });
    listener.start();
  }

  private async disconnect(): Promise<void> {
    clearInterval(this.markTimer);
    const listener = this.listener;
    this.listener = undefined;
    this.completion?.close();
    this.completion = undefined;
    this.detachFeed?.();
    this.detachFeed = undefined;
    await listener?.close();
  }

  /** Every frame goes through here; nothing in a frame can stop the watcher. */
  private onFrame(frame: unknown): void {
    try {
      if (frame === null || typeof frame !== "object" || Array.isArray(frame)) {
        this.count("malformed");
        return;
      }
      for (const scan of sectionScanEvents(frame)) {
        const key = scan.sectionId ?? "?";
        if (scan.event === "ended") this.plexScanning.delete(key);
        else this.plexScanning.add(key);
      }
      const now = this.now();
      const scanned = (id: string) => this.sections === undefined || this.sections.has(id);
      for (const entry of timelineItems(frame)) {
        const verdict = classifyEntry(entry, scanned);
        if ("ignored" in verdict) {
          if (verdict.ignored !== "processing") this.count("ignored");
          continue;
        }
        if (verdict.kind === "done") this.repeats.sawDone(verdict.ratingKey);
        if (verdict.kind === "created") {
          // The app's own refresh or match, not an item Plex added.
          if (this.deps.writes.has(verdict.ratingKey)) {
            this.count("echo");
            continue;
          }
          this.lastAddedAt = now;
        }
        for (const outcome of this.tracker.onEntry(verdict, now)) {
          // "created" and "done" when they start or settle an item; otherwise what became of them.
          this.count(outcome === "tracked" ? "created" : outcome === "settling" ? "done" : outcome);
        }
      }
      if (this.sections === undefined) void this.loadSections();
      this.schedule();
    } catch {
      this.count("malformed");
    }
  }

  private schedule(): void {
    clearTimeout(this.dueTimer);
    this.dueTimer = undefined;
    if (this.stopped) return;
    const next = this.tracker.nextDueAt();
    if (next === undefined) return;
    this.dueTimer = setTimeout(() => this.tick(), Math.max(0, next - this.now()));
    this.dueTimer.unref?.();
  }

  private tick(): void {
    for (const group of this.tracker.takeDue(this.now())) this.enqueue(group);
    this.schedule();
  }

  private enqueue(group: DueGroup): void {
    const result = this.queue.push(group);
    if (result === "dropped") this.count("dropped");
    if (result === "merged") this.count("repeat");
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
    const signal = this.abort.signal;
    for (let group = this.queue.shift(); group; group = this.queue.shift()) {
      this.inFlight = group;
      try {
        await this.waitForScans(signal);
        await this.checkGroup(group, signal);
      } catch (error) {
        if (isAbort(error, signal)) return;
        if (error instanceof PlexOutageError || error instanceof PlexAuthError) {
          // Not the items' fault: they wait for Plex and are checked again later.
          this.queue.push(group);
          this.deps.log("warn", `Watch: ${errorMessage(error)}; trying again in a minute`);
          this.retryTimer = setTimeout(() => {
            this.retryTimer = undefined;
            this.pump();
          }, 60_000);
          this.retryTimer.unref?.();
          return;
        }
        this.count("errors");
        this.deps.log("error", `Watch: checking new items failed: ${errorMessage(error)}`);
      } finally {
        this.inFlight = undefined;
      }
    }
  }

  /** A scan and the watcher never put work on Plex together: repairs wait while a scan runs. */
  private async waitForScans(signal: AbortSignal): Promise<void> {
    try {
      while (await this.deps.scanRunning()) {
        this.waitingForScan = true;
        await sleep(this.deps.scanWaitPollMs ?? 5000, signal);
      }
    } finally {
      this.waitingForScan = false;
    }
  }

  private async loadSections(): Promise<void> {
    this.sectionsLoading ??= (async () => {
      try {
        const client = this.client;
        const settings = this.settings;
        if (!client || !settings) return;
        const all = await client.sections({ signal: this.abort.signal });
        const chosen = selectSections(all, settings.libraries, settings.includePersonal);
        this.sections = new Map(chosen.map((s) => [s.id, s]));
      } catch (error) {
        if (!this.abort.signal.aborted)
          this.deps.log("warn", `Watch: could not list the libraries: ${errorMessage(error)}`);
      } finally {
        this.sectionsLoading = undefined;
      }
    })();
    return this.sectionsLoading;
  }

  private scanSettings(): ScanSettings {
    return scanSettingsOf(this.settings as AppSettings);
  }

  private async checkGroup(group: DueGroup, signal: AbortSignal): Promise<void> {
    const client = this.client;
    const completion = this.completion;
    if (!client || !completion || !this.settings) return;
    if (!this.sections) await this.loadSections();
    const sections = this.sections;
    if (!sections) throw new PlexOutageError(0, new Error("the libraries could not be listed"));
    const settings = this.scanSettings();
    const gate = new PlexGate(
      (s) => client.identity({ signal: s }),
      settings.outageWaitSeconds * 1000,
      (message) => this.deps.log("warn", `Watch: ${message}`),
    );
    const items = await gate.call(() => client.metadata(group.ratingKeys, { signal }), signal);
    // Only what a scan of the chosen libraries would look at (the frame's section may lie).
    const wanted = items.filter(
      (i) => WATCHED.has(i.type) && i.librarySectionId !== undefined && sections.has(i.librarySectionId),
    );
    this.count("ignored", items.length - wanted.length);
    const known = await knownBatch(this.deps.store, wanted);
    const pipeline = watchPipeline({
      plex: client,
      store: this.deps.store,
      tracker: completion,
      gate,
      settings,
      signal,
      now: this.now,
      log: this.deps.log,
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
    this.rollDay();
    const t = this.now();
    this.checkedAt.set(item.ratingKey, t);
    if (this.checkedAt.size > 10_000)
      for (const [k, at] of this.checkedAt) if (t - at > 86_400_000) this.checkedAt.delete(k);
    this.count("checked");
    this.count(result);
    this.today.checked++;
    if (result === "fixed") {
      this.today.fixed++;
      const seconds = ((this.now() - group.createdAt) / 1000).toFixed(1);
      this.deps.log("info", `Watch: ${displayTitle(item)} verified fixed ${seconds} s after Plex added it`);
    } else if (result === "failed" || result === "error") {
      this.today.failed++;
    }
  }

  private rollDay(): void {
    const day = dayOf(this.now());
    if (day !== this.today.day) this.today = { day, checked: 0, fixed: 0, failed: 0 };
  }

  // ---- catch-up ------------------------------------------------------------------------------

  /** Items added while the watcher was away (a reconnect or a restart), by addedAt. */
  private async catchUp(): Promise<void> {
    const signal = this.abort.signal;
    try {
      const stored = await this.deps.state.read<number>(MARK_KEY);
      const since = catchUpSince(stored);
      if (since === undefined) {
        // First start: older items are the daily scan's; from now on nothing is missed.
        await this.saveMark(undefined);
        return;
      }
      await this.loadSections();
      const client = this.client;
      const sections = this.sections;
      const settings = this.settings;
      if (!client || !sections || !settings) return;
      const found: PlexItem[] = [];
      for (const section of sections.values()) {
        const types = section.type === "movie" ? [1] : settings.includeChildren ? [2, 4] : [2];
        for (const type of types) {
          for await (const page of client.listSection(section.id, {
            type,
            sort: "addedAt:desc",
            addedSince: since,
            pageSize: 100,
            signal,
          })) {
            found.push(...page);
            if (found.length >= CATCH_UP_MAX) break;
          }
        }
      }
      const missed = found
        .slice(0, CATCH_UP_MAX)
        .filter((i) => (this.checkedAt.get(i.ratingKey) ?? 0) < (i.addedAt ?? since) * 1000);
      const now = this.now();
      const plan = catchUpPlan(
        missed.map((i) => ({
          ratingKey: i.ratingKey,
          type: i.type,
          sectionId: i.librarySectionId ?? "",
          addedAt: (i.addedAt ?? since) * 1000,
          showKey: i.grandparentRatingKey,
        })),
        now,
        this.noDoneMs,
      );
      if (missed.length > 0) {
        this.count("caught_up", missed.length);
        this.deps.log("info", `Watch: checking ${missed.length} item(s) added while not listening`);
      }
      for (const { entry, createdAt } of plan.track) this.tracker.onEntry(entry, createdAt);
      for (const g of plan.check) this.enqueue(g);
      this.schedule();
    } catch (error) {
      if (!signal.aborted) this.deps.log("warn", `Watch: catch-up failed: ${errorMessage(error)}`);
    }
  }

  private startMarks(): void {
    clearInterval(this.markTimer);
    this.markTimer = setInterval(() => {
      void this.deps.state
        .read<number>(MARK_KEY)
        .then((stored) => this.saveMark(stored))
        .catch(() => {});
    }, this.deps.markEveryMs ?? 30_000);
    this.markTimer.unref?.();
  }

  /** Moves the catch-up mark up to now, but never past an item that still waits. */
  private async saveMark(stored: number | undefined): Promise<void> {
    if (!this.listener?.connected) return;
    const waiting = [this.tracker.oldestCreatedAt(), this.queue.oldestCreatedAt(), this.inFlight?.createdAt]
      .filter((v): v is number => v !== undefined)
      .reduce<number | undefined>((a, b) => (a === undefined ? b : Math.min(a, b)), undefined);
    const mark = nextMark(stored, this.now(), waiting);
    if (mark !== stored) await this.deps.state.write(MARK_KEY, mark);
  }
}
