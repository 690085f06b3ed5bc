// The original Python tool's fix loop, reimplemented for comparison only (never used by the
// app): one item at a time, PUT refresh, then re-read every 4 s and give up after 20 s.
import type { PlexClient, PlexItem } from "../src/plex/index.js";

export const ORIGINAL_INTERVAL_MS = 4000;
export const ORIGINAL_TOTAL_MS = 20_000;

/** The original's check: a Guid list, a thumb and a summary must all be present. */
function looksFixed(item: PlexItem): boolean {
  return item.guids.length > 0 && Boolean(item.thumb) && Boolean(item.summary);
}

export interface BaselineResult {
  items: number;
  fixed: number;
  wallMs: number;
  requests: number;
}

export async function runOriginalStrategy(
  plex: PlexClient,
  ratingKeys: readonly string[],
): Promise<BaselineResult> {
  const started = Date.now();
  let fixed = 0;
  let requests = 0;
  for (const key of ratingKeys) {
    await plex.refresh(key);
    requests++;
    for (let waited = 0; waited < ORIGINAL_TOTAL_MS; waited += ORIGINAL_INTERVAL_MS) {
      await new Promise((r) => setTimeout(r, ORIGINAL_INTERVAL_MS));
      const [item] = await plex.metadata([key]);
      requests++;
      if (item && looksFixed(item)) {
        fixed++;
        break;
      }
    }
  }
  return { items: ratingKeys.length, fixed, wallMs: Date.now() - started, requests };
}
