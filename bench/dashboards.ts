// Twenty browsers on the dashboard during a scan: each holds the app-wide event stream open and
// refreshes what the dashboard reads over REST every two seconds. Reports the API's latency
// (p50, p95, max) and the server's CPU share while that goes on. `psr serve` runs as its own
// process (the real CLI) so its CPU time is its own; the emulator runs in another.
import { spawn } from "node:child_process";
import { readFileSync } from "node:fs";
import { fileURLToPath } from "node:url";
import { tempDir } from "../test/helpers/tmp.js";

const BROWSERS = 20;
const MEASURE_MS = 20_000;
const KEY = "bench-dashboard-key-0123456789";
/** The REST calls the dashboard makes on load and on its refresh. */
const DASHBOARD_CALLS = ["/api/scans?page=1&pageSize=5", "/api/settings", "/api/stats", "/api/auth/me"];

function startProcess(args: string[], env: Record<string, string>, pattern: RegExp) {
  const bin = fileURLToPath(new URL("../bin/psr.js", import.meta.url));
  const child = spawn(process.execPath, [bin, ...args], {
    env: { PATH: process.env.PATH ?? "", ...env },
    stdio: ["ignore", "pipe", "inherit"],
  });
  const ready = new Promise<string>((resolve, reject) => {
    let out = "";
    child.stdout.on("data", (d: Buffer) => {
      out += d.toString();
      const m = pattern.exec(out);
      if (m) resolve(m[1]!);
    });
    child.on("exit", (code) => reject(new Error(`${args[0]} exited with ${code}: ${out}`)));
  });
  return { child, ready };
}

/** CPU seconds (user + system) a process has used so far. */
function cpuSeconds(pid: number): number {
  const fields = readFileSync(`/proc/${pid}/stat`, "utf8").split(") ")[1]!.split(" ");
  return (Number(fields[11]) + Number(fields[12])) / 100; // utime, stime in clock ticks (100 Hz)
}

function percentile(sorted: number[], p: number): number {
  return sorted[Math.min(sorted.length - 1, Math.floor((p / 100) * sorted.length))] ?? 0;
}

export async function benchDashboards(): Promise<string[]> {
  const emu = startProcess(
    ["emulator", "--port", "0", "--items", "2000", "--seed", "2026", "--token", "bench-token"],
    {},
    /listening on (http:\/\/\S+)/,
  );
  const emuUrl = await emu.ready;
  const dir = tempDir("psr-bench-");
  const server = startProcess(
    ["serve"],
    {
      PLEX_URL: emuUrl,
      PLEX_TOKEN: "bench-token",
      PSR_DATA_DIR: dir.dir,
      PSR_PORT: "0",
      PSR_API_KEY: KEY,
      PSR_LOG_LEVEL: "warn",
      GUI_PASSWORD: "bench-password-1",
    },
    /listening on (http:\/\/\S+)/,
  );
  const base = await server.ready;
  const headers = { "X-Api-Key": KEY };
  const aborts: AbortController[] = [];
  try {
    // A long scan: every item, not a dry run, so Plex (the emulator) works throughout.
    const start = await fetch(`${base}/api/scans`, {
      method: "POST",
      headers: { ...headers, "Content-Type": "application/json" },
      body: JSON.stringify({ all: true, dryRun: false }),
    });
    if (start.status !== 202) throw new Error(`scan did not start: ${start.status} ${await start.text()}`);
    const { id: scanId } = (await start.json()) as { id: number };

    // Open the streams and read them (as a browser would) without keeping what arrives.
    let events = 0;
    for (let i = 0; i < BROWSERS; i++) {
      const abort = new AbortController();
      aborts.push(abort);
      void fetch(`${base}/api/events`, { headers, signal: abort.signal })
        .then(async (res) => {
          const reader = res.body!.getReader();
          for (;;) {
            const { done, value } = await reader.read();
            if (done) break;
            events += value.byteLength > 0 ? 1 : 0;
          }
        })
        .catch(() => undefined);
    }
    const pid = server.child.pid!;
    // What 50 more open streams (per-scan and app-wide) cost: CPU with and without them.
    const window = 8_000;
    await new Promise((r) => setTimeout(r, 5_000)); // past the scan's listing phase
    const cpuAlone = cpuSeconds(pid);
    await new Promise((r) => setTimeout(r, window));
    const alone = (cpuSeconds(pid) - cpuAlone) / (window / 1000);
    for (let i = 0; i < 50; i++) {
      const abort = new AbortController();
      aborts.push(abort);
      const path = i % 2 === 0 ? "/api/events" : `/api/scans/${scanId}/events`;
      void fetch(base + path, { headers, signal: abort.signal })
        .then(async (res) => {
          const reader = res.body!.getReader();
          while (!(await reader.read()).done) events++;
        })
        .catch(() => undefined);
    }
    await new Promise((r) => setTimeout(r, 1000));
    const cpuWith = cpuSeconds(pid);
    await new Promise((r) => setTimeout(r, window));
    const withStreams = (cpuSeconds(pid) - cpuWith) / (window / 1000);

    const latencies: number[] = [];
    const cpuBefore = cpuSeconds(pid);
    const started = Date.now();
    await Promise.all(
      Array.from({ length: BROWSERS }, async (_, i) => {
        await new Promise((r) => setTimeout(r, (i * 2000) / BROWSERS)); // spread like real tabs
        while (Date.now() - started < MEASURE_MS) {
          for (const path of DASHBOARD_CALLS) {
            const t0 = performance.now();
            const res = await fetch(base + path, { headers });
            await res.arrayBuffer();
            latencies.push(performance.now() - t0);
          }
          await new Promise((r) => setTimeout(r, 2000));
        }
      }),
    );
    const wall = (Date.now() - started) / 1000;
    const cpu = cpuSeconds(pid) - cpuBefore;
    const progress = (await (await fetch(`${base}/api/scans?page=1&pageSize=1`, { headers })).json()) as {
      items: { status: string; progress: { done: number; total: number | null } | null }[];
    };
    const sorted = [...latencies].sort((a, b) => a - b);
    const p = progress.items[0];
    return [
      `Dashboards: ${BROWSERS} browsers with the event stream open, each reading the dashboard's ${DASHBOARD_CALLS.length} REST calls every 2 s, during a 2,000-item repair scan, for ${wall.toFixed(0)} s`,
      `  API latency               p50 ${percentile(sorted, 50).toFixed(1)} ms, p95 ${percentile(sorted, 95).toFixed(1)} ms, max ${sorted[sorted.length - 1]?.toFixed(1)} ms over ${sorted.length} requests   (target p95 < 50 ms)`,
      `  server CPU                ${((cpu / wall) * 100).toFixed(0)} % of one core (scan and API together; ${events} stream chunks delivered)`,
      `  scan meanwhile            ${p?.status}, ${p?.progress?.done ?? 0} of ${p?.progress?.total ?? "?"} items`,
      `  50 more open streams      server CPU ${(alone * 100).toFixed(1)} % → ${(withStreams * 100).toFixed(1)} % of one core (+${((withStreams - alone) * 100).toFixed(1)} points; target < 5)`,
    ];
  } finally {
    for (const a of aborts) a.abort();
    server.child.kill("SIGTERM");
    emu.child.kill("SIGTERM");
    await new Promise((r) => setTimeout(r, 500));
    dir.cleanup();
  }
}
