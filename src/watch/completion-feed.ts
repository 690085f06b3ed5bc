// Completion events for the watcher's own refreshes. Plex can repeat "done" for a new item
// many times (twice a second for an hour while it thumbnails a 4K file); such a repeat must not
// pass for the end of our refresh, or the item is re-read too early and judged still broken.
// While an item's "done" frames repeat, only the refresh activity's end counts for it.
import type { PlexNotificationListener } from "../plex/index.js";
import { finishedEvents } from "../plex/notifications.js";

type Finished = (ratingKey: string) => void;

/** Two "done" frames this close together mark an item as repeating. */
const REPEAT_GAP_MS = 5000;
/** It counts as repeating until it has been quiet this long. */
const QUIET_MS = 10_000;

export class RepeatFilter {
  private readonly lastDone = new Map<string, { at: number; repeating: boolean }>();

  constructor(private readonly now: () => number = Date.now) {}

  /** Notes a "done" timeline frame for an item. */
  sawDone(ratingKey: string): void {
    const t = this.now();
    const last = this.lastDone.get(ratingKey);
    this.lastDone.set(ratingKey, { at: t, repeating: last !== undefined && t - last.at < REPEAT_GAP_MS });
    if (this.lastDone.size > 5000)
      for (const [k, v] of this.lastDone) if (t - v.at >= QUIET_MS) this.lastDone.delete(k);
  }

  repeating(ratingKey: string): boolean {
    const last = this.lastDone.get(ratingKey);
    if (!last?.repeating) return false;
    return this.now() - last.at < QUIET_MS;
  }
}

/**
 * The slice of a listener that CompletionTracker uses, fed from raw frames: a timeline "done"
 * of a repeating item is passed over; the refresh activity's end always counts.
 */
export function filteredCompletions(
  listener: PlexNotificationListener,
  filter: RepeatFilter,
): { feed: PlexNotificationListener; detach: () => void } {
  const finished = new Set<Finished>();
  const onFrame = (frame: unknown) => {
    for (const { ratingKey, source } of finishedEvents(frame)) {
      if (source === "timeline" && filter.repeating(ratingKey)) continue;
      for (const f of [...finished]) f(ratingKey);
    }
  };
  listener.on("notification", onFrame);
  const feed = {
    get connected() {
      return listener.connected;
    },
    on(event: string, handler: (...args: never[]) => void) {
      if (event === "finished") finished.add(handler as Finished);
      else listener.on(event as "open", handler as () => void);
      return feed;
    },
    off(event: string, handler: (...args: never[]) => void) {
      if (event === "finished") finished.delete(handler as Finished);
      else listener.off(event as "open", handler as () => void);
      return feed;
    },
    /** Nothing is de-duplicated here, so there is nothing to forget. */
    forget(_ratingKey: string) {},
  };
  return {
    // CompletionTracker only uses on/off/forget/connected, which this provides.
    feed: feed as unknown as PlexNotificationListener,
    detach: () => {
      listener.off("notification", onFrame);
      finished.clear();
    },
  };
}
