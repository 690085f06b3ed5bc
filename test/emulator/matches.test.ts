import { afterAll, beforeAll, describe, expect, it } from "vitest";
import type { EmulatorHandle, TruthItem } from "../../emulator/index.js";
import { get, getJson, kids, parseXml, put, start } from "./helpers.js";

let h: EmulatorHandle;
beforeAll(async () => {
  h = await start({ items: 600, brokenShare: 0.5, refresh: { workers: 2, minMs: 20, maxMs: 60 } });
});
afterAll(() => h.close());

const unmatched = () => h.truth().broken.filter((t) => t.kinds.includes("unmatched") && t.sectionId === "1");

async function matches(rk: string, q = "") {
  return parseXml((await get(h, `/library/metadata/${rk}/matches?manual=1${q}`)).text);
}

describe("matches", () => {
  it("returns SearchResult elements best first, without score for the new agent", async () => {
    const t = unmatched().find((x) => !x.ambiguous && x.title === x.matchTitle) as TruthItem;
    expect(t).toBeDefined();
    const mc = await matches(t.ratingKey);
    const results = kids(mc, "SearchResult");
    expect(results.length).toBeGreaterThan(0);
    expect(results[0]).toMatchObject({
      guid: t.matchGuid,
      name: t.matchTitle,
      year: String(t.matchYear),
      type: "movie",
    });
    expect(results[0]?.summary).toBeTruthy();
    expect(results[0]?.thumb).toMatch(/^https:\/\//);
    expect(results[0]?.score).toBeUndefined();
  });

  it("includes score for legacy agents", async () => {
    const t = unmatched()[0] as TruthItem;
    const q = `&title=${encodeURIComponent(t.matchTitle ?? "")}&year=&language=en&agent=com.plexapp.agents.imdb`;
    const r = kids(await matches(t.ratingKey, q), "SearchResult");
    expect(r[0]?.guid).toMatch(/^com\.plexapp\.agents\.imdb:\/\/tt\d+\?lang=en$/);
    expect(Number(r[0]?.score)).toBeGreaterThan(0);
  });

  it("resolves imdb-tt…/tmdb-…/tvdb-… titles to exactly one work", async () => {
    const t = unmatched().find((x) => x.fileId && x.fileId.source !== "tvdb") as TruthItem;
    const token = `${t.fileId?.source}-${t.fileId?.id}`;
    const r = kids(
      await matches(t.ratingKey, `&title=${token}&year=&agent=tv.plex.agents.movie&language=en-US`),
      "SearchResult",
    );
    expect(r).toHaveLength(1);
    expect(r[0]?.guid).toBe(t.matchGuid);
    expect(
      kids(await matches(t.ratingKey, "&title=imdb-tt9999999&agent=tv.plex.agents.movie"), "SearchResult"),
    ).toHaveLength(0);
    const show = h.truth().broken.find((x) => x.type === "show" && x.fileId) as TruthItem | undefined;
    if (show) {
      const s = kids(await matches(show.ratingKey, `&title=tvdb-${show.fileId?.id}`), "SearchResult");
      expect(s[0]?.guid).toBe(show.matchGuid);
    }
  });

  it("shows both candidates for ambiguous items, tied", async () => {
    const t = unmatched().find((x) => x.ambiguous) as TruthItem;
    const q = `&title=${encodeURIComponent(t.matchTitle ?? "")}&year=&agent=com.plexapp.agents.imdb`;
    const r = kids(await matches(t.ratingKey, q), "SearchResult");
    const top = r.slice(0, 2);
    expect(top.map((x) => x.name)).toEqual([t.matchTitle, t.matchTitle]);
    expect(top[0]?.score).toBe(top[1]?.score);
    expect(Math.abs(Number(top[0]?.year) - Number(top[1]?.year))).toBe(1);
  });

  it("applies a match through the queue, then unmatch gives the new agents' tv.plex.agents.none://", async () => {
    const t = unmatched()[1] as TruthItem;
    const name = encodeURIComponent(t.matchTitle ?? "");
    expect(
      (
        await put(
          h,
          `/library/metadata/${t.ratingKey}/match?guid=${encodeURIComponent(t.matchGuid ?? "")}&name=${name}`,
        )
      ).status,
    ).toBe(200);
    await h.idle();
    const m = (await getJson(h, `/library/metadata/${t.ratingKey}`)).MediaContainer.Metadata?.[0] as Record<
      string,
      unknown
    >;
    expect(m.guid).toBe(t.matchGuid);
    expect(m.title).toBe(t.matchTitle);
    expect(m.thumb).toMatch(/\/thumb\/\d+$/);
    expect(m.summary).toBeTruthy();
    expect((m.Guid as unknown[]).length).toBe(3);
    expect(h.truth().broken.find((x) => x.ratingKey === t.ratingKey)?.currentKinds).toEqual([]);
    expect(h.stats().matches).toBeGreaterThanOrEqual(1);

    expect((await put(h, `/library/metadata/${t.ratingKey}/unmatch`)).status).toBe(200);
    const u = (await getJson(h, `/library/metadata/${t.ratingKey}`)).MediaContainer.Metadata?.[0] as Record<
      string,
      unknown
    >;
    // A Plex Movie library: current Plex unmatches to the none agent (Kometa-Team/Kometa#3561).
    expect(u.guid).toBe(`tv.plex.agents.none://${t.ratingKey}`);
    expect(u.Guid).toBeUndefined();
  });

  it("matches a show and its episodes; rejects unknown guids", async () => {
    const t = h.truth().broken.find((x) => x.type === "show" && x.kinds.includes("unmatched")) as TruthItem;
    await put(
      h,
      `/library/metadata/${t.ratingKey}/match?guid=${encodeURIComponent(t.matchGuid ?? "")}&name=x`,
    );
    await h.idle();
    const eps = await getJson(h, `/library/metadata/${t.ratingKey}/allLeaves`);
    for (const e of eps.MediaContainer.Metadata ?? []) expect(String(e.guid)).toMatch(/^plex:\/\/episode\//);
    expect(
      (
        await put(
          h,
          `/library/metadata/${t.ratingKey}/match?guid=plex://show/000000000000000000000000&name=x`,
        )
      ).status,
    ).toBe(400);
    expect((await put(h, `/library/metadata/${t.ratingKey}/match`)).status).toBe(400);
  });
});
