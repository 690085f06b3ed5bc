// The split listing reader: the same items and container as parsing the body whole, for every
// layout it accepts, and "not mine" (undefined) for every layout it must leave to the whole parse.
import { describe, expect, it } from "vitest";
import { splitListing } from "../../src/plex/listing-body.js";
import { itemsPageOf, parseItemsPage } from "../../src/plex/parse.js";
import { fixture } from "./helpers.js";

const bytes = (text: string) => new TextEncoder().encode(text);

function viaSplit(text: string) {
  const split = splitListing(bytes(text));
  if (!split) throw new Error("not split");
  return { page: itemsPageOf(split.head, split.elements), count: split.count };
}

function viaWhole(text: string) {
  return parseItemsPage(JSON.parse(text.replace(/^\uFEFF/, "")));
}

const movie = (n: number, extra: Record<string, unknown> = {}) => ({
  ratingKey: String(n),
  key: `/library/metadata/${n}`,
  guid: `plex://movie/${n}`,
  type: "movie",
  title: `Movie ${n}`,
  year: 1990 + (n % 30),
  thumb: `/library/metadata/${n}/thumb/1`,
  Media: [{ id: n, Part: [{ id: n, file: `/data/Movies/Movie ${n}/Movie ${n}.mkv` }] }],
  Guid: [{ id: `imdb://tt${n}` }],
  ...extra,
});

const container = (items: unknown[], extra: Record<string, unknown> = {}) =>
  JSON.stringify({
    MediaContainer: {
      size: items.length,
      totalSize: 900,
      offset: 0,
      librarySectionID: 1,
      ...extra,
      Metadata: items,
    },
  });

describe("splitListing", () => {
  it.each([
    ["a plain page", container([movie(1), movie(2), movie(3)])],
    [
      "pretty-printed, with a byte order mark",
      `\uFEFF${JSON.stringify(JSON.parse(container([movie(1), movie(2)])), null, 2)}`,
    ],
    [
      "attributes after the array",
      `{"MediaContainer":{"size":1,"Metadata":[${JSON.stringify(movie(5))}],"totalSize":7,"offset":3}}`,
    ],
    [
      "quotes, backslashes and brackets inside strings",
      container([
        movie(1, { title: 'He said "[{Metadata}]" \\', summary: '"Metadata":[' }),
        movie(2, { title: "\\\\", summary: 'a \\" b ] } {' }),
      ]),
    ],
    [
      "multi-byte UTF-8: umlauts, CJK, emoji",
      container([
        movie(1, { title: "Die Blechtrommel – Günter Grass" }),
        movie(2, { title: "千と千尋の神隠し 🐉" }),
      ]),
    ],
    ["an empty Metadata array", container([])],
    [
      "a Metadata key earlier as a value",
      container([movie(1)], { title1: "Metadata", Meta: { Type: [{ key: "x" }] } }),
    ],
    ["a recorded movie page", fixture("library_sections_all.movies.page-totalSize-offset.json")],
    ["a recorded legacy-agent listing", fixture("library_sections_1_all.movies.legacy-agent.json")],
    ["a recorded show page", fixture("library_sections_all.shows.page.json")],
    ["a recorded episode page", fixture("library_sections_all.type4-episodes.page.json")],
    ["a recorded season list", fixture("library_metadata_22_children.seasons.json")],
  ])("%s: the same page as the whole parse", (_name, text) => {
    const { page, count } = viaSplit(text);
    expect(page).toEqual(viaWhole(text));
    expect(count).toBe(page.received);
  });

  it("parses a large page in groups, every item once and in order", () => {
    const items = Array.from({ length: 900 }, (_, i) => movie(i + 1, { summary: "x".repeat(400) }));
    const text = container(items);
    expect(text.length).toBeGreaterThan(3 * 32 * 1024); // more than a few groups
    const { page } = viaSplit(text);
    expect(page.items.map((i) => i.ratingKey)).toEqual(items.map((i) => i.ratingKey));
    expect(page).toEqual(viaWhole(text));
  });

  it.each([
    ["XML", '<?xml version="1.0"?><MediaContainer size="0"/>'],
    ["an empty body", ""],
    ["a count-only answer (no Metadata)", '{"MediaContainer":{"size":0,"totalSize":5}}'],
    ["Metadata that is not an array", '{"MediaContainer":{"Metadata":{"ratingKey":"1"}}}'],
    ["Metadata one level deeper", '{"MediaContainer":{"Hub":{"Metadata":[{"ratingKey":"1"}]}}}'],
    ["a number among the items", '{"MediaContainer":{"Metadata":[{"ratingKey":"1"},2]}}'],
    ["a string among the items", '{"MediaContainer":{"Metadata":["1",{"ratingKey":"2"}]}}'],
    ["an array among the items", '{"MediaContainer":{"Metadata":[[],{"ratingKey":"2"}]}}'],
    ["two Metadata arrays", '{"MediaContainer":{"Metadata":[{"ratingKey":"1"}],"Metadata":[]}}'],
    [
      "items without a comma between them",
      '{"MediaContainer":{"Metadata":[{"ratingKey":"1"}{"ratingKey":"2"}]}}',
    ],
    ["two commas between items", '{"MediaContainer":{"Metadata":[{"ratingKey":"1"},,{"ratingKey":"2"}]}}'],
    ["a truncated body", container([movie(1), movie(2)]).slice(0, -40)],
    ["an unterminated string", '{"MediaContainer":{"Metadata":[{"ratingKey":"1}]}}'],
    ["a broken container", '{"MediaContainer":{"size":,"Metadata":[{"ratingKey":"1"}]}}'],
    ["an HTML page", "<html><body>Unauthorized</body></html>"],
  ])("leaves %s to the whole parse", (_name, text) => {
    expect(splitListing(bytes(text))).toBeUndefined();
  });

  it("a broken item surfaces as a SyntaxError when its group is parsed", () => {
    const split = splitListing(
      bytes('{"MediaContainer":{"Metadata":[{"ratingKey":"1"},{"ratingKey":tru}]}}'),
    );
    expect(split).toBeDefined();
    expect(() => [...split!.elements]).toThrow(SyntaxError);
  });
});
