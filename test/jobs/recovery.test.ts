import { spawn } from "node:child_process";
import { once } from "node:events";
import { afterEach, describe, expect, it, vi } from "vitest";
import type { Reason } from "../../src/contracts/reasons.js";
import { openDatabase } from "../../src/db/connection.js";
import { JobStore } from "../../src/jobs/job-store.js";
import { orphanReason, processAlive, recoverOrphans } from "../../src/jobs/recovery.js";
import { reasonText } from "../../src/scan/reason-text.js";
import { tempDir } from "../helpers/tmp.js";

const NOW = 1_800_000_000_000;
const MIN = 60_000;
const alive = (pid: number) => pid === 4242;
/** The code's English rendering: the one the log and the job's `error` show. */
const english = (r: Reason | undefined) => (r ? reasonText(r) : undefined);

describe("orphanReason", () => {
  it.each<
    [string, { pid: number | null; heartbeatAt: number | null; createdAt: number }, string | undefined]
  >([
    [
      "a live CLI scan with a fresh heartbeat",
      { pid: 4242, heartbeatAt: NOW - 2000, createdAt: NOW - MIN },
      undefined,
    ],
    [
      "a dead process, even seconds ago (no blind grace period)",
      { pid: 999, heartbeatAt: NOW - 2000, createdAt: NOW - MIN },
      "the process that ran it (pid 999) is gone",
    ],
    [
      "this very process after a restart (pid reused)",
      { pid: 1, heartbeatAt: NOW - 2000, createdAt: NOW - MIN },
      "the server restarted while it ran",
    ],
    [
      "a live pid but a heartbeat older than the grace period",
      { pid: 4242, heartbeatAt: NOW - 45 * MIN, createdAt: NOW - 60 * MIN },
      "no heartbeat for 45 minutes (limit 30)",
    ],
    [
      "queued and never started",
      { pid: null, heartbeatAt: null, createdAt: NOW - MIN },
      "it never started: the process that queued it is gone",
    ],
  ])("%s", (_name, job, expected) => {
    expect(english(orphanReason(job, NOW, 30, alive, 1))).toBe(expected);
  });
});

describe("orphanReason edges", () => {
  it.each([
    {
      name: "a heartbeat exactly at the grace limit is still alive",
      job: { pid: 4242, heartbeatAt: NOW - 30 * MIN, createdAt: NOW - 60 * MIN },
      expected: undefined,
    },
    {
      name: "one millisecond past the limit is not",
      job: { pid: 4242, heartbeatAt: NOW - 30 * MIN - 1, createdAt: NOW - 60 * MIN },
      expected: "no heartbeat for 30 minutes (limit 30)",
    },
    {
      name: "a job that never beat counts from its creation",
      job: { pid: 4242, heartbeatAt: null, createdAt: NOW - 50 * MIN },
      expected: "no heartbeat for 50 minutes (limit 30)",
    },
    {
      name: "a fresh job that never beat is alive",
      job: { pid: 4242, heartbeatAt: null, createdAt: NOW - 10 * MIN },
      expected: undefined,
    },
  ])("$name", ({ job, expected }) => {
    expect(english(orphanReason(job, NOW, 30, alive, 1))).toBe(expected);
  });
});

describe("processAlive", () => {
  it("answers yes for a running process and no once it has exited", async () => {
    const child = spawn(process.execPath, ["-e", "setTimeout(() => {}, 60000)"], { stdio: "ignore" });
    const pid = child.pid as number;
    try {
      expect(processAlive(pid)).toBe(true);
    } finally {
      child.kill("SIGKILL");
    }
    await once(child, "exit"); // reaped: the pid no longer exists
    expect(processAlive(pid)).toBe(false);
    expect(processAlive(process.pid)).toBe(true);
  });

  it("counts a process owned by someone else (EPERM) as alive", () => {
    // The tests run as root, where signal 0 never fails with EPERM; the OS answer is stood in.
    const kill = vi.spyOn(process, "kill").mockImplementation(() => {
      throw Object.assign(new Error("operation not permitted"), { code: "EPERM" });
    });
    try {
      expect(processAlive(12345)).toBe(true);
      expect(kill).toHaveBeenCalledWith(12345, 0);
    } finally {
      kill.mockRestore();
    }
  });
});

describe("recoverOrphans", () => {
  const cleanups: (() => Promise<void> | void)[] = [];
  afterEach(async () => {
    for (const c of cleanups.splice(0).reverse()) await c();
  });
  async function storeWith(job?: { status: "queued" | "running"; pid?: number; now: number }) {
    const dir = tempDir();
    const db = await openDatabase(dir.dir);
    cleanups.push(dir.cleanup, () => db.close());
    const jobs = new JobStore(db.kysely);
    const created = job ? await jobs.create({ source: "ui", settings: {}, ...job }) : undefined;
    return { jobs, id: created?.id };
  }

  it("does nothing without an active job", async () => {
    const { jobs } = await storeWith();
    expect(await recoverOrphans(jobs, { now: NOW, graceMinutes: 30 })).toEqual([]);
  });

  it("marks the job of an exited process interrupted, with the reason", async () => {
    const child = spawn(process.execPath, ["-e", ""], { stdio: "ignore" });
    const pid = child.pid as number;
    await once(child, "exit");
    const { jobs, id } = await storeWith({ status: "running", pid, now: NOW - MIN });
    const reason = `the process that ran it (pid ${pid}) is gone`;
    expect(await recoverOrphans(jobs, { now: NOW, graceMinutes: 30 })).toEqual([{ id, reason }]);
    expect(await jobs.get(id as number)).toMatchObject({
      status: "interrupted",
      finishedAt: NOW,
      error: `Interrupted: ${reason}`,
      errorReason: { code: "job_process_gone", params: { pid: String(pid) } },
    });
    expect(await jobs.active()).toBeUndefined();
  });

  it("leaves the job of a live process alone (default liveness check, this process's pid is not its own)", async () => {
    const child = spawn(process.execPath, ["-e", "setTimeout(() => {}, 60000)"], { stdio: "ignore" });
    cleanups.push(() => {
      child.kill("SIGKILL");
    });
    const { jobs, id } = await storeWith({ status: "running", pid: child.pid as number, now: NOW - MIN });
    expect(await recoverOrphans(jobs, { now: NOW, graceMinutes: 30 })).toEqual([]);
    expect(await jobs.get(id as number)).toMatchObject({ status: "running", error: null });
  });

  it("takes this process's pid as its own by default: its job is from before a restart", async () => {
    const { jobs, id } = await storeWith({ status: "running", pid: process.pid, now: NOW - MIN });
    expect(await recoverOrphans(jobs, { now: NOW, graceMinutes: 30 })).toEqual([
      { id, reason: "the server restarted while it ran" },
    ]);
  });

  it("uses the liveness check and pid it is given", async () => {
    const { jobs, id } = await storeWith({ status: "running", pid: 77, now: NOW - 40 * MIN });
    const options = { now: NOW, graceMinutes: 30, alive: (pid: number) => pid === 77, selfPid: 1 };
    expect(await recoverOrphans(jobs, options)).toEqual([
      { id, reason: "no heartbeat for 40 minutes (limit 30)" },
    ]);
  });
});
