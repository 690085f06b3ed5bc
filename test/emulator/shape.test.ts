/**
 * Shape test: the emulator's responses must have every client-relevant key of the captured
 * real responses (fixtures), with the same JSON type; XML must have the same element and
 * attribute names. Keys the emulator deliberately omits are listed, with the reason.
 */
import { readFileSync } from "node:fs";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import type { EmulatorHandle } from "../../emulator/index.js";
import { FIXTURES } from "../helpers/fixtures.js";
import { get, getJson, start, xmlParser } from "./helpers.js";

/** Fixture keys the emulator deliberately does not produce. */
const OMITTED = new Set([
  // Watch state is not modelled.
  "viewCount",
  "lastViewedAt",
  "viewOffset",
  // Extras, reviews, preferences, related items and rating sources are not modelled.
  "primaryExtraKey",
  "hasPremiumPrimaryExtra",
  "chapterSource",
  "Extras",
  "Review",
  "Preferences",
  "Similar",
  "Rating",
  "Collection",
  "augmentationKey",
  "Mood",
  "musicAnalysisVersion",
  "ratingCount",
  // Streams inside parts are not modelled; "indexes" only exists for analysed mp4 parts.
  "Stream",
  "indexes",
  // mp4-only flags; the sample item may be an mkv.
  "has64bitOffsets",
  "optimizedForStreaming",
  // Only present when the sort title differs from the title.
  "titleSort",
  // Older PMS (HA fixtures) repeat the section on each listing row and label containers
  // with "title"; the newer JSON fixtures do not.
  "librarySectionID@row",
  "librarySectionTitle@row",
  "librarySectionKey@row",
  "title@container",
  // HA templating artefacts: counts on tags, Part/Stream flattened beside Media.
  "count",
  "Part@Video",
  // Older PMS (HA fixture) gives listing rows full tags (id, filter, role, thumb); the newer
  // JSON listing fixtures carry only {tag}, which is what the emulator sends in listings.
  "id@listing-tag",
  "filter@listing-tag",
  "role@listing-tag",
  "thumb@listing-tag",
  // Template/anonymised extras in the HA server root.
  "tv%2Eplex%2Eproviders%2Eepg%2Ecloud%3A2",
]);

type Shape = Map<string, string>;

function jsonType(v: unknown): string {
  if (Array.isArray(v)) return "array";
  if (v === null) return "null";
  return typeof v;
}

function shapeOf(obj: Record<string, unknown>, skip: string[] = []): Shape {
  const s: Shape = new Map();
  for (const [k, v] of Object.entries(obj)) if (!skip.includes(k)) s.set(k, jsonType(v));
  return s;
}

function first(obj: Record<string, unknown>, key: string): Record<string, unknown> | undefined {
  const v = obj[key];
  return Array.isArray(v) ? (v[0] as Record<string, unknown>) : undefined;
}

/** Returns "missing key" / "type mismatch" messages for fixture keys not matched by the emulator. */
function compare(label: string, fixture: Shape, emu: Shape, scope: "container" | "row" | "detail"): string[] {
  const problems: string[] = [];
  for (const [k, t] of fixture) {
    if (OMITTED.has(k) || OMITTED.has(`${k}@${scope}`)) continue;
    const e = emu.get(k);
    if (e === undefined) problems.push(`${label}: missing ${k}`);
    else if (e !== t) problems.push(`${label}: ${k} is ${e}, fixture ${t}`);
  }
  return problems;
}

function compareItem(
  label: string,
  fx: Record<string, unknown>,
  em: Record<string, unknown>,
  scope: "row" | "detail",
): string[] {
  const out = compare(label, shapeOf(fx), shapeOf(em), scope);
  for (const child of ["Guid", "Media", "Location", "Genre"]) {
    const f = first(fx, child);
    const e = first(em, child);
    if (f && e) out.push(...compare(`${label}.${child}`, shapeOf(f, ["Part"]), shapeOf(e, ["Part"]), scope));
  }
  const fp = first(first(fx, "Media") ?? {}, "Part");
  const ep = first(first(em, "Media") ?? {}, "Part");
  if (fp && ep) out.push(...compare(`${label}.Part`, shapeOf(fp), shapeOf(ep), scope));
  return out;
}

let h: EmulatorHandle;
const good: Record<string, string> = {};

beforeAll(async () => {
  h = await start({ items: 300 });
  const broken = new Set(h.truth().broken.map((t) => t.ratingKey));
  const firstGood = async (path: string) => {
    const rows = (await getJson(h, path)).MediaContainer.Metadata ?? [];
    const row = rows.find(
      (r) => !broken.has(String(r.ratingKey)) && r.thumb && r.summary && r.titleSort === undefined,
    );
    return String(row?.ratingKey);
  };
  good.movie = await firstGood("/library/sections/1/all");
  good.show = await firstGood("/library/sections/2/all");
  good.legacy = await firstGood("/library/sections/3/all");
  const seasons = (await getJson(h, `/library/metadata/${good.show}/children`)).MediaContainer.Metadata ?? [];
  good.season = String(seasons[0]?.ratingKey);
  const eps = (await getJson(h, `/library/metadata/${good.season}/children`)).MediaContainer.Metadata ?? [];
  good.episode = String(eps[0]?.ratingKey);
  const tracks = (await getJson(h, "/library/sections/5/all?type=10")).MediaContainer.Metadata ?? [];
  good.track = String(tracks[0]?.ratingKey);
});
afterAll(() => h.close());

const PAGE = "X-Plex-Container-Start=0&X-Plex-Container-Size=1";

const JSON_CASES: [fixture: string, path: () => string, scope: "row" | "detail", listKey: string][] = [
  ["identity.sanitized.json", () => "/identity", "detail", "Metadata"],
  ["library_sections.json", () => "/library/sections", "row", "Directory"],
  [
    "library_sections_1_all.movies.legacy-agent.json",
    () => `/library/sections/3/all?id=${good.legacy}`,
    "row",
    "Metadata",
  ],
  [
    "library_sections_all.movies.page-totalSize-offset.json",
    () => `/library/sections/1/all?id=${good.movie}&${PAGE}`,
    "row",
    "Metadata",
  ],
  [
    "library_sections_all.shows.page.json",
    () => `/library/sections/2/all?id=${good.show}&${PAGE}`,
    "row",
    "Metadata",
  ],
  [
    "library_sections_2_all.shows.legacy-agent.json",
    () => `/library/sections/2/all?id=${good.show}`,
    "row",
    "Metadata",
  ],
  [
    "library_sections_all.type3-seasons.page.json",
    () => `/library/sections/2/all?type=3&id=${good.season}&${PAGE}`,
    "row",
    "Metadata",
  ],
  [
    "library_sections_all.type4-episodes.page.json",
    () => `/library/sections/2/all?type=4&id=${good.episode}&${PAGE}`,
    "row",
    "Metadata",
  ],
  [
    "library_metadata_1036.movie.plex-agent-with-Guid.json",
    () => `/library/metadata/${good.movie}`,
    "detail",
    "Metadata",
  ],
  [
    "library_metadata_182.movie.plex-agent-with-Guid.json",
    () => `/library/metadata/${good.movie}`,
    "detail",
    "Metadata",
  ],
  [
    "library_metadata_108.movie.legacy-agent.json",
    () => `/library/metadata/${good.legacy}`,
    "detail",
    "Metadata",
  ],
  [
    "library_metadata_22_children.seasons.json",
    () => `/library/metadata/${good.show}/children`,
    "row",
    "Metadata",
  ],
  [
    "library_metadata_89_children.episodes.json",
    () => `/library/metadata/${good.season}/children`,
    "row",
    "Metadata",
  ],
  [
    "library_metadata_157786.track.mbid-Guid.json",
    () => `/library/metadata/${good.track}`,
    "detail",
    "Metadata",
  ],
];

describe("JSON shape matches the real fixtures", () => {
  for (const [fixture, path, scope, listKey] of JSON_CASES) {
    it(fixture, async () => {
      const fx = JSON.parse(readFileSync(`${FIXTURES}/${fixture}`, "utf8")).MediaContainer as Record<
        string,
        unknown
      >;
      const em = (await getJson(h, path())).MediaContainer as Record<string, unknown>;
      const problems = compare(
        "MediaContainer",
        shapeOf(fx, ["Metadata", "Directory"]),
        shapeOf(em, ["Metadata", "Directory"]),
        "container",
      );
      const fItem = first(fx, listKey);
      const eItem = first(em, listKey);
      if (fItem) {
        expect(eItem, `${fixture}: emulator returned no ${listKey}`).toBeDefined();
        problems.push(...compareItem(listKey, fItem, eItem as Record<string, unknown>, scope));
      }
      expect(problems).toEqual([]);
    });
  }
});

type XmlEl = Record<string, unknown>;

/** Element names and attribute names, as python-plexapi's ElementTree would see them. */
function xmlShape(node: XmlEl): { attrs: Set<string>; children: Map<string, XmlEl> } {
  const attrs = new Set<string>();
  const children = new Map<string, XmlEl>();
  for (const [k, v] of Object.entries(node)) {
    if (Array.isArray(v)) children.set(k, v[0] as XmlEl);
    else if (typeof v === "string") attrs.add(k);
  }
  return { attrs, children };
}

function compareXml(
  label: string,
  fx: XmlEl,
  em: XmlEl,
  scope: string,
  depth = 0,
  childScope = "child",
): string[] {
  const f = xmlShape(fx);
  const e = xmlShape(em);
  const out: string[] = [];
  for (const a of f.attrs)
    if (!e.attrs.has(a) && !OMITTED.has(a) && !OMITTED.has(`${a}@${scope}`)) out.push(`${label}@${a}`);
  if (depth > 2) return out;
  for (const [tag, child] of f.children) {
    if (OMITTED.has(tag) || OMITTED.has(`${tag}@${label.split(">").pop()}`)) continue;
    const mine = e.children.get(tag);
    if (!mine) out.push(`${label}>${tag} missing`);
    else
      out.push(
        ...compareXml(
          `${label}>${tag}`,
          child,
          mine,
          depth === 0 ? "row" : childScope,
          depth + 1,
          childScope,
        ),
      );
  }
  return out;
}

const XML_CASES: [fixture: string, path: () => string][] = [
  ["server_root.ha-templated.xml", () => "/"],
  ["library_sections.ha.xml", () => "/library/sections"],
  ["library_sections_1_all.movies.ha.xml", () => `/library/sections/1/all?id=${good.movie}`],
  ["library_sections_2_all.shows.ha.xml", () => `/library/sections/2/all?id=${good.show}`],
  ["library_metadata_1.movie.ha.xml", () => `/library/metadata/${good.movie}`],
];

describe("XML element and attribute names match the real fixtures", () => {
  for (const [fixture, path] of XML_CASES) {
    it(fixture, async () => {
      const fx = xmlParser.parse(readFileSync(`${FIXTURES}/${fixture}`, "utf8")).MediaContainer as XmlEl;
      const r = await get(h, path());
      const em = xmlParser.parse(r.text).MediaContainer as XmlEl;
      const childScope = fixture.includes("_all.") ? "listing-tag" : "child";
      expect(compareXml("MediaContainer", fx, em, "container", 0, childScope)).toEqual([]);
    });
  }
});
