// Following one job: its log lines from a byte offset, its progress, and its end, as one async
// iterable. The per-scan event stream serialises it and `psr jobs log -f` prints it. What wakes a
// follower is the caller's: the server shares the live feed's one poller between all followers;
// the CLI, which may follow a scan run by the server or another CLI, polls on its own.

import { isActiveStatus } from "../contracts/constants.js";
import { jobLogPath } from "./job-log.js";
import type { Job } from "./job-store.js";
import { readLinesFrom } from "./log-reader.js";

export type JobEvent =
  | { type: "log"; text: string; end: number }
  | { type: "progress"; job: Job }
  | { type: "end"; job: Job };

export interface FollowSource {
  dataDir: string;
  /** The job as it is now (undefined when it no longer exists). */
  current(id: number): Promise<Job | undefined>;
  /** Wake-ups, one per moment worth looking again, until the signal aborts. */
  ticks(signal: AbortSignal): AsyncIterable<void>;
}

/** A source for processes without a live feed: the database and the log, every `ms`. */
export function pollingSource(
  dataDir: string,
  current: (id: number) => Promise<Job | undefined>,
  ms = 500,
): FollowSource {
  return {
    dataDir,
    current,
    async *ticks(signal) {
      while (!signal.aborted) {
        await new Promise<void>((resolve) => {
          const timer = setTimeout(resolve, ms);
          signal.addEventListener(
            "abort",
            () => {
              clearTimeout(timer);
              resolve();
            },
            { once: true },
          );
        });
        if (!signal.aborted) yield;
      }
    },
  };
}

export async function* followJob(
  source: FollowSource,
  id: number,
  options: { fromOffset?: number; signal?: AbortSignal } = {},
): AsyncGenerator<JobEvent> {
  const path = jobLogPath(source.dataDir, id);
  const stop = new AbortController();
  const signal = options.signal ? AbortSignal.any([options.signal, stop.signal]) : stop.signal;
  let offset = options.fromOffset ?? 0;
  let lastProgress = "";
  const newLines = function* () {
    for (;;) {
      const chunk = readLinesFrom(path, offset);
      for (const line of chunk.lines) yield { type: "log" as const, text: line.text, end: line.end };
      const more = chunk.next > offset && chunk.lines.length > 0;
      offset = chunk.next;
      if (!more) return;
    }
  };
  const look = async function* (): AsyncGenerator<JobEvent, boolean> {
    yield* newLines();
    const job = await source.current(id);
    if (!job) return true;
    const snapshot = JSON.stringify([job.status, job.progress, job.cancelRequested]);
    if (snapshot !== lastProgress) {
      lastProgress = snapshot;
      yield { type: "progress", job };
    }
    if (isActiveStatus(job.status)) return false;
    yield* newLines(); // the last lines, written just before the end
    yield { type: "end", job };
    return true;
  };
  try {
    if (yield* look()) return;
    for await (const _ of source.ticks(signal)) {
      if (yield* look()) return;
    }
  } finally {
    stop.abort();
  }
}
