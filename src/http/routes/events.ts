// GET /api/events: the one event stream a browser opens for the whole app (SSE). `status` carries
// the running and the last finished scan, `log` the running scan's lines (id `<jobId>:<offset>`, so
// EventSource's Last-Event-ID resumes without a gap), `scheduler` the next and last planned run.
import type { FastifyInstance } from "fastify";
import { type LiveFeed, parseFeedEventId } from "../../jobs/live-feed.js";
import { toScanResource } from "./scans.js";

export interface EventRouteDeps {
  feed: LiveFeed;
  schedulerStatus: () => Promise<unknown>;
}

const KEEP_ALIVE_MS = 15_000;

export async function eventRoutes(app: FastifyInstance, deps: EventRouteDeps): Promise<void> {
  app.get("/api/events", async (request, reply) => {
    const header = request.headers["last-event-id"];
    const query = (request.query as { lastEventId?: unknown }).lastEventId;
    const resume = parseFeedEventId(
      typeof header === "string" ? header : typeof query === "string" ? query : undefined,
    );

    reply.hijack();
    const res = reply.raw;
    res.writeHead(200, {
      "Content-Type": "text/event-stream; charset=utf-8",
      "Cache-Control": "no-cache, no-transform",
      Connection: "keep-alive",
      "X-Accel-Buffering": "no",
    });
    res.write("retry: 2000\n\n");
    let open = true;
    const send = (event: string, data: unknown, id?: string) => {
      if (!open) return;
      res.write(`${id === undefined ? "" : `id: ${id}\n`}event: ${event}\ndata: ${JSON.stringify(data)}\n\n`);
    };
    const sendScheduler = () =>
      deps
        .schedulerStatus()
        .then((status) => send("scheduler", status))
        .catch((error: unknown) => request.log.warn({ err: error }, "scheduler status failed"));

    const unsubscribe = await deps.feed.subscribe(
      {
        status: ({ running, lastFinished }) =>
          send("status", {
            running: running ? toScanResource(running) : null,
            lastFinished: lastFinished ? toScanResource(lastFinished) : null,
          }),
        log: (jobId, line, end) => send("log", { jobId, line }, `${jobId}:${end}`),
        runsChanged: () => void sendScheduler(),
      },
      resume,
    );
    await sendScheduler();
    const beat = setInterval(() => {
      if (open) res.write(": keep-alive\n\n");
    }, KEEP_ALIVE_MS);
    const close = () => {
      if (!open) return;
      open = false;
      clearInterval(beat);
      unsubscribe();
    };
    request.raw.on("close", close);
    if (request.raw.destroyed) close();
  });
}
