// The Prometheus metrics of one server, in a registry of its own (no prom-client global state, so
// two servers in one process never share or clash). Gauges are read from the database at scrape
// time, counters from the stored ledger (ledger.ts); nothing here calls Plex.
import { Counter, collectDefaultMetrics, Gauge, type Metric, Registry } from "prom-client";
import { SCAN_DURATION_BUCKETS, splitLabelKey } from "./ledger.js";
import type { MetricsSnapshot } from "./metrics-view.js";
import type { PlexState } from "./plex-health.js";

/** What the watcher reports: cumulative event counts by outcome since it started. */
export interface WatchMetrics {
  connected: boolean;
  queueDepth: number;
  events: Record<string, number>;
}

export interface MetricsSources {
  read(): Promise<MetricsSnapshot>;
  plexState(): PlexState;
  /** Absent until watch mode is wired: its metrics then read 0. */
  watch?: (() => WatchMetrics) | undefined;
  version: string;
}

export interface PsrMetrics {
  contentType: string;
  /** One scrape: reads the database once, then renders every metric. */
  scrape(): Promise<string>;
}

const seconds = (ms: number | null): number => (ms === null ? 0 : ms / 1000);

export function createMetrics(sources: MetricsSources): PsrMetrics {
  const registry = new Registry();
  collectDefaultMetrics({ register: registry });
  // Filled at the start of each scrape; the collect callbacks below only copy from it.
  let snapshot: MetricsSnapshot | undefined;
  let watch: WatchMetrics = { connected: false, queueDepth: 0, events: {} };

  new Gauge({
    name: "psr_build_info",
    help: "Always 1; the version label names the running release.",
    labelNames: ["version"],
    registers: [registry],
  }).set({ version: sources.version }, 1);
  new Gauge({
    name: "psr_plex_up",
    help: "1 when the last Plex request got an answer, 0 when it failed or none was made yet.",
    registers: [registry],
    collect() {
      this.set(sources.plexState() === "up" ? 1 : 0);
    },
  });
  new Gauge({
    name: "psr_plex_websocket_connected",
    help: "1 while watch mode is connected to Plex's notification websocket.",
    registers: [registry],
    collect() {
      this.set(watch.connected ? 1 : 0);
    },
  });
  new Gauge({
    name: "psr_items",
    help: "Items the scans recorded, by library and state (ignored items count as ignored).",
    labelNames: ["library", "state"],
    registers: [registry],
    collect() {
      this.reset();
      for (const r of snapshot?.items ?? []) this.set({ library: r.library, state: r.state }, r.n);
    },
  });
  new Gauge({
    name: "psr_problems",
    help: "Problems the recorded items still had at their last check, by library and problem.",
    labelNames: ["library", "problem"],
    registers: [registry],
    collect() {
      this.reset();
      for (const r of snapshot?.problems ?? []) this.set({ library: r.library, problem: r.problem }, r.n);
    },
  });
  new Counter({
    name: "psr_repairs_total",
    help: "Refreshes and matches sent to Plex (scans, watch mode and item actions), by action and result.",
    labelNames: ["action", "result"],
    registers: [registry],
    collect() {
      this.reset();
      for (const [key, n] of Object.entries(snapshot?.ledger.repairs ?? {})) {
        const [action, result] = splitLabelKey(key);
        this.inc({ action, result }, n);
      }
    },
  });
  new Counter({
    name: "psr_scans_total",
    help: "Finished scans by source and final status.",
    labelNames: ["source", "status"],
    registers: [registry],
    collect() {
      this.reset();
      for (const [key, n] of Object.entries(snapshot?.ledger.scans ?? {})) {
        const [source, status] = splitLabelKey(key);
        this.inc({ source, status }, n);
      }
    },
  });
  registry.registerMetric(scanDurationHistogram(() => snapshot));
  new Gauge({
    name: "psr_last_scan_timestamp_seconds",
    help: "When the newest finished scan ended (Unix time), 0 before the first.",
    registers: [registry],
    collect() {
      this.set(seconds(snapshot?.lastScanAt ?? null));
    },
  });
  new Gauge({
    name: "psr_last_successful_scan_timestamp_seconds",
    help: "When the newest successful scan ended (Unix time), 0 before the first.",
    registers: [registry],
    collect() {
      this.set(seconds(snapshot?.lastSuccessAt ?? null));
    },
  });
  new Counter({
    name: "psr_watch_events_total",
    help: "Items watch mode handled since the server started, by outcome.",
    labelNames: ["outcome"],
    registers: [registry],
    collect() {
      this.reset();
      for (const [outcome, n] of Object.entries(watch.events)) {
        if (Number.isFinite(n) && n >= 0) this.inc({ outcome }, n);
      }
    },
  });
  new Gauge({
    name: "psr_watch_queue_depth",
    help: "Items watch mode is waiting on (Plex's done, the settle time, or their check).",
    registers: [registry],
    collect() {
      this.set(watch.queueDepth);
    },
  });

  return {
    contentType: registry.contentType,
    async scrape() {
      snapshot = await sources.read();
      watch = sources.watch?.() ?? { connected: false, queueDepth: 0, events: {} };
      return registry.metrics();
    },
  };
}

/**
 * psr_scan_duration_seconds, rendered from the ledger's bucket counts: prom-client's Histogram
 * only accepts single observations, and this one must continue across restarts.
 */
function scanDurationHistogram(current: () => MetricsSnapshot | undefined): Metric {
  const name = "psr_scan_duration_seconds";
  const metric = {
    name,
    help: "How long finished scans took.",
    type: "histogram",
    aggregator: "sum",
    async get() {
      const ledger = current()?.ledger;
      const counts = ledger?.durationCounts ?? [];
      const values: { metricName: string; labels: Record<string, string | number>; value: number }[] = [];
      let cumulative = 0;
      SCAN_DURATION_BUCKETS.forEach((bound, i) => {
        cumulative += counts[i] ?? 0;
        values.push({ metricName: `${name}_bucket`, labels: { le: bound }, value: cumulative });
      });
      cumulative += counts[SCAN_DURATION_BUCKETS.length] ?? 0;
      values.push({ metricName: `${name}_bucket`, labels: { le: "+Inf" }, value: cumulative });
      values.push({ metricName: `${name}_sum`, labels: {}, value: ledger?.durationSum ?? 0 });
      values.push({ metricName: `${name}_count`, labels: {}, value: cumulative });
      return { name, help: metric.help, type: metric.type, aggregator: metric.aggregator, values };
    },
  };
  // The registry only reads name and get(); prom-client's Metric type is its class union.
  return metric as unknown as Metric;
}
