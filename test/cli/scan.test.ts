import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { type EmulatorHandle, startEmulator } from "../../emulator/index.js";
import { openDatabase } from "../../src/db/connection.js";
import { runPsr, startPsr } from "../helpers/cli.js";
import { tempDir } from "../helpers/tmp.js";

const TOKEN = "scan-cli-token-51d0";
let emulator: EmulatorHandle;

beforeAll(async () => {
  emulator = await startEmulator({
    token: TOKEN,
    seed: 5,
    items: 150,
    refresh: { workers: 4, minMs: 20, maxMs: 60 },
  });
});
afterAll(async () => {
  await emulator?.close();
});

function setup() {
  const work = tempDir();
  const env = { PLEX_URL: emulator.url, PLEX_TOKEN: TOKEN, PSR_DATA_DIR: work.dir, PLEX_TIMEOUT: "5" };
  return { work, env };
}

describe("psr scan", () => {
  it("runs a scan as a job and prints the contract's JSON", async () => {
    const { work, env } = setup();
    try {
      const { code, stdout, stderr } = await runPsr(["scan", "--all", "--json"], env, work.dir);
      expect(code, stderr).toBe(0);
      const result = JSON.parse(stdout);
      expect(result).toMatchObject({
        jobId: expect.any(Number),
        status: "success",
        stats: {
          checked: expect.any(Number),
          fixed: expect.any(Number),
          wouldFix: 0,
          failed: expect.any(Number),
          skipped: expect.any(Number),
          errors: 0,
          matched: expect.any(Number),
        },
      });
      expect(result.stats.checked).toBeGreaterThan(150);
      expect(result.stats.fixed).toBeGreaterThan(0);
      const db = await openDatabase(work.dir);
      const job = await db.kysely
        .selectFrom("scan_runs")
        .selectAll()
        .where("id", "=", result.jobId)
        .executeTakeFirstOrThrow();
      await db.close();
      expect(job.status).toBe("success");
      expect(job.source).toBe("cli");
      expect(JSON.parse(job.stats_json ?? "{}").fixed).toBe(result.stats.fixed);
      expect(stdout + stderr).not.toContain(TOKEN);
    } finally {
      work.cleanup();
    }
  });

  it("reports an unknown library as bad input and records no job", async () => {
    const { work, env } = setup();
    try {
      const { code, stderr } = await runPsr(["scan", "--library", "Nope"], env, work.dir);
      expect(code).toBe(2);
      expect(stderr).toContain('No library named "Nope". Available: "Movies"');
      const db = await openDatabase(work.dir);
      const jobs = await db.kysely.selectFrom("scan_runs").selectAll().execute();
      await db.close();
      expect(jobs).toEqual([]);
    } finally {
      work.cleanup();
    }
  });

  it("rejects bad option values with exit code 2", async () => {
    const { work, env } = setup();
    try {
      const { code, stderr } = await runPsr(["scan", "--days", "0"], env, work.dir);
      expect(code).toBe(2);
      expect(stderr).toContain("--days must be between 1 and 3650, got 0");
    } finally {
      work.cleanup();
    }
  });

  it("refuses a second scan while one runs, naming the running job; Ctrl+C cancels cleanly", async () => {
    const slow = await startEmulator({
      token: TOKEN,
      seed: 5,
      items: 150,
      refresh: { workers: 1, minMs: 2000, maxMs: 3000 },
    });
    const { work, env } = setup();
    try {
      const slowEnv = { ...env, PLEX_URL: slow.url };
      const first = await startPsr(["scan", "--all"], slowEnv, work.dir, /Scan job (\d+) started/);
      const jobId = first.match[1];
      const second = await runPsr(["scan", "--all", "--json"], slowEnv, work.dir);
      expect(second.code).toBe(3);
      expect(second.stderr).toContain(`A scan is already running (job ${jobId})`);
      await new Promise((r) => setTimeout(r, 1000));
      const t0 = Date.now();
      const code = await first.stop("SIGINT");
      expect(Date.now() - t0).toBeLessThan(3000);
      expect(code).toBe(130);
      const db = await openDatabase(work.dir);
      const job = await db.kysely
        .selectFrom("scan_runs")
        .selectAll()
        .where("id", "=", Number(jobId))
        .executeTakeFirstOrThrow();
      await db.close();
      expect(job.status).toBe("cancelled");
      expect(first.output()).toContain("Cancelling");
    } finally {
      work.cleanup();
      await slow.close();
    }
  });

  it("psr jobs cancel stops a CLI scan in another process within 2 s; list, show and log report it", async () => {
    const slow = await startEmulator({
      token: TOKEN,
      seed: 5,
      items: 150,
      refresh: { workers: 1, minMs: 2000, maxMs: 3000 },
    });
    const { work, env } = setup();
    try {
      const slowEnv = { ...env, PLEX_URL: slow.url };
      const scan = await startPsr(["scan", "--all"], slowEnv, work.dir, /Scan job (\d+) started/);
      const jobId = scan.match[1]!;
      await new Promise((r) => setTimeout(r, 800));
      const exited = new Promise<number | null>((r) => scan.child.on("exit", (code) => r(code)));
      const t0 = Date.now();
      const cancel = await runPsr(["jobs", "cancel", jobId], slowEnv, work.dir);
      expect(cancel.code, cancel.stderr).toBe(0);
      expect(await exited).toBe(130);
      // Wide bound (a cold `psr jobs` start on a busy machine is slow): the scan left would take
      // minutes at 2-3 s per item, so ending within 15 s still proves the cancel cut it short.
      expect(Date.now() - t0).toBeLessThan(15_000);
      expect(cancel.stdout).toContain(`Scan ${jobId} cancelled.`);

      const list = await runPsr(["jobs", "list", "--json"], slowEnv, work.dir);
      expect(JSON.parse(list.stdout).jobs[0]).toMatchObject({
        id: Number(jobId),
        status: "cancelled",
        source: "cli",
      });
      const show = await runPsr(["jobs", "show", jobId], slowEnv, work.dir);
      expect(show.stdout).toContain(`Scan ${jobId}: cancelled (source cli)`);
      const log = await runPsr(["jobs", "log", jobId, "--tail", "3"], slowEnv, work.dir);
      expect(log.stdout).toMatch(/Scan cancelled/);
      const bad = await runPsr(["jobs", "show", "../etc/passwd"], slowEnv, work.dir);
      expect(bad.code).toBe(2);
      expect(bad.stderr).toContain("expected a job id");
    } finally {
      work.cleanup();
      await slow.close();
    }
  });
});
