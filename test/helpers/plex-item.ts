// A healthy, matched movie as the Plex client parses it; tests override what they need.
import type { PlexItem } from "../../src/plex/index.js";

export function plexItem(overrides: Partial<PlexItem> = {}): PlexItem {
  return {
    ratingKey: "1",
    key: "/library/metadata/1",
    type: "movie",
    title: "Heat",
    year: 1995,
    guid: "plex://movie/5d7768",
    thumb: "/library/metadata/1/thumb/1700000000",
    summary: "A crew of thieves…",
    guids: ["imdb://tt0113277", "tmdb://949"],
    lockedFields: [],
    files: ["/movies/Heat (1995)/Heat (1995).mkv"],
    locations: [],
    ...overrides,
  };
}
