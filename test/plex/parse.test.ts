// Lenient parsing: odd items never reject a page, flags and numbers coerce, arrays may be missing.
import { describe, expect, it } from "vitest";
import {
  parseItemsPage,
  parseSearchResults,
  parseSections,
  redactSecrets,
  sanitizeUrl,
  xmlToJson,
} from "../../src/plex/index.js";
import { parseIdentity, parseServer, readPlexItem, toPlexItem } from "../../src/plex/parse.js";
import { MetadataSchema } from "../../src/plex/schemas.js";

describe("parseItemsPage", () => {
  it("keeps the good items of a page with broken ones", () => {
    const page = parseItemsPage({
      MediaContainer: {
        size: 5,
        totalSize: "5",
        Metadata: [
          { ratingKey: "1", title: "ok", type: "movie" },
          { title: "no ratingKey" },
          null,
          "garbage",
          {
            ratingKey: 5,
            title: 42,
            year: "1999",
            Guid: "not an array",
            Media: [{ Part: { file: "/a.mkv" } }],
          },
        ],
      },
    });
    expect(page.received).toBe(5);
    expect(page.dropped).toBe(3);
    expect(page.totalSize).toBe(5);
    expect(page.items).toEqual([
      {
        ratingKey: "1",
        key: "/library/metadata/1",
        type: "movie",
        title: "ok",
        guids: [],
        lockedFields: [],
        files: [],
        locations: [],
      },
      {
        ratingKey: "5",
        key: "/library/metadata/5",
        type: "unknown",
        title: "42",
        year: 1999,
        guids: [],
        lockedFields: [],
        files: ["/a.mkv"],
        locations: [],
      },
    ]);
  });

  it("coerces odd field types instead of failing", () => {
    const [item] = parseItemsPage({
      MediaContainer: {
        Metadata: [
          {
            ratingKey: "9",
            year: "not a year",
            addedAt: "1700000000",
            summary: "",
            thumb: "   ",
            art: 12,
            leafCount: null,
            Guid: [{ id: "imdb://tt1" }, { id: 5 }, { nope: true }, { id: "imdb://tt1" }],
            Field: [
              { name: "thumb", locked: "1" },
              { name: "title", locked: 1 },
              { name: "summary", locked: true },
              { name: "year", locked: "0" },
              { name: "art", locked: false },
              { locked: true },
            ],
            Location: [{ path: "/tv/show" }, {}],
          },
        ],
      },
    }).items;
    expect(item).toMatchObject({
      ratingKey: "9",
      addedAt: 1_700_000_000,
      art: "12",
      guids: ["imdb://tt1", "5"],
      lockedFields: ["thumb", "title", "summary"],
      locations: ["/tv/show"],
    });
    expect(item?.year).toBeUndefined();
    expect(item?.summary).toBeUndefined();
    expect(item?.thumb).toBeUndefined();
    expect(item?.leafCount).toBeUndefined();
  });

  it("missing arrays and bodies give empty results", () => {
    expect(parseItemsPage({ MediaContainer: { size: 0 } })).toEqual({
      items: [],
      received: 0,
      dropped: 0,
      size: 0,
    });
    expect(parseItemsPage(undefined).items).toEqual([]);
    expect(parseItemsPage("nonsense").items).toEqual([]);
    expect(parseItemsPage({ MediaContainer: [] }).items).toEqual([]);
  });
});

describe("parseSections", () => {
  it("flags as 1, '1', true and 'true'; missing Location → []", () => {
    const sections = parseSections({
      MediaContainer: {
        Directory: [
          { key: 1, title: "A", type: "movie", agent: "tv.plex.agents.movie", refreshing: 1 },
          { key: "2", title: "B", type: "show", refreshing: "1" },
          { key: "3", refreshing: true },
          { key: "4", refreshing: "true", agent: "tv.plex.agents.none" },
          { key: "5", refreshing: "0" },
          { title: "no key" },
        ],
      },
    });
    expect(sections.map((s) => [s.id, s.refreshing, s.isPersonal, s.locations])).toEqual([
      ["1", true, false, []],
      ["2", true, false, []],
      ["3", true, false, []],
      ["4", true, true, []],
      ["5", false, false, []],
    ]);
    expect(sections[2]).toMatchObject({ title: "", type: "unknown", agent: "", scanner: "", language: "" });
  });
});

describe("a section, exactly", () => {
  it("reads its folders, and is not refreshing unless Plex says so", () => {
    const [section] = parseSections({
      MediaContainer: {
        Directory: [
          {
            key: "7",
            title: "Filme",
            type: "movie",
            agent: "tv.plex.agents.movie",
            scanner: "Plex Movie",
            language: "de-DE",
            uuid: "u-1",
            Location: [{ path: "/media/filme" }, { path: "/media/more" }],
          },
        ],
      },
    });
    expect(section).toStrictEqual({
      id: "7",
      key: "7",
      title: "Filme",
      type: "movie",
      agent: "tv.plex.agents.movie",
      scanner: "Plex Movie",
      language: "de-DE",
      uuid: "u-1",
      refreshing: false,
      locations: ["/media/filme", "/media/more"],
      isPersonal: false,
    });
  });
});

describe("parseIdentity and parseServer", () => {
  it.each([
    {
      name: "an identity",
      body: { MediaContainer: { machineIdentifier: "abc", version: "1.41.3", claimed: "1" } },
      expected: { machineIdentifier: "abc", version: "1.41.3", claimed: true },
    },
    {
      name: "an identity without a version",
      body: { MediaContainer: { machineIdentifier: "abc" } },
      expected: { machineIdentifier: "abc", version: "" },
    },
    {
      name: "no machine identifier: not Plex",
      body: { MediaContainer: { version: "1" } },
      expected: undefined,
    },
    { name: "not even a container", body: "<html>", expected: undefined },
  ])("identity: $name", ({ body, expected }) => {
    expect(parseIdentity(body)).toStrictEqual(expected);
  });

  it.each([
    {
      name: "a server root",
      body: {
        MediaContainer: {
          friendlyName: "Keller",
          machineIdentifier: "abc",
          version: "1.41.3",
          platform: "Linux",
          myPlexUsername: "me",
        },
      },
      expected: {
        friendlyName: "Keller",
        machineIdentifier: "abc",
        version: "1.41.3",
        platform: "Linux",
        myPlexUsername: "me",
      },
    },
    {
      name: "a server root with only its identifier",
      body: { MediaContainer: { machineIdentifier: "abc" } },
      expected: { friendlyName: "", machineIdentifier: "abc", version: "" },
    },
    {
      name: "no machine identifier: not Plex",
      body: { MediaContainer: { friendlyName: "x" } },
      expected: undefined,
    },
  ])("server: $name", ({ body, expected }) => {
    expect(parseServer(body)).toStrictEqual(expected);
  });
});

describe("parseSearchResults", () => {
  it("drops results without guid or name, keeps missing score absent", () => {
    expect(
      parseSearchResults({
        MediaContainer: {
          SearchResult: [
            { guid: "plex://movie/1", name: "A", year: "2000", score: "86", type: "movie", summary: "" },
            { name: "no guid" },
            { guid: "plex://movie/2" },
          ],
        },
      }),
    ).toEqual([{ guid: "plex://movie/1", name: "A", year: 2000, score: 86, type: "movie" }]);
    expect(parseSearchResults({ MediaContainer: { size: 0 } })).toEqual([]);
  });

  it("reads the XML shape", () => {
    const xml =
      '<MediaContainer size="1"><SearchResult thumb="https://images.plex.tv/photo?height=336&amp;width=225" type="movie" guid="plex://movie/5d77" name="Persuasion" year="1995" lifespanEnded="0"></SearchResult></MediaContainer>';
    expect(parseSearchResults(xmlToJson(xml))).toEqual([
      {
        guid: "plex://movie/5d77",
        name: "Persuasion",
        year: 1995,
        type: "movie",
        thumb: "https://images.plex.tv/photo?height=336&width=225",
      },
    ]);
  });
});

describe("xmlToJson", () => {
  it("maps items to Metadata in order, keeps section Directory, nests child tags", () => {
    const body = xmlToJson(
      '<?xml version="1.0" encoding="UTF-8"?><MediaContainer size="3"><Video ratingKey="1"><Guid id="imdb://tt1"/><Media><Part file="/m.mkv"/></Media></Video><Directory ratingKey="2" type="show"/><Track ratingKey="3"/></MediaContainer>',
    );
    expect(body).toEqual({
      MediaContainer: {
        size: "3",
        Metadata: [
          { ratingKey: "1", Guid: [{ id: "imdb://tt1" }], Media: [{ Part: [{ file: "/m.mkv" }] }] },
          { ratingKey: "2", type: "show" },
          { ratingKey: "3" },
        ],
      },
    });
    expect(xmlToJson('<MediaContainer><Directory key="1" type="movie"/></MediaContainer>')).toEqual({
      MediaContainer: { Directory: [{ key: "1", type: "movie" }] },
    });
  });

  it("throws on text that is not XML", () => {
    expect(() => xmlToJson("")).toThrow();
  });
});

describe("sanitize", () => {
  it("masks the token query parameter in any case", () => {
    expect(sanitizeUrl("http://h:32400/library?X-Plex-Token=abc&x=1")).toBe(
      "http://h:32400/library?X-Plex-Token=REDACTED&x=1",
    );
    expect(sanitizeUrl("http://h/?a=1&x-plex-token=abc")).toBe("http://h/?a=1&x-plex-token=REDACTED");
    expect(sanitizeUrl(new URL("http://u:pw@h/?X-PLEX-TOKEN=abc#f"))).toBe(
      "http://u:REDACTED@h/?X-PLEX-TOKEN=REDACTED#f",
    );
    expect(sanitizeUrl("http://h/library/sections")).toBe("http://h/library/sections");
  });

  it("redacts a secret from free text, raw and URL-encoded", () => {
    expect(redactSecrets("failed: a+b/c= and a%2Bb%2Fc%3D", ["a+b/c="])).toBe(
      "failed: REDACTED and REDACTED",
    );
  });
});

describe("readPlexItem (the hand-written reader behind parseItemsPage)", () => {
  // It must read exactly what MetadataSchema + toPlexItem read: same coercions, same drops.
  const values: unknown[] = [
    undefined,
    null,
    0,
    1,
    -2.5,
    Number.NaN,
    "",
    " ",
    "0",
    "1",
    "true",
    "abc",
    " 12 ",
    true,
    false,
    [],
    {},
    [{}],
    { id: "x" },
    [{ id: "a" }, { id: "a" }, { id: 3 }, null, "s"],
    { file: "/f" },
    [{ Part: [{ file: "/a" }, { file: "/a" }, { file: "" }] }, 5],
    [
      { name: "title", locked: "1" },
      { name: "", locked: true },
      { name: "x", locked: 1 },
    ],
    [{ path: "/p" }, { path: "" }, 3],
    [{ name: "summary", locked: false }, { name: "thumb" }, { name: "art", locked: "0" }],
  ];
  const keys = Object.keys(MetadataSchema.shape);
  const container = { librarySectionID: "9", librarySectionTitle: "Films" };

  it("agrees with the schema on thousands of odd elements", () => {
    let seed = 1;
    const rnd = () => {
      seed = (seed * 1103515245 + 12345) % 2 ** 31;
      return seed / 2 ** 31;
    };
    const elements: unknown[] = [...values];
    for (let i = 0; i < 3000; i++) {
      const el: Record<string, unknown> = {};
      for (const k of keys) if (rnd() < 0.5) el[k] = values[Math.floor(rnd() * values.length)];
      if (rnd() < 0.8) el.ratingKey = String(i);
      elements.push(el);
    }
    // With the section from the container, and without one (a listing that names none).
    for (const where of [container, {}]) {
      for (const el of elements) {
        const parsed = MetadataSchema.safeParse(el);
        const expected = parsed.success ? toPlexItem(parsed.data, where) : undefined;
        const actual = readPlexItem(el, where);
        expect(actual).toStrictEqual(expected);
        expect(JSON.stringify(actual)).toBe(JSON.stringify(expected));
      }
    }
  });
});
