// One Server-Sent Events response: the headers a stream needs behind nginx (no buffering, no
// transform), a retry hint, keep-alive comments, and the client's Last-Event-ID.
import type { FastifyReply, FastifyRequest } from "fastify";
import type { SessionStreams } from "./session-streams.js";

const KEEP_ALIVE_MS = 15_000;

export interface EventStream {
  /** Writes one event; does nothing once the client has gone. */
  send(event: string, data: unknown, id?: string | number): void;
  /** Aborted when the client disconnects. */
  closed: AbortSignal;
  end(): void;
}

/** The id the client last saw: the Last-Event-ID header, or `?lastEventId=` for a first connect. */
export function lastEventId(request: FastifyRequest): string | undefined {
  const header = request.headers["last-event-id"];
  if (typeof header === "string") return header;
  const query = (request.query as { lastEventId?: unknown }).lastEventId;
  return typeof query === "string" ? query : undefined;
}

/**
 * Starts the stream. With `sessions`, a stream opened with a session cookie ends the moment that
 * session does (logout, log out everywhere, a password change), and every stream ends when the
 * server stops.
 */
export function openEventStream(
  request: FastifyRequest,
  reply: FastifyReply,
  sessions?: SessionStreams,
): EventStream {
  reply.hijack();
  const res = reply.raw;
  res.writeHead(200, {
    "Content-Type": "text/event-stream; charset=utf-8",
    "Cache-Control": "no-cache, no-transform",
    Connection: "keep-alive",
    "X-Accel-Buffering": "no",
  });
  res.write("retry: 2000\n\n");
  const closed = new AbortController();
  const beat = setInterval(() => res.write(": keep-alive\n\n"), KEEP_ALIVE_MS);
  let forget = () => {};
  const close = () => {
    clearInterval(beat);
    forget();
    closed.abort();
  };
  const end = () => {
    close();
    if (!res.writableEnded) res.end();
  };
  request.raw.on("close", close);
  if (request.raw.destroyed) close();
  else if (sessions)
    forget = sessions.add(request.auth?.kind === "session" ? request.auth.sessionId : null, end);
  return {
    closed: closed.signal,
    send(event, data, id) {
      if (closed.signal.aborted) return;
      res.write(`${id === undefined ? "" : `id: ${id}\n`}event: ${event}\ndata: ${JSON.stringify(data)}\n\n`);
    },
    end,
  };
}
