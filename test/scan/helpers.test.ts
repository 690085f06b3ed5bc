// Table tests for the scan's small pure helpers and its two queueing primitives.
import { describe, expect, it } from "vitest";
import type { PlexItem, PlexSection } from "../../src/plex/index.js";
import { PlexAuthError, PlexUnreachableError } from "../../src/plex/index.js";
import { LibrarySelectionError, listingTypes, selectSections, windowStart } from "../../src/scan/collect.js";
import { CompletionTracker, changedSince } from "../../src/scan/completion.js";
import { Batcher, WorkQueue } from "../../src/scan/limits.js";
import { displayTitle } from "../../src/scan/title.js";
import { plexItem } from "../helpers/plex-item.js";

function section(id: string, title: string, type: string, isPersonal = false): PlexSection {
  return {
    id,
    key: id,
    title,
    type,
    agent: isPersonal ? "com.plexapp.agents.none" : "tv.plex.agents.movie",
    scanner: "",
    language: "en-US",
    refreshing: false,
    locations: [],
    isPersonal,
  } as PlexSection;
}

const item = plexItem;

const LIBRARIES = [
  section("1", "Movies", "movie"),
  section("2", "TV Shows", "show"),
  section("3", "Home Videos", "movie", true),
  section("4", "Music", "artist"),
];

describe("selectSections", () => {
  it.each<[string, string[], boolean, string[]]>([
    ["none named: every movie and show library, no personal media", [], false, ["1", "2"]],
    ["none named, personal media included", [], true, ["1", "2", "3"]],
    ["by title, any case, trimmed", ["  movies "], false, ["1"]],
    ["by id", ["2"], false, ["2"]],
    ["a personal library named on purpose", ["Home Videos"], false, ["3"]],
    ["the same library twice counts once", ["Movies", "1"], false, ["1"]],
    ["in the order asked", ["TV Shows", "Movies"], false, ["2", "1"]],
  ])("%s", (_name, requested, includePersonal, ids) => {
    expect(selectSections(LIBRARIES, requested, includePersonal).map((s) => s.id)).toEqual(ids);
  });

  it.each<[string, string[], RegExp]>([
    [
      "an unknown name lists the choices",
      ["Filme"],
      /No library named "Filme"\. Available: "Movies", "TV Shows", "Home Videos"/,
    ],
    ["a music library cannot be scanned", ["Music"], /"Music" is a artist library; only movie and show/],
  ])("%s", (_name, requested, message) => {
    expect(() => selectSections(LIBRARIES, requested, false)).toThrow(LibrarySelectionError);
    expect(() => selectSections(LIBRARIES, requested, false)).toThrow(message);
  });
});

describe("listingTypes", () => {
  it.each<[string, boolean, number[]]>([
    ["movie", true, [1]],
    ["movie", false, [1]],
    ["show", true, [2, 3, 4]],
    ["show", false, [2]],
    ["artist", true, []],
    ["photo", false, []],
  ])("%s library, children %s → %j", (type, includeChildren, types) => {
    expect(listingTypes(section("9", "x", type), includeChildren)).toEqual(types);
  });
});

describe("windowStart", () => {
  const nowSeconds = 1_800_000_000;
  it.each<[string, { all: boolean; days: number }, number | undefined]>([
    ["whole libraries: no cut-off", { all: true, days: 30 }, undefined],
    ["the last 30 days", { all: false, days: 30 }, nowSeconds - 30 * 86_400],
    ["the last day", { all: false, days: 1 }, nowSeconds - 86_400],
  ])("%s", (_name, s, expected) => {
    expect(windowStart({ settings: { ...s, maxItems: 50, includeChildren: true }, nowSeconds })).toBe(
      expected,
    );
  });
});

describe("changedSince", () => {
  const before = item({ updatedAt: 100, thumb: "/t/1", summary: "s", guid: "local://1", guids: [] });
  it.each<[string, PlexItem | undefined, Partial<PlexItem>, boolean]>([
    ["nothing known before: assume done", undefined, {}, true],
    ["the same item", before, {}, false],
    ["a newer updatedAt", before, { updatedAt: 101 }, true],
    ["an older updatedAt alone is no change", before, { updatedAt: 99 }, false],
    ["a new poster", before, { thumb: "/t/2" }, true],
    ["a summary appeared", before, { summary: "longer" }, true],
    ["matched: a new guid", before, { guid: "plex://movie/1" }, true],
    ["external ids appeared", before, { guids: ["imdb://tt1"] }, true],
  ])("%s", (_name, was, change, expected) => {
    const base = was ?? before;
    expect(changedSince(was, { ...base, ...change })).toBe(expected);
  });
});

describe("displayTitle", () => {
  it.each<[string, Partial<PlexItem>, string]>([
    ["movie with a year", { title: "Heat", year: 1995 }, "Heat (1995)"],
    ["movie without a year", { title: "Heat", year: undefined }, "Heat"],
    ["show", { type: "show", title: "Dark", year: 2017 }, "Dark (2017)"],
    ["season", { type: "season", title: "Season 2", parentTitle: "Dark" }, "Dark – Season 2"],
    ["season without its show", { type: "season", title: "Season 2" }, "Season 2"],
    [
      "episode",
      { type: "episode", title: "Secrets", grandparentTitle: "Dark", parentIndex: 1, index: 2 },
      "Dark – S01E02 – Secrets",
    ],
    [
      "episode without numbers",
      { type: "episode", title: "Secrets", grandparentTitle: "Dark" },
      "Dark – Secrets",
    ],
    [
      "episode numbers past 99",
      { type: "episode", title: "x", grandparentTitle: "Soap", parentIndex: 12, index: 104 },
      "Soap – S12E104 – x",
    ],
  ])("%s", (_name, fields, expected) => {
    expect(displayTitle(item(fields))).toBe(expected);
  });
});

describe("WorkQueue", () => {
  const live = () => new AbortController().signal;

  it("hands out items first in, first out, to waiting takers too", async () => {
    const q = new WorkQueue<number>();
    q.push(1);
    q.push(2);
    expect(q.size).toBe(2);
    expect(await q.next(live())).toBe(1);
    const waiting = [q.next(live()), q.next(live())];
    q.push(3);
    expect(await Promise.all(waiting)).toEqual([2, 3]);
    expect(q.size).toBe(0);
  });

  it("after close: an idle taker gets undefined; what was queued is still handed out first", async () => {
    const empty = new WorkQueue<string>();
    const idle = empty.next(live());
    empty.close();
    expect(await idle).toBeUndefined();
    const q = new WorkQueue<string>();
    q.push("b");
    q.close();
    expect(await q.next(live())).toBe("b");
    expect(await q.next(live())).toBeUndefined();
  });

  it("a cancelled taker rejects and gets nothing later", async () => {
    const q = new WorkQueue<number>();
    const ac = new AbortController();
    const cancelled = q.next(ac.signal);
    ac.abort(new Error("stop"));
    await expect(cancelled).rejects.toThrow("stop");
    await expect(q.next(ac.signal)).rejects.toThrow("stop");
    q.push(7);
    expect(await q.next(live())).toBe(7);
  });
});

describe("WorkQueue capacity", () => {
  const live = () => new AbortController().signal;
  const settledYet = async (p: Promise<unknown>) => {
    let done = false;
    p.then(
      () => (done = true),
      () => (done = true),
    );
    await new Promise((r) => setTimeout(r, 5));
    return done;
  };

  it.each([
    ["below capacity", 2, 1, true],
    ["at capacity", 2, 2, false],
    ["over capacity (pushes are never refused)", 2, 3, false],
    ["without a capacity", undefined, 1000, true],
  ] as const)("room %s: %s", async (_name, capacity, waiting, free) => {
    const q = new WorkQueue<number>(capacity);
    for (let i = 0; i < waiting; i++) q.push(i);
    expect(q.size).toBe(waiting);
    expect(await settledYet(q.room(live()))).toBe(free);
  });

  it("room opens when a taker drains below capacity, one producer at a time", async () => {
    const q = new WorkQueue<number>(1);
    q.push(1);
    const first = q.room(live());
    const second = q.room(live());
    expect(await settledYet(first)).toBe(false);
    expect(await q.next(live())).toBe(1);
    expect(await settledYet(first)).toBe(true);
    expect(await settledYet(second)).toBe(false);
    q.push(2);
    expect(await q.next(live())).toBe(2);
    expect(await settledYet(second)).toBe(true);
  });

  it("a producer waiting for room rejects on abort", async () => {
    const q = new WorkQueue<number>(1);
    q.push(1);
    const ac = new AbortController();
    const waiting = q.room(ac.signal);
    ac.abort(new Error("cancelled"));
    await expect(waiting).rejects.toThrow("cancelled");
    await expect(q.room(ac.signal)).rejects.toThrow("cancelled");
  });
});

describe("Batcher", () => {
  function recording(values: Record<string, string>, maxKeys?: number, delayMs = 5) {
    const calls: string[][] = [];
    const batcher = new Batcher<string>(
      async (keys) => {
        calls.push(keys);
        return new Map(keys.filter((k) => k in values).map((k) => [k, values[k]!]));
      },
      maxKeys,
      delayMs,
    );
    return { calls, batcher };
  }

  it.each<[string, string[], number, string[][]]>([
    ["keys asked together are loaded in one call", ["a", "b", "c"], 50, [["a", "b", "c"]]],
    ["the same key twice is loaded once", ["a", "a", "b"], 50, [["a", "b"]]],
    ["a full batch is loaded at once", ["a", "b", "c", "d", "e"], 2, [["a", "b"], ["c", "d"], ["e"]]],
  ])("%s", async (_name, keys, maxKeys, batches) => {
    const { calls, batcher } = recording({ a: "A", b: "B", c: "C", d: "D", e: "E" }, maxKeys);
    const values = await Promise.all(keys.map((k) => batcher.get(k)));
    expect(values).toEqual(keys.map((k) => k.toUpperCase()));
    expect(calls).toEqual(batches);
  });

  it("a missing key resolves undefined; a failed load rejects every waiter of that batch", async () => {
    const { batcher } = recording({ a: "A" });
    expect(await Promise.all([batcher.get("a"), batcher.get("zz")])).toEqual(["A", undefined]);
    const failing = new Batcher<string>(async () => {
      throw new Error("Plex is down");
    });
    const results = await Promise.allSettled([failing.get("a"), failing.get("b")]);
    expect(results.map((r) => r.status)).toEqual(["rejected", "rejected"]);
  });

  it("calls apart in time are separate batches", async () => {
    const { calls, batcher } = recording({ a: "A", b: "B" });
    await batcher.get("a");
    await batcher.get("b");
    expect(calls).toEqual([["a"], ["b"]]);
  });
});

describe("CompletionTracker without events (polling)", () => {
  const live = () => new AbortController().signal;
  const url = "http://plex.local/library/metadata/1";

  it.each<[string, () => Promise<PlexItem[]>, "poll" | "timeout"]>([
    ["a changed item is done", async () => [plexItem({ updatedAt: 200 })], "poll"],
    ["an unchanged item times out", async () => [plexItem({ updatedAt: 100 })], "timeout"],
    [
      "Plex away: keeps polling until the timeout",
      async () => {
        throw new PlexUnreachableError("http://plex.local", "ECONNREFUSED", { url });
      },
      "timeout",
    ],
  ])("%s", async (_name, read, expected) => {
    const tracker = new CompletionTracker(undefined, read, 10);
    try {
      const waiter = tracker.expect("1", plexItem({ updatedAt: 100 }));
      expect(await waiter.wait(300, live())).toBe(expected);
    } finally {
      tracker.close();
    }
  });

  it("a rejected token ends the wait at once instead of at the timeout", async () => {
    const tracker = new CompletionTracker(
      undefined,
      async () => {
        throw new PlexAuthError({ url });
      },
      10,
    );
    try {
      const started = Date.now();
      const waiter = tracker.expect("1", plexItem());
      await expect(waiter.wait(60_000, live())).rejects.toBeInstanceOf(PlexAuthError);
      expect(Date.now() - started).toBeLessThan(30_000); // far from the 60 s timeout
    } finally {
      tracker.close();
    }
  });
});
