// Every real Plex response in test/fixtures/plex goes through the client (over a loopback
// server) or the same parse functions, and the fields the app relies on come out right.
import { readdirSync } from "node:fs";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import {
  type PlexClient,
  type PlexItem,
  parseItemsPage,
  parseSections,
  xmlToJson,
} from "../../src/plex/index.js";
import {
  FIXTURES,
  fixture,
  makeClient,
  pagingHeader,
  sendJson,
  sendXml,
  startServer,
  type TestServer,
} from "./helpers.js";

/** pathname → fixture file; listing fixtures are served for start 0 only (then an empty page). */
const routes: Record<string, string> = {
  "/json/identity": "identity.sanitized.json",
  "/xml/": "server_root.ha-templated.xml",
  "/json/library/sections": "library_sections.json",
  "/xml/library/sections": "library_sections.ha.xml",
  "/xml/library/sections/1/all": "library_sections_1_all.movies.ha.xml",
  "/json/library/sections/1/all": "library_sections_1_all.movies.legacy-agent.json",
  "/xml/library/sections/2/all": "library_sections_2_all.shows.ha.xml",
  "/json/library/sections/2/all": "library_sections_2_all.shows.legacy-agent.json",
  "/json/library/sections/3/all": "library_sections_all.movies.page-totalSize-offset.json",
  "/json/library/sections/4/all": "library_sections_all.shows.page.json",
  "/json/library/sections/5/all": "library_sections_all.type3-seasons.page.json",
  "/json/library/sections/6/all": "library_sections_all.type4-episodes.page.json",
  "/xml/library/metadata/1": "library_metadata_1.movie.ha.xml",
  "/json/library/metadata/1036": "library_metadata_1036.movie.plex-agent-with-Guid.json",
  "/json/library/metadata/108": "library_metadata_108.movie.legacy-agent.json",
  "/json/library/metadata/157786": "library_metadata_157786.track.mbid-Guid.json",
  "/json/library/metadata/182": "library_metadata_182.movie.plex-agent-with-Guid.json",
  "/json/library/metadata/22/children": "library_metadata_22_children.seasons.json",
  "/json/library/metadata/89/children": "library_metadata_89_children.episodes.json",
};
/** Parsed directly (no client method reads /activities). */
const direct = ["activities.plex-docs-example.xml"];

let server: TestServer;
let json: PlexClient;
let xml: PlexClient;

beforeAll(async () => {
  server = await startServer((req, res) => {
    const { pathname } = new URL(req.url ?? "/", "http://x");
    const file = routes[pathname];
    if (!file) {
      res.writeHead(404).end();
      return;
    }
    const start = pagingHeader(req, "X-Plex-Container-Start") ?? 0;
    if (start > 0) {
      sendJson(res, { MediaContainer: { size: 0 } });
      return;
    }
    if (file.endsWith(".xml")) sendXml(res, fixture(file));
    else sendJson(res, fixture(file));
  });
  json = makeClient(`${server.url}/json`).client;
  xml = makeClient(`${server.url}/xml`).client;
});
afterAll(() => server.close());

async function listAll(client: PlexClient, sectionId: string): Promise<PlexItem[]> {
  const all: PlexItem[] = [];
  for await (const page of client.listSection(sectionId)) all.push(...page);
  return all;
}

describe("fixtures", () => {
  it("covers every fixture file", () => {
    const files = readdirSync(FIXTURES).filter((f) => !f.endsWith(".md")); // SOURCES.md, README.md
    expect(new Set([...Object.values(routes), ...direct])).toEqual(new Set(files));
  });

  it("identity", async () => {
    expect(await json.identity()).toEqual({ machineIdentifier: "identifier", version: "version" });
  });

  it("server root (XML)", async () => {
    expect(await xml.server()).toEqual({
      friendlyName: "{name}",
      machineIdentifier: "{machine_identifier}",
      version: "1.20.4.3517-ab5e1197c",
      platform: "Linux",
      myPlexUsername: "myplexusername@email.com",
    });
  });

  it("sections (JSON)", async () => {
    const sections = await json.sections();
    expect(sections.length).toBeGreaterThanOrEqual(4);
    const byKey = new Map(sections.map((s) => [s.key, s]));
    expect(byKey.get("4")).toMatchObject({
      id: "4",
      type: "show",
      agent: "com.plexapp.agents.thetvdb",
      scanner: "Plex Series Scanner",
      language: "en",
      refreshing: false,
      locations: ["/mnt/test_path"],
      isPersonal: false,
    });
    expect(byKey.get("5")).toMatchObject({ type: "movie", agent: "com.plexapp.agents.imdb" });
    expect(byKey.get("31")).toMatchObject({ agent: "com.plexapp.agents.none", isPersonal: true });
    for (const s of sections) expect(s.agent).not.toBe("");
  });

  it("sections (XML)", async () => {
    const sections = await xml.sections();
    expect(sections.map((s) => [s.id, s.type, s.agent, s.refreshing, s.locations])).toEqual([
      ["1", "movie", "com.plexapp.agents.imdb", false, ["/storage/movies"]],
      ["2", "show", "com.plexapp.agents.thetvdb", false, ["/storage/tvshows"]],
      ["3", "artist", "tv.plex.agents.music", false, ["/storage/music"]],
    ]);
    expect(sections[0]?.uuid).toBe("41a28495-035e-46b0-ac84-878f096614da");
  });

  it("movie listing (XML)", async () => {
    const items = await listAll(xml, "1");
    expect(items.map((i) => i.ratingKey)).toEqual(["1", "2", "3", "4", "5"]);
    expect(items[0]).toMatchObject({
      key: "/library/metadata/1",
      type: "movie",
      title: "Movie 1",
      year: 2000,
      guid: "com.plexapp.agents.imdb://tt0123456?lang=en",
      addedAt: 1377829261,
      librarySectionId: "1",
      guids: [],
    });
  });

  it("movie listing (JSON, legacy agent)", async () => {
    const items = await listAll(json, "1");
    expect(items).toHaveLength(4);
    expect(items[0]).toMatchObject({ ratingKey: "55", title: "Big Buck Bunny", year: 2008, guids: [] });
    for (const item of items) {
      expect(item.guid).toMatch(/^com\.plexapp\.agents\.imdb:\/\//);
      expect(item.files.length).toBeGreaterThan(0);
    }
  });

  it("show listings (XML and JSON)", async () => {
    const [fromXml] = await listAll(xml, "2");
    expect(fromXml).toMatchObject({
      ratingKey: "30",
      key: "/library/metadata/30/children",
      type: "show",
      leafCount: 100,
      childCount: 5,
    });
    const fromJson = await listAll(json, "2");
    expect(fromJson.map((i) => [i.ratingKey, i.type, i.leafCount, i.childCount])).toEqual([
      ["22", "show", 18, 2],
      ["68", "show", 18, 2],
    ]);
  });

  it("paged listings give totalSize/offset and page on", async () => {
    const before = server.requests.length;
    const movies = await listAll(json, "3");
    expect(movies.map((i) => i.title)).toEqual(["Alien"]);
    // totalSize 210 > 1 row: the pager asked for the next page (start 1), got an empty one, stopped.
    const sent = server.requests.slice(before);
    expect(sent.map((r) => r.headers["x-plex-container-start"])).toEqual(["0", "1"]);

    const page = parseItemsPage(
      JSON.parse(fixture("library_sections_all.movies.page-totalSize-offset.json")),
    );
    expect(page).toMatchObject({ size: 1, totalSize: 210, offset: 0, received: 1, dropped: 0 });
    expect(parseItemsPage(JSON.parse(fixture("library_sections_all.type3-seasons.page.json")))).toMatchObject(
      {
        totalSize: 479,
        offset: 50,
      },
    );

    const [show] = await listAll(json, "4");
    expect(show).toMatchObject({ ratingKey: "37250", type: "show", title: "Band of Brothers" });
    const [season] = await listAll(json, "5");
    expect(season).toMatchObject({ ratingKey: "37251", type: "season", parentRatingKey: "37250", index: 1 });
    expect(season?.summary).toBeUndefined(); // "" counts as absent
    const [episode] = await listAll(json, "6");
    expect(episode).toMatchObject({
      ratingKey: "37262",
      type: "episode",
      parentRatingKey: "37251",
      grandparentRatingKey: "37250",
      index: 1,
      parentIndex: 1,
    });
  });

  it("movie 1036: plex agent with Guid imdb/tmdb/tvdb", async () => {
    const [item] = await json.metadata(["1036"]);
    expect(item).toMatchObject({
      ratingKey: "1036",
      guid: "plex://movie/5d776830f59e58002189813a",
      type: "movie",
      title: "Reign of Fire",
      year: 2002,
      thumb: "/library/metadata/1036/thumb/1677122881",
      art: "/library/metadata/1036/art/1677122881",
      addedAt: 1368992739,
      updatedAt: 1677122881,
      librarySectionId: "1",
      librarySectionTitle: "Movies",
      guids: ["imdb://tt0253556", "tmdb://6278", "tvdb://1709"],
      lockedFields: [],
    });
    expect(item?.summary).toMatch(/^In post-apocalyptic England/);
    expect(item?.files).toEqual([
      "/mnt/media/Libraries/movies/Reign of Fire (2002)/Reign of Fire (2002).mp4",
    ]);
    const sent = server.requests.at(-1);
    expect(sent?.url).toContain("includeGuids=1");
    expect(sent?.url).toContain("skipRefresh=1");
  });

  it("movie 108: legacy agent, no Guid array", async () => {
    const [item] = await json.metadata(["108"]);
    expect(item).toMatchObject({
      ratingKey: "108",
      guid: "com.plexapp.agents.imdb://tt0165832?lang=en",
      guids: [],
    });
    expect(item?.thumb).toBeDefined();
    expect(item?.summary).toBeDefined();
  });

  it("movie 182: plex agent, full includes", async () => {
    const [item] = await json.metadata(["182"]);
    expect(item).toMatchObject({ ratingKey: "182", title: "Batman", year: 1989 });
    expect(item?.guids.some((g) => g.startsWith("imdb://"))).toBe(true);
  });

  it("track 157786: mbid Guid, empty summary absent", async () => {
    const [item] = await json.metadata(["157786"]);
    expect(item).toMatchObject({
      type: "track",
      parentRatingKey: "157785",
      grandparentRatingKey: "157717",
      parentTitle: "Discovery",
      grandparentTitle: "Daft Punk",
      index: 1,
    });
    expect(item?.guids.some((g) => g.startsWith("mbid://"))).toBe(true);
    expect(item?.summary).toBeUndefined();
  });

  it("movie 1 (XML): file path and legacy guid", async () => {
    const [item] = await xml.metadata(["1"]);
    expect(item).toMatchObject({
      ratingKey: "1",
      title: "Movie 1",
      summary: "Some elaborate summary.",
      guid: "com.plexapp.agents.imdb://tt0123456?lang=en",
      guids: [],
      files: ["/storage/videos/video.mkv"],
    });
  });

  it("children: seasons and episodes", async () => {
    const seasons = await json.children("22");
    // The fixture is trimmed upstream: size 3, two seasons in the array.
    expect(seasons.map((s) => [s.ratingKey, s.type, s.parentRatingKey, s.index, s.leafCount])).toEqual([
      ["89", "season", "22", 1, 9],
      ["33", "season", "22", 2, 9],
    ]);
    expect(seasons[0]?.librarySectionId).toBe("2"); // from the container
    const episodes = await json.children("89");
    expect(episodes).toHaveLength(3); // trimmed upstream: size 9, three episodes in the array
    expect(episodes[0]).toMatchObject({
      ratingKey: "90",
      type: "episode",
      title: "Pilot",
      parentRatingKey: "89",
      grandparentRatingKey: "22",
      index: 1,
      parentIndex: 1,
    });
    expect(episodes.map((e) => e.index)).toEqual([1, 2, 3]);
    const sent = server.requests.at(-1);
    expect(sent?.url).toContain("includeGuids=1");
  });

  it("activities (XML example) converts to the JSON shape", () => {
    const body = xmlToJson(fixture("activities.plex-docs-example.xml"));
    expect(body).toEqual({
      MediaContainer: {
        size: "1",
        Activity: [
          {
            uuid: "d6199ba1-fb5e-4cae-bf17-1a5369c1cf1e",
            cancellable: "0",
            progress: "7",
            subtitle: "Downloaded 173 airings",
            title: "Refreshing EPG",
            type: "provider.epg.load",
            userID: "1",
            Context: [{ name: "value" }],
            Response: [{ name: "value" }],
          },
        ],
      },
    });
  });

  it("XML sections and JSON sections parse through the same schema", () => {
    const fromXml = parseSections(xmlToJson(fixture("library_sections.ha.xml")));
    expect(fromXml.every((s) => typeof s.refreshing === "boolean" && s.agent !== "")).toBe(true);
  });
});
