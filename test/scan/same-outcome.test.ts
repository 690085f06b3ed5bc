// One per-item pipeline: the same broken item, run through a scan, a bulk refresh and watch mode
// (each against its own emulator with the same seed, each with its own SQLite file), is recorded
// alike by all three: state, problems, reason and note on the item, action and outcome in its
// history. Real emulator over loopback sockets, real database, the real watcher in `psr serve`.
import { afterEach, describe, expect, it } from "vitest";
import { type EmulatorOptions, startEmulator } from "../../emulator/index.js";
import type { Db } from "../../src/db/connection.js";
import { SqliteScanStore, setIgnored } from "../../src/jobs/item-store.js";
import { runBulk } from "../../src/scan/bulk.js";
import { scanHarness } from "../helpers/scan.js";
import { startTestServer } from "../helpers/server.js";

const EMULATOR: EmulatorOptions = {
  seed: 21,
  items: 12,
  brokenShare: 0,
  refresh: { workers: 2, minMs: 20, maxMs: 60 },
};
const NEW_ITEM = { health: "no-poster", title: "Same Arrival" } as const;
const KEY = "same-outcome-key-0123456789abcdef";

const cleanups: (() => Promise<void>)[] = [];
afterEach(async () => {
  for (const c of cleanups.splice(0).reverse()) await c();
});

async function until<T>(what: string, probe: () => Promise<T | undefined>, ms = 30_000): Promise<T> {
  const end = Date.now() + ms;
  for (;;) {
    const value = await probe();
    if (value !== undefined) return value;
    if (Date.now() > end) throw new Error(`timed out waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 50));
  }
}

/** What was recorded for the item, without what differs by run (times, job ids, source). */
async function recorded(db: Db["kysely"], ratingKey: string) {
  const item = await db
    .selectFrom("items")
    .select(["type", "title", "state", "problems_json", "note", "reason_json"])
    .where("rating_key", "=", ratingKey)
    .executeTakeFirst();
  const history = await db
    .selectFrom("item_history")
    .select(["action", "outcome", "problems_json", "note", "reason_json"])
    .where("rating_key", "=", ratingKey)
    .orderBy("id")
    .execute();
  return { item, history };
}

async function emulatorWithNewItem() {
  const emulator = await startEmulator(EMULATOR);
  cleanups.push(() => emulator.close());
  const added = emulator.addItem(NEW_ITEM);
  await added.finished;
  return { emulator, ratingKey: added.ratingKey };
}

async function byScan() {
  const { emulator, ratingKey } = await emulatorWithNewItem();
  const h = await scanHarness(emulator);
  cleanups.push(() => h.close());
  expect((await h.scan({ concurrency: 2 })).status).toBe("success");
  return { ratingKey, ...(await recorded(h.db.kysely, ratingKey)) };
}

async function byBulkRefresh() {
  const { emulator, ratingKey } = await emulatorWithNewItem();
  const h = await scanHarness(emulator);
  cleanups.push(() => h.close());
  const outcome = await runBulk(
    {
      action: "refresh",
      reason: null,
      items: [{ ratingKey, title: NEW_ITEM.title, state: "would_fix", ignored: false, candidates: null }],
    },
    {
      plex: h.plex,
      store: new SqliteScanStore(h.db.kysely, null),
      setIgnored: (key, ignore, at) => setIgnored(h.db.kysely, key, ignore, at),
      settings: { concurrency: 2, itemTimeoutSeconds: 10, outageWaitSeconds: 5, requestDelayMs: 0 },
      reporter: { log: () => {}, progress: () => {} },
      signal: new AbortController().signal,
      pollIntervalMs: 100,
    },
  );
  expect(outcome.status).toBe("success");
  return { ratingKey, ...(await recorded(h.db.kysely, ratingKey)) };
}

async function byWatchMode() {
  const stack = await startTestServer(EMULATOR, { PSR_API_KEY: KEY, PSR_METRICS_AUTH: "none" });
  cleanups.push(() => stack.close());
  const saved = await fetch(`${stack.server.url}/api/settings`, {
    method: "PUT",
    headers: { "X-Api-Key": KEY, "Content-Type": "application/json" },
    body: JSON.stringify({ watch: { settleSeconds: 1 } }),
  });
  expect(saved.status).toBe(200);
  await until("the watcher to connect", async () => stack.server.watcher.snapshot().connected || undefined);
  const { ratingKey } = stack.emulator.addItem(NEW_ITEM);
  const db = stack.server.db.kysely;
  await until("watch mode's verdict", async () => ((await recorded(db, ratingKey)).item ? true : undefined));
  return { ratingKey, ...(await recorded(db, ratingKey)) };
}

describe("one per-item pipeline", () => {
  it("records the same outcome for the same broken item from a scan, a bulk refresh and watch mode", async () => {
    const scan = await byScan();
    const bulk = await byBulkRefresh();
    const watch = await byWatchMode();
    // The same seed gives the same item the same key in each emulator.
    expect(new Set([scan.ratingKey, bulk.ratingKey, watch.ratingKey]).size).toBe(1);
    expect(scan.item).toMatchObject({ type: "movie", state: "fixed", note: expect.stringMatching(/poster/) });
    expect(scan.history).toEqual([expect.objectContaining({ action: "refresh", outcome: "fixed" })]);
    expect(bulk).toEqual(scan);
    expect(watch).toEqual(scan);
  }, 90_000);
});
