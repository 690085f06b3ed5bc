// Watch mode: `psr serve` listens on Plex's notification websocket for items a library scan
// adds, waits until Plex has finished them (plus a settle time), and checks and repairs them
// with the scan's own pipeline. The connection (connection.ts) turns frames into due groups,
// the worker (worker.ts) checks them, and the daily figures are plain values (daily-count.ts);
// this class starts, reconfigures and stops them, and reports their status.
import type { AppSettings } from "../config/settings.js";
import type { WatchStatus } from "../contracts/watch.js";
import type { PlexClient, PlexNotificationListenerOptions } from "../plex/index.js";
import type { ScanStore } from "../scan/store.js";
import { WatchConnection } from "./connection.js";
import type { TrackerOptions } from "./decide.js";
import type { RecentWrites } from "./echo.js";
import { WatchWorker } from "./worker.js";

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
  private readonly events: Record<string, number> = {};
  private readonly abort = new AbortController();
  private readonly connection: WatchConnection;
  private readonly worker: WatchWorker;
  private settings: AppSettings | undefined;
  private stopped = false;

  constructor(private readonly deps: WatcherDeps) {
    const now = deps.now ?? Date.now;
    const signal = this.abort.signal;
    const count = (name: string, n = 1) => {
      this.events[name] = (this.events[name] ?? 0) + n;
    };
    this.worker = new WatchWorker({
      ...deps,
      now,
      signal,
      count,
      target: () => this.connection.target(),
    });
    this.connection = new WatchConnection({
      ...deps,
      now,
      signal,
      count,
      due: (group) => this.worker.enqueue(group),
      worker: this.worker,
    });
  }

  /** Loads today's figures and the settings, and connects when watch mode is on. */
  async start(): Promise<void> {
    await this.worker.restore();
    await this.reload();
  }

  /** Applies changed settings at once: on/off and the settle time, no restart needed. */
  async reload(): Promise<void> {
    if (this.stopped) return;
    this.settings = await this.deps.loadSettings();
    this.connection.configure(this.settings);
    if (this.settings.watch.enabled) this.connection.connect();
    else await this.connection.disconnect();
  }

  /** The Plex connection changed (URL or token saved in the browser): connect anew. */
  async restart(): Promise<void> {
    await this.connection.disconnect();
    this.connection.forgetClient();
    await this.reload();
  }

  async stop(): Promise<void> {
    this.stopped = true;
    this.abort.abort(new DOMException("The server is shutting down", "AbortError"));
    await this.connection.stop();
    await this.worker.stop();
  }

  snapshot(): WatchSnapshot {
    return { connected: this.connection.connected, queueDepth: this.depth(), events: { ...this.events } };
  }

  /** What the status page shows; reading it changes nothing. */
  status(): WatchStatus {
    const enabled = this.settings?.watch.enabled ?? true;
    const { connected } = this.connection;
    const state = !enabled
      ? "off"
      : this.connection.unconfigured
        ? "unconfigured"
        : connected
          ? "connected"
          : this.events.disconnects
            ? "disconnected"
            : "connecting";
    return {
      enabled,
      state,
      connected,
      settleSeconds: this.settings?.watch.settleSeconds ?? 10,
      queueDepth: this.depth(),
      lastAddedAt: this.connection.lastAddedAt,
      plexScanning: this.connection.plexScanning.size > 0,
      waitingForScan: this.worker.waitingForScan,
      today: this.worker.todayFigures(),
    };
  }

  private depth(): number {
    return this.connection.tracker.size + this.worker.depth;
  }
}
