// Start-up recovery: a job left `queued` or `running` by a process that is gone becomes
// `interrupted` at once, with the reason. A job whose process still lives (a CLI scan running
// beside the server) is left alone unless its heartbeat is older than the grace period.
import type { Job, JobStore } from "./job-store.js";

export function processAlive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch (error) {
    // EPERM: it exists but belongs to someone else.
    return (error as NodeJS.ErrnoException).code === "EPERM";
  }
}

/** Why an active job should be marked interrupted, or undefined when it is still alive. Pure. */
export function orphanReason(
  job: Pick<Job, "pid" | "heartbeatAt" | "createdAt">,
  now: number,
  graceMinutes: number,
  alive: (pid: number) => boolean,
  selfPid: number,
): string | undefined {
  const lastSign = job.heartbeatAt ?? job.createdAt;
  if (job.pid === null) return "it never started: the process that queued it is gone";
  if (job.pid === selfPid) return "the server restarted while it ran";
  if (!alive(job.pid)) return `the process that ran it (pid ${job.pid}) is gone`;
  if (now - lastSign > graceMinutes * 60_000) {
    return `no heartbeat for ${Math.round((now - lastSign) / 60_000)} minutes (limit ${graceMinutes})`;
  }
  return undefined;
}

export async function recoverOrphans(
  jobs: JobStore,
  options: { now: number; graceMinutes: number; alive?: (pid: number) => boolean; selfPid?: number },
): Promise<{ id: number; reason: string }[]> {
  const active = await jobs.active();
  if (!active) return [];
  const reason = orphanReason(
    active,
    options.now,
    options.graceMinutes,
    options.alive ?? processAlive,
    options.selfPid ?? process.pid,
  );
  if (!reason) return [];
  await jobs.finish(active.id, { status: "interrupted", now: options.now, error: `Interrupted: ${reason}` });
  return [{ id: active.id, reason }];
}
