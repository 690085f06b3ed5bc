// The scan's store on a real SQLite file: what each kind of result writes, the known states of
// a whole page in one statement, and writes that never join another open transaction.
import { afterEach, beforeEach, describe, expect, it } from "vitest";
import { type Db, openDatabase } from "../../src/db/connection.js";
import { SqliteScanStore, setIgnored } from "../../src/jobs/item-store.js";
import type { ItemResult } from "../../src/scan/store.js";
import { tempDir } from "../helpers/tmp.js";

let db: Db;
let cleanup: () => void;
beforeEach(async () => {
  const dir = tempDir("psr-store-");
  cleanup = dir.cleanup;
  db = await openDatabase(dir.dir);
});
afterEach(async () => {
  await db.close();
  cleanup();
});

const result = (over: Partial<ItemResult> = {}): ItemResult => ({
  ratingKey: "1",
  sectionId: "1",
  library: "Movies",
  type: "movie",
  title: "Heat",
  year: 1995,
  parentRatingKey: null,
  state: "failed",
  problems: ["no_poster"],
  note: "still no poster",
  candidates: null,
  action: "refresh",
  at: 1000,
  ...over,
});

function row(key = "1") {
  return db.sqlite.prepare("select * from items where rating_key = ?").get(key) as Record<string, unknown>;
}

describe("SqliteScanStore", () => {
  it.each([
    // [what happens, results in order, the row's counters and times afterwards]
    ["a failed refresh", [result()], { attempts: 1, last_failed_at: 1000, fixed_at: null, state: "failed" }],
    [
      "a check counts no attempt",
      [result({ action: "check", state: "locked" })],
      { attempts: 0, last_failed_at: null },
    ],
    [
      "failed, then fixed: the failure time stays, the fix time is set",
      [result(), result({ state: "fixed", at: 2000, action: "match" })],
      { attempts: 2, last_failed_at: 1000, fixed_at: 2000, state: "fixed" },
    ],
    [
      "fixed, then a dry run: counters and times unchanged",
      [result({ state: "fixed" }), result({ state: "would_fix", action: "dry_run", at: 3000 })],
      { attempts: 1, fixed_at: 1000, last_checked_at: 3000, state: "would_fix" },
    ],
  ] as const)("%s", async (_name, results, expected) => {
    const store = new SqliteScanStore(db.kysely, null, "watch");
    for (const r of results) await store.record(r);
    expect(row()).toMatchObject(expected);
    const history = db.sqlite.prepare("select action, outcome, source from item_history order by id").all();
    expect(history).toEqual(results.map((r) => ({ action: r.action, outcome: r.state, source: "watch" })));
  });

  it("keeps what a match replaced until the next match, and marks an undo", async () => {
    const store = new SqliteScanStore(db.kysely, null);
    const before = { guid: "plex://movie/a", title: "Heat", year: 1986 };
    await store.record(result({ state: "fixed", action: "match", matchedFrom: before }));
    expect(JSON.parse(row().previous_match_json as string)).toEqual(before);
    await store.record(result({ state: "fixed", action: "refresh", at: 2000 }));
    expect(JSON.parse(row().previous_match_json as string)).toEqual(before);
    const undone = { guid: "plex://movie/b", title: "Heat", year: 1995 };
    await store.record(
      result({ state: "fixed", action: "undo_match", matchedFrom: undone, undone: true, at: 3000 }),
    );
    expect(row()).toMatchObject({ match_undone_at: 3000 });
    await store.record(result({ state: "fixed", action: "match", matchedFrom: before, at: 4000 }));
    expect(row()).toMatchObject({ match_undone_at: null });
  });

  it("reads the known states of a whole page at once, ignores and undos included", async () => {
    const store = new SqliteScanStore(db.kysely, null);
    const keys = Array.from({ length: 1200 }, (_, i) => String(i + 1));
    for (const key of keys.filter((k) => Number(k) % 3 === 0)) await store.record(result({ ratingKey: key }));
    await setIgnored(db.kysely, "3", { reason: null }, 5000);
    const known = await store.knownStates([...keys, "x'); drop table items; --"]);
    expect(known.size).toBe(400);
    expect(known.get("3")).toEqual({ state: "failed", lastFailedAt: 1000, ignored: true });
    expect(known.get("6")).toEqual({ state: "failed", lastFailedAt: 1000 });
    expect(known.has("1")).toBe(false);
    expect(await store.knownStates([])).toEqual(new Map());
  });

  it("waits for a transaction that is open elsewhere, and survives its rollback", async () => {
    const store = new SqliteScanStore(db.kysely, null);
    let recorded: Promise<void> | undefined;
    await expect(
      db.kysely.transaction().execute(async (tx) => {
        await tx.insertInto("settings").values({ key: "probe", value: "1" }).execute();
        // The scan records while the other transaction waits on something (an await).
        recorded = store.record(result({ ratingKey: "42" }));
        await new Promise((r) => setTimeout(r, 20));
        expect(db.sqlite.prepare("select count(*) as n from items").get()).toEqual({ n: 0 });
        throw new Error("roll back");
      }),
    ).rejects.toThrow("roll back");
    await recorded;
    expect(db.sqlite.prepare("select value from settings where key = 'probe'").get()).toBeUndefined();
    expect(row("42")).toMatchObject({ state: "failed" });
  });
});
