// The app-wide live state, fed by ONE EventSource on /api/events (status, log, scheduler) and
// seeded from REST. Components read it through the hooks in ./hooks.ts; no page closes it.
import { isActiveStatus } from "../../../src/contracts/constants";
import type { AppLogEvent, ScanResource, SchedulerStatus, StatusEvent } from "../../../src/contracts/schemas";
import { api, queryString } from "../api/client";
import { appendCapped, LIVE_LOG_CAP } from "../lib/log";
import { type Probe, Reachability } from "./reachability";

export interface LiveState {
  /** The running (or queued) scan, if any. */
  running: ScanResource | null;
  lastFinished: ScanResource | null;
  /** Whether `running`/`lastFinished` are known yet (from REST or an event). */
  statusKnown: boolean;
  scheduler: SchedulerStatus | null;
  /** Live log lines of one job (the running one), capped at LIVE_LOG_CAP. */
  log: { jobId: number | null; lines: string[] };
  connected: boolean;
  /** False while the server cannot be reached (the header and a banner say so). */
  reachable: boolean;
}

const INITIAL: LiveState = {
  running: null,
  lastFinished: null,
  statusKnown: false,
  scheduler: null,
  log: { jobId: null, lines: [] },
  connected: false,
  reachable: true,
};

const RETRY_MS = 15_000;
const POLL_MS = 5_000;

/** A newer status of the same scan never goes back (an event can overtake a REST answer). */
export function isStale(current: ScanResource | null, next: ScanResource | null): boolean {
  if (!current || !next) return false;
  if (next.id !== current.id) return next.id < current.id;
  if (!isActiveStatus(current.status)) return isActiveStatus(next.status);
  return isActiveStatus(next.status) && (next.progress?.done ?? -1) < (current.progress?.done ?? -1);
}

function keepLast<T>(items: T[], cap: number): T[] {
  return items.length > cap ? items.slice(items.length - cap) : items;
}

export class LiveStore {
  private state: LiveState = INITIAL;
  private readonly listeners = new Set<() => void>();
  private source: EventSource | null = null;
  private retryTimer: ReturnType<typeof setTimeout> | undefined;
  private pollTimer: ReturnType<typeof setInterval> | undefined;
  private eventSeen = false;
  private lastOffset = new Map<number, number>();
  /** The stream offset of each line in state.log.lines (NaN where unknown), kept in step. */
  private ends: number[] = [];
  private stopped = false;
  private readonly onFinished: () => void;
  private readonly onReconnect: () => void;
  private readonly reachability: Reachability;

  /** `onReconnect` runs when the server answers again after it could not be reached. */
  constructor(onFinished: () => void = () => {}, onReconnect: () => void = () => {}, probe?: Probe) {
    this.onFinished = onFinished;
    this.onReconnect = onReconnect;
    this.reachability = new Reachability((reachable) => {
      this.set({ reachable });
      if (reachable) this.regained();
    }, probe);
  }

  /** A request failed for want of a server: check whether it is gone. */
  suspectOffline(): void {
    this.reachability.suspect();
  }

  private regained(): void {
    void this.refreshFromRest();
    // A stream the server refused waits 15 s to retry: with the server back, open it now.
    if (this.source === null && !this.stopped) {
      clearTimeout(this.retryTimer);
      this.connect();
    }
    this.onReconnect();
  }

  getState = (): LiveState => this.state;

  subscribe = (listener: () => void): (() => void) => {
    this.listeners.add(listener);
    return () => this.listeners.delete(listener);
  };

  private set(patch: Partial<LiveState>): void {
    this.state = { ...this.state, ...patch };
    for (const l of this.listeners) l();
  }

  start(): void {
    this.stopped = false;
    this.reachability.start();
    void this.refreshFromRest();
    this.connect();
  }

  stop(): void {
    this.stopped = true;
    this.reachability.stop();
    this.source?.close();
    this.source = null;
    clearTimeout(this.retryTimer);
    clearInterval(this.pollTimer);
    this.pollTimer = undefined;
  }

  /** The status from REST: the newest two scans tell the running one and the last finished. */
  async refreshFromRest(): Promise<void> {
    const eventsBefore = this.eventSeen;
    try {
      const page = await api<{ items: ScanResource[] }>(`/api/scans${queryString({ page: 1, pageSize: 2 })}`);
      // An event that arrived while the request ran is newer than this answer.
      if (this.eventSeen && !eventsBefore) return;
      if (this.eventSeen && this.state.connected) return;
      const running = page.items.find((s) => isActiveStatus(s.status)) ?? null;
      const lastFinished = page.items.find((s) => !isActiveStatus(s.status)) ?? null;
      this.applyStatus({ running, lastFinished });
    } catch (error) {
      // Logged out: the indicator stays as it is. No answer at all: is the server gone?
      if (error instanceof TypeError) this.reachability.suspect();
    }
  }

  applyStatus(status: StatusEvent): void {
    const { running, lastFinished } = this.state;
    if (status.running && running && isStale(running, status.running)) return;
    // A "running" scan that is already known as finished is an old answer.
    const known = status.lastFinished ?? lastFinished;
    if (status.running && known && status.running.id <= known.id) status = { ...status, running: null };
    const finished = running !== null && (status.running === null || status.running.id !== running.id);
    const newJob = status.running !== null && status.running.id !== this.state.log.jobId;
    const log = newJob && status.running ? { jobId: status.running.id, lines: [] } : this.state.log;
    if (newJob) this.ends = [];
    this.set({
      running: status.running,
      lastFinished: status.lastFinished ?? lastFinished,
      statusKnown: true,
      log,
    });
    if (finished) this.onFinished();
  }

  applyLog(event: AppLogEvent, id: string | undefined): void {
    const offset = Number(id?.split(":")[1]);
    const known = Number.isFinite(offset);
    if (known) {
      const last = this.lastOffset.get(event.jobId) ?? -1;
      if (offset <= last) return; // a repeat, an out-of-order line, or one a REST tail already had
      this.lastOffset.set(event.jobId, offset);
    }
    const current = this.state.log;
    const same = current.jobId === event.jobId;
    const lines = same ? current.lines : [];
    const ends = same ? this.ends : [];
    this.ends = keepLast(ends.concat(known ? offset : Number.NaN), LIVE_LOG_CAP);
    this.set({ log: { jobId: event.jobId, lines: appendCapped(lines, [event.line], LIVE_LOG_CAP) } });
  }

  /**
   * Lines fetched by REST. With `end` (the byte offset after them, in the stream's terms) the
   * merge is exact: streamed lines up to `end` are already in the tail and are dropped, and later
   * stream lines up to `end` are skipped. Without it, lines already shown are skipped by text.
   */
  seedLog(jobId: number, lines: string[], end?: number): void {
    const current = this.state.log;
    const same = current.jobId === jobId;
    if (end !== undefined) {
      if ((this.lastOffset.get(jobId) ?? -1) < end) this.lastOffset.set(jobId, end);
      const keep = same ? this.ends.map((e, i) => (e > end ? i : -1)).filter((i) => i >= 0) : [];
      const newer = keep.map((i) => current.lines[i]!);
      this.ends = keepLast(lines.map(() => end).concat(keep.map((i) => this.ends[i]!)), LIVE_LOG_CAP);
      this.set({ log: { jobId, lines: appendCapped(lines, newer, LIVE_LOG_CAP) } });
      return;
    }
    if (!same) {
      this.ends = keepLast(
        lines.map(() => Number.NaN),
        LIVE_LOG_CAP,
      );
      this.set({ log: { jobId, lines: appendCapped([], lines, LIVE_LOG_CAP) } });
      return;
    }
    const have = new Set(current.lines);
    const older = lines.filter((l) => !have.has(l));
    if (older.length === 0) return;
    this.ends = keepLast(older.map(() => Number.NaN).concat(this.ends), LIVE_LOG_CAP);
    this.set({ log: { jobId, lines: appendCapped(older, current.lines, LIVE_LOG_CAP) } });
  }

  applyScheduler(status: SchedulerStatus): void {
    this.set({ scheduler: status });
  }

  private connect(): void {
    if (this.stopped || typeof EventSource === "undefined") return;
    const source = new EventSource("/api/events");
    this.source = source;
    source.onopen = () => {
      this.reachability.confirm();
      this.set({ connected: true });
      clearInterval(this.pollTimer);
      this.pollTimer = undefined;
    };
    source.addEventListener("status", (e) => {
      this.eventSeen = true;
      this.applyStatus(JSON.parse((e as MessageEvent<string>).data) as StatusEvent);
    });
    source.addEventListener("log", (e) => {
      const msg = e as MessageEvent<string>;
      this.applyLog(JSON.parse(msg.data) as AppLogEvent, msg.lastEventId);
    });
    source.addEventListener("scheduler", (e) => {
      this.applyScheduler(JSON.parse((e as MessageEvent<string>).data) as SchedulerStatus);
    });
    source.onerror = () => {
      if (this.state.connected) this.set({ connected: false });
      this.reachability.suspect();
      this.startPolling();
      // EventSource reconnects by itself unless the server refused (no stream, 401, 404).
      if (source.readyState === EventSource.CLOSED) {
        this.source = null;
        clearTimeout(this.retryTimer);
        this.retryTimer = setTimeout(() => this.connect(), RETRY_MS);
      }
    };
  }

  /** Without the stream, the status is polled so the indicator and dashboard still move. */
  private startPolling(): void {
    if (this.pollTimer !== undefined || this.stopped) return;
    this.pollTimer = setInterval(() => void this.refreshFromRest(), POLL_MS);
  }
}
