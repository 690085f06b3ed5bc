import { afterEach, describe, expect, it } from "vitest";
import { startEmulator } from "../../emulator/index.js";
import { SqliteScanStore } from "../../src/jobs/item-store.js";
import { applyMatch, ItemNotFoundError, matchCandidates, refreshItem } from "../../src/scan/item-actions.js";
import { scanHarness } from "../helpers/scan.js";

const cleanups: (() => Promise<void>)[] = [];
afterEach(async () => {
  for (const c of cleanups.splice(0).reverse()) await c();
});

/** An emulator (seed 11, quick refreshes) with a scan harness on a fresh database. */
async function emulatorAndHarness() {
  const emulator = await startEmulator({
    seed: 11,
    items: 240,
    brokenShare: 0.2,
    refresh: { workers: 2, minMs: 10, maxMs: 40 },
  });
  const h = await scanHarness(emulator);
  cleanups.push(async () => {
    await h.close();
    await emulator.close();
  });
  return { emulator, h };
}

async function setup() {
  const { emulator, h } = await emulatorAndHarness();
  const deps = { plex: h.plex, store: new SqliteScanStore(h.db.kysely, null), timeoutMs: 10_000, pollMs: 50 };
  return { emulator, h, deps };
}

/** A stored row as the API's items list reads it (what an action returns must match it). */
async function row(h: Awaited<ReturnType<typeof setup>>["h"], key: string) {
  return h.db.kysely.selectFrom("items").selectAll().where("rating_key", "=", key).executeTakeFirstOrThrow();
}

describe("one-item actions", () => {
  it("refresh returns what it recorded, exactly as a scan records the same fix", async () => {
    const { emulator, h, deps } = await setup();
    const t = emulator
      .truth()
      .broken.find((b) => b.type === "movie" && b.fixableByRefresh && !b.locked && b.sectionId === "1")!;
    const result = await refreshItem(deps, t.ratingKey);
    expect(result).toMatchObject({
      ratingKey: t.ratingKey,
      sectionId: "1",
      state: "fixed",
      action: "refresh",
      problems: [],
      candidates: null,
    });
    expect(result.note).toMatch(/^fixed: /);
    const stored = await row(h, t.ratingKey);
    expect([stored.state, stored.note, stored.title, stored.library, stored.attempts]).toEqual([
      result.state,
      result.note,
      result.title,
      result.library,
      1,
    ]);

    // The same item fixed by a scan (a twin emulator, same seed) gets the very same record.
    const { h: th } = await emulatorAndHarness();
    await th.scan({ matchUnmatched: false });
    const scanned = await row(th, t.ratingKey);
    const { last_checked_at: _a, fixed_at: _b, ...fromScan } = scanned;
    const { last_checked_at: _c, fixed_at: _d, ...fromAction } = stored;
    expect(fromAction).toEqual(fromScan);
  });

  it("match by hand returns the applied candidate and records the result like a scan match", async () => {
    const { emulator, h, deps } = await setup();
    const t = emulator
      .truth()
      .broken.find(
        (b) => b.type === "movie" && b.kinds.includes("unmatched") && b.sectionId === "1" && b.matchGuid,
      )!;
    const { candidates } = await matchCandidates(deps, t.ratingKey, t.matchTitle, t.matchYear);
    const target = candidates.find((c) => c.guid === t.matchGuid)!;
    expect(target).toBeDefined();
    const result = await applyMatch(deps, t.ratingKey, target);
    expect(result).toMatchObject({ ratingKey: t.ratingKey, action: "match", candidates: [target] });
    expect(result.note).toMatch(/^matched to .+ by hand; /);
    expect(["fixed", "failed"]).toContain(result.state);
    expect(result.problems).not.toContain("unmatched");
    expect(emulator.truth().broken.find((b) => b.ratingKey === t.ratingKey)?.currentKinds).not.toContain(
      "unmatched",
    );
    const stored = await row(h, t.ratingKey);
    expect([stored.state, stored.note, stored.candidates_json]).toEqual([
      result.state,
      result.note,
      JSON.stringify([target]),
    ]);
  });

  it("an unknown item is an ItemNotFoundError, and nothing is recorded", async () => {
    const { h, deps } = await setup();
    await expect(refreshItem(deps, "999999")).rejects.toBeInstanceOf(ItemNotFoundError);
    await expect(applyMatch(deps, "999999", { guid: "plex://movie/x", name: "X" })).rejects.toBeInstanceOf(
      ItemNotFoundError,
    );
    expect(await h.db.kysely.selectFrom("items").selectAll().execute()).toEqual([]);
  });
});
