import { afterEach, describe, expect, it } from "vitest";
import { startEmulator } from "../../emulator/index.js";
import { type ScheduleSettings, scheduleSettingsSchema } from "../../src/config/settings.js";
import { openDatabase } from "../../src/db/connection.js";
import { loadSettings, readState, saveSettings, writeState } from "../../src/db/settings-repo.js";
import { JobStore, ScanAlreadyRunningError } from "../../src/jobs/job-store.js";
import { ScanService } from "../../src/jobs/scan-service.js";
import { type Clock, cronPattern, type LastRun, nextRun, Scheduler } from "../../src/jobs/scheduler.js";
import { PlexClient } from "../../src/plex/index.js";
import { tempDir } from "../helpers/tmp.js";

/** A clock the test moves by hand; timers fire when their time is passed. */
class FakeClock implements Clock {
  private timers: { at: number; fn: () => void; id: number }[] = [];
  private seq = 0;
  constructor(private t: number) {}
  now() {
    return this.t;
  }
  setTimeout(fn: () => void, ms: number) {
    const id = ++this.seq;
    this.timers.push({ at: this.t + ms, fn, id });
    return id;
  }
  clearTimeout(id: unknown) {
    this.timers = this.timers.filter((t) => t.id !== id);
  }
  async advanceTo(iso: string) {
    const target = Date.parse(iso);
    for (;;) {
      this.timers.sort((a, b) => a.at - b.at);
      const next = this.timers[0];
      if (!next || next.at > target) break;
      this.timers.shift();
      this.t = next.at;
      next.fn();
      await new Promise((r) => setTimeout(r, 20)); // let the async fire() settle
    }
    this.t = target;
  }
}

const schedule = (over: Partial<ScheduleSettings> = {}) => scheduleSettingsSchema.parse(over);

describe("cronPattern and nextRun", () => {
  it.each<[Partial<ScheduleSettings>, string | null]>([
    [{}, "30 3 * * *"],
    [{ time: "00:05" }, "5 0 * * *"],
    [{ time: "23:59" }, "59 23 * * *"],
    [{ enabled: false }, null],
    [{ mode: "cron", cron: "*/15 * * * *" }, "*/15 * * * *"],
  ])("%o → %s", (s, pattern) => {
    expect(cronPattern(schedule(s))).toBe(pattern);
  });

  it.each([
    // Berlin: CET (+1) in winter, CEST (+2) from 29 March 2026 02:00.
    ["2026-01-10T12:00:00Z", "Europe/Berlin", "2026-01-11T02:30:00.000Z"],
    ["2026-03-28T12:00:00Z", "Europe/Berlin", "2026-03-29T01:30:00.000Z"],
    ["2026-01-10T12:00:00Z", "America/New_York", "2026-01-11T08:30:00.000Z"],
    ["2026-01-10T01:00:00Z", "UTC", "2026-01-10T03:30:00.000Z"],
  ])("from %s in %s the daily 03:30 run is at %s", (from, zone, expected) => {
    expect(nextRun("30 3 * * *", zone, new Date(from))?.toISOString()).toBe(expected);
  });
});

describe("Scheduler with an injected clock", () => {
  it("fires at the scheduled time, records it, and arms the next day", async () => {
    const clock = new FakeClock(Date.parse("2026-06-01T10:00:00Z"));
    const triggered: number[] = [];
    let last: LastRun | undefined;
    const scheduler = new Scheduler({
      schedule: async () => schedule({ time: "12:00", timezone: "UTC" }),
      trigger: async () => {
        triggered.push(clock.now());
        return 41;
      },
      loadLastRun: async () => last,
      saveLastRun: async (r) => {
        last = r;
      },
      log: () => {},
      clock,
    });
    await scheduler.reload();
    expect((await scheduler.status()).nextRunAt).toBe("2026-06-01T12:00:00.000Z");
    await clock.advanceTo("2026-06-01T11:59:59Z");
    expect(triggered).toEqual([]);
    await clock.advanceTo("2026-06-01T12:00:01Z");
    expect(triggered).toEqual([Date.parse("2026-06-01T12:00:00Z")]);
    expect(last).toEqual({ at: "2026-06-01T12:00:00.000Z", outcome: "started", jobId: 41 });
    expect((await scheduler.status()).nextRunAt).toBe("2026-06-02T12:00:00.000Z");
    scheduler.stop();
  });

  it("skips a run while a scan is going and records the skip", async () => {
    const clock = new FakeClock(Date.parse("2026-06-01T10:00:00Z"));
    let last: LastRun | undefined;
    const scheduler = new Scheduler({
      schedule: async () => schedule({ time: "11:00", timezone: "UTC" }),
      trigger: async () => {
        throw new ScanAlreadyRunningError(7);
      },
      loadLastRun: async () => last,
      saveLastRun: async (r) => {
        last = r;
      },
      log: () => {},
      clock,
    });
    await scheduler.reload();
    await clock.advanceTo("2026-06-01T11:00:01Z");
    expect(last).toMatchObject({
      outcome: "skipped",
      reason: expect.stringContaining("already running (job 7)"),
    });
    scheduler.stop();
  });

  const cleanups: (() => Promise<void> | void)[] = [];
  afterEach(async () => {
    for (const c of cleanups.splice(0).reverse()) await c();
  });

  it("starts a real scan job, recorded with source scheduler, from the stored schedule", async () => {
    const emulator = await startEmulator({
      seed: 3,
      items: 60,
      refresh: { workers: 4, minMs: 5, maxMs: 20 },
    });
    const dir = tempDir();
    const db = await openDatabase(dir.dir);
    cleanups.push(
      () => emulator.close(),
      dir.cleanup,
      () => db.close(),
    );
    await saveSettings(db.kysely, { schedule: { time: "05:00", timezone: "Europe/Berlin" } });
    const jobs = new JobStore(db.kysely);
    const scans = new ScanService({
      db: db.kysely,
      jobs,
      plex: () => new PlexClient({ baseUrl: emulator.url, token: emulator.token, timeoutMs: 5000 }),
      dataDir: dir.dir,
      secrets: [emulator.token],
      log: () => {},
    });
    const clock = new FakeClock(Date.parse("2026-06-01T00:00:00Z"));
    const scheduler = new Scheduler({
      schedule: async () => (await loadSettings(db.kysely)).schedule,
      trigger: async () => (await scans.start("scheduler")).id,
      loadLastRun: () => readState<LastRun>(db.kysely, "scheduler.lastRun"),
      saveLastRun: (r) => writeState(db.kysely, "scheduler.lastRun", r),
      log: () => {},
      clock,
    });
    await scheduler.reload();
    // 05:00 in Berlin (CEST, +2) is 03:00 UTC.
    expect((await scheduler.status()).nextRunAt).toBe("2026-06-01T03:00:00.000Z");
    await clock.advanceTo("2026-06-01T03:00:00Z");
    await scans.idle();
    const { jobs: list } = await jobs.list({ limit: 5, offset: 0 });
    expect(list).toHaveLength(1);
    expect(list[0]).toMatchObject({ source: "scheduler", status: "success" });
    expect((await scheduler.status()).lastRun).toMatchObject({ outcome: "started", jobId: list[0]!.id });
    scheduler.stop();
  });
});
