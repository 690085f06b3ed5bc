// Scan jobs as rows: every scan (UI, API, CLI, scheduler) is recorded the same way. The
// database's partial unique index guarantees one queued-or-running scan across processes.

import type { Kysely, Selectable } from "kysely";
import { BULK_SOURCE } from "../contracts/bulk-constants.js";
import { ACTIVE_SCAN_STATUSES } from "../contracts/constants.js";
import { isReason, type Reason } from "../contracts/reasons.js";
import { readJsonColumn } from "../db/json-column.js";
import type { Database, ScanRunsTable, ScanStatus } from "../db/schema.js";
import type { RunProgress } from "../scan/run-loop.js";

export const ACTIVE_STATUSES: readonly ScanStatus[] = ACTIVE_SCAN_STATUSES;
export const FINAL_STATUSES: readonly ScanStatus[] = ["success", "failed", "cancelled", "interrupted"];

export class ScanAlreadyRunningError extends Error {
  readonly exitCode = 3;
  constructor(readonly runningJobId: number) {
    super(
      `A scan is already running (job ${runningJobId}); wait for it or cancel it with "psr jobs cancel ${runningJobId}"`,
    );
    this.name = "ScanAlreadyRunningError";
  }
}

export interface Job {
  id: number;
  status: ScanStatus;
  source: string;
  settings: Record<string, unknown>;
  stats: Record<string, unknown> | null;
  progress: RunProgress | null;
  /** Why it failed or was interrupted, in English (logs, CLI, API clients). */
  error: string | null;
  /** The same as a code the SPA words; null when none was recorded (older jobs, success). */
  errorReason: Reason | null;
  cancelRequested: boolean;
  pid: number | null;
  heartbeatAt: number | null;
  logPath: string | null;
  createdAt: number;
  startedAt: number | null;
  finishedAt: number | null;
}

function parseJson<T>(text: string | null): T | null {
  return readJsonColumn(text) as T | null;
}

export function toJob(row: Selectable<ScanRunsTable>): Job {
  return {
    id: row.id,
    status: row.status,
    source: row.source,
    settings: parseJson<Record<string, unknown>>(row.settings_json) ?? {},
    stats: parseJson(row.stats_json),
    progress: parseJson(row.progress_json),
    error: row.error,
    errorReason: storedReason(row.error_reason_json),
    cancelRequested: row.cancel_requested === 1,
    pid: row.pid,
    heartbeatAt: row.heartbeat_at,
    logPath: row.log_path,
    createdAt: row.created_at,
    startedAt: row.started_at,
    finishedAt: row.finished_at,
  };
}

/** A stored reason, read leniently: anything unreadable is no reason. */
function storedReason(text: string | null): Reason | null {
  const value = readJsonColumn(text);
  return isReason(value) ? value : null;
}

function isUniqueViolation(error: unknown): boolean {
  return (error as { code?: string }).code === "SQLITE_CONSTRAINT_UNIQUE";
}

export class JobStore {
  constructor(private readonly db: Kysely<Database>) {}

  async active(): Promise<Job | undefined> {
    const row = await this.db
      .selectFrom("scan_runs")
      .selectAll()
      .where("status", "in", ACTIVE_STATUSES)
      .executeTakeFirst();
    return row ? toJob(row) : undefined;
  }

  /**
   * Creates a job that holds the single scan slot. `running` marks it as started by this
   * process; `queued` leaves the start to a runner. Throws ScanAlreadyRunningError otherwise.
   */
  async create(input: {
    source: string;
    settings: Record<string, unknown>;
    status: "queued" | "running";
    now: number;
    pid?: number;
  }): Promise<Job> {
    try {
      const row = await this.db
        .insertInto("scan_runs")
        .values({
          status: input.status,
          source: input.source,
          settings_json: JSON.stringify(input.settings),
          created_at: input.now,
          started_at: input.status === "running" ? input.now : null,
          heartbeat_at: input.status === "running" ? input.now : null,
          pid: input.pid ?? null,
        })
        .returningAll()
        .executeTakeFirstOrThrow();
      return toJob(row);
    } catch (error) {
      if (!isUniqueViolation(error)) throw error;
      const running = await this.active();
      throw new ScanAlreadyRunningError(running?.id ?? -1);
    }
  }

  async get(id: number): Promise<Job | undefined> {
    const row = await this.db.selectFrom("scan_runs").selectAll().where("id", "=", id).executeTakeFirst();
    return row ? toJob(row) : undefined;
  }

  async setLogPath(id: number, logPath: string): Promise<void> {
    await this.db.updateTable("scan_runs").set({ log_path: logPath }).where("id", "=", id).execute();
  }

  async markRunning(id: number, now: number, pid: number): Promise<void> {
    await this.db
      .updateTable("scan_runs")
      .set({ status: "running", started_at: now, heartbeat_at: now, pid })
      .where("id", "=", id)
      .where("status", "=", "queued")
      .execute();
  }

  /** Records liveness and progress in one write; returns whether a cancel was requested. */
  async heartbeat(id: number, now: number, progress?: RunProgress): Promise<boolean> {
    const row = await this.db
      .updateTable("scan_runs")
      .set(progress ? { heartbeat_at: now, progress_json: JSON.stringify(progress) } : { heartbeat_at: now })
      .where("id", "=", id)
      .returning("cancel_requested")
      .executeTakeFirst();
    return row?.cancel_requested === 1;
  }

  async requestCancel(id: number): Promise<Job | undefined> {
    await this.db
      .updateTable("scan_runs")
      .set({ cancel_requested: 1 })
      .where("id", "=", id)
      .where("status", "in", ACTIVE_STATUSES)
      .execute();
    return this.get(id);
  }

  async finish(
    id: number,
    outcome: {
      status: "success" | "failed" | "cancelled" | "interrupted";
      now: number;
      stats?: unknown;
      error?: string | null;
      errorReason?: Reason | null;
    },
  ): Promise<void> {
    await this.db
      .updateTable("scan_runs")
      .set({
        status: outcome.status,
        finished_at: outcome.now,
        ...(outcome.stats === undefined ? {} : { stats_json: JSON.stringify(outcome.stats) }),
        error: outcome.error ?? null,
        error_reason_json: outcome.errorReason ? JSON.stringify(outcome.errorReason) : null,
      })
      .where("id", "=", id)
      .execute();
  }

  /** Whether any scan (not a bulk job) has ever finished successfully, dry or real. */
  async anyScanSucceeded(): Promise<boolean> {
    const row = await this.db
      .selectFrom("scan_runs")
      .select("id")
      .where("status", "=", "success")
      .where("source", "!=", BULK_SOURCE)
      .limit(1)
      .executeTakeFirst();
    return row !== undefined;
  }

  async list(options: { limit: number; offset: number }): Promise<{ jobs: Job[]; total: number }> {
    const [rows, count] = await Promise.all([
      this.db
        .selectFrom("scan_runs")
        .selectAll()
        .orderBy("id", "desc")
        .limit(options.limit)
        .offset(options.offset)
        .execute(),
      this.db
        .selectFrom("scan_runs")
        .select((eb) => eb.fn.countAll<number>().as("n"))
        .executeTakeFirstOrThrow(),
    ]);
    return { jobs: rows.map(toJob), total: Number(count.n) };
  }
}
