// How an item is named in notes, logs and the items table.
import type { PlexItem } from "../plex/index.js";

/** "Show – S01E02 – Title" for episodes, "Show – Season 1" for seasons, "Title (Year)" for the rest. */
export function displayTitle(item: PlexItem): string {
  if (item.type === "episode") {
    const se =
      item.parentIndex !== undefined && item.index !== undefined
        ? `S${String(item.parentIndex).padStart(2, "0")}E${String(item.index).padStart(2, "0")}`
        : "";
    return [item.grandparentTitle, se, item.title].filter(Boolean).join(" – ");
  }
  if (item.type === "season") return [item.parentTitle, item.title].filter(Boolean).join(" – ");
  return item.year ? `${item.title} (${item.year})` : item.title;
}
