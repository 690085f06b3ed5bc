/**
 * Plex Media Server emulator: demo mode for the app and the stand-in for a real server in
 * integration tests and benchmarks. Imports nothing from src/ so it cannot share our Plex
 * client's mistakes.
 */
import type { AddressInfo } from "node:net";
import type { EmulatorContext } from "./context.js";
import { FaultState, type Faults } from "./faults.js";
import { type ReplacedFile, type ReplaceFileOptions, replaceFile } from "./file-replace.js";
import { generateLibrary as generate } from "./generate.js";
import { EmulatorHttp } from "./http.js";
import { type AddedItem, type AddItemOptions, addLibraryItem } from "./library-scan.js";
import { Catalogue } from "./matches.js";
import type { GeneratedLibrary, UnmatchedForm } from "./model.js";
import { NotificationHub } from "./notifications.js";
import type { DatasetProfile } from "./profiles.js";
import { Rng } from "./random.js";
import { RefreshQueue } from "./refresh-queue.js";
import { Renderer } from "./render.js";
import { Store } from "./store.js";
import { buildTruth, type EmulatorTruth } from "./truth.js";
import type { WrongMatchCounts } from "./wrong-matches.js";

export { type CliOptions, startEmulatorFromCli } from "./cli.js";
export type { Faults } from "./faults.js";
export type { ReplacedFile, ReplaceFileOptions } from "./file-replace.js";
export type { AddedItem, AddItemOptions, NewItemHealth } from "./library-scan.js";
export type { BrokenKind, GeneratedLibrary, Item, ItemType, Section, UnmatchedForm, Work } from "./model.js";
export { DATASET_PROFILES, type DatasetProfile } from "./profiles.js";
export type { EmulatorTruth, TruthItem, WrongMatchTruth } from "./truth.js";
export type { WrongMatchCounts } from "./wrong-matches.js";

export interface EmulatorOptions {
  host?: string;
  /** 0 = random free port (default). */
  port?: number;
  /** Accepted X-Plex-Token; default "emulator-token". */
  token?: string;
  seed?: number;
  /** Top-level video items (movies + shows) across the sections; default 300. */
  items?: number;
  /** Share of items with broken metadata, 0..1; default the profile's (standard 0.1). */
  brokenShare?: number;
  /** Dataset profile; default "standard" (tests, benchmarks). "demo" is what `psr demo` shows. */
  profile?: DatasetProfile;
  /** Wrong matches and year decoys to plant; default the profile's (demo has some, standard none). */
  wrongMatches?: WrongMatchCounts;
  /** Guid form of unmatched items in new-agent libraries; default the profile's (standard "local"). */
  unmatchedForm?: UnmatchedForm;
  refresh?: { workers?: number; minMs?: number; maxMs?: number; maxQueue?: number };
  faults?: Faults;
  /** friendlyName; default "Plex Emulator". */
  serverName?: string;
  /** Library titles by section id, replacing the generated ones (tests: names with control characters). */
  sectionTitles?: Record<string, string>;
}

export interface EmulatorStats {
  requests: number;
  byRoute: Record<string, number>;
  /** Item refreshes accepted (PUT …/refresh, per item, including de-duplicated ones). */
  refreshes: number;
  /** Matches accepted (PUT …/match). */
  matches: number;
  /** Refresh/match jobs the workers started, and their summed processing time. */
  jobs: number;
  processingMs: number;
}

export interface EmulatorHandle {
  url: string;
  port: number;
  token: string;
  close(): Promise<void>;
  setFaults(f: Faults): void;
  outage(ms: number): void;
  stats(): EmulatorStats;
  resetStats(): void;
  truth(): EmulatorTruth;
  idle(): Promise<void>;
  /** A library scan adds a new item: it is listed at once and announced on the websocket. */
  addItem(opts?: AddItemOptions): AddedItem;
  /**
   * A movie's file is replaced: the item is deleted (timeline state 9) and a new one with a new
   * ratingKey, the same path and, once matched, the same guid appears without customizations.
   */
  replaceFile(ratingKey: string, opts?: ReplaceFileOptions): ReplacedFile;
  /** The notification websocket: raw frames (tests) and dropping every client (a reconnect). */
  notifications: {
    sendRaw(text: string): void;
    publish(type: string, entries: Record<string, unknown>[]): void;
    dropAll(): void;
    readonly connections: number;
  };
}

export const PMS_VERSION = "1.41.3.9314-a0bfb8370";

export function generateLibrary(opts: {
  seed: number;
  items: number;
  brokenShare?: number;
  profile?: DatasetProfile;
  now?: number;
  wrongMatches?: WrongMatchCounts;
  unmatchedForm?: UnmatchedForm;
}): GeneratedLibrary {
  return generate(opts);
}

export async function startEmulator(opts: EmulatorOptions = {}): Promise<EmulatorHandle> {
  const seed = opts.seed ?? 1;
  const token = opts.token ?? "emulator-token";
  const host = opts.host ?? "127.0.0.1";
  const lib = generate({
    seed,
    items: opts.items ?? 300,
    ...(opts.brokenShare !== undefined ? { brokenShare: opts.brokenShare } : {}),
    ...(opts.profile !== undefined ? { profile: opts.profile } : {}),
    ...(opts.wrongMatches !== undefined ? { wrongMatches: opts.wrongMatches } : {}),
    ...(opts.unmatchedForm !== undefined ? { unmatchedForm: opts.unmatchedForm } : {}),
  });
  for (const section of lib.sections)
    section.title = opts.sectionTitles?.[String(section.id)] ?? section.title;
  const store = new Store(lib);
  const hub = new NotificationHub();
  const queue = new RefreshQueue(store, hub, new Rng(seed ^ 0x71e0e), {
    workers: Math.max(1, opts.refresh?.workers ?? 2),
    minMs: Math.max(0, opts.refresh?.minMs ?? 300),
    maxMs: Math.max(0, opts.refresh?.maxMs ?? 1500),
    maxQueue: opts.refresh?.maxQueue ?? Number.POSITIVE_INFINITY,
  });
  const ctx: EmulatorContext = {
    store,
    render: new Renderer(store),
    queue,
    hub,
    catalogue: new Catalogue(lib.works),
    faults: new FaultState(seed, opts.faults),
    serverName: opts.serverName ?? "Plex Emulator",
    version: PMS_VERSION,
    startedAt: Math.floor(Date.now() / 1000),
    counters: { refreshes: 0, matches: 0 },
  };
  const http = new EmulatorHttp(ctx, token);
  await new Promise<void>((resolve, reject) => {
    http.server.once("error", reject);
    http.server.listen(opts.port ?? 0, host, () => {
      http.server.off("error", reject);
      resolve();
    });
  });
  const port = (http.server.address() as AddressInfo).port;
  const urlHost = host.includes(":") ? `[${host}]` : host;
  let closed: Promise<void> | undefined;
  return {
    url: `http://${urlHost}:${port}`,
    port,
    token,
    close() {
      closed ??= (async () => {
        queue.close();
        await Promise.all([hub.close(), http.close()]);
      })();
      return closed;
    },
    setFaults: (f) => ctx.faults.set(f),
    outage: (ms) => http.outage(ms),
    stats: () => ({
      requests: http.stats.requests,
      byRoute: { ...http.stats.byRoute },
      refreshes: ctx.counters.refreshes,
      matches: ctx.counters.matches,
      jobs: queue.work.jobs,
      processingMs: Math.round(queue.work.processingMs),
    }),
    resetStats() {
      http.resetStats();
      ctx.counters.refreshes = 0;
      ctx.counters.matches = 0;
      queue.work.jobs = 0;
      queue.work.processingMs = 0;
    },
    truth: () => buildTruth(store),
    idle: () => queue.idle(),
    addItem: (o) => addLibraryItem(ctx, o),
    replaceFile: (rk, o) => replaceFile(ctx, rk, o),
    notifications: {
      sendRaw: (text) => hub.sendRaw(text),
      publish: (type, entries) => hub.publish(type, entries),
      dropAll: () => hub.dropAll(),
      get connections() {
        return hub.connections;
      },
    },
  };
}
