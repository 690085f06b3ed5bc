// `psr jobs list|show ID|log ID|cancel ID`: the job history from the command line. Works
// beside a running server: everything goes through the shared database and log files.
import type { Config } from "../config/env.js";
import { isActiveStatus } from "../contracts/constants.js";
import { openDatabase } from "../db/connection.js";
import { followJob, pollingSource } from "../jobs/follow-job.js";
import { jobLogPath } from "../jobs/job-log.js";
import { type Job, JobStore } from "../jobs/job-store.js";
import { tailLines } from "../jobs/log-reader.js";
import { printable } from "../log-text.js";
import { intOption, parseCommandArgs, UsageError } from "./args.js";

function jobId(value: string | undefined): number {
  if (!value || !/^\d+$/.test(value) || Number(value) < 1) {
    throw new UsageError(`expected a job id (a positive whole number), got "${value ?? ""}"`);
  }
  return Number(value);
}

const when = (ms: number | null) =>
  ms === null ? "-" : new Date(ms).toISOString().replace("T", " ").slice(0, 19);
const duration = (job: Job) =>
  job.finishedAt && job.startedAt ? `${((job.finishedAt - job.startedAt) / 1000).toFixed(1)} s` : "-";

function summary(job: Job): string {
  const s = (job.stats ?? {}) as Record<string, number>;
  return job.stats ? `checked ${s.checked ?? 0}, fixed ${s.fixed ?? 0}, failed ${s.failed ?? 0}` : "";
}

export async function jobsCommand(argv: string[], config: Config): Promise<number> {
  const [sub, ...rest] = argv;
  const db = await openDatabase(config.dataDir);
  const jobs = new JobStore(db.kysely);
  // Log lines, titles and errors come from Plex and the network: never raw onto the terminal.
  const out = (text: string) => process.stdout.write(`${printable(text)}\n`);
  try {
    switch (sub) {
      case "list": {
        const { values } = parseCommandArgs(rest, { json: { type: "boolean" }, limit: { type: "string" } });
        const limit = intOption("limit", values.limit, { min: 1, max: 1000 }) ?? 20;
        const { jobs: list, total } = await jobs.list({ limit, offset: 0 });
        if (values.json) out(JSON.stringify({ jobs: list, total }));
        else if (list.length === 0) out("No scans yet.");
        else {
          for (const j of list) {
            out(
              `${String(j.id).padStart(5)}  ${j.status.padEnd(11)} ${j.source.padEnd(9)} ${when(j.startedAt)}  ${duration(j).padStart(8)}  ${summary(j)}`,
            );
          }
          if (total > list.length) out(`… ${total - list.length} older (use --limit)`);
        }
        return 0;
      }
      case "show": {
        const { values, positionals } = parseCommandArgs(rest, { json: { type: "boolean" } }, true);
        const job = await jobs.get(jobId(positionals[0]));
        if (!job) throw new UsageError(`no scan with id ${positionals[0]}`);
        if (values.json) out(JSON.stringify(job));
        else {
          out(`Scan ${job.id}: ${job.status} (source ${job.source})`);
          out(
            `  started   ${when(job.startedAt)}   finished ${when(job.finishedAt)}   duration ${duration(job)}`,
          );
          if (job.progress)
            out(`  progress  ${job.progress.phase} ${job.progress.done}/${job.progress.total ?? "?"}`);
          if (job.stats) out(`  stats     ${JSON.stringify(job.stats)}`);
          if (job.error) out(`  error     ${job.error}`);
          out(`  log       ${jobLogPath(config.dataDir, job.id)}`);
        }
        return 0;
      }
      case "log": {
        const { values, positionals } = parseCommandArgs(
          rest,
          { tail: { type: "string" }, follow: { type: "boolean", short: "f" } },
          true,
        );
        const id = jobId(positionals[0]);
        const job = await jobs.get(id);
        if (!job) throw new UsageError(`no scan with id ${id}`);
        const path = jobLogPath(config.dataDir, id);
        const tail = intOption("tail", values.tail, { min: 1, max: 1_000_000 });
        if (!values.follow) {
          for (const line of tailLines(path, tail ?? 1_000_000)) out(line);
          return 0;
        }
        // Follow: print new complete lines until the job has finished.
        const source = pollingSource(config.dataDir, (jobId) => jobs.get(jobId));
        for await (const event of followJob(source, id)) if (event.type === "log") out(event.text);
        return 0;
      }
      case "cancel": {
        const { positionals } = parseCommandArgs(rest, {}, true);
        const id = jobId(positionals[0]);
        const job = await jobs.get(id);
        if (!job) throw new UsageError(`no scan with id ${id}`);
        if (!isActiveStatus(job.status)) {
          out(`Scan ${id} is not running (status: ${job.status}).`);
          return 1;
        }
        await jobs.requestCancel(id);
        // The scan's heartbeat (every second) picks the flag up; wait to confirm.
        for (let i = 0; i < 50; i++) {
          const current = await jobs.get(id);
          if (current && !isActiveStatus(current.status)) {
            out(`Scan ${id} ${current.status}.`);
            return 0;
          }
          await new Promise((r) => setTimeout(r, 100));
        }
        out(`Cancel requested for scan ${id}; it stops at its next heartbeat.`);
        return 0;
      }
      default:
        throw new UsageError(
          `Unknown command "jobs ${sub ?? ""}". Use: psr jobs list|show ID|log ID|cancel ID`,
        );
    }
  } finally {
    await db.close();
  }
}
