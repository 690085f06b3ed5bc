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
        const block = buffer.slice(0, sep);
        buffer = buffer.slice(sep + 2);
        const ev: SseEvent = { event: "message", data: "" };
        for (const line of block.split("\n")) {
          if (line.startsWith("id: ")) ev.id = line.slice(4);
          else if (line.startsWith("event: ")) ev.event = line.slice(7);
          else if (line.startsWith("data: ")) ev.data += line.slice(6);
        }
        if (block.split("\n").some((l) => l.startsWith("data: "))) events.push(ev);
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
