// Planted wrong matches as a client sees them: the listing's Guid list is the wrong work's while
// the file name carries the right ID or year; the title search offers the right year; a match
// to the right work (and back) rewrites the Guid list; a show carries its ID in its Location.
// Profiles without wrong matches generate exactly the library they did before.
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { type EmulatorHandle, generateLibrary, type WrongMatchTruth } from "../../emulator/index.js";
import { getJson, put, start } from "./helpers.js";

type Meta = Record<string, unknown> & {
  Guid?: { id: string }[];
  Media?: { Part: { file: string }[] }[];
  Location?: { path: string }[];
};

let h: EmulatorHandle;
let facts: WrongMatchTruth[];
beforeAll(async () => {
  h = await start({ items: 150, seed: 3, wrongMatches: { id: 4, year: 3, decoys: 4 } });
  facts = h.truth().wrongMatches;
});
afterAll(async () => {
  await h?.close();
});

const meta = async (rk: string) =>
  (await getJson(h, `/library/metadata/${rk}?includeGuids=1`)).MediaContainer.Metadata?.[0] as Meta;

describe("planted wrong matches", () => {
  it("leaves a profile without them unchanged, draw for draw", () => {
    const now = 1_750_000_000;
    const plain = generateLibrary({ seed: 9, items: 200, now });
    const none = generateLibrary({ seed: 9, items: 200, now, wrongMatches: { id: 0, year: 0, decoys: 0 } });
    expect(JSON.stringify(none.items)).toBe(JSON.stringify(plain.items));
    expect(plain.wrongMatches).toEqual([]);
    const planted = generateLibrary({
      seed: 9,
      items: 200,
      now,
      wrongMatches: { id: 2, year: 2, decoys: 2 },
    });
    // Only the planted items differ.
    const changed = planted.items.filter((it, i) => JSON.stringify(it) !== JSON.stringify(plain.items[i]));
    expect(changed.map((i) => i?.rk).sort()).toEqual(planted.wrongMatches.map((f) => f.rk).sort());
  });

  it("serves the wrong work's Guid list beside a file name with the right ID", async () => {
    const f = facts.find((x) => x.kind === "id" && x.type === "movie") as WrongMatchTruth;
    const m = await meta(f.ratingKey);
    expect(m.guid).toBe(f.wrongGuid);
    const file = m.Media?.[0]?.Part[0]?.file as string;
    expect(file).toBe(f.path);
    const token = /\{(tmdb|imdb)-(tt\d+|\d+)\}/.exec(file);
    expect(token).not.toBeNull();
    const ids = (m.Guid ?? []).map((g) => g.id);
    // The provider the name uses is in the Guid list, with another ID.
    const source = token?.[1] as string;
    expect(ids.some((id) => id.startsWith(`${source}://`))).toBe(true);
    expect(ids).not.toContain(`${source}://${token?.[2]}`);
    expect(Math.abs(Number(m.year) - f.pathYear)).toBeGreaterThanOrEqual(4);
  });

  it("puts a show's ID in its Location, not on its episodes' Guids", async () => {
    const f = facts.find((x) => x.kind === "id" && x.type === "show") as WrongMatchTruth;
    const m = await meta(f.ratingKey);
    expect(m.Location?.[0]?.path).toMatch(/\{tvdb-\d+\}$/);
    expect(m.guid).toBe(f.wrongGuid);
  });

  it("offers the right work for the title and the path's year, and matches it and back", async () => {
    const f = facts.find((x) => x.kind === "year" && x.type === "movie") as WrongMatchTruth;
    const m = await meta(f.ratingKey);
    const title = encodeURIComponent(String(m.title));
    const found = (
      await getJson(h, `/library/metadata/${f.ratingKey}/matches?title=${title}&year=${f.pathYear}`)
    ).MediaContainer as { SearchResult?: { guid: string; year: number }[] };
    expect(found.SearchResult?.[0]).toMatchObject({ guid: f.rightGuid, year: f.pathYear });

    const before = (m.Guid ?? []).map((g) => g.id);
    expect(
      (
        await put(
          h,
          `/library/metadata/${f.ratingKey}/match?guid=${encodeURIComponent(f.rightGuid)}&name=${title}`,
        )
      ).status,
    ).toBe(200);
    await h.idle();
    const after = await meta(f.ratingKey);
    expect(after.guid).toBe(f.rightGuid);
    expect(after.year).toBe(f.pathYear);
    expect((after.Guid ?? []).map((g) => g.id)).not.toEqual(before);
    expect(h.truth().wrongMatches.find((x) => x.ratingKey === f.ratingKey)?.currentGuid).toBe(f.rightGuid);

    // Back to the wrong work, as an undo does: the old Guid list returns.
    await put(
      h,
      `/library/metadata/${f.ratingKey}/match?guid=${encodeURIComponent(f.wrongGuid as string)}&name=${title}`,
    );
    await h.idle();
    expect(((await meta(f.ratingKey)).Guid ?? []).map((g) => g.id)).toEqual(before);
  });

  it("has decoys 1 or 2 years off their (right) match", async () => {
    for (const f of facts.filter((x) => x.kind === "decoy")) {
      const m = await meta(f.ratingKey);
      expect(m.guid).toBe(f.rightGuid);
      expect([1, 2]).toContain(Math.abs(Number(m.year) - f.pathYear));
    }
  });
});
