// /api/scans: start, list, show, cancel, log, and the live event stream (SSE).
import { createReadStream, existsSync } from "node:fs";
import type { FastifyInstance } from "fastify";
import { jobLogPath } from "../../jobs/job-log.js";
import { type Job, type JobStore, ScanAlreadyRunningError } from "../../jobs/job-store.js";
import { readLinesFrom, tailLines } from "../../jobs/log-reader.js";
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

export function toScanResource(job: Job): ScanResource {
  return {
    id: job.id,
    status: job.status,
    source: job.source,
    startedAt: isoTime(job.startedAt ?? job.createdAt),
    finishedAt: isoTime(job.finishedAt),
    stats: (job.stats as ScanResource["stats"]) ?? null,
    error: job.error,
    progress: job.progress,
    cancelRequested: job.cancelRequested,
    settings: job.settings,
  };
}

export interface ScanRouteDeps {
  jobs: JobStore;
  scans: ScanService;
  dataDir: string;
  /** How often the event stream looks for new log lines and progress. */
  pollMs?: number;
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
      const job = await scans.start("api", overrides);
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
    return { items: list.map(toScanResource), total, page, pageSize };
  });

  app.get("/api/scans/:id", async (request) => toScanResource(await loadJob(request.params)));

  app.post("/api/scans/:id/cancel", async (request, reply) => {
    const job = await loadJob(request.params);
    if (job.status !== "running" && job.status !== "queued") {
      throw new HttpError(409, `Scan ${job.id} is not running (status: ${job.status})`, {
        code: "scan_not_running",
      });
    }
    const updated = await scans.cancel(job.id);
    return reply.status(202).send(toScanResource(updated ?? job));
  });

  app.get("/api/scans/:id/log", async (request, reply) => {
    const job = await loadJob(request.params);
    const { tail, download } = parseInput(logQuery, request.query, "query");
    const path = jobLogPath(deps.dataDir, job.id);
    if (download === "1" || download === "true") {
      if (!existsSync(path)) throw new HttpError(404, `Scan ${job.id} has no log`);
      return reply
        .type("text/plain; charset=utf-8")
        .header("Content-Disposition", `attachment; filename="scan_${job.id}.log"`)
        .send(createReadStream(path));
    }
    return { id: job.id, lines: existsSync(path) ? tailLines(path, tail ?? 200) : [] };
  });

  // Server-Sent Events: log lines (id = byte offset after the line, so Last-Event-ID resumes
  // with no gap, even across a server restart), progress snapshots, and a final "end".
  app.get("/api/scans/:id/events", async (request, reply) => {
    const job = await loadJob(request.params);
    const path = jobLogPath(deps.dataDir, job.id);
    const lastId = Number(
      request.headers["last-event-id"] ?? (request.query as { lastEventId?: string }).lastEventId,
    );
    let offset = Number.isSafeInteger(lastId) && lastId >= 0 ? lastId : 0;

    reply.hijack();
    const res = reply.raw;
    res.writeHead(200, {
      "Content-Type": "text/event-stream; charset=utf-8",
      "Cache-Control": "no-cache, no-transform",
      Connection: "keep-alive",
      "X-Accel-Buffering": "no",
    });
    res.write("retry: 2000\n\n");

    let closed = false;
    let lastProgress = "";
    let lastBeat = Date.now();
    const send = (event: string, data: unknown, id?: number) => {
      res.write(`${id === undefined ? "" : `id: ${id}\n`}event: ${event}\ndata: ${JSON.stringify(data)}\n\n`);
    };
    const tick = async () => {
      if (closed) return;
      const chunk = readLinesFrom(path, offset);
      for (const line of chunk.lines) send("log", { line: line.text }, line.end);
      offset = chunk.next;
      const current = await jobs.get(job.id);
      if (!current || closed) return;
      const snapshot = JSON.stringify({ status: current.status, progress: current.progress });
      if (snapshot !== lastProgress) {
        lastProgress = snapshot;
        send("progress", toScanResource(current));
      }
      const finished = current.status !== "running" && current.status !== "queued";
      if (finished && readLinesFrom(path, offset).lines.length === 0) {
        send("end", { status: current.status });
        stop();
        res.end();
        return;
      }
      if (Date.now() - lastBeat > 15_000) {
        res.write(": keep-alive\n\n");
        lastBeat = Date.now();
      }
    };
    let running = false;
    const timer = setInterval(() => {
      if (running) return;
      running = true;
      tick()
        .catch((error: unknown) => request.log.warn({ err: error }, "scan event stream failed"))
        .finally(() => {
          running = false;
        });
    }, deps.pollMs ?? 250);
    const stop = () => {
      closed = true;
      clearInterval(timer);
    };
    request.raw.on("close", stop);
    await tick();
  });
}
