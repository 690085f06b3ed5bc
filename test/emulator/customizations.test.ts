/**
 * Customizations in the emulator (issue 23 §5), over real HTTP and the real websocket: field
 * edits with locks, labels and collections, posters chosen and uploaded, what a refresh and a
 * re-match keep, and a replaced file.
 */
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { posterPng } from "../../emulator/images.js";
import type { EmulatorHandle } from "../../emulator/index.js";
import { get, getJson, kids, listen, parseXml, put, start } from "./helpers.js";

let h: EmulatorHandle;
let sectionId: string;
const movies: Record<string, unknown>[] = [];

beforeAll(async () => {
  h = await start({ items: 120, brokenShare: 0, refresh: { workers: 2, minMs: 10, maxMs: 30 } });
  const sections = await getJson(h, "/library/sections");
  const dirs = sections.MediaContainer.Directory as { key: string; type: string; agent: string }[];
  sectionId = (dirs.find((d) => d.type === "movie" && d.agent === "tv.plex.agents.movie") as { key: string })
    .key;
  const all = await getJson(h, `/library/sections/${sectionId}/all?type=1`);
  movies.push(...(all.MediaContainer.Metadata ?? []).filter((m) => String(m.guid).startsWith("plex://")));
});
afterAll(() => h.close());

let next = 0;
/** A matched movie no other test touched. */
const movie = (): { rk: string; title: string; guid: string } => {
  const m = movies[next++] as { ratingKey: string; title: string; guid: string };
  return { rk: m.ratingKey, title: m.title, guid: m.guid };
};

const edit = (query: string) => put(h, `/library/sections/${sectionId}/all?${query}`);
const full = async (rk: string) =>
  (await getJson(h, `/library/metadata/${rk}`)).MediaContainer.Metadata?.[0] as Record<string, unknown>;
const tagNames = (m: Record<string, unknown>, key: string) =>
  ((m[key] as { tag: string }[] | undefined) ?? []).map((t) => t.tag);
const lockedFields = (m: Record<string, unknown>) =>
  ((m.Field as { name: string; locked: boolean }[] | undefined) ?? [])
    .filter((f) => f.locked)
    .map((f) => f.name);

const posters = async (rk: string) =>
  ((await getJson(h, `/library/metadata/${rk}/posters`)).MediaContainer.Metadata ?? []) as {
    ratingKey: string;
    selected: boolean;
    key: string;
  }[];
const filePath = (m: Record<string, unknown>): string | undefined =>
  (m.Media as { Part: { file: string }[] }[] | undefined)?.[0]?.Part[0]?.file;

describe("field edits (LibrarySection._edit, editField)", () => {
  it("an edited, locked title and summary show in JSON and XML, the lock as Field locked=1", async () => {
    const m = movie();
    const r = await edit(
      `type=1&id=${m.rk}&title.value=${encodeURIComponent("Mein Titel")}&title.locked=1&summary.value=Neu&summary.locked=1&year.value=1999&year.locked=1`,
    );
    expect(r.status).toBe(200);
    const after = await full(m.rk);
    expect(after).toMatchObject({ title: "Mein Titel", summary: "Neu", year: 1999 });
    expect(lockedFields(after).sort()).toEqual(["summary", "title", "year"]);
    const xml = parseXml((await get(h, `/library/metadata/${m.rk}`)).text);
    const video = kids(xml, "Video")[0];
    expect(video?.title).toBe("Mein Titel");
    expect(kids(video ?? {}, "Field").map((f) => `${f.name}=${f.locked}`)).toContain("title=1");
    // The listing sorts by the edited title too.
    const listed = await getJson(h, `/library/sections/${sectionId}/all?type=1&title=Mein%20Titel`);
    expect(listed.MediaContainer.Metadata?.map((x) => x.ratingKey)).toContain(m.rk);
  });

  it("refuses an unknown item (404), a wrong type or an unknown field (400) and changes nothing", async () => {
    const m = movie();
    expect((await edit(`type=1&id=999999&title.value=X&title.locked=1`)).status).toBe(404);
    expect((await edit(`type=2&id=${m.rk}&title.value=X&title.locked=1`)).status).toBe(400);
    expect((await edit(`type=1&id=${m.rk}&title.value=X&bogus.value=Y`)).status).toBe(400);
    expect((await edit(`type=1&id=${m.rk}&year.value=19x9`)).status).toBe(400);
    expect((await edit(`type=1&id=${m.rk}&title.value=X&title.locked=yes`)).status).toBe(400);
    expect((await edit(`type=1&title.value=X`)).status).toBe(400);
    const after = await full(m.rk);
    expect(after.title).toBe(m.title);
    expect(lockedFields(after)).toEqual([]);
  });
});

describe("labels and collections (editTags)", () => {
  it("adds as the indexed list, removes with tag.tag-, locks, and lists them like Plex", async () => {
    const m = movie();
    expect(
      (await edit(`type=1&id=${m.rk}&label[0].tag.tag=Kids&label[1].tag.tag=4K&label.locked=1`)).status,
    ).toBe(200);
    expect(
      (await edit(`type=1&id=${m.rk}&collection[0].tag.tag=${encodeURIComponent("Best of, 90s")}`)).status,
    ).toBe(200);
    let after = await full(m.rk);
    expect(tagNames(after, "Label")).toEqual(["Kids", "4K"]);
    expect(tagNames(after, "Collection")).toEqual(["Best of, 90s"]);
    expect((after.Label as { filter: string }[])[0]?.filter).toMatch(/^label=\d+$/);
    expect(lockedFields(after)).toContain("label");
    // plexapi's _tagHelper quotes each name and joins them with commas.
    expect((await edit(`type=1&id=${m.rk}&label[].tag.tag-=${encodeURIComponent("4K")}`)).status).toBe(200);
    expect(
      (
        await edit(
          `type=1&id=${m.rk}&collection[].tag.tag-=${encodeURIComponent(encodeURIComponent("Best of, 90s"))}`,
        )
      ).status,
    ).toBe(200);
    after = await full(m.rk);
    expect(tagNames(after, "Label")).toEqual(["Kids"]);
    expect(after.Collection).toBeUndefined();
    // Listings carry the tags too, and excludeElements drops them.
    const row = (await getJson(h, `/library/sections/${sectionId}/all?type=1&id=${m.rk}`)).MediaContainer
      .Metadata?.[0] as Record<string, unknown>;
    expect(row.Label).toEqual([{ tag: "Kids" }]);
    const trimmed = (
      await getJson(h, `/library/sections/${sectionId}/all?type=1&id=${m.rk}&excludeElements=Label`)
    ).MediaContainer.Metadata?.[0] as Record<string, unknown>;
    expect(trimmed.Label).toBeUndefined();
    expect((await edit(`type=1&id=${m.rk}&label[0].tag.tag=`)).status).toBe(400);
  });
});

describe("posters (PosterMixin)", () => {
  it("lists the agent's posters with one selected; selecting another locks thumb", async () => {
    const m = movie();
    const list = await posters(m.rk);
    expect(list.length).toBe(2);
    expect(list.filter((p) => p.selected).map((p) => p.ratingKey)).toEqual([list[0]?.ratingKey]);
    const second = list[1]?.ratingKey as string;
    expect((await put(h, `/library/metadata/${m.rk}/poster?url=${encodeURIComponent(second)}`)).status).toBe(
      200,
    );
    expect((await posters(m.rk)).find((p) => p.selected)?.ratingKey).toBe(second);
    expect(lockedFields(await full(m.rk))).toContain("thumb");
    expect((await put(h, `/library/metadata/${m.rk}/poster?url=upload%3A%2F%2Fposters%2Fnope`)).status).toBe(
      400,
    );
    expect((await put(h, `/library/metadata/999999/poster?url=x`)).status).toBe(404);
  });

  it("stores an upload, selects it and serves its very bytes as the thumb; refuses what is no image", async () => {
    const m = movie();
    const png = posterPng("my-upload", 20, 30);
    const res = await fetch(`${h.url}/library/metadata/${m.rk}/posters`, {
      method: "POST",
      headers: { "X-Plex-Token": h.token, "Content-Type": "image/png" },
      body: png,
    });
    expect(res.status).toBe(200);
    const chosen = (await posters(m.rk)).find((p) => p.selected);
    expect(chosen?.ratingKey).toMatch(/^upload:\/\/posters\/[0-9a-f]{40}$/);
    const thumb = (await full(m.rk)).thumb as string;
    const img = await fetch(`${h.url}${thumb}`, { headers: { "X-Plex-Token": h.token } });
    expect(Buffer.from(await img.arrayBuffer()).equals(png)).toBe(true);
    const file = await fetch(`${h.url}${chosen?.key}`, { headers: { "X-Plex-Token": h.token } });
    expect(Buffer.from(await file.arrayBuffer()).equals(png)).toBe(true);
    const bad = await fetch(`${h.url}/library/metadata/${m.rk}/posters`, {
      method: "POST",
      headers: { "X-Plex-Token": h.token },
      body: "not an image",
    });
    expect(bad.status).toBe(400);
    expect((await posters(m.rk)).length).toBe(3);
  });
});

describe("refresh and re-match", () => {
  it("a refresh keeps locked edits, labels, collections and the chosen poster; an unlocked edit goes", async () => {
    const m = movie();
    await edit(
      `type=1&id=${m.rk}&title.value=Locked&title.locked=1&tagline.value=Loose&tagline.locked=0&label[0].tag.tag=Mine&collection[0].tag.tag=Set`,
    );
    const second = (await posters(m.rk))[1]?.ratingKey as string;
    await put(h, `/library/metadata/${m.rk}/poster?url=${encodeURIComponent(second)}`);
    expect((await full(m.rk)).tagline).toBe("Loose");
    expect((await put(h, `/library/metadata/${m.rk}/refresh`)).status).toBe(200);
    await h.idle();
    const after = await full(m.rk);
    expect(after.title).toBe("Locked");
    expect(after.tagline).not.toBe("Loose");
    expect(tagNames(after, "Label")).toEqual(["Mine"]);
    expect(tagNames(after, "Collection")).toEqual(["Set"]);
    const chosen = (await posters(m.rk)).find((p) => p.selected);
    expect(chosen?.ratingKey).toBe(second);
  });

  it("a re-match replaces unlocked edits and keeps locked ones", async () => {
    const m = movie();
    const other = movie();
    await edit(`type=1&id=${m.rk}&summary.value=Mine&summary.locked=1&studio.value=Loose&studio.locked=0`);
    expect(
      (await put(h, `/library/metadata/${m.rk}/match?guid=${encodeURIComponent(other.guid)}`)).status,
    ).toBe(200);
    await h.idle();
    const after = await full(m.rk);
    expect(after.guid).toBe(other.guid);
    expect(after.summary).toBe("Mine");
    expect(after.studio).not.toBe("Loose");
  });
});

describe("a replaced file", () => {
  it("deletes the old item on the websocket and brings a new one with the same path and guid, uncustomized", async () => {
    const m = movie();
    await edit(`type=1&id=${m.rk}&title.value=Custom&title.locked=1&label[0].tag.tag=Keep`);
    const before = await full(m.rk);
    const path = filePath(before);
    expect(path).toMatch(/\.\w+$/);
    const ws = await listen(h, "&filters=timeline");
    const replaced = h.replaceFile(m.rk, { processingMs: 60 });
    await replaced.finished;
    ws.close();
    const entries = ws.frames.flatMap(
      (f) => (f.data.NotificationContainer.TimelineEntry as Record<string, unknown>[] | undefined) ?? [],
    );
    expect(entries).toContainEqual(
      expect.objectContaining({ itemID: m.rk, state: 9, metadataState: "deleted", type: 1 }),
    );
    expect(entries).toContainEqual(
      expect.objectContaining({ itemID: replaced.ratingKey, state: 0, metadataState: "created" }),
    );
    expect(Number(replaced.ratingKey)).toBeGreaterThan(Number(m.rk));
    expect((await get(h, `/library/metadata/${m.rk}`)).status).toBe(404);
    const fresh = await full(replaced.ratingKey);
    expect(fresh.guid).toBe(m.guid);
    expect(filePath(fresh)).toBe(path);
    expect(fresh.title).toBe(m.title);
    expect(fresh.Label).toBeUndefined();
    expect(fresh.Field).toBeUndefined();
    const listed = await getJson(h, `/library/sections/${sectionId}/all?type=1`);
    const keys = listed.MediaContainer.Metadata?.map((x) => x.ratingKey);
    expect(keys).toContain(replaced.ratingKey);
    expect(keys).not.toContain(m.rk);
  });
});
