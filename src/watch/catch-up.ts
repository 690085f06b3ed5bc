// What a catch-up looks at: the items of the chosen libraries added since the mark, newest
// first and at most CATCH_UP_MAX, leaving out those this watcher already checked since.
import type { AppSettings } from "../config/settings.js";
import type { PlexClient, PlexItem, PlexSection } from "../plex/index.js";

/** Items a catch-up checks at most; older ones are left to the daily scan. */
export const CATCH_UP_MAX = 500;

export async function missedItems(
  client: PlexClient,
  sections: Iterable<PlexSection>,
  settings: Pick<AppSettings, "includeChildren">,
  since: number,
  checkedSince: (ratingKey: string) => number,
  signal: AbortSignal,
): Promise<PlexItem[]> {
  const found: PlexItem[] = [];
  for (const section of sections) {
    const types = section.type === "movie" ? [1] : settings.includeChildren ? [2, 4] : [2];
    for (const type of types) {
      for await (const page of client.listSection(section.id, {
        type,
        sort: "addedAt:desc",
        addedSince: since,
        pageSize: 100,
        signal,
      })) {
        found.push(...page);
        if (found.length >= CATCH_UP_MAX) break;
      }
    }
  }
  return found.slice(0, CATCH_UP_MAX).filter((i) => checkedSince(i.ratingKey) < (i.addedAt ?? since) * 1000);
}
