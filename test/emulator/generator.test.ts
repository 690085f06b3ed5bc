import { describe, expect, it } from "vitest";
import { generateLibrary } from "../../emulator/index.js";

const NOW = 1_750_000_000;

describe("generator", () => {
  it("is deterministic per seed and differs between seeds", () => {
    const a = generateLibrary({ seed: 42, items: 500, brokenShare: 0.2, now: NOW });
    const b = generateLibrary({ seed: 42, items: 500, brokenShare: 0.2, now: NOW });
    const c = generateLibrary({ seed: 43, items: 500, brokenShare: 0.2, now: NOW });
    expect(JSON.stringify(a.items)).toBe(JSON.stringify(b.items));
    expect(JSON.stringify([...a.hidden])).toBe(JSON.stringify([...b.hidden]));
    expect(JSON.stringify(a.items)).not.toBe(JSON.stringify(c.items));
  });

  it("builds the sections a real server has", () => {
    const lib = generateLibrary({ seed: 1, items: 300, brokenShare: 0.1, now: NOW });
    expect(lib.sections.map((s) => [s.type, s.agent, s.scanner])).toEqual([
      ["movie", "tv.plex.agents.movie", "Plex Movie"],
      ["show", "tv.plex.agents.series", "Plex TV Series"],
      ["movie", "com.plexapp.agents.imdb", "Plex Movie Scanner"],
      ["movie", "com.plexapp.agents.none", "Plex Video Files Scanner"],
      ["artist", "tv.plex.agents.music", "Plex Music"],
    ]);
    const top = lib.sections.slice(0, 4).reduce((n, s) => n + (s.byType.get(s.type)?.length ?? 0), 0);
    expect(top).toBe(300);
    expect(lib.topLevelCount).toBe(300);
    const recent = lib.items.filter(
      (i) => i && (i.type === "movie" || i.type === "show") && i.addedAt > NOW - 30 * 86400,
    );
    expect(recent.length).toBeGreaterThan(10);
  });

  it("breaks close to the requested share, spread across kinds", () => {
    for (const share of [0.1, 0.3]) {
      const lib = generateLibrary({ seed: 9, items: 2000, brokenShare: share, now: NOW });
      const topBroken = [...lib.hidden].filter(([rk]) => {
        const t = lib.items[rk]?.type;
        return t === "movie" || t === "show";
      });
      expect(topBroken.length / 2000).toBeCloseTo(share, 2);
      const kinds = new Map<string, number>();
      for (const [, h] of topBroken) for (const k of h.kinds) kinds.set(k, (kinds.get(k) ?? 0) + 1);
      for (const k of [
        "no-poster",
        "no-guids",
        "no-summary",
        "unmatched",
        "locked",
        "unfixable",
        "broken-children",
      ]) {
        expect(kinds.get(k) ?? 0, k).toBeGreaterThan(0);
      }
      const unmatched = topBroken.filter(([, h]) => h.kinds.includes("unmatched")).map(([, h]) => h);
      expect(unmatched.some((h) => h.ambiguous)).toBe(true);
      expect(unmatched.some((h) => h.fileId)).toBe(true);
      expect(unmatched.some((h) => !h.ambiguous)).toBe(true);
    }
  });

  it("generates 100,000 items in a few seconds", () => {
    const t0 = performance.now();
    const lib = generateLibrary({ seed: 1, items: 100_000, brokenShare: 0.1, now: NOW });
    const ms = Math.round(performance.now() - t0);
    console.log(
      `generateLibrary(100k): ${ms} ms, ${lib.items.length - 1} items incl. seasons/episodes/music`,
    );
    expect(lib.topLevelCount).toBe(100_000);
  });
});

describe("generator, demo profile", () => {
  const DAY = 86_400;
  const top = (lib: ReturnType<typeof generateLibrary>) =>
    lib.items.filter((i) => i && (i.type === "movie" || i.type === "show"));

  it("leaves the standard dataset as it is when no profile is named", () => {
    const plain = generateLibrary({ seed: 5, items: 400, brokenShare: 0.2, now: NOW });
    const standard = generateLibrary({
      seed: 5,
      items: 400,
      brokenShare: 0.2,
      profile: "standard",
      now: NOW,
    });
    expect(JSON.stringify(plain.items)).toBe(JSON.stringify(standard.items));
    expect(JSON.stringify([...plain.hidden])).toBe(JSON.stringify([...standard.hidden]));
  });

  it("spreads items over four years with a good share in the last 30 days", () => {
    const lib = generateLibrary({ seed: 1, items: 500, profile: "demo", now: NOW });
    const items = top(lib);
    const recent = items.filter((i) => i && i.addedAt > NOW - 28 * DAY);
    expect(recent.length / items.length).toBeGreaterThan(0.25);
    expect(recent.length / items.length).toBeLessThan(0.5);
    // Nothing sits on the window's edge, where the app's clock (a day ahead at most) would decide.
    expect(items.filter((i) => i && i.addedAt <= NOW - 28 * DAY && i.addedAt > NOW - 31 * DAY)).toEqual([]);
    expect(items.some((i) => i && i.addedAt < NOW - 3 * 365 * DAY)).toBe(true);
  });

  it("puts every kind of breakage among recent items, in every library size the demo offers", () => {
    for (const items of [150, 500, 2000]) {
      const lib = generateLibrary({ seed: 1, items, profile: "demo", now: NOW });
      const recent = [...lib.hidden].filter(([rk]) => (lib.items[rk]?.addedAt ?? 0) > NOW - 28 * DAY);
      const kinds = new Set(recent.flatMap(([, h]) => h.kinds));
      for (const k of [
        "no-poster",
        "no-guids",
        "no-summary",
        "unmatched",
        "locked",
        "unfixable",
        "broken-children",
      ])
        expect(kinds.has(k as never), `${items}: ${k}`).toBe(true);
      const unmatched = recent.filter(([, h]) => h.kinds.includes("unmatched")).map(([, h]) => h);
      expect(
        unmatched.some((h) => h.ambiguous && !h.fileId),
        `${items}: ambiguous`,
      ).toBe(true);
      expect(
        unmatched.some((h) => h.fileId && !h.ambiguous),
        `${items}: ID in the file name`,
      ).toBe(true);
      expect(
        unmatched.some((h) => !h.fileId && !h.ambiguous),
        `${items}: clean title`,
      ).toBe(true);
      const episodes = recent.map(([rk]) => lib.items[rk]).filter((i) => i?.type === "episode");
      expect(episodes.some((e) => e && !e.thumb)).toBe(true);
      expect(episodes.some((e) => e && !e.summary)).toBe(true);
      expect(recent.some(([rk]) => lib.items[rk]?.locked?.includes("summary"))).toBe(true);
    }
  });

  it("keeps most items healthy", () => {
    const lib = generateLibrary({ seed: 1, items: 500, profile: "demo", now: NOW });
    const broken = top(lib).filter((i) => i && lib.hidden.has(i.rk));
    expect(broken.length / 500).toBeCloseTo(0.14, 1);
  });
});
