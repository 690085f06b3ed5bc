// The job store's single scan slot and its error paths, and the question the first scan asks
// (has any scan ever succeeded?), on a real SQLite file.
import { afterEach, describe, expect, it } from "vitest";
import { BULK_SOURCE } from "../../src/contracts/bulk-constants.js";
import { openDatabase } from "../../src/db/connection.js";
import { FINAL_STATUSES, JobStore, ScanAlreadyRunningError } from "../../src/jobs/job-store.js";
import { tempDir } from "../helpers/tmp.js";

const NOW = Date.parse("2026-11-24T12:00:00Z");
const cleanups: (() => Promise<void> | void)[] = [];
afterEach(async () => {
  for (const c of cleanups.splice(0).reverse()) await c();
});

async function freshStore() {
  const dir = tempDir();
  const db = await openDatabase(dir.dir);
  cleanups.push(dir.cleanup, () => db.close());
  return { jobs: new JobStore(db.kysely), db };
}

describe("the single scan slot", () => {
  it("the refusal is a ScanAlreadyRunningError by name, for the CLI's exit code 3", async () => {
    const { jobs } = await freshStore();
    const first = await jobs.create({ source: "ui", settings: {}, status: "running", now: NOW });
    const error = await jobs
      .create({ source: "cli", settings: {}, status: "queued", now: NOW })
      .catch((e) => e);
    expect(error).toBeInstanceOf(ScanAlreadyRunningError);
    expect([error.name, error.exitCode, error.runningJobId]).toEqual([
      "ScanAlreadyRunningError",
      3,
      first.id,
    ]);
  });

  it("another constraint's failure is passed on as it is", async () => {
    const { jobs } = await freshStore();
    // source is NOT NULL: SQLite's own error, not the slot's.
    const failed = jobs.create({
      source: null as unknown as string,
      settings: {},
      status: "running",
      now: NOW,
    });
    await expect(failed).rejects.toMatchObject({ code: "SQLITE_CONSTRAINT_NOTNULL" });
    expect(await jobs.active()).toBeUndefined();
  });

  it("a slot freed between the refused insert and the look-up names job -1", async () => {
    const { jobs, db } = await freshStore();
    // The race, made deterministic: a unique violation while no job is active.
    db.sqlite.exec("create unique index test_one_source on scan_runs (source)");
    const done = await jobs.create({ source: "ui", settings: {}, status: "running", now: NOW });
    await jobs.finish(done.id, { status: "success", now: NOW });
    const refused = jobs.create({ source: "ui", settings: {}, status: "running", now: NOW });
    await expect(refused).rejects.toBeInstanceOf(ScanAlreadyRunningError);
    await expect(refused).rejects.toMatchObject({ runningJobId: -1 });
  });

  it("the final statuses are the four ways a job ends", () => {
    expect([...FINAL_STATUSES].sort()).toEqual(["cancelled", "failed", "interrupted", "success"]);
  });
});

describe("anyScanSucceeded", () => {
  it.each([
    { name: "no job yet", jobs: [], expected: false },
    {
      name: "only failed and cancelled scans",
      jobs: [
        ["ui", "failed"],
        ["cli", "cancelled"],
      ],
      expected: false,
    },
    { name: "a successful bulk job is not a scan", jobs: [[BULK_SOURCE, "success"]], expected: false },
    { name: "a scan is still running", jobs: [["ui", "running"]], expected: false },
    {
      name: "one successful scan among failures",
      jobs: [
        ["ui", "failed"],
        ["scheduler", "success"],
      ],
      expected: true,
    },
  ] as {
    name: string;
    jobs: [string, "success" | "failed" | "cancelled" | "running"][];
    expected: boolean;
  }[])("$name → $expected", async ({ jobs: rows, expected }) => {
    const { jobs } = await freshStore();
    for (const [source, status] of rows) {
      const job = await jobs.create({ source, settings: {}, status: "running", now: NOW });
      if (status !== "running") await jobs.finish(job.id, { status, now: NOW });
    }
    expect(await jobs.anyScanSucceeded()).toBe(expected);
  });
});
