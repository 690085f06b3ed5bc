// The job behind "Apply these N fixes": which items a finished dry run proposed to fix (its
// would_fix results), and the run that applies them inside the one job wrapper (log, heartbeat,
// cancel, interrupted on shutdown, final status).
import type { Kysely } from "kysely";
import type { ScanSettings } from "../config/settings.js";
import { APPLY_SOURCE, BULK_SOURCE } from "../contracts/bulk.js";
import { isActiveStatus } from "../contracts/constants.js";
import type { Database } from "../db/schema.js";
import type { PlexClient } from "../plex/index.js";
import { type ApplyStats, runApply } from "../scan/apply.js";
import { SqliteScanStore } from "./item-store.js";
import type { Job } from "./job-store.js";
import { type FinalOutcome, type JobWrapperDeps, runJobWith } from "./runner.js";

/** Why a job's proposals cannot be applied: the API's code, and a sentence for the log. */
export class ApplyRefusedError extends Error {
  constructor(
    readonly code: "not_a_dry_run" | "dry_run_unfinished" | "nothing_to_apply",
    message: string,
  ) {
    super(message);
    this.name = "ApplyRefusedError";
  }
}

/** `settings` of an apply job's row: the scan settings it ran with, and whose proposals. */
export type ApplyJobSettings = ScanSettings & { apply: { fromJobId: number; total: number } };

/** Whether a job is a scan that ran as a dry run (bulk and apply jobs never are). */
export function isDryRunScan(job: Pick<Job, "source" | "settings">): boolean {
  return job.source !== BULK_SOURCE && job.source !== APPLY_SOURCE && job.settings.dryRun === true;
}

/**
 * The items dry run `job` proposed to fix, in the order it found them. Throws ApplyRefusedError
 * for a job that is not a finished dry run or proposed nothing.
 */
export async function dryRunProposals(db: Kysely<Database>, job: Job): Promise<string[]> {
  if (!isDryRunScan(job)) throw new ApplyRefusedError("not_a_dry_run", `Job ${job.id} is not a dry run`);
  if (isActiveStatus(job.status))
    throw new ApplyRefusedError("dry_run_unfinished", `Dry run ${job.id} has not finished yet`);
  const rows = await db
    .selectFrom("item_history")
    .select("rating_key")
    .where("job_id", "=", job.id)
    .where("outcome", "=", "would_fix")
    .groupBy("rating_key")
    .orderBy((eb) => eb.fn.min("id"))
    .execute();
  if (rows.length === 0)
    throw new ApplyRefusedError("nothing_to_apply", `Dry run ${job.id} proposed no fixes`);
  return rows.map((r) => r.rating_key);
}

export type ApplyJobDeps = JobWrapperDeps & { db: Kysely<Database>; plex: PlexClient };

/** Runs an apply job to its end; results go through the scan's store, linked to this job. */
export function runApplyJob(
  job: Job,
  settings: ApplyJobSettings,
  ratingKeys: readonly string[],
  deps: ApplyJobDeps,
): Promise<FinalOutcome<ApplyStats>> {
  return runJobWith(job, deps, ({ signal, reporter }) =>
    runApply(
      { fromJobId: settings.apply.fromJobId, ratingKeys },
      {
        plex: deps.plex,
        store: new SqliteScanStore(deps.db, job.id),
        settings,
        reporter,
        signal,
        ...(deps.now ? { now: deps.now } : {}),
      },
    ),
  );
}
