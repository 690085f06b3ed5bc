/**
 * The background worker queue behind PUT …/refresh and PUT …/match. PMS answers those at
 * once and does the work later; here a bounded pool of workers takes jobs in order, each
 * lasting a seeded random time, and reports progress on the notification websocket the way
 * PMS does (REFERENCE §4.3–4.5). The item is updated before the final events are sent.
 */
import { randomUUID } from "node:crypto";
import { type Item, TYPE_NUMBER, type Work } from "./model.js";
import { applyMatch, applyRefresh } from "./mutations.js";
import type { NotificationHub } from "./notifications.js";
import type { Rng } from "./random.js";
import type { Store } from "./store.js";

export interface QueueOptions {
  workers: number;
  minMs: number;
  maxMs: number;
  maxQueue: number;
}

interface Job {
  rk: number;
  kind: "refresh" | "match";
  work?: Work;
  uuid: string;
  progress: number;
  started: boolean;
}

export type EnqueueResult = "queued" | "deduplicated" | "full";

const nowSeconds = (): number => Math.floor(Date.now() / 1000);

export class RefreshQueue {
  private readonly pending: Job[] = [];
  private readonly queuedByRk = new Map<number, Job>();
  private readonly active = new Set<Job>();
  private readonly timers = new Set<NodeJS.Timeout>();
  private waiters: (() => void)[] = [];
  private closed = false;
  /** Work done so far: jobs started and their total processing time (for benchmarks). */
  readonly work = { jobs: 0, processingMs: 0 };

  constructor(
    private readonly store: Store,
    private readonly hub: NotificationHub,
    private readonly rng: Rng,
    private readonly opts: QueueOptions,
  ) {}

  enqueue(item: Item, kind: "refresh" | "match", work?: Work): EnqueueResult {
    const queued = this.queuedByRk.get(item.rk);
    if (queued) {
      // Same item already waiting: PMS coalesces; a match supersedes a waiting refresh.
      if (kind === "match") {
        queued.kind = "match";
        queued.work = work;
      }
      return "deduplicated";
    }
    if (this.pending.length >= this.opts.maxQueue) return "full";
    const job: Job = { rk: item.rk, kind, uuid: randomUUID(), progress: 0, started: false };
    if (work) job.work = work;
    this.pending.push(job);
    this.queuedByRk.set(item.rk, job);
    this.timeline(item, 5, "queued");
    this.pump();
    return "queued";
  }

  get size(): number {
    return this.pending.length + this.active.size;
  }

  /** Activities currently running (GET /activities). */
  activities(): { uuid: string; progress: number; rk: number; title: string }[] {
    return [...this.active].map((j) => ({
      uuid: j.uuid,
      progress: j.progress,
      rk: j.rk,
      title: this.store.get(j.rk)?.title ?? "",
    }));
  }

  idle(): Promise<void> {
    if (this.size === 0) return Promise.resolve();
    return new Promise((resolve) => this.waiters.push(resolve));
  }

  close(): void {
    this.closed = true;
    for (const t of this.timers) clearTimeout(t);
    this.timers.clear();
    this.pending.length = 0;
    this.queuedByRk.clear();
    this.active.clear();
    this.settle();
  }

  private later(ms: number, fn: () => void): void {
    const t = setTimeout(() => {
      this.timers.delete(t);
      if (!this.closed) fn();
    }, ms);
    this.timers.add(t);
  }

  private settle(): void {
    if (this.size !== 0) return;
    const waiters = this.waiters;
    this.waiters = [];
    for (const w of waiters) w();
  }

  private pump(): void {
    while (!this.closed && this.active.size < this.opts.workers && this.pending.length > 0) {
      const job = this.pending.shift() as Job;
      this.queuedByRk.delete(job.rk);
      this.start(job);
    }
    this.settle();
  }

  private start(job: Job): void {
    const item = this.store.get(job.rk);
    if (!item) {
      this.pump();
      return;
    }
    job.started = true;
    this.active.add(job);
    const span = Math.max(0, this.opts.maxMs - this.opts.minMs);
    const duration = this.opts.minMs + this.rng.next() * span;
    this.work.jobs++;
    this.work.processingMs += duration;
    this.activity("started", job, item, "Checking files");
    this.timeline(item, 4, "processing");
    this.noise(item);
    this.later(duration / 2, () => {
      job.progress = 50;
      this.activity("updated", job, item, job.kind === "match" ? "Matching" : "Downloading metadata");
    });
    this.later(duration, () => this.finish(job, item));
  }

  private finish(job: Job, item: Item): void {
    const now = nowSeconds();
    const touched =
      job.kind === "match" && job.work
        ? applyMatch(this.store, item, job.work, now)
        : applyRefresh(this.store, item, now);
    // Children first (types 3/4 with parent/root ids), then the item itself: "done".
    const children = touched.filter((i) => i !== item).map((i) => this.entry(i, 5));
    if (children.length > 0) this.hub.publish("timeline", children);
    this.hub.publish("timeline", [this.entry(item, 5)]);
    job.progress = 100;
    this.activity("ended", job, item, "Done");
    this.active.delete(job);
    this.pump();
  }

  private entry(item: Item, state: number, metadataState?: string): Record<string, unknown> {
    const e: Record<string, unknown> = {
      identifier: "com.plexapp.plugins.library",
      sectionID: String(item.sectionId),
      itemID: String(item.rk),
    };
    const parent = this.store.parent(item);
    if (parent) {
      e.parentItemID = String(parent.rk);
      e.rootItemID = String(this.store.root(item).rk);
    }
    e.type = TYPE_NUMBER[item.type];
    e.title = item.title;
    e.state = state;
    if (metadataState) e.metadataState = metadataState;
    e.updatedAt = item.updatedAt;
    return e;
  }

  private timeline(item: Item, state: number, metadataState: string): void {
    this.hub.publish("timeline", [this.entry(item, state, metadataState)]);
  }

  private activity(event: "started" | "updated" | "ended", job: Job, item: Item, subtitle: string): void {
    this.hub.publish("activity", [
      {
        event,
        uuid: job.uuid,
        Activity: {
          uuid: job.uuid,
          type: "library.refresh.items",
          cancellable: false,
          userID: 1,
          title: "Refreshing",
          subtitle: event === "ended" ? item.title : subtitle,
          progress: job.progress,
          Context: { key: `/library/metadata/${item.rk}`, librarySectionID: String(item.sectionId) },
        },
      },
    ]);
  }

  /** Unrelated traffic a real server also sends, so clients must filter what they read. */
  private noise(item: Item): void {
    const r = this.rng.next();
    if (r < 0.1) {
      const section = this.store.section(item.sectionId);
      this.hub.publish("status", [
        {
          title: "Library scan complete",
          description: `Scanning the "${section?.title ?? "Library"}" section`,
          notificationName: "LIBRARY_UPDATE",
        },
      ]);
    } else if (r < 0.2) {
      this.hub.publish("progress", [{ message: `Scanning ${item.title}` }]);
    } else if (r < 0.3) {
      // Plex Web opening some other item creates a short refresh activity on its children.
      // Pick an item nobody is waiting on, so the noise never fakes a real completion.
      const busy = new Set([...this.active].map((j) => j.rk));
      const other = this.store.get(1 + Math.floor(this.rng.next() * (this.store.lib.items.length - 1)));
      if (!other || busy.has(other.rk) || this.queuedByRk.has(other.rk)) return;
      const uuid = randomUUID();
      const activity = (event: string, progress: number) => ({
        event,
        uuid,
        Activity: {
          uuid,
          type: "library.refresh.items",
          cancellable: false,
          userID: 1,
          title: "Refreshing",
          subtitle: "Checking files",
          progress,
          Context: { key: `/library/metadata/${other.rk}/children`, refreshed: false },
        },
      });
      this.hub.publish("activity", [activity("started", 0)]);
      this.hub.publish("activity", [activity("ended", 100)]);
    }
  }
}
