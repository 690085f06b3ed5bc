// What the store knows of a batch of listed items, and whether the show each season or episode
// belongs to was set aside by a person (an ignored show covers its seasons and episodes).
import type { PlexItem } from "../plex/index.js";
import type { KnownItem } from "./policy.js";
import type { ScanStore } from "./store.js";
import { showKeyOf } from "./triage.js";

export interface KnownBatch {
  prior(item: PlexItem): KnownItem | undefined;
  showIgnored(item: PlexItem): boolean;
}

/** One store read for the items and the shows of their seasons and episodes. */
export async function knownBatch(
  store: Pick<ScanStore, "knownStates">,
  items: readonly PlexItem[],
): Promise<KnownBatch> {
  const keys = new Set<string>();
  for (const item of items) {
    keys.add(item.ratingKey);
    const show = showKeyOf(item);
    if (show !== undefined) keys.add(show);
  }
  const known = await store.knownStates([...keys]);
  return {
    prior: (item) => known.get(item.ratingKey),
    showIgnored(item) {
      const show = showKeyOf(item);
      return show !== undefined && known.get(show)?.ignored === true;
    },
  };
}
