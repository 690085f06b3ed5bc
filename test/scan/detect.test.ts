import { describe, expect, it } from "vitest";
import type { PlexItem } from "../../src/plex/index.js";
import { detectProblems, guidKind, isFullyLocked } from "../../src/scan/detect.js";
import { plexItem } from "../helpers/plex-item.js";

const item = plexItem;

describe("guidKind", () => {
  it.each([
    ["local://123", "unmatched"],
    ["com.plexapp.agents.none://abc?lang=xn", "personal"],
    ["plex://movie/5d77", "plex"],
    ["com.plexapp.agents.imdb://tt0165832?lang=en", "legacy"],
    ["com.plexapp.agents.thetvdb://12345?lang=en", "legacy"],
    ["tv.plex.agents.custom://x", "other"],
    [undefined, "none"],
    ["", "none"],
  ])("%s → %s", (guid, kind) => {
    expect(guidKind(guid)).toBe(kind);
  });
});

describe("guidKind: the library's agent decides (issue 22 §1)", () => {
  const NEW_UNMATCHED = "tv.plex.agents.none://4711";
  const LEGACY_NONE = "com.plexapp.agents.none://abc?lang=xn";
  // Every agent a section can have, crossed with every guid form; `undefined`: section unknown.
  const agents = [
    "tv.plex.agents.movie",
    "tv.plex.agents.series",
    "com.plexapp.agents.imdb",
    "com.plexapp.agents.thetvdb",
    "com.plexapp.agents.themoviedb",
    "tv.plex.agents.none",
    "com.plexapp.agents.none",
    undefined,
  ] as const;
  const guids = [
    "local://12",
    NEW_UNMATCHED,
    LEGACY_NONE,
    "plex://movie/5d77",
    "com.plexapp.agents.imdb://tt0165832?lang=en",
    "com.plexapp.agents.thetvdb://12345?lang=en",
    undefined,
  ] as const;
  const expected = (agent: string | undefined, guid: string | undefined): string => {
    if (agent === "tv.plex.agents.none" || agent === "com.plexapp.agents.none") return "personal";
    if (guid === undefined) return "none";
    if (guid.startsWith("local://")) return "unmatched";
    if (guid === NEW_UNMATCHED) return "unmatched";
    if (guid === LEGACY_NONE) return agent === undefined ? "personal" : "unmatched";
    return guid.startsWith("plex://") ? "plex" : "legacy";
  };
  const rows = agents.flatMap((agent) => guids.map((guid) => ({ agent, guid, kind: expected(agent, guid) })));

  it("covers every combination", () => {
    expect(rows).toHaveLength(agents.length * guids.length);
    // Spot checks written out, so the table's own rule is not the only word.
    const find = (agent: string | undefined, guid: string | undefined) =>
      rows.find((r) => r.agent === agent && r.guid === guid)?.kind;
    expect(find("tv.plex.agents.movie", NEW_UNMATCHED)).toBe("unmatched");
    expect(find("tv.plex.agents.none", NEW_UNMATCHED)).toBe("personal");
    expect(find("com.plexapp.agents.none", "local://12")).toBe("personal");
    expect(find("com.plexapp.agents.imdb", LEGACY_NONE)).toBe("unmatched");
    expect(find(undefined, NEW_UNMATCHED)).toBe("unmatched");
    expect(find(undefined, LEGACY_NONE)).toBe("personal");
  });

  it.each(rows)("agent $agent, guid $guid → $kind", ({ agent, guid, kind }) => {
    expect(guidKind(guid, { agent })).toBe(kind);
  });

  it.each(rows)("detectProblems, agent $agent, guid $guid", ({ agent, guid, kind }) => {
    const d = detectProblems(item({ guid, guids: [], thumb: undefined }), { agent });
    expect(d.personal).toBe(kind === "personal");
    const unmatched = kind === "unmatched" || kind === "none";
    expect(d.problems.includes("unmatched")).toBe(unmatched);
  });

  it("an episode of a show unmatched in the new form waits for its show", () => {
    const ep = item({ type: "episode", summary: undefined, grandparentGuid: NEW_UNMATCHED });
    expect(detectProblems(ep, { agent: "tv.plex.agents.series" }).parentUnmatched).toBe(true);
    expect(detectProblems(ep, { agent: "tv.plex.agents.none" }).personal).toBe(true);
  });
});

describe("detectProblems", () => {
  it.each<[string, Partial<PlexItem>, string[], string[]]>([
    ["healthy new-agent movie", {}, [], []],
    ["no poster", { thumb: undefined }, ["no_poster"], []],
    ["no summary", { summary: undefined }, ["no_summary"], []],
    ["plex:// with empty Guid[] has no external IDs", { guids: [] }, ["no_ids"], []],
    [
      "legacy agent without Guid[] counts as matched",
      { guid: "com.plexapp.agents.imdb://tt1?lang=en", guids: [] },
      [],
      [],
    ],
    [
      "unmatched with a frame grab: unmatched and no poster",
      { guid: "local://1", guids: [], summary: undefined },
      ["unmatched", "no_poster", "no_summary"],
      [],
    ],
    [
      "unmatched without any thumb",
      { guid: "local://1", guids: [], thumb: undefined },
      ["unmatched", "no_poster"],
      [],
    ],
    ["missing guid counts as unmatched", { guid: undefined, guids: [] }, ["unmatched", "no_poster"], []],
    [
      "poster missing and thumb locked",
      { thumb: undefined, lockedFields: ["thumb"] },
      ["no_poster"],
      ["no_poster"],
    ],
    [
      "summary lock does not cover the poster",
      { thumb: undefined, summary: undefined, lockedFields: ["summary"] },
      ["no_poster", "no_summary"],
      ["no_summary"],
    ],
    ["a lock on a healthy field is no problem", { lockedFields: ["thumb", "title"] }, [], []],
    ["show without poster", { type: "show", thumb: undefined }, ["no_poster"], []],
    [
      "season without poster",
      { type: "season", thumb: undefined, summary: undefined, guids: [] },
      ["season_no_poster"],
      [],
    ],
    ["season with poster but no summary is fine", { type: "season", summary: undefined, guids: [] }, [], []],
    [
      "episode without thumbnail and summary",
      { type: "episode", thumb: undefined, summary: undefined },
      ["episode_no_poster", "episode_no_summary"],
      [],
    ],
    [
      "episode with locked summary",
      { type: "episode", summary: undefined, lockedFields: ["summary"] },
      ["episode_no_summary"],
      ["episode_no_summary"],
    ],
    ["music is not checked", { type: "track", thumb: undefined, summary: undefined }, [], []],
  ])("%s", (_name, overrides, problems, locked) => {
    const d = detectProblems(item(overrides));
    expect(d.problems).toEqual(problems);
    expect(d.locked).toEqual(locked);
    expect(d.personal).toBe(false);
  });

  it.each<[string, Partial<PlexItem>, boolean | undefined]>([
    [
      "episode of an unmatched show",
      { type: "episode", summary: undefined, grandparentGuid: "local://7" },
      true,
    ],
    ["season of an unmatched show", { type: "season", thumb: undefined, parentGuid: "local://7" }, true],
    [
      "episode of a matched show",
      { type: "episode", summary: undefined, grandparentGuid: "plex://show/1" },
      undefined,
    ],
    ["healthy episode of an unmatched show", { type: "episode", grandparentGuid: "local://7" }, undefined],
  ])("parentUnmatched: %s", (_name, overrides, expected) => {
    expect(detectProblems(item(overrides)).parentUnmatched).toBe(expected);
  });

  it("never reports personal media, whatever is missing", () => {
    const d = detectProblems(
      item({ guid: "com.plexapp.agents.none://9?lang=xn", thumb: undefined, summary: undefined, guids: [] }),
    );
    expect(d).toEqual({ problems: [], locked: [], personal: true });
  });

  it.each<[string, Partial<PlexItem>, boolean]>([
    ["every problem locked", { thumb: undefined, lockedFields: ["thumb"] }, true],
    ["one problem still fixable", { thumb: undefined, summary: undefined, lockedFields: ["thumb"] }, false],
    ["no problems at all", { lockedFields: ["thumb"] }, false],
  ])("isFullyLocked: %s", (_name, overrides, expected) => {
    expect(isFullyLocked(detectProblems(item(overrides)))).toBe(expected);
  });
});
