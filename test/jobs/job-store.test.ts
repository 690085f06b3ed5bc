import { afterEach, describe, expect, it } from "vitest";
import { openDatabase } from "../../src/db/connection.js";
import { JobStore, ScanAlreadyRunningError } from "../../src/jobs/job-store.js";
import { tempDir } from "../helpers/tmp.js";

const NOW = Date.parse("2026-11-24T12:00:00Z");
const cleanups: (() => Promise<void> | void)[] = [];
afterEach(async () => {
  for (const c of cleanups.splice(0).reverse()) await c();
});

/** A job store on a fresh, migrated SQLite file. */
async function freshStore() {
  const dir = tempDir();
  const db = await openDatabase(dir.dir);
  cleanups.push(dir.cleanup, () => db.close());
  return { jobs: new JobStore(db.kysely), db };
}

describe("JobStore.create", () => {
  it.each([
    {
      name: "a running job is started now, by its pid",
      input: { status: "running" as const, pid: 4242 },
      expected: { status: "running", startedAt: NOW, heartbeatAt: NOW, pid: 4242 },
    },
    {
      name: "a queued job waits for a runner: no start, no heartbeat, no pid",
      input: { status: "queued" as const },
      expected: { status: "queued", startedAt: null, heartbeatAt: null, pid: null },
    },
  ])("$name", async ({ input, expected }) => {
    const { jobs } = await freshStore();
    const job = await jobs.create({ source: "cli", settings: { dryRun: true }, now: NOW, ...input });
    expect(job).toEqual({
      id: job.id,
      source: "cli",
      settings: { dryRun: true },
      stats: null,
      progress: null,
      error: null,
      errorReason: null,
      cancelRequested: false,
      logPath: null,
      createdAt: NOW,
      finishedAt: null,
      ...expected,
    });
    expect(await jobs.get(job.id)).toEqual(job);
    expect(await jobs.active()).toEqual(job);
  });

  it("refuses a second active job and names the one that holds the slot", async () => {
    const { jobs } = await freshStore();
    const first = await jobs.create({ source: "ui", settings: {}, status: "queued", now: NOW });
    const second = jobs.create({ source: "cli", settings: {}, status: "running", now: NOW, pid: 7 });
    await expect(second).rejects.toBeInstanceOf(ScanAlreadyRunningError);
    await expect(second).rejects.toMatchObject({ runningJobId: first.id, exitCode: 3 });
    await expect(second).rejects.toThrow(`psr jobs cancel ${first.id}`);
    expect((await jobs.list({ limit: 10, offset: 0 })).total).toBe(1);
  });

  it("passes on a database error that is not the single-slot rule", async () => {
    const { jobs, db } = await freshStore();
    await db.close();
    const failed = jobs.create({ source: "cli", settings: {}, status: "running", now: NOW });
    await expect(failed).rejects.not.toBeInstanceOf(ScanAlreadyRunningError);
  });

  it("frees the slot once the active job is finished", async () => {
    const { jobs } = await freshStore();
    const first = await jobs.create({ source: "ui", settings: {}, status: "running", now: NOW });
    await jobs.finish(first.id, { status: "success", now: NOW + 1 });
    expect(await jobs.active()).toBeUndefined();
    const next = await jobs.create({ source: "ui", settings: {}, status: "running", now: NOW + 2 });
    expect(next.id).toBeGreaterThan(first.id);
  });
});

describe("JobStore rows", () => {
  it("get answers undefined for an unknown id", async () => {
    const { jobs } = await freshStore();
    expect(await jobs.get(99)).toBeUndefined();
  });

  it("setLogPath records the log of that job only", async () => {
    const { jobs } = await freshStore();
    const done = await jobs.create({ source: "ui", settings: {}, status: "running", now: NOW });
    await jobs.finish(done.id, { status: "success", now: NOW });
    const current = await jobs.create({ source: "ui", settings: {}, status: "running", now: NOW });
    await jobs.setLogPath(current.id, "/data/logs/scan_2.log");
    expect((await jobs.get(current.id))?.logPath).toBe("/data/logs/scan_2.log");
    expect((await jobs.get(done.id))?.logPath).toBeNull();
  });

  it.each([
    {
      name: "a queued job becomes running with its start, heartbeat and pid",
      from: "queued" as const,
      moves: true,
    },
    { name: "a job already running keeps its start and pid", from: "running" as const, moves: false },
  ])("markRunning: $name", async ({ from, moves }) => {
    const { jobs } = await freshStore();
    const job = await jobs.create({ source: "ui", settings: {}, status: from, now: NOW, pid: 11 });
    await jobs.markRunning(job.id, NOW + 500, 22);
    const after = await jobs.get(job.id);
    expect(after).toMatchObject(
      moves
        ? { status: "running", startedAt: NOW + 500, heartbeatAt: NOW + 500, pid: 22 }
        : { status: "running", startedAt: NOW, heartbeatAt: NOW, pid: 11 },
    );
  });

  it("markRunning touches only the job it names", async () => {
    const { jobs, db } = await freshStore();
    const job = await jobs.create({ source: "ui", settings: {}, status: "queued", now: NOW });
    await jobs.markRunning(job.id + 1, NOW + 500, 22);
    expect(await jobs.get(job.id)).toMatchObject({ status: "queued", pid: null });
    expect(await db.kysely.selectFrom("scan_runs").select("id").execute()).toHaveLength(1);
  });
});

describe("JobStore cancel flag (heartbeat and requestCancel)", () => {
  const progress = { phase: "scanning" as const, done: 3, total: 10, current: "Alien" };

  it("heartbeat records liveness and progress, and answers whether a cancel was asked", async () => {
    const { jobs } = await freshStore();
    const job = await jobs.create({ source: "ui", settings: {}, status: "running", now: NOW });
    expect(await jobs.heartbeat(job.id, NOW + 1000, progress)).toBe(false);
    expect(await jobs.get(job.id)).toMatchObject({
      heartbeatAt: NOW + 1000,
      progress,
      cancelRequested: false,
    });

    const asked = await jobs.requestCancel(job.id);
    expect(asked).toMatchObject({ id: job.id, cancelRequested: true, status: "running" });
    // Without progress, the last progress stays; the heartbeat moves on.
    expect(await jobs.heartbeat(job.id, NOW + 2000)).toBe(true);
    expect(await jobs.get(job.id)).toMatchObject({ heartbeatAt: NOW + 2000, progress });
  });

  it("heartbeat of an unknown job answers no cancel and writes nothing", async () => {
    const { jobs } = await freshStore();
    const job = await jobs.create({ source: "ui", settings: {}, status: "running", now: NOW });
    await jobs.requestCancel(job.id);
    expect(await jobs.heartbeat(job.id + 1, NOW + 1000, progress)).toBe(false);
    expect(await jobs.get(job.id)).toMatchObject({ heartbeatAt: NOW, progress: null });
  });

  it.each([
    { name: "a queued job can be cancelled", status: "queued" as const, finished: null, flagged: true },
    { name: "a running job can be cancelled", status: "running" as const, finished: null, flagged: true },
    {
      name: "a finished job stays as it ended",
      status: "running" as const,
      finished: "success" as const,
      flagged: false,
    },
    {
      name: "an interrupted job stays as it ended",
      status: "queued" as const,
      finished: "interrupted" as const,
      flagged: false,
    },
  ])("requestCancel: $name", async ({ status, finished, flagged }) => {
    const { jobs } = await freshStore();
    const job = await jobs.create({ source: "ui", settings: {}, status, now: NOW });
    if (finished) await jobs.finish(job.id, { status: finished, now: NOW + 1 });
    const answer = await jobs.requestCancel(job.id);
    expect(answer?.cancelRequested).toBe(flagged);
    expect(await jobs.get(job.id)).toEqual(answer);
  });

  it("requestCancel of an unknown job answers undefined", async () => {
    const { jobs } = await freshStore();
    expect(await jobs.requestCancel(5)).toBeUndefined();
  });
});

describe("JobStore.finish and list", () => {
  it.each([
    {
      name: "success with figures",
      outcome: { status: "success" as const, stats: { checked: 4 } },
      expected: { status: "success", stats: { checked: 4 }, error: null },
    },
    {
      name: "failure with its error",
      outcome: { status: "failed" as const, error: "Plex unreachable" },
      expected: { status: "failed", stats: null, error: "Plex unreachable", errorReason: null },
    },
    {
      name: "an interruption with its code, read back as it was written",
      outcome: {
        status: "interrupted" as const,
        error: "Interrupted: the process that ran it (pid 7) is gone",
        errorReason: { code: "job_process_gone" as const, params: { pid: 7 } },
      },
      expected: {
        status: "interrupted",
        error: "Interrupted: the process that ran it (pid 7) is gone",
        errorReason: { code: "job_process_gone", params: { pid: 7 } },
      },
    },
    {
      name: "a null error stays null",
      outcome: { status: "cancelled" as const, stats: { checked: 0 }, error: null },
      expected: { status: "cancelled", stats: { checked: 0 }, error: null },
    },
  ])("finish: $name", async ({ outcome, expected }) => {
    const { jobs } = await freshStore();
    const job = await jobs.create({ source: "ui", settings: {}, status: "running", now: NOW });
    await jobs.finish(job.id, { ...outcome, now: NOW + 60_000 });
    expect(await jobs.get(job.id)).toMatchObject({ ...expected, finishedAt: NOW + 60_000 });
  });

  it.each([
    ["not JSON", "{oops"],
    ["an unknown code", JSON.stringify({ code: "made_up" })],
    ["a list", "[]"],
  ])("a stored error reason that is %s reads as none", async (_name, text) => {
    const { jobs, db } = await freshStore();
    const job = await jobs.create({ source: "ui", settings: {}, status: "running", now: NOW });
    await jobs.finish(job.id, { status: "failed", now: NOW, error: "boom" });
    await db.kysely.updateTable("scan_runs").set({ error_reason_json: text }).execute();
    expect(await jobs.get(job.id)).toMatchObject({ error: "boom", errorReason: null });
  });

  it("finish without figures keeps the figures written before", async () => {
    const { jobs } = await freshStore();
    const job = await jobs.create({ source: "ui", settings: {}, status: "running", now: NOW });
    await jobs.finish(job.id, { status: "failed", now: NOW, stats: { checked: 2 }, error: "first" });
    await jobs.finish(job.id, { status: "interrupted", now: NOW + 1 });
    expect(await jobs.get(job.id)).toMatchObject({
      status: "interrupted",
      stats: { checked: 2 },
      error: null,
    });
  });

  it("finish changes only the job it names", async () => {
    const { jobs } = await freshStore();
    const job = await jobs.create({ source: "ui", settings: {}, status: "running", now: NOW });
    await jobs.finish(job.id + 1, { status: "failed", now: NOW });
    expect(await jobs.get(job.id)).toMatchObject({ status: "running", finishedAt: null });
  });

  it("list pages the jobs newest first and counts them all", async () => {
    const { jobs } = await freshStore();
    const ids: number[] = [];
    for (let i = 0; i < 5; i++) {
      const job = await jobs.create({ source: `s${i}`, settings: {}, status: "running", now: NOW + i });
      await jobs.finish(job.id, { status: "success", now: NOW + i });
      ids.push(job.id);
    }
    const page = await jobs.list({ limit: 2, offset: 1 });
    expect(page.total).toBe(5);
    expect(page.jobs.map((j) => j.id)).toEqual([ids[3], ids[2]]);
    expect(page.jobs[0]).toMatchObject({ source: "s3", status: "success" });
  });
});
