// The last known state of Plex, learned from the app's own Plex calls: health checks and
// scrapes report it without ever calling Plex themselves.
import type { PlexRequestLogEvent } from "../plex/index.js";

export type PlexState = "up" | "down" | "unknown";

/**
 * What one request attempt says about Plex: any HTTP answer below 500 (a 401 or 404 included)
 * means it is up; a 5xx or no answer at all means down; a request we cancelled says nothing.
 */
export function plexStateOf(event: Pick<PlexRequestLogEvent, "status" | "error">): PlexState | null {
  if (event.status !== undefined) return event.status >= 500 ? "down" : "up";
  if (event.error === "aborted") return null;
  return "down";
}

export class PlexHealth {
  private current: PlexState = "unknown";
  private changedAt: number | null = null;

  get state(): PlexState {
    return this.current;
  }

  /** When the state last changed (epoch ms), null while unknown. */
  get since(): number | null {
    return this.changedAt;
  }

  /** Fed by the Plex client's observer, once per request attempt. */
  observe = (event: Pick<PlexRequestLogEvent, "status" | "error">): void => {
    const next = plexStateOf(event);
    if (next === null || next === this.current) return;
    this.current = next;
    this.changedAt = Date.now();
  };
}
