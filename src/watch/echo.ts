// No echoes: the app's own refreshes and matches (scans, item actions, bulk jobs, the watcher)
// make Plex send timeline frames too. Every write through the server's Plex client is noted
// here, and the watcher passes over an item the app wrote to shortly before.
import type { PlexClient } from "../plex/index.js";

export class RecentWrites {
  private readonly at = new Map<string, number>();

  constructor(
    private readonly windowMs = 300_000,
    private readonly now: () => number = Date.now,
  ) {}

  note(ratingKey: string): void {
    const t = this.now();
    this.at.set(String(ratingKey), t);
    if (this.at.size > 5000) for (const [k, v] of this.at) if (t - v >= this.windowMs) this.at.delete(k);
  }

  /** Did the app refresh or match this item within the window? */
  has(ratingKey: string): boolean {
    const t = this.at.get(String(ratingKey));
    return t !== undefined && this.now() - t < this.windowMs;
  }
}

const wrapped = new WeakMap<PlexClient, PlexClient>();

/** The same client, with every refresh and match noted before it is sent (one wrapper per client). */
export function notingWrites(client: PlexClient, writes: RecentWrites): PlexClient {
  let proxy = wrapped.get(client);
  if (!proxy) {
    proxy = wrap(client, writes);
    wrapped.set(client, proxy);
  }
  return proxy;
}

function wrap(client: PlexClient, writes: RecentWrites): PlexClient {
  return new Proxy(client, {
    get(target, prop) {
      const value = Reflect.get(target, prop, target) as unknown;
      if (typeof value !== "function") return value;
      if (prop === "refresh" || prop === "match" || prop === "unmatch") {
        return (ratingKey: string, ...rest: unknown[]) => {
          writes.note(ratingKey);
          return (value as (...a: unknown[]) => unknown).call(target, ratingKey, ...rest);
        };
      }
      return (value as (...a: unknown[]) => unknown).bind(target);
    },
  });
}
