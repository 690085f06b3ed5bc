/**
 * Replays, over real HTTP, the request sequences python-plexapi 4.18 sends (paths, query
 * strings and headers as built in plexapi/server.py, base.py, library.py, video.py,
 * mixins/unmatch_match.py, alert.py) and checks the XML for what plexapi reads.
 * python-plexapi itself cannot be installed here (no PyPI), hence the replay.
 */

import { afterAll, beforeAll, describe, expect, it } from "vitest";
import WebSocket from "ws";
import type { EmulatorHandle } from "../../emulator/index.js";
import { kids, parseXml, start, type XmlNode } from "./helpers.js";

let h: EmulatorHandle;
beforeAll(async () => {
  h = await start({ items: 500, brokenShare: 0.3, refresh: { workers: 2, minMs: 30, maxMs: 80 } });
});
afterAll(() => h.close());

/** plexapi.config.reset_base_headers() plus the token (PlexServer._headers). */
const BASE_HEADERS = (token: string): Record<string, string> => ({
  "X-Plex-Platform": "Linux",
  "X-Plex-Platform-Version": "6.1.0",
  "X-Plex-Provides": "controller",
  "X-Plex-Product": "PlexAPI",
  "X-Plex-Version": "4.18.1",
  "X-Plex-Device": "Linux",
  "X-Plex-Device-Name": "test-host",
  "X-Plex-Client-Identifier": "0242ac110002",
  "X-Plex-Language": "en",
  "X-Plex-Sync-Version": "2",
  "X-Plex-Features": "external-media",
  "X-Plex-Token": token,
  Accept: "*/*",
  "User-Agent": "python-requests/2.32.3",
});

class Unauthorized extends Error {}
class NotFound extends Error {}
class BadRequest extends Error {}

/** PlexServer.query(): 200/201/204 ok, 401 Unauthorized, 404 NotFound, else BadRequest; empty body → null. */
async function query(
  key: string,
  opts: { method?: string; headers?: Record<string, string>; token?: string } = {},
) {
  const res = await fetch(h.url + key, {
    method: opts.method ?? "GET",
    headers: { ...BASE_HEADERS(opts.token ?? h.token), ...opts.headers },
  });
  const text = await res.text();
  if (![200, 201, 204].includes(res.status)) {
    if (res.status === 401) throw new Unauthorized(text);
    if (res.status === 404) throw new NotFound(text);
    throw new BadRequest(`(${res.status}) ${text}`);
  }
  return text.trim() ? parseXml(text) : null;
}

/** Children of the container in document order, as ElementTree iterates them. */
function elements(mc: XmlNode, tags: string[]): XmlNode[] {
  return tags.flatMap((t) => kids(mc, t));
}

/** PlexObject.fetchItems(): paging headers, X_PLEX_CONTAINER_SIZE=100, its exact loop. */
async function fetchItems(
  ekey: string,
  tags: string[],
  opts: { containerSize?: number; maxresults?: number; type?: string } = {},
) {
  let containerStart = 0;
  let containerSize = opts.containerSize ?? 100;
  const offset = containerStart;
  if (opts.maxresults !== undefined) containerSize = Math.min(containerSize, opts.maxresults);
  const results: XmlNode[] = [];
  const requests: number[] = [];
  for (;;) {
    const data = (await query(ekey, {
      headers: {
        "X-Plex-Container-Start": String(containerStart),
        "X-Plex-Container-Size": String(containerSize),
      },
    })) as XmlNode;
    requests.push(containerStart);
    const sub = elements(data, tags).filter((e) => !opts.type || e.type === opts.type);
    const totalSize = Number(data.totalSize || data.size) || sub.length;
    results.push(...sub);
    containerStart += containerSize;
    if (containerStart > totalSize) break;
    let wanted = totalSize - offset;
    if (opts.maxresults !== undefined) {
      wanted = Math.min(opts.maxresults, wanted);
      containerSize = Math.min(containerSize, wanted - results.length);
    }
    if (wanted <= results.length) break;
  }
  return { results, requests };
}

/** LibrarySection._loadFilters(): Meta from …/all and …/collections with includeMeta=1. */
async function loadFilters(sectionKey: string) {
  const k = (f: string) =>
    `/library/sections/${sectionKey}/${f}?includeMeta=1&includeAdvanced=1&X-Plex-Container-Start=0&X-Plex-Container-Size=0`;
  const all = (await query(k("all"))) as XmlNode;
  const meta = kids(all, "Meta")[0] as XmlNode;
  const types = kids(meta, "Type");
  const fieldTypes = kids(meta, "FieldType");
  const coll = (await query(k("collections"))) as XmlNode;
  types.push(...kids(kids(coll, "Meta")[0] as XmlNode, "Type"));
  return { types, fieldTypes };
}

/** _validateSortField + _validateFilterField for the calls the app's users make. */
function validateSort(types: XmlNode[], libtype: string, sort: string): string {
  const [field, dir] = sort.split(":") as [string, string | undefined];
  const type = types.find((t) => t.type === libtype);
  if (!type) throw new NotFound(`Unknown libtype ${libtype}`);
  const sorts = kids(type, "Sort").map((s) => s.key);
  if (!sorts.includes(field)) throw new NotFound(`Unknown sort field ${field}`);
  return `${libtype}.${field}${dir ? `:${dir}` : ""}`;
}

function validateFilter(
  types: XmlNode[],
  fieldTypes: XmlNode[],
  libtype: string,
  field: string,
  op: string,
): string {
  const type = types.find((t) => t.type === libtype) as XmlNode;
  const f = kids(type, "Field").find((x) => String(x.key).split(".").pop() === field);
  if (!f) throw new NotFound(`Unknown filter field ${field}`);
  const ft = fieldTypes.find((x) => x.type === f.type);
  const key = `${op}=`;
  if (!kids(ft as XmlNode, "Operator").some((o) => o.key === key))
    throw new NotFound(`Unknown operator ${key}`);
  return String(f.key);
}

describe("python-plexapi request sequences", () => {
  it("PlexServer(url, token), library and sections()", async () => {
    const root = (await query("/")) as XmlNode;
    expect(root.machineIdentifier).toMatch(/^[0-9a-f]{40}$/);
    expect(root.friendlyName).toBe("Plex Emulator");
    expect(root.version).toMatch(/^\d+\.\d+\.\d+\.\d+-[0-9a-f]+$/);
    expect(Number(root.transcoderActiveVideoSessions)).toBe(0); // int() without default guard
    const library = (await query("/library")) as XmlNode;
    expect(library.identifier).toBe("com.plexapp.plugins.library");
    const sections = kids((await query("/library/sections")) as XmlNode, "Directory");
    expect(sections.map((s) => s.type)).toEqual(["movie", "show", "movie", "movie", "artist"]);
    for (const s of sections) {
      expect(Number.isInteger(Number(s.key))).toBe(true); // utils.cast(int, key)
      expect(s.title && s.agent && s.uuid && s.language && s.scanner).toBeTruthy();
      expect(kids(s, "Location")[0]?.path).toMatch(/^\//);
    }
  });

  it("Unauthorized and NotFound", async () => {
    await expect(query("/", { token: "nope" })).rejects.toBeInstanceOf(Unauthorized);
    await expect(fetchItems("/library/metadata/99999999", ["Video", "Directory"])).rejects.toBeInstanceOf(
      NotFound,
    );
  });

  it('section.all(sort="addedAt:desc") and search(addedAt>>=30d) for movies and shows, paging by 100', async () => {
    for (const [sectionKey, libtype, tag, typeNum] of [
      ["1", "movie", "Video", 1],
      ["2", "show", "Directory", 2],
    ] as const) {
      const { types, fieldTypes } = await loadFilters(sectionKey);
      expect(types.some((t) => t.type === "collection")).toBe(true);
      const sort = validateSort(types, libtype, "addedAt:desc");
      const key = `/library/sections/${sectionKey}/all?includeGuids=1&sort=${encodeURIComponent(sort)}&type=${typeNum}`;
      const { results, requests } = await fetchItems(key, [tag], { type: libtype });
      const total = Number(
        (
          (await query(
            `/library/sections/${sectionKey}/all?includeCollections=0&X-Plex-Container-Start=0&X-Plex-Container-Size=0`,
          )) as XmlNode
        ).totalSize,
      );
      expect(results).toHaveLength(total);
      expect(new Set(results.map((r) => r.ratingKey)).size).toBe(total);
      expect(requests.length).toBe(Math.ceil(total / 100));
      const added = results.map((r) => Number(r.addedAt));
      expect(added).toEqual([...added].sort((a, b) => b - a));
      // maxresults: container size shrinks to what is wanted
      const few = await fetchItems(key, [tag], { maxresults: 5, type: libtype });
      expect(few.results).toHaveLength(5);
      // search(**{'addedAt>>': '30d'}) → urlencode({field + '>>': '-30d'})
      const field = validateFilter(types, fieldTypes, libtype, "addedAt", ">>");
      const recentKey = `${key}&${encodeURIComponent(`${field}>>`)}=-30d`;
      const recent = await fetchItems(recentKey, [tag], { type: libtype });
      const cutoff = Date.now() / 1000 - 30 * 86400;
      expect(recent.results.length).toBeGreaterThan(0);
      expect(recent.results.length).toBe(results.filter((r) => Number(r.addedAt) >= cutoff).length);
      // unmatched=True → boolean field, operator "="
      validateFilter(types, fieldTypes, libtype, "unmatched", "");
    }
  });

  it("fetchItem(ratingKey) then reload() with the _INCLUDES parameters; seasons() and episodes()", async () => {
    const first = await fetchItems("/library/metadata/1", ["Video", "Directory"]);
    expect(first.results[0]?.ratingKey).toBe("1");
    const details =
      "/library/metadata/1?checkFiles=0&includeBandwidths=1&includeChapters=1&includeFields=thumbBlurHash%2CartBlurHash&includeGeolocation=1&includeLoudnessRamps=1&includeMarkers=1";
    const full = kids((await query(details)) as XmlNode, "Video")[0] as XmlNode;
    expect(full.key).toBe("/library/metadata/1");
    expect(kids(full, "Guid").map((g) => g.id)).toHaveLength(3);
    expect(kids(kids(full, "Media")[0] as XmlNode, "Part")[0]?.file).toMatch(/^\/data\/media\/Movies\//);

    const show = (
      await fetchItems("/library/sections/2/all?includeGuids=1&type=2", ["Directory"], { maxresults: 1 })
    ).results[0] as XmlNode;
    const showKey = String(show.key).replace("/children", ""); // FIX_BUG_50
    const seasons = await fetchItems(`${showKey}/children?excludeAllLeaves=1`, ["Directory"], {
      containerSize: Number(show.childCount),
      type: "season",
    });
    expect(seasons.results).toHaveLength(Number(show.childCount));
    const season = seasons.results[0] as XmlNode;
    const episodes = await fetchItems(`${String(season.key).replace("/children", "")}/children`, ["Video"], {
      type: "episode",
    });
    expect(episodes.results.length).toBe(Number(season.leafCount));
    expect(episodes.results[0]).toMatchObject({
      parentRatingKey: season.ratingKey,
      grandparentRatingKey: show.ratingKey,
    });
    const leaves = await fetchItems(`${showKey}/allLeaves`, ["Video"], { type: "episode" });
    expect(leaves.results.length).toBe(Number(show.leafCount));
  });

  it("refresh() observed through AlertListener (token in the websocket URL)", async () => {
    const t = h.truth().broken.find((x) => x.type === "movie" && x.fixableByRefresh) as { ratingKey: string };
    const ws = new WebSocket(
      `${h.url.replace("http", "ws")}/:/websockets/notifications?X-Plex-Token=${h.token}`,
    );
    const received: Record<string, unknown>[] = [];
    ws.on("message", (m) => received.push(JSON.parse(String(m)).NotificationContainer));
    await new Promise((r) => ws.once("open", r));
    expect(await query(`/library/metadata/${t.ratingKey}/refresh`, { method: "PUT" })).toBeNull();
    const done = () =>
      received.some(
        (n) =>
          n.type === "timeline" &&
          (n.TimelineEntry as Record<string, unknown>[]).some(
            (e) =>
              e.itemID === t.ratingKey && e.state === 5 && !("metadataState" in e) && !("mediaState" in e),
          ),
      );
    for (let i = 0; i < 200 && !done(); i++) await new Promise((r) => setTimeout(r, 10));
    ws.close();
    expect(done()).toBe(true);
  });

  it("matches(), matches(agent='imdb') via /system/agents, fixMatch(auto=True)", async () => {
    const t = h
      .truth()
      .broken.find((x) => x.kinds.includes("unmatched") && x.sectionId === "1" && !x.ambiguous) as {
      ratingKey: string;
      matchGuid: string;
    };
    const key = `/library/metadata/${t.ratingKey}`;
    const results = (await fetchItems(`${key}/matches?manual=1`, ["SearchResult"])).results;
    expect(results.length).toBeGreaterThan(0);
    for (const r of results) expect(r.guid && r.name && r.year).toBeTruthy();
    // getAgentIdentifier(section, 'imdb'): Agent.identifier.rsplit('.', 1)[1] == 'imdb'
    const agents = kids((await query("/system/agents?mediaType=1")) as XmlNode, "Agent");
    const imdb = agents.find((a) => String(a.identifier).split(".").pop() === "imdb") as XmlNode;
    expect(imdb).toBeDefined();
    const legacy = (
      await fetchItems(`${key}/matches?manual=1&language=en-US&agent=${imdb.identifier}`, ["SearchResult"])
    ).results;
    expect(Number(legacy[0]?.score)).toBeGreaterThan(0);
    // fixMatch(auto=True): matches()[0], then PUT match?guid=&name= (urlencode)
    const best = results[0] as XmlNode;
    const params = new URLSearchParams({ guid: String(best.guid), name: String(best.name) });
    expect(await query(`${key}/match?${params}`, { method: "PUT" })).toBeNull();
    await h.idle();
    const item = kids((await query(key)) as XmlNode, "Video")[0] as XmlNode;
    expect(item.guid).toBe(best.guid);
    expect(item.guid).toBe(t.matchGuid);
    expect(await query(`${key}/unmatch`, { method: "PUT" })).toBeNull();
  });
});
