import { afterAll, beforeAll, describe, expect, it } from "vitest";
import WebSocket from "ws";
import type { EmulatorHandle } from "../../emulator/index.js";
import { normalizeTitle } from "../../emulator/text.js";
import { get, getJson, kids, parseXml, start } from "./helpers.js";

let h: EmulatorHandle;
beforeAll(async () => {
  h = await start({ items: 400 });
});
afterAll(() => h.close());

const MOVIES = "/library/sections/1/all";

async function page(path: string, start: number, size: number, form: "header" | "query") {
  const sep = path.includes("?") ? "&" : "?";
  if (form === "header") {
    return get(h, path, {
      headers: { "X-Plex-Container-Start": String(start), "X-Plex-Container-Size": String(size) },
    });
  }
  return get(h, `${path}${sep}X-Plex-Container-Start=${start}&X-Plex-Container-Size=${size}`);
}

describe("auth and errors", () => {
  it("serves /identity without a token", async () => {
    const r = await get(h, "/identity", { token: null });
    expect(r.status).toBe(200);
    const mc = parseXml(r.text);
    expect(mc.machineIdentifier).toMatch(/^[0-9a-f]{40}$/);
    expect(mc.version).toBe("1.41.3.9314-a0bfb8370");
  });

  it("answers 401 with an HTML body for a missing or wrong token (header or query)", async () => {
    for (const r of [
      await get(h, "/", { token: null }),
      await get(h, "/library/sections", { token: "wrong" }),
    ]) {
      expect(r.status).toBe(401);
      expect(r.headers.get("content-type")).toContain("text/html");
      expect(r.text).toBe(
        "<html><head><title>Unauthorized</title></head><body><h1>401 Unauthorized</h1></body></html>",
      );
    }
    const ok = await get(h, `/library/sections?X-Plex-Token=${h.token}`, { token: null });
    expect(ok.status).toBe(200);
  });

  it("answers 404 with HTML for unknown paths and ratingKeys", async () => {
    for (const p of [
      "/nope",
      "/library/metadata/999999",
      "/library/sections/99/all",
      "/library/metadata/999999/children",
    ]) {
      const r = await get(h, p);
      expect(r.status, p).toBe(404);
      expect(r.text).toContain("404 Not Found");
    }
  });

  it("rejects websocket upgrades without a valid token with 401", async () => {
    const status = await new Promise<number>((resolve) => {
      const ws = new WebSocket(`${h.url.replace("http", "ws")}/:/websockets/notifications?X-Plex-Token=bad`);
      ws.on("unexpected-response", (_req, res) => resolve(res.statusCode ?? 0));
      ws.on("open", () => resolve(101));
      ws.on("error", () => {});
    });
    expect(status).toBe(401);
  });

  it("accepts the websocket token as a header (Tautulli style)", async () => {
    const ws = new WebSocket(`${h.url.replace("http", "ws")}/:/websockets/notifications`, {
      headers: { "X-Plex-Token": h.token },
    });
    await new Promise<void>((resolve, reject) => {
      ws.on("open", () => resolve());
      ws.on("error", reject);
    });
    const pong = new Promise<void>((resolve) => ws.on("pong", () => resolve()));
    ws.ping();
    await pong;
    ws.close();
  });
});

describe("content negotiation", () => {
  it("returns XML by default and JSON with Accept: application/json", async () => {
    const x = await get(h, "/library/sections");
    expect(x.headers.get("content-type")).toBe("text/xml;charset=utf-8");
    expect(x.text.startsWith('<?xml version="1.0" encoding="UTF-8"?>')).toBe(true);
    const j = await get(h, "/library/sections", { headers: { Accept: "application/json" } });
    expect(j.headers.get("content-type")).toBe("application/json");
    const mc = JSON.parse(j.text).MediaContainer;
    expect(mc.allowSync).toBe(false);
    expect(mc.Directory[0].key).toBe("1");
    expect(mc.Directory[0].filters).toBe(true);
    expect(mc.Directory[0].Location[0].path).toBe("/data/media/Movies");
  });

  it("omits empty arrays: an empty page is {size:0}", async () => {
    const j = await getJson(h, `${MOVIES}?X-Plex-Container-Start=100000&X-Plex-Container-Size=10`);
    expect(j.MediaContainer.size).toBe(0);
    expect(j.MediaContainer.Metadata).toBeUndefined();
  });

  it("escapes XML and keeps non-ASCII titles intact", async () => {
    const r = await get(h, `${MOVIES}?sort=addedAt`);
    const mc = parseXml(r.text);
    const titles = kids(mc, "Video").map((v) => v.title);
    expect(titles).toContain("Amélie");
    expect(titles).toContain("千と千尋の神隠し");
    expect(titles).toContain('The "Quoted" Heist');
    expect(titles).toContain("Übermorgen <Extended>");
  });
});

describe("paging", () => {
  it("handles start 0, the exact last page, start beyond total and size 0, in header and query form", async () => {
    for (const form of ["header", "query"] as const) {
      const all = parseXml((await get(h, MOVIES)).text);
      const total = kids(all, "Video").length;
      expect(all.totalSize).toBeUndefined(); // not paged: everything, no totalSize
      const first = await page(MOVIES, 0, 10, form);
      const mc = parseXml(first.text);
      expect(mc.size).toBe("10");
      expect(mc.totalSize).toBe(String(total));
      expect(mc.offset).toBe("0");
      expect(first.headers.get("x-plex-container-start")).toBe("0");
      expect(first.headers.get("x-plex-container-total-size")).toBe(String(total));
      const last = parseXml((await page(MOVIES, total - 3, 3, form)).text);
      expect(kids(last, "Video")).toHaveLength(3);
      expect(last.size).toBe("3");
      const beyond = parseXml((await page(MOVIES, total + 5, 10, form)).text);
      expect(beyond.size).toBe("0");
      expect(beyond.totalSize).toBe(String(total));
      expect(kids(beyond, "Video")).toHaveLength(0);
      const count = parseXml((await page(MOVIES, 0, 0, form)).text);
      expect(count.size).toBe("0");
      expect(count.totalSize).toBe(String(total));
    }
  });

  it("advancing by rows returned reaches every item exactly once", async () => {
    const seen: string[] = [];
    let start = 0;
    for (;;) {
      const mc = parseXml((await page(`${MOVIES}?sort=addedAt:desc`, start, 37, "header")).text);
      const rows = kids(mc, "Video");
      if (rows.length === 0) break;
      seen.push(...rows.map((r) => r.ratingKey as string));
      start += rows.length;
    }
    const total = Number(parseXml((await page(MOVIES, 0, 0, "query")).text).totalSize);
    expect(seen).toHaveLength(total);
    expect(new Set(seen).size).toBe(total);
  });
});

describe("sorting, filtering, includeGuids", () => {
  it("sorts by addedAt desc/asc, titleSort and multiple keys (with libtype prefix)", async () => {
    const added = (path: string) =>
      getJson(h, path).then((j) => (j.MediaContainer.Metadata ?? []).map((m) => m.addedAt as number));
    const desc = await added(`${MOVIES}?sort=addedAt:desc`);
    expect(desc.length).toBeGreaterThan(10);
    expect(desc).toEqual([...desc].sort((a, b) => b - a));
    const asc = await added(`${MOVIES}?sort=movie.addedAt`);
    expect(asc.length).toBe(desc.length);
    expect(asc).toEqual([...asc].sort((a, b) => a - b));
    // Two keys: titles in order (as the emulator folds them: case, accents, punctuation), and
    // items with the same title newest first.
    const j = await getJson(h, `${MOVIES}?sort=titleSort,addedAt:desc`);
    const rows = (j.MediaContainer.Metadata ?? []).map((m) => ({
      title: normalizeTitle(String(m.titleSort ?? m.title)),
      addedAt: m.addedAt as number,
    }));
    expect(rows.length).toBeGreaterThan(10);
    for (let i = 1; i < rows.length; i++) {
      const [a, b] = [rows[i - 1]!, rows[i]!];
      const inOrder = a.title < b.title || (a.title === b.title && a.addedAt >= b.addedAt);
      expect(inOrder, `"${a.title}" (${a.addedAt}) before "${b.title}" (${b.addedAt})`).toBe(true);
    }
    expect(new Set(rows.map((r) => r.title)).size).toBeGreaterThan(10);
    // Titles rarely tie; years do, so the second key really decides here.
    const byYear = ((await getJson(h, `${MOVIES}?sort=year,addedAt:desc`)).MediaContainer.Metadata ?? []).map(
      (m) => [(m.year as number | undefined) ?? 0, m.addedAt as number] as const,
    );
    expect(byYear.length).toBe(rows.length);
    expect(new Set(byYear.map(([y]) => y)).size).toBeLessThan(byYear.length);
    expect(byYear).toEqual([...byYear].sort((a, b) => a[0] - b[0] || b[1] - a[1]));
    const bad = await get(h, `${MOVIES}?sort=bogus:desc`);
    expect(bad.status).toBe(400);
  });

  it("filters addedAt>>= in raw, URL-encoded and relative form, and addedAt<<=", async () => {
    const now = Math.floor(Date.now() / 1000);
    const cutoff = now - 30 * 86400;
    const all = (await getJson(h, `${MOVIES}?sort=addedAt:desc`)).MediaContainer.Metadata ?? [];
    const expected = all.filter((m) => (m.addedAt as number) > cutoff).map((m) => m.ratingKey);
    expect(expected.length).toBeGreaterThan(0);
    const raw = await getJson(h, `${MOVIES}?sort=addedAt:desc&addedAt>>=${cutoff}`);
    const enc = await getJson(h, `${MOVIES}?sort=addedAt:desc&addedAt%3E%3E=${cutoff}`);
    const rel = await getJson(h, `${MOVIES}?sort=addedAt:desc&addedAt%3E%3E=-30d`);
    for (const j of [raw, enc, rel])
      expect((j.MediaContainer.Metadata ?? []).map((m) => m.ratingKey)).toEqual(expected);
    const before = await getJson(h, `${MOVIES}?addedAt<<=${cutoff}`);
    expect(before.MediaContainer.size).toBe(all.length - expected.length);
  });

  it("filters unmatched=1 and respects limit", async () => {
    const j = await getJson(h, `${MOVIES}?unmatched=1`);
    const rows = j.MediaContainer.Metadata ?? [];
    expect(rows.length).toBeGreaterThan(0);
    for (const m of rows) expect(String(m.guid)).toMatch(/^local:\/\//);
    const limited = await getJson(h, `${MOVIES}?limit=5&X-Plex-Container-Start=0&X-Plex-Container-Size=50`);
    expect(limited.MediaContainer.size).toBe(5);
    expect(limited.MediaContainer.totalSize).toBe(5);
  });

  it("adds Guid children only with includeGuids=1", async () => {
    const without = await getJson(h, `${MOVIES}?X-Plex-Container-Size=50&X-Plex-Container-Start=0`);
    expect((without.MediaContainer.Metadata ?? []).some((m) => m.Guid)).toBe(false);
    const withG = await getJson(
      h,
      `${MOVIES}?includeGuids=1&X-Plex-Container-Size=50&X-Plex-Container-Start=0`,
    );
    const matched = (withG.MediaContainer.Metadata ?? []).filter((m) => m.Guid);
    expect(matched.length).toBeGreaterThan(20);
    expect(((matched[0]?.Guid ?? []) as { id: string }[]).map((g) => g.id.split("://")[0])).toEqual([
      "imdb",
      "tmdb",
      "tvdb",
    ]);
  });

  it("lists seasons (type=3) and episodes (type=4) and legacy items without Guid", async () => {
    const seasons = await getJson(
      h,
      "/library/sections/2/all?type=3&X-Plex-Container-Start=0&X-Plex-Container-Size=5",
    );
    expect(seasons.MediaContainer.Metadata?.[0]?.type).toBe("season");
    const eps = await getJson(
      h,
      "/library/sections/2/all?type=4&X-Plex-Container-Start=0&X-Plex-Container-Size=5",
    );
    expect(eps.MediaContainer.Metadata?.[0]?.type).toBe("episode");
    const legacy = await getJson(h, "/library/sections/3/all?includeGuids=1");
    for (const m of legacy.MediaContainer.Metadata ?? []) {
      expect(String(m.guid)).toMatch(/^com\.plexapp\.agents\.imdb:\/\/tt\d+\?lang=en$/);
      expect(m.Guid).toBeUndefined();
    }
  });
});

describe("metadata", () => {
  it("returns several comma-separated keys in request order, skipping unknown ones", async () => {
    const j = await getJson(h, "/library/metadata/5,999999,2,1");
    expect((j.MediaContainer.Metadata ?? []).map((m) => m.ratingKey)).toEqual(["5", "2", "1"]);
  });

  it("carries Media/Part file, Guid, section attributes and Field locks", async () => {
    const truth = h.truth();
    const locked = truth.broken.find((t) => t.kinds.includes("locked") && t.type === "movie");
    expect(locked).toBeDefined();
    const j = await getJson(h, `/library/metadata/${locked?.ratingKey}`);
    const m = j.MediaContainer.Metadata?.[0] as Record<string, unknown>;
    expect(m.thumb).toBeUndefined();
    expect(m.Field).toEqual([{ locked: true, name: "thumb" }]);
    expect(typeof (m.Media as { Part: { file: string }[] }[])[0]?.Part[0]?.file).toBe("string");
    expect(m.librarySectionKey).toBe(`/library/sections/${locked?.sectionId}`);
  });

  it("walks show → seasons → episodes, allLeaves, and serves poster images", async () => {
    const show = (
      await getJson(h, "/library/sections/2/all?X-Plex-Container-Start=0&X-Plex-Container-Size=1")
    ).MediaContainer.Metadata?.[0] as Record<string, unknown>;
    expect(String(show.key)).toMatch(/\/children$/);
    const seasonsXml = parseXml((await get(h, String(show.key))).text);
    const dirs = kids(seasonsXml, "Directory");
    expect(dirs[0]?.title).toBe("All episodes");
    const seasons = dirs.filter((d) => d.type === "season");
    expect(seasons.length).toBe(Number(show.childCount));
    const eps = await getJson(h, `${seasons[0]?.key}`);
    const ep = eps.MediaContainer.Metadata?.[0] as Record<string, unknown>;
    expect(ep.parentRatingKey).toBe(seasons[0]?.ratingKey);
    expect(ep.grandparentRatingKey).toBe(show.ratingKey);
    const leaves = await getJson(h, `/library/metadata/${show.ratingKey}/allLeaves`);
    expect(leaves.MediaContainer.size).toBe(show.leafCount);
    const img = await fetch(`${h.url}${show.thumb}?X-Plex-Token=${h.token}`);
    expect(img.headers.get("content-type")).toBe("image/png");
    expect(
      Buffer.from(await img.arrayBuffer())
        .subarray(1, 4)
        .toString(),
    ).toBe("PNG");
  });
});
