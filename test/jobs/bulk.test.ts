// The bulk job: the per-item decision (table-tested), and the work itself against the emulator
// over real sockets with a real SQLite file: refreshes verified like a scan's, skips logged,
// items gone from Plex listed as failures, a cancel that keeps what was done.
import { afterEach, describe, expect, it } from "vitest";
import { startEmulator } from "../../emulator/index.js";
import { SqliteScanStore, setIgnored } from "../../src/jobs/item-store.js";
import { storedCandidates } from "../../src/scan/accept-top.js";
import { type BulkItem, type BulkPlan, bulkStep, runBulk } from "../../src/scan/bulk.js";
import { scanHarness } from "../helpers/scan.js";

const item = (patch: Partial<BulkItem> = {}): BulkItem => ({
  ratingKey: "1",
  title: "Alien (1979)",
  state: "needs_review",
  ignored: false,
  candidates: [{ guid: "plex://movie/a", name: "Alien", year: 1979, score: 90 }],
  ...patch,
});

describe("bulkStep", () => {
  const cases: [string, Parameters<typeof bulkStep>[0], BulkItem, ReturnType<typeof bulkStep>][] = [
    [
      "refresh a failed item",
      "refresh",
      item({ state: "failed" }),
      { kind: "fix", request: { kind: "refresh" } },
    ],
    [
      "refresh skips an ignored item",
      "refresh",
      item({ ignored: true }),
      { kind: "skip", reason: { code: "ignored_unignore_first" } },
    ],
    ["ignore", "ignore", item(), { kind: "ignore" }],
    [
      "ignore twice is a skip",
      "ignore",
      item({ ignored: true }),
      { kind: "skip", reason: { code: "already_ignored" } },
    ],
    ["unignore", "unignore", item({ ignored: true }), { kind: "unignore" }],
    ["unignore a kept item is a skip", "unignore", item(), { kind: "skip", reason: { code: "not_ignored" } }],
    [
      "accept the first stored candidate",
      "accept_top",
      item(),
      {
        kind: "fix",
        request: {
          kind: "match",
          target: { guid: "plex://movie/a", name: "Alien", year: 1979 },
          reason: { code: "top_candidate_by_hand" },
        },
      },
    ],
    [
      "accept on an item that is not in review",
      "accept_top",
      item({ state: "failed" }),
      { kind: "skip", reason: { code: "not_in_review", params: { state: "failed" } } },
    ],
    [
      "accept without candidates",
      "accept_top",
      item({ candidates: null }),
      { kind: "skip", reason: { code: "no_stored_candidate" } },
    ],
    [
      "accept with a damaged candidate",
      "accept_top",
      item({ candidates: [{ name: "no guid" }] }),
      { kind: "skip", reason: { code: "no_stored_candidate" } },
    ],
    [
      "accept a top score strictly ahead, below the scan's threshold",
      "accept_top",
      item({
        candidates: [
          { guid: "plex://movie/b", name: "Alien", year: 1979, score: 60 },
          { guid: "plex://movie/a", name: "Alien", year: 1979, score: 70 },
        ],
      }),
      {
        kind: "fix",
        request: {
          kind: "match",
          target: { guid: "plex://movie/a", name: "Alien", year: 1979 },
          reason: { code: "top_candidate_by_hand" },
        },
      },
    ],
    [
      "a tie of scores is left alone",
      "accept_top",
      item({
        candidates: [
          { guid: "plex://movie/a", name: "Alien", year: 1979, score: 80 },
          { guid: "plex://movie/b", name: "Alien", year: 1979, score: 80 },
          { guid: "plex://movie/c", name: "Aliens", year: 1986, score: 40 },
        ],
      }),
      { kind: "skip", reason: { code: "top_candidate_tied", params: { count: 2 } } },
    ],
    [
      "two unscored candidates with the same title and year are a tie",
      "accept_top",
      item({
        candidates: [
          { guid: "plex://movie/a", name: "Alien", year: 1979 },
          { guid: "plex://movie/b", name: "Alien", year: 1979 },
        ],
      }),
      { kind: "skip", reason: { code: "top_candidate_tied", params: { count: 2 } } },
    ],
    [
      "unscored: the only one with the same title and a near year is taken, wherever it stands",
      "accept_top",
      item({
        candidates: [
          { guid: "plex://movie/x", name: "Alien Resurrection", year: 1997 },
          { guid: "plex://movie/a", name: "Alien", year: 1980 },
        ],
      }),
      {
        kind: "fix",
        request: {
          kind: "match",
          target: { guid: "plex://movie/a", name: "Alien", year: 1980 },
          reason: { code: "top_candidate_by_hand" },
        },
      },
    ],
    [
      "unscored with no same title is unclear (Plex's list order decides nothing)",
      "accept_top",
      item({ candidates: [{ guid: "plex://movie/x", name: "Alien Resurrection", year: 1997 }] }),
      {
        kind: "skip",
        reason: { code: "top_candidate_unclear", params: { why: { code: "no_same_title_year" } } },
      },
    ],
    [
      "a top score for another year is unclear",
      "accept_top",
      item({ candidates: [{ guid: "plex://movie/a", name: "Alien", year: 2003, score: 95 }] }),
      {
        kind: "skip",
        reason: {
          code: "top_candidate_unclear",
          params: { why: { code: "score_inconclusive", params: { score: 95, runnerUp: null } } },
        },
      },
    ],
    [
      "the searched title and year come from the row when given",
      "accept_top",
      item({
        title: "alien.1979.1080p.bluray",
        searched: { title: "Alien", year: 1979 },
        candidates: [
          { guid: "plex://movie/a", name: "Alien", year: 1979 },
          { guid: "plex://movie/z", name: "Alien", year: 2019 },
        ],
      }),
      {
        kind: "fix",
        request: {
          kind: "match",
          target: { guid: "plex://movie/a", name: "Alien", year: 1979 },
          reason: { code: "top_candidate_by_hand" },
        },
      },
    ],
    [
      "accept on an ignored item",
      "accept_top",
      item({ ignored: true }),
      { kind: "skip", reason: { code: "ignored_unignore_first" } },
    ],
  ];
  it.each(cases)("%s", (_name, action, input, expected) => {
    expect(bulkStep(action, input)).toEqual(expected);
  });

  it("reads stored candidates leniently, passing over damaged ones", () => {
    expect(storedCandidates([{ guid: "g", name: "N", year: "1999", score: "9" }])).toEqual([
      { guid: "g", name: "N" },
    ]);
    expect(storedCandidates([null, { guid: "g", name: "N", score: 50 }])).toEqual([
      { guid: "g", name: "N", score: 50 },
    ]);
    expect(storedCandidates([])).toEqual([]);
    expect(storedCandidates(null)).toEqual([]);
    expect(storedCandidates([{ guid: "g", name: "", year: 2000 }])).toEqual([]);
  });
});

const cleanups: (() => Promise<void>)[] = [];
afterEach(async () => {
  for (const c of cleanups.splice(0).reverse()) await c();
});

async function setup(refreshMs = { minMs: 10, maxMs: 40 }) {
  const emulator = await startEmulator({
    seed: 11,
    items: 240,
    brokenShare: 0.2,
    refresh: { workers: 2, ...refreshMs },
  });
  const h = await scanHarness(emulator);
  cleanups.push(async () => {
    await h.close();
    await emulator.close();
  });
  // A dry run records the broken items, as the Items page lists them.
  expect((await h.scan({ dryRun: true })).status).toBe("success");
  const lines: string[] = [];
  const progress: number[] = [];
  const run = (plan: BulkPlan, signal = new AbortController().signal) =>
    runBulk(plan, {
      plex: h.plex,
      store: new SqliteScanStore(h.db.kysely, null),
      setIgnored: (key, ignore, at) => setIgnored(h.db.kysely, key, ignore, at),
      settings: { concurrency: 2, itemTimeoutSeconds: 10, outageWaitSeconds: 5, requestDelayMs: 0 },
      reporter: { log: (level, m) => lines.push(`${level} ${m}`), progress: (p) => progress.push(p.done) },
      signal,
      pollIntervalMs: 100,
    });
  return { emulator, h, lines, progress, run };
}

describe("runBulk", () => {
  it("refreshes with the scan's fix-and-verify, skips ignored items and lists what failed", async () => {
    const { emulator, h, lines, progress, run } = await setup();
    const fixable = emulator
      .truth()
      .broken.filter((b) => b.type === "movie" && b.fixableByRefresh && !b.locked)
      .slice(0, 3);
    expect(fixable).toHaveLength(3);
    const states = await h.states();
    const asItem = (key: string, title: string, ignored = false): BulkItem => ({
      ratingKey: key,
      title,
      state: (states.get(key)?.state ?? "would_fix") as BulkItem["state"],
      ignored,
      candidates: null,
    });
    const before = emulator.stats().refreshes;
    const outcome = await run({
      action: "refresh",
      reason: null,
      items: [
        ...fixable.map((t) => asItem(t.ratingKey, t.title)),
        asItem("999999", "Gone Girl"),
        asItem(fixable[0]!.ratingKey, "Set aside", true),
      ],
    });
    expect(outcome.status).toBe("success");
    expect(outcome.stats.bulk).toMatchObject({ total: 5, done: 5, succeeded: 3, failed: 1, skipped: 1 });
    expect(outcome.stats.bulk.failures).toEqual([
      {
        ratingKey: "999999",
        title: "Gone Girl",
        note: "no longer in Plex",
        reason: { code: "no_longer_in_plex" },
      },
    ]);
    expect(outcome.stats.fixed).toBe(3);
    expect(outcome.stats.completedByEvent + outcome.stats.completedByPoll).toBe(3);
    expect(emulator.stats().refreshes - before).toBe(3);
    for (const t of fixable)
      expect(emulator.truth().broken.find((b) => b.ratingKey === t.ratingKey)?.currentKinds).toEqual([]);
    const after = await h.states();
    for (const t of fixable) expect(after.get(t.ratingKey)?.state).toBe("fixed");
    expect(lines).toContain("info Skipped: Set aside — ignored; unignore it first");
    expect(lines).toContain("warn Failed: Gone Girl — no longer in Plex");
    expect(lines.at(-1)).toMatch(/^info Bulk action finished: 5 of 5 done: 3 succeeded, 1 failed, 1 skipped/);
    expect(progress.at(-1)).toBe(5);
  });

  it("ignores and unignores, recording each change in the item's history", async () => {
    const { h, run } = await setup();
    const keys = [...(await h.states()).keys()].slice(0, 2);
    const items = keys.map((k) => ({
      ratingKey: k,
      title: k,
      state: "would_fix" as const,
      ignored: false,
      candidates: null,
    }));
    const ignored = await run({ action: "ignore", reason: "home videos", items });
    expect(ignored.stats.bulk).toMatchObject({ succeeded: 2, failed: 0 });
    const rows = await h.db.kysely
      .selectFrom("items")
      .select(["ignore_reason"])
      .where("rating_key", "in", keys)
      .execute();
    expect(rows.map((r) => r.ignore_reason)).toEqual(["home videos", "home videos"]);
    const back = await run({
      action: "unignore",
      reason: null,
      items: items.map((i) => ({ ...i, ignored: true })),
    });
    expect(back.stats.bulk).toMatchObject({ succeeded: 2 });
    const history = await h.db.kysely
      .selectFrom("item_history")
      .select("action")
      .where("rating_key", "=", keys[0]!)
      .orderBy("id")
      .execute();
    expect(history.map((r) => r.action).slice(-2)).toEqual(["ignore", "unignore"]);
  });

  it("stops on cancel; what was done stays done", async () => {
    const { emulator, h, run } = await setup({ minMs: 300, maxMs: 400 });
    const broken = emulator
      .truth()
      .broken.filter((b) => b.type === "movie" && b.fixableByRefresh && !b.locked);
    const items = broken.slice(0, 8).map((t) => ({
      ratingKey: t.ratingKey,
      title: t.title,
      state: "would_fix" as const,
      ignored: false,
      candidates: null,
    }));
    const abort = new AbortController();
    const pending = run({ action: "refresh", reason: null, items }, abort.signal);
    // Stop once the first item has been recorded.
    for (let i = 0; i < 200; i++) {
      const fixed = [...(await h.states()).values()].filter((s) => s.state === "fixed").length;
      if (fixed > 0) break;
      await new Promise((r) => setTimeout(r, 25));
    }
    abort.abort(new DOMException("cancelled", "AbortError"));
    const outcome = await pending;
    expect(outcome.status).toBe("cancelled");
    expect(outcome.stats.bulk.done).toBeGreaterThan(0);
    expect(outcome.stats.bulk.done).toBeLessThan(items.length);
    const fixed = [...(await h.states()).values()].filter((s) => s.state === "fixed").length;
    expect(fixed).toBe(outcome.stats.fixed);
  });
});
