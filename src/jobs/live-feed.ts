// One live feed for every open browser: the running scan's status and log lines, read by a single
// poller (however many streams are open), and handed to each subscriber. A subscriber that comes
// back with the id of the last line it saw gets exactly the lines after it, so no line is lost or
// repeated across a reconnect, even across a server restart (the ids are byte offsets in the log).

import { isActiveStatus } from "../contracts/constants.js";
import { jobLogPath } from "./job-log.js";
import type { Job, JobStore } from "./job-store.js";
import { readLinesFrom, tailOffset } from "./log-reader.js";

export interface FeedStatus {
  running: Job | null;
  lastFinished: Job | null;
}

export interface FeedListener {
  status(status: FeedStatus): void;
  log(jobId: number, line: string, end: number): void;
  /** A scan started or ended: things that depend on runs (the scheduler's next/last) changed. */
  runsChanged(): void;
  /** After every poll, whether or not anything changed. */
  tick?(): void;
}

export interface LiveFeedDeps {
  jobs: JobStore;
  dataDir: string;
  pollMs?: number;
  /** Lines a new subscriber gets from the running scan's log. */
  replayLines?: number;
}

/** `<jobId>:<offset>` as sent in the `id:` field of a log event. */
export function parseFeedEventId(text: string | undefined): { jobId: number; offset: number } | undefined {
  const m = /^(\d{1,12}):(\d{1,15})$/.exec(text ?? "");
  if (!m) return undefined;
  return { jobId: Number(m[1]), offset: Number(m[2]) };
}

export class LiveFeed {
  private readonly listeners = new Set<FeedListener>();
  private timer: NodeJS.Timeout | undefined;
  private state: FeedStatus = { running: null, lastFinished: null };
  private statusKey = "";
  /** How far the running job's log has been read and broadcast. */
  private offset = 0;
  private loaded: Promise<void> | undefined;
  private ticking = false;

  constructor(private readonly deps: LiveFeedDeps) {}

  get subscribers(): number {
    return this.listeners.size;
  }

  /** Adds a listener: it gets the status, then the lines it missed, then everything new. */
  async subscribe(listener: FeedListener, resume?: { jobId: number; offset: number }): Promise<() => void> {
    this.loaded ??= this.tick();
    await this.loaded;
    listener.status(this.state);
    this.replay(listener, resume);
    this.listeners.add(listener);
    if (!this.timer) {
      this.timer = setInterval(() => void this.tick(), this.deps.pollMs ?? 250);
      this.timer.unref();
    }
    return () => {
      this.listeners.delete(listener);
      if (this.listeners.size === 0) this.stop();
    };
  }

  /** The latest state read by the poller (a subscriber keeps it fresh). */
  get current(): FeedStatus {
    return this.state;
  }

  /**
   * A wake-up after every poll until `signal` aborts: lets any number of followers share this
   * one poller instead of each polling the database and the log on its own.
   */
  async *ticks(signal: AbortSignal): AsyncGenerator<void> {
    let wake: (() => void) | undefined;
    let pending = false;
    const quiet = () => {};
    const unsubscribe = await this.subscribe({
      status: quiet,
      log: quiet,
      runsChanged: quiet,
      tick: () => {
        pending = true;
        wake?.();
      },
    });
    const aborted = () => wake?.();
    signal.addEventListener("abort", aborted);
    try {
      while (!signal.aborted) {
        if (!pending) await new Promise<void>((resolve) => (wake = resolve));
        wake = undefined;
        if (signal.aborted) return;
        pending = false;
        yield;
      }
    } finally {
      signal.removeEventListener("abort", aborted);
      unsubscribe();
    }
  }

  stop(): void {
    clearInterval(this.timer);
    this.timer = undefined;
    this.loaded = undefined;
  }

  private replay(listener: FeedListener, resume: { jobId: number; offset: number } | undefined): void {
    const running = this.state.running;
    const path = (id: number) => jobLogPath(this.deps.dataDir, id);
    // The rest of a scan that ended while the client was away.
    if (resume && resume.jobId !== running?.id) {
      for (const line of readLinesFrom(path(resume.jobId), resume.offset).lines)
        listener.log(resume.jobId, line.text, line.end);
    }
    if (!running) return;
    const from =
      resume?.jobId === running.id
        ? resume.offset
        : tailOffset(path(running.id), this.deps.replayLines ?? 1000);
    let at = from;
    while (at < this.offset) {
      const chunk = readLinesFrom(path(running.id), at);
      const lines = chunk.lines.filter((l) => l.end <= this.offset);
      if (lines.length === 0) break;
      for (const line of lines) listener.log(running.id, line.text, line.end);
      at = lines[lines.length - 1]!.end;
    }
  }

  private async tick(): Promise<void> {
    if (this.ticking) return;
    this.ticking = true;
    try {
      const before = this.state;
      const active = (await this.deps.jobs.active()) ?? null;
      // The latest finished run too: a scan can start and end between two ticks.
      const { jobs } = await this.deps.jobs.list({ limit: 3, offset: 0 });
      const lastFinished = jobs.find((j) => !isActiveStatus(j.status)) ?? null;
      const runsChanged =
        this.loaded !== undefined &&
        ((before.running?.id ?? null) !== (active?.id ?? null) ||
          (before.lastFinished?.id ?? null) !== (lastFinished?.id ?? null));
      if (before.running && before.running.id !== active?.id) {
        // The scan ended: its last lines first, then the new state.
        this.broadcastLines(before.running.id);
        this.offset = 0;
      }
      if (active && before.running?.id !== active.id) this.offset = 0;
      this.state = { running: active, lastFinished };
      if (active) this.broadcastLines(active.id);
      const key = JSON.stringify([
        active?.id,
        active?.status,
        active?.progress,
        active?.cancelRequested,
        this.state.lastFinished?.id,
        this.state.lastFinished?.status,
      ]);
      if (key !== this.statusKey) {
        this.statusKey = key;
        for (const l of this.listeners) l.status(this.state);
      }
      if (runsChanged) for (const l of this.listeners) l.runsChanged();
      for (const l of this.listeners) l.tick?.();
    } finally {
      this.ticking = false;
    }
  }

  private broadcastLines(jobId: number): void {
    const chunk = readLinesFrom(jobLogPath(this.deps.dataDir, jobId), this.offset);
    for (const line of chunk.lines) for (const l of this.listeners) l.log(jobId, line.text, line.end);
    this.offset = chunk.next;
  }
}
