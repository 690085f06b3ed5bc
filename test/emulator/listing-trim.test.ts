// excludeFields / excludeElements on listings, as PMS honours them: the item's own attributes
// and its direct child elements named in the lists are left out, nothing else changes.
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import type { EmulatorHandle } from "../../emulator/index.js";
import { get, getJson, kids, parseXml, start, type XmlNode } from "./helpers.js";

let h: EmulatorHandle;
beforeAll(async () => {
  h = await start();
});
afterAll(async () => {
  await h.close();
});

const FIELDS = ["studio", "tagline", "duration", "parentThumb", "grandparentTheme", "leafCount"];
const ELEMENTS = ["Genre", "Role", "Director", "Writer"];
const TRIM = `excludeFields=${FIELDS.join(",")}&excludeElements=${ELEMENTS.join(",")}`;

type Row = Record<string, unknown>;
function strip(row: Row): Row {
  const out: Row = {};
  for (const [k, v] of Object.entries(row)) if (!FIELDS.includes(k) && !ELEMENTS.includes(k)) out[k] = v;
  return out;
}

const LISTINGS = [
  "/library/sections/1/all?type=1&includeGuids=1",
  "/library/sections/2/all?type=2&includeGuids=1",
  "/library/sections/2/all?type=4&includeGuids=1",
];

describe("listing response customisation", () => {
  it.each(LISTINGS)("JSON %s: exactly the named fields and elements are gone", async (path) => {
    const paging = { "X-Plex-Container-Start": "3", "X-Plex-Container-Size": "20" };
    const full = await getJson(h, path, paging);
    const trimmed = await getJson(h, `${path}&${TRIM}`, paging);
    const rows = full.MediaContainer.Metadata ?? [];
    expect(rows.length).toBe(20);
    // The full rows really carry what is trimmed, so the comparison below proves something.
    expect(rows.some((r) => FIELDS.some((f) => f in r))).toBe(true);
    expect(trimmed.MediaContainer.Metadata).toEqual(rows.map(strip));
    const { Metadata: _a, ...fullContainer } = full.MediaContainer;
    const { Metadata: _b, ...trimmedContainer } = trimmed.MediaContainer;
    expect(trimmedContainer).toEqual(fullContainer);
  });

  it("movies keep Media/Part, Guid and Field; tags are gone", async () => {
    const trimmed = await getJson(h, `${LISTINGS[0]}&${TRIM}`);
    const rows = trimmed.MediaContainer.Metadata ?? [];
    expect(rows.length).toBeGreaterThan(0);
    for (const row of rows) {
      expect(row.Media).toBeDefined();
      for (const name of ELEMENTS) expect(row[name]).toBeUndefined();
    }
    expect(rows.some((r) => Array.isArray(r.Guid))).toBe(true);
  });

  it("XML listings are trimmed the same way", async () => {
    const full = parseXml((await get(h, LISTINGS[0]!)).text);
    const trimmed = parseXml((await get(h, `${LISTINGS[0]}&${TRIM}`)).text);
    const a = kids(full, "Video");
    const b = kids(trimmed, "Video");
    expect(b.length).toBe(a.length);
    expect(a.some((v) => kids(v, "Genre").length > 0 && v.studio !== undefined)).toBe(true);
    const stripXml = (v: XmlNode) => strip(v as Row);
    expect(b.map((v) => v as Row)).toEqual(a.map(stripXml));
  });

  it("children and allLeaves honour the parameters", async () => {
    const shows = (await getJson(h, "/library/sections/2/all?type=2")).MediaContainer.Metadata ?? [];
    const rk = String(shows[0]?.ratingKey);
    for (const path of [
      `/library/metadata/${rk}/children?includeGuids=1`,
      `/library/metadata/${rk}/allLeaves?includeGuids=1`,
    ]) {
      const full = await getJson(h, path);
      const trimmed = await getJson(h, `${path}&${TRIM}`);
      expect((full.MediaContainer.Metadata ?? []).length).toBeGreaterThan(0);
      expect(trimmed.MediaContainer.Metadata).toEqual((full.MediaContainer.Metadata ?? []).map(strip));
    }
  });

  it("empty or absent lists change nothing", async () => {
    const full = await getJson(h, LISTINGS[0]!);
    const empty = await getJson(h, `${LISTINGS[0]}&excludeFields=&excludeElements=,`);
    expect(empty).toEqual(full);
  });
});
