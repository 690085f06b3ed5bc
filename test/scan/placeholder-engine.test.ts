// Placeholder episodes (issue 22 §2) through the real engine and watch-mode check, a real
// SQLite file and the emulator over real sockets. The app's clock is simulated (hours pass in
// a moment); the emulator's data arrives on the real clock, a few seconds after the add.
import { afterEach, describe, expect, it } from "vitest";
import { type EmulatorHandle, startEmulator } from "../../emulator/index.js";
import { scanSettingsSchema } from "../../src/config/settings.js";
import { SqliteScanStore } from "../../src/jobs/item-store.js";
import { CompletionTracker } from "../../src/scan/completion.js";
import { refreshItem } from "../../src/scan/item-actions.js";
import { PlexGate } from "../../src/scan/plex-gate.js";
import { checkItem, watchPipeline } from "../../src/watch/check.js";
import { type ScanHarness, scanHarness } from "../helpers/scan.js";

const cleanups: (() => Promise<void>)[] = [];
afterEach(async () => {
  for (const c of cleanups.splice(0).reverse()) await c();
});

const MIN = 60_000;
const HOUR = 60 * MIN;

/** A small healthy library plus a new show whose last episodes are placeholders. */
async function setup(arrivesInMs: number) {
  const emulator = await startEmulator({
    seed: 5,
    items: 20,
    brokenShare: 0,
    refresh: { minMs: 5, maxMs: 20 },
  });
  const h = await scanHarness(emulator);
  cleanups.push(async () => {
    await h.close();
    await emulator.close();
  });
  const addedAt = Date.now();
  const added = emulator.addItem({
    type: "show",
    episodes: 4,
    placeholders: { count: 3, arrivesInMs },
    processingMs: 10,
  });
  await added.finished;
  // The emulator's clock counts whole seconds: the data is surely there a second after this.
  const arrived = () =>
    new Promise((r) => setTimeout(r, Math.max(0, addedAt + arrivesInMs + 1100 - Date.now())));
  const episodes = (await h.plex.metadata(added.ratingKeys)).filter((i) => i.type === "episode");
  const waiting = episodes.filter((e) => !e.summary);
  const placeholders = waiting.map((e) => e.ratingKey);
  expect(placeholders).toHaveLength(3);
  const air = Date.parse(`${waiting[0]?.originallyAvailableAt}T00:00:00Z`);
  return { emulator, h, placeholders, air, arrived };
}

/** The simulated app clock: `at` moved by the test, plus the real time since. */
function clock(start: number) {
  let at = start;
  let since = Date.now();
  return {
    now: () => at + (Date.now() - since),
    set(t: number) {
      at = t;
      since = Date.now();
    },
  };
}

async function refreshesOf(h: ScanHarness, keys: readonly string[]) {
  const rows = await h.db.kysely
    .selectFrom("item_history")
    .select(["rating_key", "action", "outcome"])
    .where("rating_key", "in", [...keys])
    .execute();
  return rows;
}

/** One watch event for each key: the same check watch mode runs for an item Plex announced. */
async function watchEvent(
  _emulator: EmulatorHandle,
  h: ScanHarness,
  keys: string[],
  now: () => number,
  offsets: number[],
) {
  const settings = scanSettingsSchema.parse({ placeholderCheckOffsetsMinutes: offsets });
  const signal = new AbortController().signal;
  const tracker = new CompletionTracker(undefined, (k) => h.plex.metadata(k, { signal }), 50);
  try {
    const pipeline = watchPipeline({
      plex: h.plex,
      store: new SqliteScanStore(h.db.kysely, null, "watch"),
      tracker,
      gate: new PlexGate((s) => h.plex.identity({ signal: s }), 1000),
      settings,
      signal,
      now,
      log: () => {},
    });
    const sections = new Map((await h.plex.sections()).map((s) => [s.id, s]));
    const known = await new SqliteScanStore(h.db.kysely, null).knownStates(keys);
    const out: string[] = [];
    for (const item of await h.plex.metadata(keys)) {
      const section = sections.get(item.librarySectionId ?? "")!;
      out.push(await checkItem(pipeline, settings, item, section, known.get(item.ratingKey)));
    }
    return out;
  } finally {
    tracker.close();
  }
}

describe("placeholder episodes (issue 22 §2)", () => {
  it("refreshed once until due across scans and watch events, never failed, fixed at the first due check after arrival", async () => {
    const { emulator, h, placeholders, air, arrived } = await setup(4000);
    const offsets = [10, 30, 60]; // minutes after the air date
    const c = clock(air + 2 * MIN);
    const scan = () =>
      h.scan({ placeholderCheckOffsetsMinutes: offsets, includeChildren: true }, { now: c.now });

    const first = await scan();
    expect(first.stats.failed).toBe(0);
    let rows = await refreshesOf(h, placeholders);
    expect(rows.filter((r) => r.action === "refresh")).toHaveLength(3);
    expect(rows.every((r) => r.outcome === "waiting")).toBe(true);
    const stored = await h.db.kysely
      .selectFrom("items")
      .selectAll()
      .where("rating_key", "in", placeholders)
      .execute();
    for (const r of stored) {
      expect(r.state).toBe("waiting");
      expect(r.next_check_at).toBe(air + 10 * MIN);
      expect(JSON.parse(r.reason_json ?? "{}")).toEqual({
        code: "waiting_upstream",
        params: { until: new Date(air + 10 * MIN).toISOString() },
      });
    }

    // Before the check is due: scans and watch events leave them alone.
    for (const minute of [3, 5, 9]) {
      c.set(air + minute * MIN);
      const s = await scan();
      expect(s.stats.failed).toBe(0);
      expect(await watchEvent(emulator, h, placeholders, c.now, offsets)).toEqual([
        "waiting",
        "waiting",
        "waiting",
      ]);
    }
    rows = await refreshesOf(h, placeholders);
    expect(rows.filter((r) => r.action === "refresh")).toHaveLength(3);

    // The data arrives upstream (real clock); the next due check finds it.
    await arrived();
    c.set(air + 10 * MIN);
    const due = await scan();
    expect(due.stats.failed).toBe(0);
    expect(due.stats.fixed).toBe(3);
    rows = await refreshesOf(h, placeholders);
    const perItem = placeholders.map(
      (k) => rows.filter((r) => r.rating_key === k && r.action === "refresh").length,
    );
    expect(perItem).toEqual([2, 2, 2]);
    const after = await h.states();
    for (const k of placeholders) expect(after.get(k)?.state).toBe("fixed");
  }, 60_000);

  it("one simulated day of hourly scans and watch events: 2 refreshes per placeholder (found, then + 6 h)", async () => {
    // Data that never arrives within the day: the cost of waiting alone.
    const { emulator, h, placeholders, air } = await setup(10 * 24 * HOUR);
    const offsets = scanSettingsSchema.parse({}).placeholderCheckOffsetsMinutes;
    const c = clock(air + 30 * MIN);
    let failed = 0;
    for (let hour = 0; hour < 24; hour++) {
      c.set(air + 30 * MIN + hour * HOUR);
      failed += (await h.scan({}, { now: c.now })).stats.failed;
      await watchEvent(emulator, h, placeholders, c.now, offsets);
    }
    const rows = await refreshesOf(h, placeholders);
    const perItem = placeholders.map(
      (k) => rows.filter((r) => r.rating_key === k && r.action === "refresh").length,
    );
    // Found at +0.5 h, then due at +6 h and at +1 day (the last scan runs at +23.5 h: not yet).
    expect(perItem).toEqual([2, 2, 2]);
    expect(failed).toBe(0);
    console.log(
      `placeholder refreshes over one simulated day (24 scans, 24 watch events each): ${perItem.join(", ")}`,
    );
  }, 120_000);

  it("'check again' refreshes at once, outside the schedule, and fixes an arrived placeholder", async () => {
    const { h, placeholders, air, arrived } = await setup(1500);
    const c = clock(air + 2 * MIN);
    await h.scan({ placeholderCheckOffsetsMinutes: [60] }, { now: c.now });
    const deps = {
      plex: h.plex,
      store: new SqliteScanStore(h.db.kysely, null),
      timeoutMs: 10_000,
      pollMs: 50,
      now: c.now,
    };
    await arrived();
    const again = await refreshItem(deps, placeholders[0]!);
    expect(again).toMatchObject({ state: "fixed", action: "refresh" });
    expect((await h.states()).get(placeholders[1]!)?.state).toBe("waiting");
  }, 30_000);
});
