import { describe, expect, it } from "vitest";
import { orphanReason } from "../../src/jobs/recovery.js";

const NOW = 1_800_000_000_000;
const MIN = 60_000;
const alive = (pid: number) => pid === 4242;

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
    expect(orphanReason(job, NOW, 30, alive, 1)).toBe(expected);
  });
});
