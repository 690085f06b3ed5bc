// What every run of Plex work shares, a scan and a bulk job alike: the outage gate, the pause
// between changes, batched reads of items, and completion tracking (Plex's websocket when it
// answers, polling otherwise). One place, so both treat Plex exactly the same way.
import type { PlexClient, PlexItem, PlexNotificationListener } from "../plex/index.js";
import { CompletionTracker } from "./completion.js";
import { Batcher, Pacer } from "./limits.js";
import { PlexGate } from "./plex-gate.js";

type Log = (level: "info" | "warn" | "error", message: string) => void;

export interface PlexWorkTools {
  gate: PlexGate;
  pacer: Pacer;
  /** Reads items in batches (before and after a fix), keyed by ratingKey. */
  reader: Batcher<PlexItem>;
}

export function plexWorkTools(
  plex: PlexClient,
  limits: { outageWaitSeconds: number; requestDelayMs: number },
  signal: AbortSignal,
  log: Log,
  now: () => number,
): PlexWorkTools {
  return {
    gate: new PlexGate(
      (probeSignal) => plex.identity({ signal: probeSignal }),
      limits.outageWaitSeconds * 1000,
      (message) => log("warn", message),
    ),
    pacer: new Pacer(limits.requestDelayMs, now),
    reader: new Batcher(async (keys) => {
      const items = await plex.metadata(keys, { signal });
      return new Map(items.map((i) => [i.ratingKey, i]));
    }),
  };
}

export interface CompletionOptions {
  plex: PlexClient;
  /** A listener the caller owns (tests, the server's shared one); it is not closed here. */
  listener?: PlexNotificationListener | undefined;
  /** Listen on Plex's websocket (default true); false polls only. */
  notifications?: boolean | undefined;
  pollIntervalMs?: number | undefined;
  log: Log;
}

export interface CompletionTracking {
  tracker: CompletionTracker;
  /** Stops tracking and closes the listener when it was opened here. */
  close(): Promise<void>;
}

export async function openCompletionTracking(
  options: CompletionOptions,
  signal: AbortSignal,
): Promise<CompletionTracking> {
  let listener = options.listener;
  let owned = false;
  if (!listener && options.notifications !== false) {
    listener = options.plex.notifications();
    owned = true;
    listener.start();
  }
  if (listener && !listener.connected && !(await listener.waitOpen(3000)))
    options.log("warn", "Plex notifications are unavailable; polling for completion instead");
  const tracker = new CompletionTracker(
    listener,
    (keys) => options.plex.metadata(keys, { signal }),
    options.pollIntervalMs,
  );
  return {
    tracker,
    close: async () => {
      tracker.close();
      if (owned) await listener?.close();
    },
  };
}
