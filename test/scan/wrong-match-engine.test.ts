// Wrong matches against the emulator, over real sockets, through a logging proxy: both kinds of
// wrong match and healthy decoys whose file year is 1 or 2 off. Every id_conflict is re-matched
// and verified, every year_conflict waits for review with the right candidate, no decoy gets a
// write, and an undo restores the previous match (and keeps later scans from redoing it).
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import type { EmulatorHandle, WrongMatchTruth } from "../../emulator/index.js";
import { previousMatch, SqliteScanStore } from "../../src/jobs/item-store.js";
import { undoMatch } from "../../src/scan/item-actions.js";
import { start } from "../emulator/helpers.js";
import { type FaultProxy, faultProxy } from "../helpers/fault-proxy.js";
import { type ScanHarness, scanHarness } from "../helpers/scan.js";

const WRONG = { id: 6, year: 4, decoys: 8 };

describe("wrong matches", () => {
  let emulator: EmulatorHandle;
  let proxy: FaultProxy;
  let h: ScanHarness;
  let facts: WrongMatchTruth[];
  const of = (kind: WrongMatchTruth["kind"]) => facts.filter((f) => f.kind === kind);
  const now = (rk: string) => emulator.truth().wrongMatches.find((f) => f.ratingKey === rk)!;
  const writesTo = (rk: string) =>
    proxy.log.filter((r) => r.method === "PUT" && r.path.startsWith(`/library/metadata/${rk}/`));
  const row = (rk: string) =>
    h.db.kysely.selectFrom("items").selectAll().where("rating_key", "=", rk).executeTakeFirst();

  beforeAll(async () => {
    emulator = await start({
      items: 200,
      seed: 11,
      wrongMatches: WRONG,
      refresh: { workers: 4, minMs: 5, maxMs: 20 },
    });
    proxy = await faultProxy(emulator.url, () => undefined);
    h = await scanHarness(emulator, { baseUrl: proxy.url });
    facts = emulator.truth().wrongMatches;
  });
  afterAll(async () => {
    await h?.close();
    await proxy?.close();
    await emulator?.close();
  });

  it("plants both kinds, in movies and shows, and decoys 1 or 2 years off", () => {
    expect(of("id")).toHaveLength(WRONG.id);
    expect(of("year")).toHaveLength(WRONG.year);
    expect(of("decoy")).toHaveLength(WRONG.decoys);
    expect(new Set(of("id").map((f) => f.type))).toEqual(new Set(["movie", "show"]));
    for (const f of of("decoy")) expect([1, 2]).toContain(Math.abs(f.pathYear - f.rightYear));
    for (const f of of("id")) expect(f.path).toMatch(/\{(tmdb|imdb|tvdb)-/);
    for (const f of [...of("id"), ...of("year")]) expect(f.currentGuid).toBe(f.wrongGuid);
  });

  it("a dry run finds both kinds with their evidence and writes nothing", async () => {
    const outcome = await h.scan({ dryRun: true }, { notifications: false });
    expect(outcome.status).toBe("success");
    for (const f of of("id")) {
      const r = await row(f.ratingKey);
      expect(r?.state, f.path).toBe("would_fix");
      expect(r?.note).toContain("wrong match (id_conflict)");
      expect(JSON.parse(r!.problems_json)).toContain("wrong_match");
    }
    for (const f of of("year")) {
      const r = await row(f.ratingKey);
      expect(r?.state, f.path).toBe("needs_review");
      expect(r?.note).toContain("year_conflict");
    }
    for (const f of of("decoy")) expect(await row(f.ratingKey), f.path).toBeUndefined();
    expect(proxy.log.filter((r) => r.method === "PUT")).toEqual([]);
  });

  it("re-matches every id_conflict, reviews every year_conflict, leaves every decoy alone", async () => {
    proxy.log.length = 0;
    const outcome = await h.scan({}, { notifications: false });
    expect(outcome.status).toBe("success");
    for (const f of of("id")) {
      expect(now(f.ratingKey).currentGuid, f.path).toBe(f.rightGuid);
      const r = await row(f.ratingKey);
      expect(r?.state).toBe("fixed");
      expect(r?.note).toMatch(/^matched to .* by ID (tmdb|imdb|tvdb)-\S+ from the path/);
      expect(JSON.parse(r!.previous_match_json!)).toMatchObject({ guid: f.wrongGuid });
    }
    for (const f of of("year")) {
      expect(now(f.ratingKey).currentGuid).toBe(f.wrongGuid);
      expect(writesTo(f.ratingKey)).toEqual([]);
      const r = await row(f.ratingKey);
      expect(r?.state).toBe("needs_review");
      expect(JSON.parse(r!.problems_json)).toEqual(["wrong_match"]);
      const candidates = JSON.parse(r!.candidates_json!) as { guid: string; year: number }[];
      expect(candidates[0]).toMatchObject({ guid: f.rightGuid, year: f.pathYear });
    }
    for (const f of of("decoy")) {
      expect(writesTo(f.ratingKey), f.path).toEqual([]);
      expect(now(f.ratingKey).currentGuid).toBe(f.rightGuid);
      expect(await row(f.ratingKey)).toBeUndefined();
    }
    // The show's seasons and episodes are never judged by the show's folder.
    const problems = await h.db.kysely.selectFrom("items").select(["type", "problems_json"]).execute();
    for (const p of problems.filter((r) => r.type === "season" || r.type === "episode"))
      expect(p.problems_json).not.toContain("wrong_match");
  });

  it("an undo restores the previous match, and later scans leave it to a person", async () => {
    const f = of("id").find((x) => x.type === "movie")!;
    const store = new SqliteScanStore(h.db.kysely, null);
    const to = await previousMatch(h.db.kysely, f.ratingKey);
    expect(to).toMatchObject({ guid: f.wrongGuid });
    const result = await undoMatch({ plex: h.plex, store, timeoutMs: 10_000, pollMs: 50 }, f.ratingKey, to!);
    expect(result.action).toBe("undo_match");
    expect(result.note).toMatch(/^match undone: back to /);
    expect(now(f.ratingKey).currentGuid).toBe(f.wrongGuid);
    const r = await row(f.ratingKey);
    expect(r?.state).toBe("needs_review");
    expect(r?.match_undone_at).not.toBeNull();
    // The undo itself can be undone: it kept what it replaced.
    expect(await previousMatch(h.db.kysely, f.ratingKey)).toMatchObject({ guid: f.rightGuid });

    proxy.log.length = 0;
    const outcome = await h.scan({}, { notifications: false });
    expect(outcome.status).toBe("success");
    expect(writesTo(f.ratingKey)).toEqual([]);
    expect((await row(f.ratingKey))?.note).toContain("a person undid the app's match");
    expect(now(f.ratingKey).currentGuid).toBe(f.wrongGuid);
  });
});
