// Watch mode's connection to Plex: the notification listener, the chosen libraries, which items
// are being added (tracked until Plex is done with them and they have settled), and the
// catch-up mark that lets a reconnect or a restart check what arrived while nobody listened.
// Groups that are due go to the worker.
import type { AppSettings } from "../config/settings.js";
import { errorMessage } from "../error-message.js";
import {
  PlexAuthError,
  type PlexClient,
  type PlexNotificationListener,
  type PlexNotificationListenerOptions,
  type PlexSection,
} from "../plex/index.js";
import { sectionScanEvents, timelineItems } from "../plex/notifications.js";
import { selectSections } from "../scan/collect.js";
import { CompletionTracker } from "../scan/completion.js";
import { PlexOutageError } from "../scan/plex-gate.js";
import { missedItems } from "./catch-up.js";
import { filteredCompletions, RepeatFilter } from "./completion-feed.js";
import {
  catchUpPlan,
  catchUpSince,
  classifyEntry,
  DEFAULT_TRACKER_OPTIONS,
  type DueGroup,
  nextMark,
  type TrackerOptions,
  WatchTracker,
} from "./decide.js";
import type { RecentWrites } from "./echo.js";
import type { CheckTarget } from "./worker.js";

const MARK_KEY = "watch.mark";

export interface ConnectionDeps {
  plex: () => PlexClient;
  state: { read<T>(key: string): Promise<T | undefined>; write(key: string, value: unknown): Promise<void> };
  writes: RecentWrites;
  log: (level: "info" | "warn" | "error", message: string) => void;
  now: () => number;
  signal: AbortSignal;
  count: (name: string, n?: number) => void;
  /** A group is due for its check. */
  due: (group: DueGroup) => void;
  /** The oldest group the worker still holds, and when an item was last checked. */
  worker: { oldestCreatedAt(): number | undefined; checkedSince(ratingKey: string): number };
  listener?: Partial<Omit<PlexNotificationListenerOptions, "baseUrl" | "token">> | undefined;
  tracker?: Partial<TrackerOptions> | undefined;
  markEveryMs?: number | undefined;
}

export class WatchConnection {
  readonly tracker: WatchTracker;
  private readonly noDoneMs: number;
  private readonly repeats: RepeatFilter;
  private settings: AppSettings | undefined;
  private listener: PlexNotificationListener | undefined;
  private completion: CompletionTracker | undefined;
  private client: PlexClient | undefined;
  private detachFeed: (() => void) | undefined;
  unconfigured = false;
  private sections: Map<string, PlexSection> | undefined;
  private sectionsLoading: Promise<void> | undefined;
  readonly plexScanning = new Set<string>();
  lastAddedAt: number | null = null;
  private dueTimer: NodeJS.Timeout | undefined;
  private markTimer: NodeJS.Timeout | undefined;
  private stopped = false;

  constructor(private readonly deps: ConnectionDeps) {
    const tracking = { ...DEFAULT_TRACKER_OPTIONS, ...deps.tracker };
    this.noDoneMs = tracking.noDoneMs;
    this.tracker = new WatchTracker(tracking);
    this.repeats = new RepeatFilter(deps.now);
  }

  get connected(): boolean {
    return this.listener?.connected ?? false;
  }

  /** New settings: the settle time now, the chosen libraries at the next look. */
  configure(settings: AppSettings): void {
    this.settings = settings;
    this.tracker.setSettleMs(settings.watch.settleSeconds * 1000);
    this.sections = undefined;
    this.schedule();
  }

  /** What the worker checks with, while connected. */
  target(): CheckTarget | undefined {
    const { client, completion, settings } = this;
    if (!client || !completion || !settings) return undefined;
    return { client, completion, settings, sections: () => this.chosenSections() };
  }

  connect(): void {
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
      client.metadata(keys, { signal: this.deps.signal }),
    );
    listener.on("open", () => {
      this.deps.count("connects");
      void this.catchUp();
      this.startMarks();
    });
    listener.on("close", () => {
      this.deps.count("disconnects");
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
      this.deps.count("malformed");
      if (reason !== "too_large" || oversizeLogged) return;
      oversizeLogged = true;
      this.deps.log(
        "warn",
        "Watch: Plex sent a notification over the size limit; it was skipped and the connection reopened",
      );
    });
    listener.start();
  }

  async disconnect(): Promise<void> {
    clearInterval(this.markTimer);
    const listener = this.listener;
    this.listener = undefined;
    this.completion?.close();
    this.completion = undefined;
    this.detachFeed?.();
    this.detachFeed = undefined;
    await listener?.close();
  }

  /** The Plex connection changed: the next connect builds a new client. */
  forgetClient(): void {
    this.client = undefined;
  }

  async stop(): Promise<void> {
    this.stopped = true;
    clearTimeout(this.dueTimer);
    await this.disconnect();
  }

  /** Every frame goes through here; nothing in a frame can stop the watcher. */
  private onFrame(frame: unknown): void {
    const { count } = this.deps;
    try {
      if (frame === null || typeof frame !== "object" || Array.isArray(frame)) {
        count("malformed");
        return;
      }
      for (const scan of sectionScanEvents(frame)) {
        const key = scan.sectionId ?? "?";
        if (scan.event === "ended") this.plexScanning.delete(key);
        else this.plexScanning.add(key);
      }
      const now = this.deps.now();
      const scanned = (id: string) => this.sections === undefined || this.sections.has(id);
      for (const entry of timelineItems(frame)) {
        const verdict = classifyEntry(entry, scanned);
        if ("ignored" in verdict) {
          if (verdict.ignored !== "processing") count("ignored");
          continue;
        }
        if (verdict.kind === "done") this.repeats.sawDone(verdict.ratingKey);
        if (verdict.kind === "created") {
          // The app's own refresh or match, not an item Plex added.
          if (this.deps.writes.has(verdict.ratingKey)) {
            count("echo");
            continue;
          }
          this.lastAddedAt = now;
        }
        for (const outcome of this.tracker.onEntry(verdict, now)) {
          // "created" and "done" when they start or settle an item; otherwise what became of them.
          count(outcome === "tracked" ? "created" : outcome === "settling" ? "done" : outcome);
        }
      }
      if (this.sections === undefined) void this.loadSections();
      this.schedule();
    } catch {
      count("malformed");
    }
  }

  private schedule(): void {
    clearTimeout(this.dueTimer);
    this.dueTimer = undefined;
    if (this.stopped) return;
    const next = this.tracker.nextDueAt();
    if (next === undefined) return;
    this.dueTimer = setTimeout(
      () => {
        for (const group of this.tracker.takeDue(this.deps.now())) this.deps.due(group);
        this.schedule();
      },
      Math.max(0, next - this.deps.now()),
    );
    this.dueTimer.unref?.();
  }

  private async chosenSections(): Promise<Map<string, PlexSection>> {
    if (!this.sections) await this.loadSections();
    if (!this.sections) throw new PlexOutageError(0, new Error("the libraries could not be listed"));
    return this.sections;
  }

  private async loadSections(): Promise<void> {
    this.sectionsLoading ??= (async () => {
      try {
        const { client, settings } = this;
        if (!client || !settings) return;
        const all = await client.sections({ signal: this.deps.signal });
        const chosen = selectSections(all, settings.libraries, settings.includePersonal);
        this.sections = new Map(chosen.map((s) => [s.id, s]));
      } catch (error) {
        if (!this.deps.signal.aborted)
          this.deps.log("warn", `Watch: could not list the libraries: ${errorMessage(error)}`);
      } finally {
        this.sectionsLoading = undefined;
      }
    })();
    return this.sectionsLoading;
  }

  /** Items added while the watcher was away (a reconnect or a restart), by addedAt. */
  private async catchUp(): Promise<void> {
    const { signal, log } = this.deps;
    try {
      const since = catchUpSince(await this.deps.state.read<number>(MARK_KEY));
      if (since === undefined) {
        // First start: older items are the daily scan's; from now on nothing is missed.
        await this.saveMark(undefined);
        return;
      }
      await this.loadSections();
      const { client, sections, settings } = this;
      if (!client || !sections || !settings) return;
      const checkedSince = (key: string) => this.deps.worker.checkedSince(key);
      const missed = await missedItems(client, sections.values(), settings, since, checkedSince, signal);
      const plan = catchUpPlan(
        missed.map((i) => ({
          ratingKey: i.ratingKey,
          type: i.type,
          sectionId: i.librarySectionId ?? "",
          addedAt: (i.addedAt ?? since) * 1000,
          showKey: i.grandparentRatingKey,
        })),
        this.deps.now(),
        this.noDoneMs,
      );
      if (missed.length > 0) {
        this.deps.count("caught_up", missed.length);
        log("info", `Watch: checking ${missed.length} item(s) added while not listening`);
      }
      for (const { entry, createdAt } of plan.track) this.tracker.onEntry(entry, createdAt);
      for (const g of plan.check) this.deps.due(g);
      this.schedule();
    } catch (error) {
      if (!signal.aborted) log("warn", `Watch: catch-up failed: ${errorMessage(error)}`);
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
    const waiting = [this.tracker.oldestCreatedAt(), this.deps.worker.oldestCreatedAt()].filter(
      (v): v is number => v !== undefined,
    );
    const mark = nextMark(stored, this.deps.now(), waiting.length > 0 ? Math.min(...waiting) : undefined);
    if (mark !== stored) await this.deps.state.write(MARK_KEY, mark);
  }
}
