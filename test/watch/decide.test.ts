// Watch mode's pure decisions, table by table: which entries count, when a tracked item is
// due, how repeats collapse, how the queues stay bounded, and the catch-up mark and plan.
import { describe, expect, it } from "vitest";
import type { TimelineItem } from "../../src/plex/notifications.js";
import { sectionScanEvents, timelineItems } from "../../src/plex/notifications.js";
import { RepeatFilter } from "../../src/watch/completion-feed.js";
import {
  CATCH_UP_MARGIN_S,
  CheckQueue,
  catchUpPlan,
  catchUpSince,
  classifyEntry,
  DEFAULT_TRACKER_OPTIONS,
  type DueGroup,
  dayOf,
  nextMark,
  type WatchEntry,
  WatchTracker,
} from "../../src/watch/decide.js";
import { RecentWrites } from "../../src/watch/echo.js";

function entry(over: Partial<TimelineItem>): TimelineItem {
  return {
    ratingKey: "100",
    sectionId: "1",
    type: 1,
    state: 0,
    metadataState: "created",
    mediaState: undefined,
    parentRatingKey: undefined,
    rootRatingKey: undefined,
    ...over,
  };
}

const scanned = (id: string) => id === "1" || id === "2";

describe("classifyEntry", () => {
  it.each([
    ["a new movie", entry({}), { kind: "created", group: "100", type: "movie" }],
    ["a new show", entry({ type: 2 }), { kind: "created", group: "100", type: "show" }],
    [
      "a new episode, grouped under its show",
      entry({ type: 4, ratingKey: "12", parentRatingKey: "11", rootRatingKey: "10" }),
      { kind: "created", group: "10", type: "episode" },
    ],
    [
      "done: state 5 with neither state field",
      entry({ state: 5, metadataState: undefined }),
      { kind: "done" },
    ],
    [
      "state 5 while queued is not done",
      entry({ state: 5, metadataState: "queued" }),
      { ignored: "processing" },
    ],
    [
      "state 5 while analyzing is not done",
      entry({ state: 5, metadataState: undefined, mediaState: "analyzing" }),
      { ignored: "processing" },
    ],
    ["loading", entry({ state: 3, metadataState: "loading" }), { ignored: "processing" }],
    ["created with another state", entry({ state: 1 }), { ignored: "processing" }],
    ["a season", entry({ type: 3 }), { ignored: "not_library" }],
    ["a clip outside any section", entry({ type: 12, sectionId: "-1" }), { ignored: "not_library" }],
    ["a movie in section -1", entry({ sectionId: "-1" }), { ignored: "not_library" }],
    ["section 0", entry({ sectionId: "0" }), { ignored: "not_library" }],
    ["no section", entry({ sectionId: undefined }), { ignored: "not_library" }],
    ["a track", entry({ type: 10 }), { ignored: "not_library" }],
    ["a delete", entry({ type: -1, state: 9, metadataState: "deleted" }), { ignored: "not_library" }],
    ["a library this app does not scan", entry({ sectionId: "7" }), { ignored: "other_section" }],
    [
      "state 0 while still loading is not new",
      entry({ metadataState: "loading" }),
      { ignored: "processing" },
    ],
    [
      "state 3 with neither state field is not done",
      entry({ state: 3, metadataState: undefined }),
      { ignored: "processing" },
    ],
  ])("%s", (_name, input, expected) => {
    expect(classifyEntry(input, scanned)).toMatchObject(expected);
  });

  it.each([
    {
      name: "a movie is its own group, whatever parent the frame names",
      input: entry({ ratingKey: "5", sectionId: "2", parentRatingKey: "4", rootRatingKey: "3" }),
      expected: { kind: "created", ratingKey: "5", sectionId: "2", type: "movie", group: "5" },
    },
    {
      name: "an episode without its show's key falls back to its season's",
      input: entry({ type: 4, ratingKey: "12", parentRatingKey: "11", state: 5, metadataState: undefined }),
      expected: { kind: "done", ratingKey: "12", sectionId: "1", type: "episode", group: "11" },
    },
    {
      name: "an episode without either groups alone",
      input: entry({ type: 4, ratingKey: "12" }),
      expected: { kind: "created", ratingKey: "12", sectionId: "1", type: "episode", group: "12" },
    },
  ])("$name", ({ input, expected }) => {
    expect(classifyEntry(input, scanned)).toEqual(expected);
  });
});

describe("reading frames leniently", () => {
  it.each([
    ["not JSON", "{oops", 0],
    ["null", null, 0],
    ["an array", [1, 2], 0],
    ["TimelineEntry not a list", { NotificationContainer: { TimelineEntry: "x" } }, 0],
    ["an entry of another identifier", { TimelineEntry: [{ identifier: "tv.plex.dvr", itemID: "1" }] }, 0],
    [
      "an object as itemID",
      { TimelineEntry: [{ identifier: "com.plexapp.plugins.library", itemID: {} }] },
      0,
    ],
    [
      "numbers as strings and a single entry object",
      {
        NotificationContainer: {
          TimelineEntry: {
            identifier: "com.plexapp.plugins.library",
            itemID: 45,
            sectionID: 1,
            state: "0",
            type: "1",
          },
        },
      },
      1,
    ],
  ])("%s", (_name, frame, count) => {
    const items = timelineItems(frame);
    expect(items).toHaveLength(count);
    if (count === 1) expect(items[0]).toMatchObject({ ratingKey: "45", sectionId: "1", state: 0, type: 1 });
  });

  it("reads section scan activities and nothing else", () => {
    const frame = {
      NotificationContainer: {
        ActivityNotification: [
          {
            event: "started",
            Activity: { type: "library.update.section", Context: { librarySectionID: "2" } },
          },
          {
            event: "ended",
            Activity: { type: "library.refresh.items", Context: { key: "/library/metadata/1" } },
          },
          { event: "bogus", Activity: { type: "library.update.section" } },
          { event: "ended", Activity: null },
        ],
      },
    };
    expect(sectionScanEvents(frame)).toEqual([{ event: "started", sectionId: "2" }]);
    expect(sectionScanEvents("nonsense")).toEqual([]);
  });
});

const movie = (ratingKey: string, kind: "created" | "done" = "created"): WatchEntry => ({
  kind,
  ratingKey,
  sectionId: "1",
  type: "movie",
  group: ratingKey,
});
const episode = (ratingKey: string, kind: "created" | "done" = "created"): WatchEntry => ({
  kind,
  ratingKey,
  sectionId: "2",
  type: "episode",
  group: "show",
});
const opts = { ...DEFAULT_TRACKER_OPTIONS, settleMs: 10_000, noDoneMs: 120_000, maxGroupWaitMs: 600_000 };

describe("WatchTracker", () => {
  it("checks an item the settle time after its done", () => {
    const t = new WatchTracker(opts);
    expect(t.onEntry(movie("1"), 0)).toEqual(["tracked"]);
    expect(t.nextDueAt()).toBe(120_000);
    expect(t.onEntry(movie("1", "done"), 5000)).toEqual(["settling"]);
    expect(t.nextDueAt()).toBe(15_000);
    expect(t.takeDue(14_999)).toEqual([]);
    expect(t.takeDue(15_000)).toEqual([
      { key: "1", sectionId: "1", ratingKeys: ["1"], createdAt: 0, early: false },
    ]);
    expect(t.size).toBe(0);
  });

  it("checks anyway when no done arrives within 120 s", () => {
    const t = new WatchTracker(opts);
    t.onEntry(movie("1"), 1000);
    expect(t.takeDue(120_999)).toEqual([]);
    expect(t.takeDue(121_000).map((g) => g.ratingKeys)).toEqual([["1"]]);
  });

  it.each([
    ["a done for an item nobody tracks (the app's own refresh)", [movie("9", "done")], ["untracked"]],
    [
      "a repeated done",
      [movie("1"), movie("1", "done"), movie("1", "done")],
      ["tracked", "settling", "repeat"],
    ],
    ["a repeated created", [movie("1"), movie("1")], ["tracked", "repeat"]],
  ])("%s", (_name, entries, outcomes) => {
    const t = new WatchTracker(opts);
    expect(entries.flatMap((e, i) => t.onEntry(e, i * 500))).toEqual(outcomes);
  });

  it("collapses two done frames a second for an hour into one check", () => {
    const t = new WatchTracker(opts);
    t.onEntry(movie("1"), 0);
    const due: DueGroup[] = [];
    const seen: Record<string, number> = {};
    for (let at = 1000; at <= 3_600_000; at += 500) {
      for (const o of t.onEntry(movie("1", "done"), at)) seen[o] = (seen[o] ?? 0) + 1;
      due.push(...t.takeDue(at));
    }
    expect(due).toHaveLength(1);
    // Settled 10 s after the first done, whatever follows.
    // 7,199 frames: the first settles, 20 more arrive until the check at 11 s, the rest find nothing tracked.
    expect(seen).toEqual({ settling: 1, repeat: 20, untracked: 7178 });
  });

  it("checks an upgrade (created again, later) once more, but not a created repeated at once", () => {
    const t = new WatchTracker(opts);
    t.onEntry(movie("1"), 0);
    t.onEntry(movie("1", "done"), 1000);
    expect(t.takeDue(11_000)).toHaveLength(1);
    expect(t.onEntry(movie("1"), 20_000)).toEqual(["repeat"]);
    expect(t.onEntry(movie("1"), 11_000 + opts.repeatMs)).toEqual(["tracked"]);
  });

  it("checks the episodes of one show together, once all are done", () => {
    const t = new WatchTracker(opts);
    t.onEntry(episode("e1"), 0);
    t.onEntry(episode("e2"), 100);
    t.onEntry(episode("e1", "done"), 1000);
    expect(t.takeDue(12_000)).toEqual([]); // e2 still processing
    t.onEntry(episode("e2", "done"), 3000);
    expect(t.takeDue(13_000)).toEqual([
      { key: "show", sectionId: "2", ratingKeys: ["e1", "e2"], createdAt: 0, early: false },
    ]);
  });

  it("does not let a show whose episodes keep arriving wait for ever", () => {
    const t = new WatchTracker(opts);
    for (let at = 0; at < 700_000; at += 60_000) {
      t.onEntry(episode(`e${at}`), at);
      if (t.takeDue(at).length > 0) {
        expect(at).toBe(600_000);
        return;
      }
    }
    throw new Error("never due");
  });

  it("hands the oldest group over early when full, so nothing is lost", () => {
    const t = new WatchTracker({ ...opts, maxTracked: 2 });
    t.onEntry(movie("1"), 0);
    t.onEntry(movie("2"), 10);
    expect(t.onEntry(movie("3"), 20)).toEqual(["overflow", "tracked"]);
    expect(t.size).toBe(2);
    expect(t.nextDueAt()).toBe(0);
    expect(t.takeDue(30)).toEqual([
      { key: "1", sectionId: "1", ratingKeys: ["1"], createdAt: 0, early: true },
    ]);
    expect(t.oldestCreatedAt()).toBe(10);
  });

  it("on a real clock: a created repeated at once is a repeat after the check, one after the window is not", () => {
    const t0 = 1_800_000_000_000;
    const t = new WatchTracker(opts);
    t.onEntry(movie("1"), t0);
    t.onEntry(movie("1", "done"), t0 + 1000);
    expect(t.takeDue(t0 + 11_000)).toHaveLength(1);
    expect(t.onEntry(movie("1"), t0 + 20_000)).toEqual(["repeat"]);
    expect(t.takeDue(t0 + 30_000)).toEqual([]);
    expect(t.onEntry(movie("1"), t0 + 40_000)).toEqual(["repeat"]);
    expect(t.onEntry(movie("1"), t0 + 11_000 + opts.repeatMs)).toEqual(["tracked"]);
  });

  it("the next due time is the earliest of all groups", () => {
    const t = new WatchTracker(opts);
    t.onEntry(movie("1"), 0);
    t.onEntry(movie("2"), 10);
    expect(t.nextDueAt()).toBe(120_000);
    t.onEntry(movie("2", "done"), 20);
    expect(t.nextDueAt()).toBe(10_020);
    expect(new WatchTracker(opts).nextDueAt()).toBeUndefined();
  });

  it("items tracked with an earlier time (a catch-up) are handed over oldest first", () => {
    const t = new WatchTracker(opts);
    t.onEntry(movie("live"), 100_000);
    t.onEntry(movie("missed"), 50_000);
    expect(t.oldestCreatedAt()).toBe(50_000);
    expect(t.takeDue(300_000).map((g) => g.key)).toEqual(["missed", "live"]);
    expect(t.oldestCreatedAt()).toBeUndefined();
  });

  it("when full, hands over the group created first, not the one tracked first", () => {
    const t = new WatchTracker({ ...opts, maxTracked: 2 });
    t.onEntry(movie("a"), 100);
    t.onEntry(movie("b"), 50);
    expect(t.onEntry(movie("c"), 200)).toEqual(["overflow", "tracked"]);
    expect(t.takeDue(300).map((g) => [g.key, g.early])).toEqual([["b", true]]);
  });

  it("when full and two groups were created in the same millisecond, the first tracked goes", () => {
    const t = new WatchTracker({ ...opts, maxTracked: 2 });
    t.onEntry(movie("a"), 100);
    t.onEntry(movie("b"), 100);
    t.onEntry(movie("c"), 200);
    expect(t.takeDue(300).map((g) => g.key)).toEqual(["a"]);
  });

  it("counts an item handed over early in the oldest time until it is taken", () => {
    const t = new WatchTracker({ ...opts, maxTracked: 1 });
    t.onEntry(movie("1"), 0);
    t.onEntry(movie("2"), 10);
    expect(t.oldestCreatedAt()).toBe(0);
    const later = new WatchTracker({ ...opts, maxTracked: 1 });
    later.onEntry(movie("2"), 10);
    later.onEntry(movie("1"), 0); // a catch-up item, older than the one handed over
    expect(later.oldestCreatedAt()).toBe(0);
  });

  it("with no room at all, each item goes straight through", () => {
    const t = new WatchTracker({ ...opts, maxTracked: 0 });
    expect(t.onEntry(movie("1"), 0)).toEqual(["overflow", "tracked"]);
    expect(t.onEntry(movie("2"), 5)).toEqual(["overflow", "tracked"]);
    expect(t.takeDue(5).map((g) => g.key)).toEqual(["1"]);
  });

  it("applies a new settle time to items already settling", () => {
    const t = new WatchTracker(opts);
    t.onEntry(movie("1"), 0);
    t.onEntry(movie("1", "done"), 1000);
    t.setSettleMs(0);
    expect(t.nextDueAt()).toBe(1000);
  });
});

describe("CheckQueue", () => {
  const group = (key: string, createdAt = 0): DueGroup => ({
    key,
    sectionId: "1",
    ratingKeys: [key],
    createdAt,
    early: false,
  });

  it("merges a group that is already waiting and drops the oldest when full", () => {
    const q = new CheckQueue(2);
    expect(q.push(group("a", 5))).toBe("queued");
    expect(q.push({ ...group("a", 1), ratingKeys: ["a", "b"] })).toBe("merged");
    expect(q.push(group("c", 9))).toBe("queued");
    expect(q.push(group("d", 10))).toBe("dropped");
    expect(q.size).toBe(2);
    expect(q.oldestCreatedAt()).toBe(9);
    expect(q.shift()?.key).toBe("c");
    expect(q.shift()?.key).toBe("d");
    expect(q.shift()).toBeUndefined();
  });

  it("a merged group holds both groups' items once, from the earlier time", () => {
    const q = new CheckQueue(5);
    q.push({ ...group("show", 5), ratingKeys: ["e1", "e2"] });
    q.push({ ...group("show", 1), ratingKeys: ["e2", "e3"] });
    q.push({ ...group("show", 9), ratingKeys: ["e4"] });
    expect(q.shift()).toEqual({ ...group("show", 1), ratingKeys: ["e1", "e2", "e3", "e4"] });
  });

  it("keeps its own copy of a group's items", () => {
    const q = new CheckQueue(5);
    const pushed = group("a");
    q.push(pushed);
    pushed.ratingKeys.push("changed later");
    expect(q.shift()?.ratingKeys).toEqual(["a"]);
  });

  it("the oldest waiting time is the smallest, in any order", () => {
    const q = new CheckQueue(5);
    q.push(group("a", 9));
    q.push(group("b", 3));
    q.push(group("c", 7));
    expect(q.oldestCreatedAt()).toBe(3);
    expect(new CheckQueue(5).oldestCreatedAt()).toBeUndefined();
  });
});

describe("the catch-up mark", () => {
  it.each([
    ["first start", undefined, 1_000_000, undefined, 1000 - CATCH_UP_MARGIN_S],
    ["moves up with the clock", 500, 1_000_000, undefined, 1000 - CATCH_UP_MARGIN_S],
    ["stays before an item that still waits", 500, 1_000_000, 700_000, 700 - CATCH_UP_MARGIN_S],
    ["never moves back", 990, 1_000_000, 100_000, 990],
  ])("%s", (_name, stored, now, waiting, expected) => {
    expect(nextMark(stored, now, waiting)).toBe(expected);
  });

  it.each([
    [undefined, undefined],
    [0, undefined],
    [Number.NaN, undefined],
    [Number.POSITIVE_INFINITY, undefined],
    [-5, undefined],
    [1_700_000_000, 1_700_000_000],
  ])("catches up from %s → %s", (stored, since) => {
    expect(catchUpSince(stored)).toBe(since);
  });

  it("tracks items Plex may still be processing and checks older ones, episodes by show", () => {
    const now = 1_000_000;
    const plan = catchUpPlan(
      [
        { ratingKey: "1", type: "movie", sectionId: "1", addedAt: now - 5000, showKey: undefined },
        { ratingKey: "2", type: "movie", sectionId: "1", addedAt: now - 500_000, showKey: undefined },
        { ratingKey: "3", type: "episode", sectionId: "2", addedAt: now - 400_000, showKey: "9" },
        { ratingKey: "4", type: "episode", sectionId: "2", addedAt: now - 300_000, showKey: "9" },
        { ratingKey: "5", type: "season", sectionId: "2", addedAt: now - 300_000, showKey: "9" },
        // Exactly the no-done time ago: no longer in Plex's hands.
        { ratingKey: "6", type: "show", sectionId: "2", addedAt: now - 120_000, showKey: undefined },
        { ratingKey: "7", type: "episode", sectionId: "2", addedAt: now - 200_000, showKey: undefined },
      ],
      now,
      120_000,
    );
    expect(plan.track).toEqual([
      {
        entry: { kind: "created", ratingKey: "1", sectionId: "1", type: "movie", group: "1" },
        // Due 15 s from now unless its "done" comes first.
        createdAt: now - 120_000 + 15_000,
      },
    ]);
    expect(plan.check).toEqual([
      { key: "2", sectionId: "1", ratingKeys: ["2"], createdAt: now - 500_000, early: false },
      { key: "9", sectionId: "2", ratingKeys: ["3", "4"], createdAt: now - 400_000, early: false },
      { key: "6", sectionId: "2", ratingKeys: ["6"], createdAt: now - 120_000, early: false },
      { key: "7", sectionId: "2", ratingKeys: ["7"], createdAt: now - 200_000, early: false },
    ]);
  });
});

describe("dayOf", () => {
  it.each([
    { at: new Date(2026, 0, 5, 0, 0, 0), day: "2026-01-05" },
    { at: new Date(2026, 11, 31, 23, 59, 59), day: "2026-12-31" },
    { at: new Date(2026, 8, 9, 12), day: "2026-09-09" },
  ])("$day", ({ at, day }) => {
    expect(dayOf(at.getTime())).toBe(day);
  });
});

describe("echoes and repeats", () => {
  it("knows the items the app wrote to within the window", () => {
    let now = 0;
    const writes = new RecentWrites(300_000, () => now);
    writes.note("5");
    now = 299_999;
    expect(writes.has("5")).toBe(true);
    expect(writes.has("6")).toBe(false);
    now = 300_000;
    expect(writes.has("5")).toBe(false);
  });

  it("marks an item whose done frames repeat until it has been quiet", () => {
    let now = 0;
    const f = new RepeatFilter(() => now);
    f.sawDone("1");
    expect(f.repeating("1")).toBe(false); // one done is a completion
    now = 500;
    f.sawDone("1");
    expect(f.repeating("1")).toBe(true);
    now = 10_499;
    expect(f.repeating("1")).toBe(true);
    now = 10_500;
    expect(f.repeating("1")).toBe(false);
    now = 20_000;
    f.sawDone("1"); // long after: a single completion again
    expect(f.repeating("1")).toBe(false);
  });
});
