// /api/scans: start, list, show, cancel, log, and the live event stream (SSE).
import type { FastifyInstance } from "fastify";
import { z } from "zod";
import type { ApplyStarted } from "../../contracts/bulk.js";
import { isActiveStatus } from "../../contracts/constants.js";
import { ApplyRefusedError } from "../../jobs/apply-job.js";
import { type FollowSource, followJob } from "../../jobs/follow-job.js";
import { jobLogPath } from "../../jobs/job-log.js";
import { type Job, type JobStore, ScanAlreadyRunningError } from "../../jobs/job-store.js";
import { openLog, tailWithEnd } from "../../jobs/log-reader.js";
import type { ScanService } from "../../jobs/scan-service.js";
import { LibrarySelectionError } from "../../scan/collect.js";
import { HttpError, parseInput } from "../errors.js";
import {
  isoTime,
  jobIdParams,
  logQuery,
  pageQuery,
  type ScanResource,
  scanOverridesSchema,
} from "../schemas.js";
import type { SessionStreams } from "../session-streams.js";
import { lastEventId, openEventStream } from "../sse.js";

/**
 * A job as the API shows it. A bulk job's settings name up to 1,000 items; lists and event
 * streams (a status event every second while it runs) carry only their number, `bulk.total`,
 * and `GET /api/scans/:id` (`detail`) the keys as well.
 */
export function toScanResource(job: Job, detail = false): ScanResource {
  return {
    id: job.id,
    status: job.status,
    source: job.source,
    startedAt: isoTime(job.startedAt ?? job.createdAt),
    finishedAt: isoTime(job.finishedAt),
    stats: (job.stats as ScanResource["stats"]) ?? null,
    error: job.error,
    errorReason: job.errorReason,
    progress: job.progress,
    cancelRequested: job.cancelRequested,
    settings: bulkKeysCounted(job.settings, detail),
  };
}

function bulkKeysCounted(settings: Record<string, unknown>, keepKeys: boolean): Record<string, unknown> {
  const bulk = settings.bulk as { ratingKeys?: unknown } | undefined;
  if (!bulk || typeof bulk !== "object" || !Array.isArray(bulk.ratingKeys)) return settings;
  const { ratingKeys, ...rest } = bulk;
  return { ...settings, bulk: { ...rest, total: ratingKeys.length, ...(keepKeys ? { ratingKeys } : {}) } };
}

/** A call that takes no options: an empty body (or none) only. */
const emptyBody = z.object({}).strict();

export interface ScanRouteDeps {
  jobs: JobStore;
  scans: ScanService;
  dataDir: string;
  /** What wakes the per-scan event streams (the server's shared live feed). */
  follow: FollowSource;
  /** Ends a session's streams when the session ends. */
  sessions?: SessionStreams;
}

export async function scanRoutes(app: FastifyInstance, deps: ScanRouteDeps): Promise<void> {
  const { jobs, scans } = deps;

  async function loadJob(params: unknown): Promise<Job> {
    const { id } = parseInput(jobIdParams, params, "params");
    const job = await jobs.get(id);
    if (!job) throw new HttpError(404, `No scan with id ${id}`);
    return job;
  }

  app.post("/api/scans", async (request, reply) => {
    const overrides = parseInput(scanOverridesSchema, request.body, "body");
    try {
      // From the web UI (a session) it is a manual run; with an API key, a script's.
      const job = await scans.start(request.auth?.kind === "session" ? "manual" : "api", overrides);
      return reply.status(202).send({ id: job.id });
    } catch (error) {
      if (error instanceof ScanAlreadyRunningError) {
        throw new HttpError(409, error.message, { code: "scan_running", runningJobId: error.runningJobId });
      }
      if (error instanceof LibrarySelectionError) {
        throw new HttpError(400, `Invalid body: libraries: ${error.message}`, {
          code: "unknown_library",
          field: "libraries",
        });
      }
      throw error;
    }
  });

  app.get("/api/scans", async (request) => {
    const { page, pageSize } = parseInput(pageQuery, request.query, "query");
    const { jobs: list, total } = await jobs.list({ limit: pageSize, offset: (page - 1) * pageSize });
    return { items: list.map((job) => toScanResource(job)), total, page, pageSize };
  });

  app.get("/api/scans/:id", async (request) => toScanResource(await loadJob(request.params), true));

  app.post("/api/scans/:id/cancel", async (request, reply) => {
    const job = await loadJob(request.params);
    if (!isActiveStatus(job.status)) {
      throw new HttpError(409, `Scan ${job.id} is not running (status: ${job.status})`, {
        code: "scan_not_running",
      });
    }
    const updated = await scans.cancel(job.id);
    return reply.status(202).send(toScanResource(updated ?? job));
  });

  // "Apply these N fixes": the dry run's proposals as a real job that re-checks each item first.
  app.post("/api/scans/:id/apply", async (request, reply) => {
    const dryRun = await loadJob(request.params);
    parseInput(emptyBody, request.body, "body");
    try {
      const { job, total } = await scans.startApply(dryRun);
      const started: ApplyStarted = { id: job.id, fromJobId: dryRun.id, total };
      return reply.status(202).send(started);
    } catch (error) {
      if (error instanceof ScanAlreadyRunningError)
        throw new HttpError(409, error.message, { code: "scan_running", runningJobId: error.runningJobId });
      if (error instanceof ApplyRefusedError)
        throw new HttpError(error.code === "not_a_dry_run" ? 400 : 409, error.message, { code: error.code });
      throw error;
    }
  });

  app.get("/api/scans/:id/log", async (request, reply) => {
    const job = await loadJob(request.params);
    const { tail, download } = parseInput(logQuery, request.query, "query");
    const path = jobLogPath(deps.dataDir, job.id);
    if (download === "1" || download === "true") {
      const stream = openLog(path);
      if (!stream) throw new HttpError(404, `Scan ${job.id} has no log`, { code: "no_log" });
      return reply
        .type("text/plain; charset=utf-8")
        .header("Content-Disposition", `attachment; filename="scan_${job.id}.log"`)
        .send(stream);
    }
    // `end` is the byte offset after the last line: the same ids the event streams use, so a
    // client can merge this tail with streamed lines without showing one twice.
    return { id: job.id, ...tailWithEnd(path, tail ?? 200) };
  });

  // Server-Sent Events of one scan: log lines (id = byte offset after the line, so Last-Event-ID
  // resumes with no gap, even across a server restart), progress snapshots, and a final "end".
  app.get("/api/scans/:id/events", async (request, reply) => {
    const job = await loadJob(request.params);
    const lastId = Number(lastEventId(request));
    const fromOffset = Number.isSafeInteger(lastId) && lastId >= 0 ? lastId : 0;
    const stream = openEventStream(request, reply, deps.sessions);
    try {
      for await (const event of followJob(deps.follow, job.id, { fromOffset, signal: stream.closed })) {
        if (event.type === "log") stream.send("log", { line: event.text }, event.end);
        else if (event.type === "progress") stream.send("progress", toScanResource(event.job));
        else stream.send("end", { status: event.job.status });
      }
    } catch (error) {
      request.log.warn({ err: error }, "scan event stream failed");
    } finally {
      stream.end();
    }
  });
}
