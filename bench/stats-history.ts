// The Statistics page's one call with a year of history: 1,000 finished scans and 5,000 items
// with problems stored, then GET /api/stats/history?days=365 repeated. Reports p50, p95 and max.
import { startTestServer } from "../test/helpers/server.js";

const KEY = "bench-stats-key-0123456789abcdef";
const SCANS = 1000;
const ITEMS = 5000;
const CALLS = 200;
const DAY = 86_400_000;
const PROBLEMS = ["unmatched", "no_poster", "no_summary", "no_ids"];

function percentile(sorted: number[], p: number): number {
  return sorted[Math.min(sorted.length - 1, Math.floor((p / 100) * sorted.length))] ?? 0;
}

export async function benchStatsHistory(): Promise<string[]> {
  const stack = await startTestServer({ seed: 11, items: 10 }, { PSR_API_KEY: KEY, PSR_LOG_LEVEL: "silent" });
  try {
    const db = stack.server.db.kysely;
    const now = Date.now();
    const scans = Array.from({ length: SCANS }, (_, i) => {
      const startedAt = now - Math.floor((i / SCANS) * 360 * DAY) - 60_000;
      return {
        status: "success" as const,
        source: "scheduler",
        stats_json: JSON.stringify({ checked: 2000 + i, fixed: i % 17, failed: i % 5, wouldFix: i % 3 }),
        created_at: startedAt,
        started_at: startedAt,
        finished_at: startedAt + 45_000,
      };
    });
    for (let i = 0; i < scans.length; i += 200)
      await db
        .insertInto("scan_runs")
        .values(scans.slice(i, i + 200))
        .execute();
    const items = Array.from({ length: ITEMS }, (_, i) => ({
      rating_key: `bench-${i}`,
      library: `Library ${i % 4}`,
      type: "movie",
      title: `Bench ${i}`,
      state: "failed",
      problems_json: JSON.stringify(PROBLEMS.slice(0, 1 + (i % PROBLEMS.length))),
      last_checked_at: now - (i % 300) * DAY,
    }));
    for (let i = 0; i < items.length; i += 500)
      await db
        .insertInto("items")
        .values(items.slice(i, i + 500))
        .execute();

    const url = `${stack.server.url}/api/stats/history?days=365`;
    const headers = { "X-Api-Key": KEY };
    // A few calls first so the timings are of a warm server, as a user's second visit would be.
    for (let i = 0; i < 5; i++) await (await fetch(url, { headers })).arrayBuffer();
    const latencies: number[] = [];
    let bytes = 0;
    for (let i = 0; i < CALLS; i++) {
      const t0 = performance.now();
      const res = await fetch(url, { headers });
      bytes = (await res.arrayBuffer()).byteLength;
      if (res.status !== 200) throw new Error(`stats history answered ${res.status}`);
      latencies.push(performance.now() - t0);
    }
    latencies.sort((a, b) => a - b);
    return [
      `Statistics history: ${SCANS} stored scans, ${ITEMS} items, ${CALLS} sequential calls of /api/stats/history?days=365`,
      `  p50 ${percentile(latencies, 50).toFixed(1)} ms   p95 ${percentile(latencies, 95).toFixed(1)} ms   max ${latencies.at(-1)!.toFixed(1)} ms   (${Math.round(bytes / 1024)} KiB per answer; target p95 < 50 ms)`,
    ];
  } finally {
    await stack.close();
  }
}
