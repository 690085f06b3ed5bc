// Start-up recovery: a job left `queued` or `running` by a process that is gone becomes
// `interrupted` at once, with the reason. A job whose process still lives (a CLI scan running
// beside the server) is left alone unless its heartbeat is older than the grace period.
import type { Reason } from "../contracts/reasons.js";
import { reasonText } from "../scan/reason-text.js";
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

/** Why an active job should be marked interrupted (a code), or undefined when it is still alive. Pure. */
export function orphanReason(
  job: Pick<Job, "pid" | "heartbeatAt" | "createdAt">,
  now: number,
  graceMinutes: number,
  alive: (pid: number) => boolean,
  selfPid: number,
): Reason | undefined {
  const lastSign = job.heartbeatAt ?? job.createdAt;
  if (job.pid === null) return { code: "job_never_started" };
  if (job.pid === selfPid) return { code: "server_restarted" };
  if (!alive(job.pid)) return { code: "job_process_gone", params: { pid: String(job.pid) } };
  if (now - lastSign > graceMinutes * 60_000) {
    const minutes = Math.round((now - lastSign) / 60_000);
    return { code: "job_heartbeat_lost", params: { minutes, limit: graceMinutes } };
  }
  return undefined;
}

export async function recoverOrphans(
  jobs: JobStore,
  options: { now: number; graceMinutes: number; alive?: (pid: number) => boolean; selfPid?: number },
): Promise<{ id: number; reason: string }[]> {
  const active = await jobs.active();
  if (!active) return [];
  const why = orphanReason(
    active,
    options.now,
    options.graceMinutes,
    options.alive ?? processAlive,
    options.selfPid ?? process.pid,
  );
  if (!why) return [];
  const reason = reasonText(why);
  await jobs.finish(active.id, {
    status: "interrupted",
    now: options.now,
    error: `Interrupted: ${reason}`,
    errorReason: why,
  });
  return [{ id: active.id, reason }];
}
