// The Plex client's customization calls (issue 23) against the emulator over real sockets: what
// is written comes back when read, in both answer formats, and bad input never reaches Plex.
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { posterPng } from "../../emulator/images.js";
import { type EmulatorHandle, startEmulator } from "../../emulator/index.js";
import {
  type EditTarget,
  PlexClient,
  type PlexItem,
  PlexNotFoundError,
  type PlexRequestLogEvent,
  parseCustomizations,
  xmlToJson,
} from "../../src/plex/index.js";

let emu: EmulatorHandle;
let client: PlexClient;
const log: PlexRequestLogEvent[] = [];
const movies: PlexItem[] = [];

beforeAll(async () => {
  emu = await startEmulator({ items: 80, seed: 5, brokenShare: 0, refresh: { minMs: 5, maxMs: 20 } });
  client = new PlexClient({
    baseUrl: emu.url,
    token: emu.token,
    timeoutMs: 10_000,
    retries: 0,
    log: (e) => log.push(e),
  });
  const section = (await client.sections()).find(
    (s) => s.type === "movie" && s.agent === "tv.plex.agents.movie",
  );
  for await (const page of client.listSection(section?.id as string, { type: 1 })) movies.push(...page);
});
afterAll(() => emu.close());

let next = 0;
const target = (): EditTarget => {
  const m = movies.filter((x) => x.guid?.startsWith("plex://"))[next++] as PlexItem;
  return { sectionId: m.librarySectionId as string, ratingKey: m.ratingKey, type: m.type };
};
const read = async (rk: string) => (await client.customizations([rk]))[0];

describe("customizations()", () => {
  it("reads values, locks, labels and collections of several items; unknown keys are absent", async () => {
    const a = target();
    const b = target();
    await client.editFields(a, { tagline: { value: "Eins", locked: true } });
    await client.addLabels(b, ["Zwei"]);
    const got = await client.customizations([a.ratingKey, "999999", b.ratingKey]);
    expect(got.map((c) => c.ratingKey).sort()).toEqual([a.ratingKey, b.ratingKey].sort());
    const ca = got.find((c) => c.ratingKey === a.ratingKey);
    expect(ca?.values.tagline).toBe("Eins");
    expect(ca?.lockedFields).toEqual(["tagline"]);
    expect(ca?.values.title).toBeTruthy();
    expect(got.find((c) => c.ratingKey === b.ratingKey)?.labels).toEqual(["Zwei"]);
  });

  it("parses the XML answer the same as the JSON one", async () => {
    const t = target();
    await client.editFields(t, { studio: { value: "Eigen & Co", locked: true } });
    await client.addCollections(t, ["Sammlung"]);
    const xml = await fetch(`${emu.url}/library/metadata/${t.ratingKey}`, {
      headers: { "X-Plex-Token": emu.token },
    });
    const fromXml = parseCustomizations(xmlToJson(await xml.text()));
    expect(fromXml).toEqual([await read(t.ratingKey)]);
    expect(fromXml[0]?.values.studio).toBe("Eigen & Co");
    expect(fromXml[0]?.collections).toEqual(["Sammlung"]);
  });
});

describe("edit calls round-trip", () => {
  it("editFields writes values with their locks; null goes back to the agent's value", async () => {
    const t = target();
    const before = await read(t.ratingKey);
    await client.editFields(t, {
      title: { value: "Mein Film", locked: true },
      year: { value: 1987, locked: true },
      summary: { value: "Unlocked summary", locked: false },
    });
    let after = await read(t.ratingKey);
    expect(after?.values).toMatchObject({ title: "Mein Film", year: "1987", summary: "Unlocked summary" });
    expect(after?.lockedFields.sort()).toEqual(["title", "year"]);
    await client.editFields(t, { title: { value: null, locked: false } });
    after = await read(t.ratingKey);
    expect(after?.values.title).toBe(before?.values.title);
    expect(after?.lockedFields).toEqual(["year"]);
  });

  it("labels and collections are added (keeping the others) and removed, names with commas too", async () => {
    const t = target();
    await client.addLabels(t, ["A, B"]);
    await client.addLabels(t, ["C"], ["A, B"]);
    expect((await read(t.ratingKey))?.labels).toEqual(["A, B", "C"]);
    await client.removeLabels(t, ["A, B"]);
    const after = await read(t.ratingKey);
    expect(after?.labels).toEqual(["C"]);
    expect(after?.lockedFields).toContain("label");
    await client.addCollections(t, ["X", "Y"]);
    await client.removeCollections(t, ["X"]);
    expect((await read(t.ratingKey))?.collections).toEqual(["Y"]);
  });

  it("posters: lists, selects one, uploads bytes that come back as the thumb", async () => {
    const t = target();
    const list = await client.posters(t.ratingKey);
    expect(list.filter((p) => p.selected)).toHaveLength(1);
    const second = list[1]?.ratingKey as string;
    await client.selectPoster(t.ratingKey, second);
    expect((await client.posters(t.ratingKey)).find((p) => p.selected)?.ratingKey).toBe(second);
    const png = posterPng("client-upload", 12, 18);
    await client.uploadPoster(t.ratingKey, png, { contentType: "image/png" });
    const chosen = (await client.posters(t.ratingKey)).find((p) => p.selected);
    expect(chosen?.ratingKey).toMatch(/^upload:\/\//);
    const c = await read(t.ratingKey);
    expect(c?.lockedFields).toContain("thumb");
    const img = await client.thumb(c?.thumb as string);
    expect(Buffer.from(img.body).equals(png)).toBe(true);
  });

  it("the token never appears in the logged URLs of these calls", () => {
    expect(log.length).toBeGreaterThan(10);
    for (const e of log) expect(e.url).not.toContain(emu.token);
  });
});

describe("bad input", () => {
  it("is refused before a request, or by Plex for an unknown item", async () => {
    const t = target();
    const sent = log.length;
    await expect(client.editFields(t, {})).rejects.toThrow(TypeError);
    await expect(client.editFields(t, { bogus: { value: "x", locked: true } } as never)).rejects.toThrow(
      TypeError,
    );
    await expect(client.editFields({ ...t, type: "photo" }, { title: { locked: true } })).rejects.toThrow(
      TypeError,
    );
    await expect(client.addLabels(t, [])).rejects.toThrow(TypeError);
    await expect(client.addLabels(t, ["bad\u0001name"])).rejects.toThrow(TypeError);
    await expect(client.removeCollections(t, [" "])).rejects.toThrow(TypeError);
    await expect(client.uploadPoster(t.ratingKey, new Uint8Array())).rejects.toThrow(TypeError);
    await expect(client.selectPoster(t.ratingKey, "")).rejects.toThrow(TypeError);
    expect(log.length).toBe(sent);
    await expect(
      client.editFields({ ...t, ratingKey: "999999" }, { title: { value: "x", locked: true } }),
    ).rejects.toBeInstanceOf(PlexNotFoundError);
    expect((await read(t.ratingKey))?.lockedFields).toEqual([]);
  });
});
