// The Grafana dashboard in deploy/grafana queries only metrics that a real scrape declares: a
// server with metrics open runs a real scan against the emulator, and every metric name in every
// panel's PromQL is looked up in its /metrics answer.
import { readFileSync } from "node:fs";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { startTestServer, type TestServer } from "../helpers/server.js";
import { familyOf, parseScrape, type Scrape } from "./prom-text.js";

const DASHBOARD = new URL("../../deploy/grafana/plex-smart-refresher.json", import.meta.url);

interface Panel {
  id: number;
  type: string;
  title: string;
  datasource?: { type: string; uid: string };
  targets?: { expr: string; datasource?: { uid: string } }[];
}

/** PromQL's own words: functions, aggregations, operators and modifiers. */
const PROMQL_WORDS = new Set([
  "sum",
  "avg",
  "min",
  "max",
  "count",
  "rate",
  "irate",
  "increase",
  "delta",
  "histogram_quantile",
  "time",
  "by",
  "without",
  "and",
  "or",
  "unless",
  "offset",
  "bool",
  "on",
  "ignoring",
  "group_left",
  "group_right",
  "topk",
  "bottomk",
  "clamp_min",
  "abs",
]);

/** The metric names a PromQL expression reads. */
function metricNames(expr: string): string[] {
  const stripped = expr
    .replace(/"(?:[^"\\]|\\.)*"/g, " ") // strings
    .replace(/\{[^}]*\}/g, " ") // label matchers
    .replace(/\[[^\]]*\]/g, " ") // ranges
    .replace(/\b(by|without|on|ignoring)\s*\([^)]*\)/g, " "); // grouping labels
  const words = stripped.match(/[a-zA-Z_:][a-zA-Z0-9_:]*/g) ?? [];
  return [...new Set(words.filter((w) => !PROMQL_WORDS.has(w)))];
}

const DOCUMENTED = [
  "psr_build_info",
  "psr_plex_up",
  "psr_plex_websocket_connected",
  "psr_items",
  "psr_problems",
  "psr_repairs_total",
  "psr_scans_total",
  "psr_scan_duration_seconds",
  "psr_last_scan_timestamp_seconds",
  "psr_last_successful_scan_timestamp_seconds",
  "psr_watch_events_total",
  "psr_watch_queue_depth",
];

let t: TestServer;
let scrape: Scrape;

beforeAll(async () => {
  t = await startTestServer(
    { seed: 31, items: 40, brokenShare: 0.3, refresh: { workers: 4, minMs: 5, maxMs: 20 } },
    { PSR_METRICS_AUTH: "none", PSR_API_KEY: "grafana-test-api-key-0123456789" },
  );
  const start = await fetch(`${t.server.url}/api/scans`, {
    method: "POST",
    headers: { "X-Api-Key": "grafana-test-api-key-0123456789", "Content-Type": "application/json" },
    body: JSON.stringify({ all: true, dryRun: false }),
  });
  expect(start.status).toBe(202);
  const { id } = (await start.json()) as { id: number };
  for (let i = 0; ; i++) {
    const job = await fetch(`${t.server.url}/api/scans/${id}`, {
      headers: { "X-Api-Key": "grafana-test-api-key-0123456789" },
    });
    const { status } = (await job.json()) as { status: string };
    if (status !== "running" && status !== "queued") break;
    if (i > 300) throw new Error("the scan did not finish");
    await new Promise((r) => setTimeout(r, 100));
  }
  const res = await fetch(`${t.server.url}/metrics`);
  expect(res.status).toBe(200);
  scrape = parseScrape(await res.text());
});
afterAll(async () => {
  await t?.close();
});

describe("the Grafana dashboard", () => {
  const dashboard = JSON.parse(readFileSync(DASHBOARD, "utf8")) as {
    uid: string;
    title: string;
    panels: Panel[];
    __inputs: { name: string; type: string; pluginId: string }[];
  };
  const queried = dashboard.panels.flatMap((p) => (p.targets ?? []).map((target) => ({ panel: p, target })));

  it("reads the metric names out of PromQL", () => {
    expect(
      metricNames(
        'histogram_quantile(0.95, sum by (le) (increase(psr_scan_duration_seconds_bucket{a="b c"}[1d])))',
      ),
    ).toEqual(["psr_scan_duration_seconds_bucket"]);
    expect(
      metricNames("time() - psr_last_scan_timestamp_seconds and psr_last_scan_timestamp_seconds > 0"),
    ).toEqual(["psr_last_scan_timestamp_seconds"]);
  });

  it("is an importable dashboard whose panels all use the Prometheus input", () => {
    expect(dashboard.uid).toBe("plex-smart-refresher");
    expect(dashboard.__inputs).toEqual([
      expect.objectContaining({ name: "DS_PROMETHEUS", pluginId: "prometheus" }),
    ]);
    const ids = dashboard.panels.map((p) => p.id);
    expect(new Set(ids).size).toBe(ids.length);
    expect(queried.length).toBeGreaterThan(10);
    // Grafana replaces this placeholder with the data source chosen at import.
    const input = `\${${dashboard.__inputs[0]?.name}}`;
    expect(input).toBe("$" + "{DS_PROMETHEUS}");
    for (const { panel, target } of queried) {
      expect(panel.datasource?.uid, panel.title).toBe(input);
      expect(target.datasource?.uid, panel.title).toBe(input);
    }
  });

  it("queries only metrics that a real scrape declares", () => {
    const names = new Set<string>();
    for (const { panel, target } of queried) {
      const found = metricNames(target.expr);
      expect(found.length, `${panel.title}: ${target.expr}`).toBeGreaterThan(0);
      for (const name of found) {
        names.add(name);
        const family = familyOf(scrape, name);
        expect(family, `${panel.title}: ${name} is not in the scrape`).toBeDefined();
        // Ours, or Node's default process metrics: nothing from another exporter.
        expect(
          DOCUMENTED.includes(family!) || /^(process|nodejs)_/.test(family!),
          `${panel.title}: ${name}`,
        ).toBe(true);
        // The scan gave every psr_ metric but the watcher's event counter a sample to draw.
        if (family !== "psr_watch_events_total") {
          expect(
            scrape.samples.some((s) => s.name === name),
            `${name} has no sample`,
          ).toBe(true);
        }
      }
    }
    // Every documented metric has a panel.
    for (const metric of DOCUMENTED) {
      expect(
        [...names].some((n) => familyOf(scrape, n) === metric),
        `${metric} is on no panel`,
      ).toBe(true);
    }
  });
});
