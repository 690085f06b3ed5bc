// `npm run bench`: speed and memory figures for the scan engine, printed, never asserted.
//   1. 2,000 items, 10% broken, Plex taking 0.3–1.5 s per refresh with 4 workers: wall time,
//      ratio to the floor (total processing time ÷ workers), Plex requests per repaired item,
//      items fixed out of those expected.
//   2. The original tool's strategy on the same dataset (sequential, re-read every 4 s, give up
//      after 20 s), on a sample of items, extrapolated to the whole set.
//   3. A 100,000-item `--all --dry-run` scan: wall time and peak RSS of the scanning process
//      (the emulator runs in a child process so its memory is not counted).
//   4. Twenty dashboards open during a scan: API latency (p95) and the server's CPU share.
//   5. The Statistics page's history call with 1,000 stored scans: p50 and p95 latency.
// Options: --only=fix|baseline|large|dashboards|stats  --baseline-sample=N (default 20; 0 = every item)
//   --heap=default|cap (large: one heap variant only, for iterating)
//   --cli=<path to a compiled cli.js> (large: run that build instead of bin/psr.js, which falls back
//   to tsx, and measures that, whenever the sources are newer than dist/)
import { spawn } from "node:child_process";
import { readFileSync } from "node:fs";
import { resolve } from "node:path";
import { fileURLToPath } from "node:url";
import { type EmulatorHandle, startEmulator } from "../emulator/index.js";
import { scanSettingsSchema } from "../src/config/settings.js";
import { openDatabase } from "../src/db/connection.js";
import { SqliteScanStore } from "../src/jobs/item-store.js";
import { PlexClient } from "../src/plex/index.js";
import { runScan } from "../src/scan/engine.js";
import { tempDir } from "../test/helpers/tmp.js";
import { runOriginalStrategy } from "./baseline.js";
import { benchDashboards } from "./dashboards.js";
import { benchStatsHistory } from "./stats-history.js";

const args = new Map(
  process.argv.slice(2).map((a) => {
    const [k, v] = a.replace(/^--/, "").split("=");
    return [k!, v ?? "true"];
  }),
);
const only = args.get("only");
const sample = Number(args.get("baseline-sample") ?? 20);
const heapVariant = args.get("heap");
const cliArg = args.get("cli");
const cli = cliArg ? resolve(cliArg) : fileURLToPath(new URL("../bin/psr.js", import.meta.url));

const FIX_DATASET = {
  seed: 2026,
  items: 2000,
  brokenShare: 0.1,
  refresh: { workers: 4, minMs: 300, maxMs: 1500 },
};

function client(url: string, token: string): PlexClient {
  return new PlexClient({ baseUrl: url, token, timeoutMs: 30_000 });
}

const fmt = (ms: number) => `${(ms / 1000).toFixed(1)} s`;
const isListing = (route: string) => /\/all\b/.test(route);

function requestsBeyondListing(byRoute: Record<string, number>): number {
  return Object.entries(byRoute)
    .filter(([route]) => !isListing(route))
    .reduce((n, [, c]) => n + c, 0);
}

async function benchFix(): Promise<string[]> {
  const emulator = await startEmulator(FIX_DATASET);
  const dir = tempDir("psr-bench-");
  const db = await openDatabase(dir.dir);
  try {
    emulator.resetStats();
    const started = Date.now();
    const outcome = await runScan(scanSettingsSchema.parse({ all: true, concurrency: 4 }), {
      plex: client(emulator.url, emulator.token),
      store: new SqliteScanStore(db.kysely, null),
      signal: new AbortController().signal,
      reporter: { log: () => {}, progress: () => {} },
    });
    const wall = Date.now() - started;
    const stats = emulator.stats();
    const floor = stats.processingMs / FIX_DATASET.refresh.workers;
    const s = outcome.stats;
    const repaired = s.fixed;
    const beyond = requestsBeyondListing(stats.byRoute);

    const truth = emulator.truth();
    const kinds = new Map(truth.sections.map((x) => [x.id, x.kind]));
    const skippedForShow = new Set(
      (
        await db.kysely
          .selectFrom("items")
          .select(["rating_key", "note"])
          .where("state", "=", "skipped")
          .execute()
      )
        .filter((r) => r.note?.includes("show is not matched"))
        .map((r) => r.rating_key),
    );
    const expected = truth.broken.filter(
      (t) =>
        (kinds.get(t.sectionId) === "new" || kinds.get(t.sectionId) === "legacy") &&
        t.fixableByRefresh &&
        !t.locked &&
        !t.kinds.includes("broken-children") &&
        !skippedForShow.has(t.ratingKey),
    );
    const repairedExpected = expected.filter((t) => t.currentKinds.length === 0).length;
    const unmatched = truth.broken.filter(
      (t) => t.kinds.includes("unmatched") && kinds.get(t.sectionId) !== "personal",
    );

    return [
      `Fix scan: ${FIX_DATASET.items} items, ${Math.round(FIX_DATASET.brokenShare * 100)}% broken, Plex ${FIX_DATASET.refresh.minMs}–${FIX_DATASET.refresh.maxMs} ms per item, ${FIX_DATASET.refresh.workers} Plex workers, concurrency 4`,
      `  wall time                 ${fmt(wall)}`,
      `  floor (processing ÷ workers) ${fmt(floor)}  (${stats.jobs} Plex jobs, ${fmt(stats.processingMs)} of processing)`,
      `  ratio to floor            ${(wall / floor).toFixed(2)}×   (target ≤ 1.30×)`,
      `  checked                   ${s.checked} items; broken ${s.broken}; fixed ${s.fixed} (matched ${s.matched}); failed ${s.failed}; needs review ${s.needsReview}; locked ${s.locked}; skipped ${s.skipped}; errors ${s.errors}`,
      `  fixed out of expected     ${repairedExpected} of ${expected.length} refresh-fixable items; matched ${s.matched} of ${unmatched.length} unmatched`,
      `  Plex requests             ${stats.requests} total, ${stats.requests - beyond} listing, ${beyond} beyond the listing`,
      `  requests per repaired item ${(beyond / Math.max(1, repaired)).toFixed(2)} beyond the listing   (target ≤ 3)`,
      `  completion                ${s.completedByEvent} by websocket event, ${s.completedByPoll} by poll, ${s.timeouts} timeouts`,
    ];
  } finally {
    await db.close();
    dir.cleanup();
    await emulator.close();
  }
}

async function benchBaseline(ourWallMs: number | undefined): Promise<string[]> {
  // Same dataset; the set of items the original would refresh = those our scan refreshed.
  const probe = await startEmulator(FIX_DATASET);
  const dir = tempDir("psr-bench-");
  const db = await openDatabase(dir.dir);
  let keys: string[];
  try {
    await runScan(scanSettingsSchema.parse({ all: true, dryRun: true, matchUnmatched: false }), {
      plex: client(probe.url, probe.token),
      store: new SqliteScanStore(db.kysely, null),
      signal: new AbortController().signal,
      reporter: { log: () => {}, progress: () => {} },
    });
    keys = (
      await db.kysely
        .selectFrom("items")
        .select("rating_key")
        .where("state", "=", "would_fix")
        .orderBy("rating_key")
        .execute()
    ).map((r) => r.rating_key);
  } finally {
    await db.close();
    dir.cleanup();
    await probe.close();
  }
  const emulator: EmulatorHandle = await startEmulator(FIX_DATASET);
  try {
    const chosen = sample > 0 ? keys.slice(0, sample) : keys;
    const r = await runOriginalStrategy(client(emulator.url, emulator.token), chosen);
    const perItem = r.wallMs / Math.max(1, r.items);
    const projected = perItem * keys.length;
    const lines = [
      `Original strategy (sequential; re-read every 4 s; give up after 20 s) on the same dataset`,
      `  measured                  ${r.items} items in ${fmt(r.wallMs)} (${(perItem / 1000).toFixed(1)} s per item), fixed ${r.fixed}, ${r.requests} requests`,
      `  ${sample > 0 && sample < keys.length ? `projected for all ${keys.length} items` : `all ${keys.length} items`}   ${fmt(projected)}`,
    ];
    if (ourWallMs !== undefined)
      lines.push(`  speed-up of this engine   ${(projected / ourWallMs).toFixed(1)}×`);
    return lines;
  } finally {
    await emulator.close();
  }
}

async function startEmulatorProcess(
  items: number,
): Promise<{ url: string; token: string; stop: () => void }> {
  const child = spawn(
    process.execPath,
    [cli, "emulator", "--port", "0", "--items", String(items), "--seed", "7", "--token", "bench-token"],
    {
      stdio: ["ignore", "pipe", "inherit"],
    },
  );
  const url = await new Promise<string>((resolve, reject) => {
    let out = "";
    child.stdout.on("data", (d: Buffer) => {
      out += d.toString();
      const m = out.match(/listening on (http:\/\/\S+)/);
      if (m) resolve(m[1]!);
    });
    child.on("exit", (code) => reject(new Error(`emulator exited with ${code}`)));
  });
  return { url, token: "bench-token", stop: () => child.kill("SIGTERM") };
}

/** Peak resident memory of a process so far (VmHWM), in bytes; 0 once it has gone. */
function peakRss(pid: number): number {
  try {
    const m = readFileSync(`/proc/${pid}/status`, "utf8").match(/^VmHWM:\s+(\d+) kB/m);
    return m ? Number(m[1]) * 1024 : 0;
  } catch {
    return 0;
  }
}

/** The heap limit the deployment files set (deploy/plex-smart-refresher.service, npm start). */
const HEAP_FLAG = "--max-old-space-size=160";

async function benchLarge(): Promise<string[]> {
  const lines: string[] = [];
  const variants = { cap: [HEAP_FLAG], default: [] } as Record<string, string[]>;
  const chosen = heapVariant ? [heapVariant] : ["cap", "default"];
  for (const flags of chosen.map((v) => variants[v] ?? [])) {
    lines.push(...(await largeScan(flags)));
  }
  return lines;
}

async function largeScan(nodeFlags: string[]): Promise<string[]> {
  const items = 100_000;
  const emu = await startEmulatorProcess(items);
  const dir = tempDir("psr-bench-");
  try {
    // The real CLI in its own process, so only the scanner's memory is measured.
    const started = Date.now();
    const child = spawn(process.execPath, [...nodeFlags, cli, "scan", "--all", "--dry-run", "--json"], {
      env: { PATH: process.env.PATH, PLEX_URL: emu.url, PLEX_TOKEN: emu.token, PSR_DATA_DIR: dir.dir },
      stdio: ["ignore", "pipe", "ignore"],
    });
    let peak = 0;
    const sampler = setInterval(() => {
      peak = Math.max(peak, peakRss(child.pid!));
    }, 100);
    let out = "";
    child.stdout.on("data", (d: Buffer) => {
      out += d.toString();
    });
    const code = await new Promise<number | null>((resolve) => child.on("exit", resolve));
    clearInterval(sampler);
    const wall = Date.now() - started;
    const result = JSON.parse(out || "{}") as { status?: string; stats?: Record<string, number> };
    const s = result.stats ?? {};
    return [
      `Large dry run: ${items.toLocaleString("en-US")} top-level items, psr scan --all --dry-run (seasons and episodes included), node ${nodeFlags.join(" ") || "with its default heap limit"}`,
      `  wall time                 ${fmt(wall)}   (target < 60 s; includes process start-up)`,
      `  peak RSS of the scanner   ${(peak / 1024 / 1024).toFixed(0)} MB   (target < 200 MB)`,
      `  checked                   ${(s.checked ?? 0).toLocaleString("en-US")} items, would fix ${s.wouldFix}, needs review ${s.needsReview}, locked ${s.locked}, status ${result.status} (exit ${code})`,
    ];
  } finally {
    dir.cleanup();
    emu.stop();
  }
}

const report: string[] = [
  `Plex Smart Refresher benchmark — node ${process.version}, ${new Date().toISOString()}`,
  "",
];
let ourWall: number | undefined;
if (!only || only === "fix") {
  const lines = await benchFix();
  ourWall = Number(lines[1]!.match(/([\d.]+) s/)![1]) * 1000;
  report.push(...lines, "");
  console.log(lines.join("\n"));
}
if (!only || only === "baseline") {
  const lines = await benchBaseline(ourWall);
  report.push(...lines, "");
  console.log(lines.join("\n"));
}
if (!only || only === "large") {
  const lines = await benchLarge();
  report.push(...lines, "");
  console.log(lines.join("\n"));
}
if (!only || only === "dashboards") {
  const lines = await benchDashboards();
  report.push(...lines, "");
  console.log(lines.join("\n"));
}
if (!only || only === "stats") {
  const lines = await benchStatsHistory();
  report.push(...lines, "");
  console.log(lines.join("\n"));
}
process.exit(0);
