// Issue 22 against the real engine, a real SQLite file and the emulator over real sockets:
// §1 unmatched items of the new Plex agents (guid tv.plex.agents.none://<ratingKey>).
import { afterEach, describe, expect, it } from "vitest";
import { type EmulatorHandle, startEmulator } from "../../emulator/index.js";
import { previousMatch, SqliteScanStore } from "../../src/jobs/item-store.js";
import { applyMatch, matchCandidates, undoMatch } from "../../src/scan/item-actions.js";
import { scanHarness } from "../helpers/scan.js";

const cleanups: (() => Promise<void>)[] = [];
afterEach(async () => {
  for (const c of cleanups.splice(0).reverse()) await c();
});

const NEW_FORM = /^tv\.plex\.agents\.none:\/\//;

async function setup(options: Parameters<typeof startEmulator>[0] = {}) {
  const emulator = await startEmulator({
    seed: 11,
    items: 240,
    brokenShare: 0.3,
    unmatchedForm: "new",
    refresh: { workers: 4, minMs: 10, maxMs: 40 },
    ...options,
  });
  const h = await scanHarness(emulator);
  cleanups.push(async () => {
    await h.close();
    await emulator.close();
  });
  return { emulator, h };
}

/** Top-level items of the new-agent libraries left unmatched in the new form. */
function newFormUnmatched(emulator: EmulatorHandle) {
  return emulator
    .truth()
    .broken.filter(
      (t) =>
        (t.type === "movie" || t.type === "show") &&
        t.kinds.includes("unmatched") &&
        NEW_FORM.test(t.currentGuid),
    );
}

describe("unmatched items of the new agents (issue 22 §1)", () => {
  it("a scan sends every one to review when matching is off, as unmatched", async () => {
    const { emulator, h } = await setup();
    const items = newFormUnmatched(emulator);
    expect(items.length).toBeGreaterThanOrEqual(10);
    await h.scan({ matchUnmatched: false });
    const rows = await h.db.kysely.selectFrom("items").selectAll().execute();
    const byKey = new Map(rows.map((r) => [r.rating_key, r]));
    const reviewed = items.filter((t) => {
      const r = byKey.get(t.ratingKey);
      return r?.state === "needs_review" && JSON.parse(r.problems_json).includes("unmatched");
    });
    expect(reviewed.length).toBe(items.length);
    // None of them got a refresh: the emulator's refresh count is the listed broken, not these.
    const history = await h.db.kysely
      .selectFrom("item_history")
      .select(["rating_key", "action"])
      .where("action", "=", "refresh")
      .execute();
    const keys = new Set(items.map((t) => t.ratingKey));
    expect(history.filter((e) => keys.has(e.rating_key))).toEqual([]);
  });

  it("a scan matches them like local:// items, and they end matched in Plex", async () => {
    const { emulator, h } = await setup();
    const items = newFormUnmatched(emulator).filter((t) => !t.ambiguous);
    await h.scan({ matchUnmatched: true });
    const states = await h.states();
    const fixed = items.filter((t) => states.get(t.ratingKey)?.state === "fixed");
    // Clear titles and IDs in the names match on their own; what the matcher leaves goes to review.
    expect(fixed.length).toBeGreaterThan(items.length / 2);
    for (const t of items)
      expect(["fixed", "needs_review", "failed"]).toContain(states.get(t.ratingKey)?.state);
    const now = new Map(emulator.truth().broken.map((t) => [t.ratingKey, t.currentGuid]));
    for (const t of fixed) expect(now.get(t.ratingKey)).toMatch(/^plex:\/\//);
  });

  it("matched by hand and undone: the undo restores the new form and counts as restored", async () => {
    const { emulator, h } = await setup();
    const t = newFormUnmatched(emulator).find((x) => x.type === "movie" && !x.ambiguous)!;
    const deps = {
      plex: h.plex,
      store: new SqliteScanStore(h.db.kysely, null),
      timeoutMs: 10_000,
      pollMs: 50,
    };
    const found = await matchCandidates(deps, t.ratingKey);
    // The picker is told "not matched", not shown the none agent's guid as a current match.
    expect(found.item.guid).toBeNull();
    const target = found.candidates.find((c) => c.guid === t.matchGuid)!;
    const matched = await applyMatch(deps, t.ratingKey, target);
    expect(matched).toMatchObject({ state: "fixed", action: "match", matchedFrom: { guid: null } });
    const from = await previousMatch(h.db.kysely, t.ratingKey);
    expect(from?.guid).toBeNull();
    const undone = await undoMatch(deps, t.ratingKey, from!);
    expect(undone.reason?.code).toBe("undo_done");
    expect(undone.undone).toBe(true);
    expect(undone.problems).toContain("unmatched");
    const guid = emulator.truth().broken.find((x) => x.ratingKey === t.ratingKey)?.currentGuid;
    expect(guid).toBe(`tv.plex.agents.none://${t.ratingKey}`);
  });
});
