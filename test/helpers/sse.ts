// A minimal SSE client over fetch, for tests: collects events until a predicate says stop.
// A stream that ends or times out before that is an error, not a shorter answer: otherwise a
// stream that sends nothing would pass every check made on what it sent.
export interface SseEvent {
  id?: string;
  event: string;
  data: string;
}

export async function collectSse(
  url: string,
  headers: Record<string, string>,
  stop: (events: SseEvent[]) => boolean,
  timeoutMs = 20_000,
): Promise<{ events: SseEvent[]; status: number; contentType: string | null }> {
  const controller = new AbortController();
  const timer = setTimeout(() => controller.abort(), timeoutMs);
  const res = await fetch(url, {
    headers: { Accept: "text/event-stream", ...headers },
    signal: controller.signal,
  });
  const events: SseEvent[] = [];
  if (!res.body) return { events, status: res.status, contentType: res.headers.get("content-type") };
  const reader = res.body.getReader();
  const decoder = new TextDecoder();
  let buffer = "";
  try {
    for (;;) {
      const { value, done } = await reader.read();
      if (done) throw new Error(`the event stream ended before the stop condition (${events.length} events)`);
      buffer += decoder.decode(value, { stream: true });
      let sep = buffer.indexOf("\n\n");
      while (sep !== -1) {
        const ev = parseBlock(buffer.slice(0, sep));
        buffer = buffer.slice(sep + 2);
        if (ev) events.push(ev);
        if (stop(events)) return { events, status: res.status, contentType: res.headers.get("content-type") };
        sep = buffer.indexOf("\n\n");
      }
    }
  } catch (error) {
    if (!controller.signal.aborted) throw error;
    throw new Error(`no stop condition within ${timeoutMs} ms (${events.length} events)`);
  } finally {
    clearTimeout(timer);
    controller.abort();
  }
}

/** One event block; undefined for a comment or a retry hint (no data line). */
function parseBlock(block: string): SseEvent | undefined {
  const ev: SseEvent = { event: "message", data: "" };
  let hasData = false;
  for (const line of block.split("\n")) {
    if (line.startsWith("id: ")) ev.id = line.slice(4);
    else if (line.startsWith("event: ")) ev.event = line.slice(7);
    else if (line.startsWith("data: ")) {
      ev.data += line.slice(6);
      hasData = true;
    }
  }
  return hasData ? ev : undefined;
}

export interface OpenSse {
  status: number;
  /** Every event so far; grows while the stream is open. */
  events: SseEvent[];
  /** Resolves with the time (Date.now()) the server ended the stream. */
  ended: Promise<number>;
  /** Resolves once `predicate` holds for the events received. */
  until(predicate: (events: SseEvent[]) => boolean, timeoutMs?: number): Promise<void>;
  close(): void;
}

/** A stream kept open in the background, for tests about when and how the server ends it. */
export async function openSse(url: string, headers: Record<string, string>): Promise<OpenSse> {
  const controller = new AbortController();
  const res = await fetch(url, {
    headers: { Accept: "text/event-stream", ...headers },
    signal: controller.signal,
  });
  const events: SseEvent[] = [];
  const waiters = new Set<() => void>();
  const ended = (async () => {
    if (!res.body) return Date.now();
    const reader = res.body.getReader();
    const decoder = new TextDecoder();
    let buffer = "";
    try {
      for (;;) {
        const { value, done } = await reader.read();
        if (done) return Date.now();
        buffer += decoder.decode(value, { stream: true });
        let sep = buffer.indexOf("\n\n");
        while (sep !== -1) {
          const ev = parseBlock(buffer.slice(0, sep));
          buffer = buffer.slice(sep + 2);
          if (ev) events.push(ev);
          sep = buffer.indexOf("\n\n");
        }
        for (const wake of waiters) wake();
      }
    } catch {
      return Date.now(); // closed by us, or the connection was cut
    }
  })();
  return {
    status: res.status,
    events,
    ended,
    async until(predicate, timeoutMs = 10_000) {
      const deadline = Date.now() + timeoutMs;
      while (!predicate(events)) {
        if (Date.now() > deadline)
          throw new Error(`no stop condition within ${timeoutMs} ms (${events.length} events)`);
        await Promise.race([new Promise<void>((wake) => waiters.add(wake)), ended, sleep(50)]);
        waiters.clear();
      }
    },
    close: () => controller.abort(),
  };
}

const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));
