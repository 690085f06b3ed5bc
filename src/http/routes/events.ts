// GET /api/events: the one event stream a browser opens for the whole app (SSE). `status` carries
// the running and the last finished scan, `log` the running scan's lines (id `<jobId>:<offset>`, so
// EventSource's Last-Event-ID resumes without a gap), `scheduler` the next and last planned run.
import type { FastifyInstance } from "fastify";
import { type LiveFeed, parseFeedEventId } from "../../jobs/live-feed.js";
import type { SessionStreams } from "../session-streams.js";
import { lastEventId, openEventStream } from "../sse.js";
import { toScanResource } from "./scans.js";

export interface EventRouteDeps {
  feed: LiveFeed;
  schedulerStatus: () => Promise<unknown>;
  /** Ends a session's streams when the session ends. */
  sessions?: SessionStreams;
}

export async function eventRoutes(app: FastifyInstance, deps: EventRouteDeps): Promise<void> {
  app.get("/api/events", async (request, reply) => {
    const resume = parseFeedEventId(lastEventId(request));
    const stream = openEventStream(request, reply, deps.sessions);
    const sendScheduler = () =>
      deps
        .schedulerStatus()
        .then((status) => stream.send("scheduler", status))
        .catch((error: unknown) => request.log.warn({ err: error }, "scheduler status failed"));

    const unsubscribe = await deps.feed.subscribe(
      {
        status: ({ running, lastFinished }) =>
          stream.send("status", {
            running: running ? toScanResource(running) : null,
            lastFinished: lastFinished ? toScanResource(lastFinished) : null,
          }),
        log: (jobId, line, end) => stream.send("log", { jobId, line }, `${jobId}:${end}`),
        runsChanged: () => void sendScheduler(),
      },
      resume,
    );
    if (stream.closed.aborted) unsubscribe();
    else stream.closed.addEventListener("abort", unsubscribe, { once: true });
    await sendScheduler();
  });
}
