// The item action routes in process against the emulator: the detail, ignore/unignore, the
// refresh guard, the evidence in the detail, the item poster (never the art; cached for good only
// under its version) and the candidate poster proxy, by guid, which never fetches from another host.
import { subscribe, unsubscribe } from "node:diagnostics_channel";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { startTestServer, type TestServer } from "../helpers/server.js";

const KEY = "item-actions-key-0123456789abcdef";
let stack: TestServer;
const fetched: string[] = [];
const noteHttp = (message: unknown) => {
  const { request } = message as {
    request: { protocol: string; path: string; getHeader(name: string): unknown };
  };
  fetched.push(`${request.protocol}//${String(request.getHeader("host"))}${request.path}`);
};
const noteFetch = (message: unknown) => {
  const { request } = message as { request: { origin: string; path: string } };
  fetched.push(`${request.origin}${request.path}`);
};

async function api(method: string, path: string, body?: unknown) {
  const res = await fetch(stack.server.url + path, {
    method,
    headers: {
      "X-Api-Key": KEY,
      ...(body === undefined ? {} : { "Content-Type": "application/json" }),
    },
    body: body === undefined ? undefined : JSON.stringify(body),
  });
  const type = res.headers.get("content-type") ?? "";
  // biome-ignore lint/suspicious/noExplicitAny: response bodies of many shapes, checked by the assertions
  const json: any = type.includes("json") ? await res.json() : null;
  return { status: res.status, type, body: json };
}

beforeAll(async () => {
  stack = await startTestServer(
    { seed: 4, items: 40, brokenShare: 0.5, refresh: { workers: 2, minMs: 20, maxMs: 60 } },
    { PSR_API_KEY: KEY },
  );
  // Every HTTP request the process makes is noted, by node:http (the server's to Plex) or by
  // fetch (the test's own and the notifiers'), through Node's diagnostics channels.
  subscribe("http.client.request.start", noteHttp);
  subscribe("undici:request:create", noteFetch);
  const started = await api("POST", "/api/scans", { dryRun: true, all: true });
  expect(started.status).toBe(202);
  for (let i = 0; i < 300; i++) {
    const scan = await api("GET", `/api/scans/${started.body.id}`);
    if (scan.body.status !== "queued" && scan.body.status !== "running") break;
    await new Promise((r) => setTimeout(r, 100));
  }
}, 60_000);
afterAll(async () => {
  unsubscribe("http.client.request.start", noteHttp);
  unsubscribe("undici:request:create", noteFetch);
  await stack?.close();
});

/** What the emulator answers, asked directly (the test's view of Plex). */
async function plexJson(path: string) {
  const res = await fetch(`${stack.emulator.url.replace(/\/$/, "")}${path}`, {
    headers: { Accept: "application/json", "X-Plex-Token": stack.emulator.token },
  });
  // biome-ignore lint/suspicious/noExplicitAny: Plex's JSON, read by the assertions
  return (await res.json()) as any;
}

function fetchPoster(path: string, headers: Record<string, string> = {}) {
  return fetch(stack.server.url + path, { headers: { "X-Api-Key": KEY, ...headers } });
}

async function someItem(state = "would_fix") {
  const page = await api("GET", `/api/items?state=${state}&pageSize=5`);
  expect(page.body.items.length).toBeGreaterThan(0);
  return page.body.items[0] as { ratingKey: string; title: string; state: string };
}

describe("item actions", () => {
  it("shows an item's detail with its history, last scan and a link into Plex", async () => {
    const item = await someItem();
    const res = await api("GET", `/api/items/${item.ratingKey}`);
    expect(res.status).toBe(200);
    expect(res.body.item).toMatchObject({ ratingKey: item.ratingKey, state: "would_fix", ignoredAt: null });
    expect(res.body.history[0]).toMatchObject({ action: "dry_run", outcome: "would_fix" });
    expect(res.body.lastScan).toMatchObject({ status: "success" });
    expect(res.body.plexLink).toMatch(
      new RegExp(
        `^${stack.emulator.url.replace(/\/$/, "")}/web/index\\.html#!/server/[\\w-]+/details\\?key=/library/metadata/${item.ratingKey}$`,
      ),
    );
    expect(JSON.stringify(res.body)).not.toContain(stack.emulator.token);
    expect((await api("GET", "/api/items/999999")).status).toBe(404);
    expect((await api("GET", "/api/items/abc")).body).toMatchObject({
      code: "invalid_input",
      field: "ratingKey",
    });
  });

  it("ignores and unignores with validation; the ignored filter lists it", async () => {
    const item = await someItem();
    const bad = await api("POST", `/api/items/${item.ratingKey}/ignore`, { reason: 5 });
    expect(bad).toMatchObject({ status: 400, body: { code: "invalid_input", field: "reason" } });
    const extra = await api("POST", `/api/items/${item.ratingKey}/ignore`, { why: "x" });
    expect(extra.status).toBe(400);
    expect((await api("POST", "/api/items/999999/ignore", {})).status).toBe(404);
    expect((await api("DELETE", "/api/items/999999/ignore")).status).toBe(404);
    expect((await api("GET", `/api/items/${item.ratingKey}`)).body.item.state).toBe("would_fix");

    const ignored = await api("POST", `/api/items/${item.ratingKey}/ignore`, { reason: "  a home video " });
    expect(ignored.body).toMatchObject({ state: "ignored", ignoreReason: "a home video" });
    const list = await api("GET", "/api/items?state=ignored");
    expect(list.body.items.map((i: { ratingKey: string }) => i.ratingKey)).toEqual([item.ratingKey]);
    const stats = await api("GET", "/api/stats");
    expect(stats.body.items.byState.ignored).toBe(1);

    const back = await api("DELETE", `/api/items/${item.ratingKey}/ignore`);
    expect(back.body).toMatchObject({ state: "would_fix", ignoredAt: null, ignoreReason: null });
    const history = (await api("GET", `/api/items/${item.ratingKey}`)).body.history;
    expect(history.slice(0, 2).map((h: { action: string }) => h.action)).toEqual(["unignore", "ignore"]);
  });

  it("joins a second refresh of the same item instead of sending Plex another", async () => {
    const item = await someItem();
    const before = stack.emulator.stats().refreshes;
    const [a, b] = await Promise.all([
      api("POST", `/api/items/${item.ratingKey}/refresh`),
      api("POST", `/api/items/${item.ratingKey}/refresh`),
    ]);
    expect(a.status).toBe(200);
    expect(b.body).toEqual(a.body);
    expect(stack.emulator.stats().refreshes - before).toBe(1);
  });

  it("shows the evidence: the files and folders Plex has, the IDs and year their names give, an episode's show", async () => {
    const item = await someItem();
    const res = await api("GET", `/api/items/${item.ratingKey}`);
    const raw = (await plexJson(`/library/metadata/${item.ratingKey}`)).MediaContainer.Metadata[0];
    const files = raw.Media.flatMap((m: { Part: { file: string }[] }) => m.Part.map((p) => p.file));
    expect(files.length).toBeGreaterThan(0);
    const evidence = res.body.plex;
    expect(evidence.files).toEqual(files);
    expect(evidence.folders).toEqual([...new Set(files.map((f: string) => f.slice(0, f.lastIndexOf("/"))))]);
    // The emulator names files "Title (Year)/Title (Year).ext", as Plex asks.
    const year = /\((\d{4})\)\.\w+$/.exec(files[0])?.[1];
    expect(evidence.pathYear).toBe(Number(year));
    expect(evidence.guid).toBe(raw.guid);
    expect(evidence.posterVersion).toBe(raw.thumb ? /\/(\d+)$/.exec(raw.thumb)?.[1] : null);
    expect(evidence.hasPoster).toBe(!!raw.thumb);
    expect(evidence.showRatingKey).toBeNull();

    // An episode's show is its grandparent: the season's parent.
    const episode = stack.emulator.truth().broken.find((b) => b.type === "episode");
    const season = stack.emulator.truth().broken.find((b) => b.ratingKey === episode?.parentRatingKey);
    expect(season?.parentRatingKey).toBeDefined();
    const recorded = await api("GET", `/api/items/${episode?.ratingKey}`);
    expect(recorded.body.plex.showRatingKey).toBe(season?.parentRatingKey);
    expect(JSON.stringify(res.body)).not.toContain(stack.emulator.token);
  });

  it("serves an item's poster, never its background art, cached for good only under its version", async () => {
    // An item Plex has no poster for (but background art): no picture, so the placeholder shows.
    const noPoster = stack.emulator
      .truth()
      .broken.find((b) => b.type === "movie" && b.currentKinds.includes("no-poster"));
    expect(noPoster).toBeDefined();
    const raw = (await plexJson(`/library/metadata/${noPoster?.ratingKey}`)).MediaContainer.Metadata[0];
    expect(raw.thumb).toBeUndefined();
    expect(raw.art).toMatch(/^\/library\/metadata\//);
    const none = await api("GET", `/api/items/${noPoster?.ratingKey}/poster?width=80`);
    expect(none).toMatchObject({ status: 404, body: { code: "no_poster" } });

    // An item with a poster: its version comes with the detail.
    const item = stack.emulator
      .truth()
      .broken.find((b) => b.type === "movie" && b.kinds.includes("no-summary"));
    const rk = item?.ratingKey as string;
    const version = (await api("GET", `/api/items/${rk}`)).body.plex.posterVersion;
    expect(version).toMatch(/^\d+$/);
    const versioned = await fetchPoster(`/api/items/${rk}/poster?width=80&v=${version}`);
    expect(versioned.status).toBe(200);
    expect(versioned.headers.get("cache-control")).toBe("private, max-age=31536000, immutable");
    const plain = await fetchPoster(`/api/items/${rk}/poster?width=80`);
    expect(plain.status).toBe(200);
    expect(plain.headers.get("cache-control")).toBe("private, no-cache");
    const etag = plain.headers.get("etag") as string;
    expect(etag).toBe(`"${version}-80"`);
    // Asked again with the tag: 304, and Plex sends no image.
    fetched.length = 0;
    const again = await fetchPoster(`/api/items/${rk}/poster?width=80`, { "If-None-Match": etag });
    expect(again.status).toBe(304);
    expect(fetched.some((u) => u.includes("/photo/:/transcode") || u.includes("/thumb/"))).toBe(false);
    expect((await api("GET", `/api/items/${rk}/poster?v=12ab`)).body).toMatchObject({
      code: "invalid_input",
      field: "v",
    });

    // A refresh gives the poster a new version: the old address is no longer kept for good.
    expect((await api("POST", `/api/items/${rk}/refresh`)).status).toBe(200);
    const newVersion = (await api("GET", `/api/items/${rk}`)).body.plex.posterVersion;
    expect(newVersion).not.toBe(version);
    const stale = await fetchPoster(`/api/items/${rk}/poster?width=80&v=${version}`);
    expect(stale.headers.get("cache-control")).toBe("private, no-cache");
    const changed = await fetchPoster(`/api/items/${rk}/poster?width=80`, { "If-None-Match": etag });
    expect(changed.status).toBe(200);
    expect(changed.headers.get("etag")).toBe(`"${newVersion}-80"`);
  });

  it("serves candidate posters by guid through the Plex server, never from a URL a client names", async () => {
    const item = await someItem("fixed").catch(() => someItem());
    const search = await api(
      "GET",
      `/api/items/${item.ratingKey}/matches?title=${encodeURIComponent(item.title)}`,
    );
    expect(search.status).toBe(200);
    expect(search.body.candidates.length).toBeGreaterThan(0);
    expect(JSON.stringify(search.body)).not.toMatch(/https?:\/\//);
    // The item's own match, when Plex offers it, is marked as the current one; no other is.
    const current = search.body.candidates.filter((c: { current: boolean }) => c.current);
    expect(current.every((c: { guid: string }) => c.guid === search.body.item.guid)).toBe(true);
    for (const c of search.body.candidates) expect(Array.isArray(c.ids)).toBe(true);
    const { searchId } = search.body;
    const withPoster = search.body.candidates.find((c: { hasPoster: boolean }) => c.hasPoster);
    expect(withPoster).toBeDefined();
    const guid = encodeURIComponent(withPoster.guid);
    fetched.length = 0;
    const poster = await api(
      "GET",
      `/api/items/${item.ratingKey}/candidates/poster?guid=${guid}&search=${searchId}&width=100`,
    );
    expect(poster.status).toBe(200);
    expect(poster.type).toBe("image/png");

    // Crafted requests: an address in the query or as the guid, a search of another item, a
    // guid the search did not list, the old by-index address.
    const evil = "http://evil.example/x.png";
    const crafted = [
      `/api/items/${item.ratingKey}/candidates/poster?guid=${guid}&search=${searchId}&url=${encodeURIComponent(evil)}`,
      `/api/items/${item.ratingKey}/candidates/poster?guid=${encodeURIComponent("plex://movie/a b")}&search=${searchId}`,
      `/api/items/${item.ratingKey}/candidates/poster?search=${searchId}`,
      `/api/items/${item.ratingKey}/candidates/poster?guid=${guid}&search=${encodeURIComponent(evil)}`,
      `/api/items/${item.ratingKey}/candidates/poster?guid=${encodeURIComponent(evil)}&search=${searchId}`,
      `/api/items/${item.ratingKey}/candidates/poster?guid=${guid}&search=zz999`,
      `/api/items/1${item.ratingKey}/candidates/poster?guid=${guid}&search=${searchId}`,
      `/api/items/${item.ratingKey}/candidates/poster?guid=${encodeURIComponent("plex://movie/000000000000000000000000")}&search=${searchId}`,
      `/api/items/${item.ratingKey}/candidates/0/poster?search=${searchId}`,
    ];
    const statuses = [];
    for (const path of crafted) statuses.push((await api("GET", path)).status);
    expect(statuses).toEqual([400, 400, 400, 400, 404, 404, 404, 404, 404]);

    // Every request the server made went to the configured Plex server.
    const serverHost = new URL(stack.server.url).host;
    const plexHost = new URL(stack.emulator.url).host;
    const hosts = new Set(fetched.map((u) => new URL(u).host));
    hosts.delete(serverHost);
    expect([...hosts]).toEqual([plexHost]);
    expect(fetched.some((u) => u.includes("evil.example") && new URL(u).host !== serverHost)).toBe(false);
    const transcodes = fetched.filter((u) => u.includes("/photo/:/transcode"));
    expect(transcodes.length).toBe(1);
    expect(new URL(transcodes[0]!).searchParams.get("url")).toMatch(/^https:\/\/images\.plex\.tv\//);
  });

  it("keys the stored candidates' posters by guid, so each keeps its own", async () => {
    const page = await api("GET", "/api/items?pageSize=200");
    const withCandidates = page.body.items.find(
      (i: { candidates: unknown[] | null }) => (i.candidates?.length ?? 0) > 0,
    );
    expect(withCandidates, "an item the scan stored candidates for").toBeDefined();
    const detail = (await api("GET", `/api/items/${withCandidates.ratingKey}`)).body;
    expect(detail.candidates.map((c: { guid: string }) => c.guid)).toEqual(
      withCandidates.candidates.map((c: { guid: string }) => c.guid),
    );
    const posters = [];
    for (const c of detail.candidates as { guid: string; hasPoster: boolean }[]) {
      if (!c.hasPoster) continue;
      const res = await fetchPoster(
        `/api/items/${withCandidates.ratingKey}/candidates/poster?guid=${encodeURIComponent(c.guid)}&width=60`,
      );
      expect(res.status).toBe(200);
      posters.push(Buffer.from(await res.arrayBuffer()).toString("base64"));
    }
    expect(posters.length).toBeGreaterThan(0);
    // Two candidates never share a picture (the emulator draws one per address).
    expect(new Set(posters).size).toBe(posters.length);
    const other = await api(
      "GET",
      `/api/items/${withCandidates.ratingKey}/candidates/poster?guid=${encodeURIComponent("plex://movie/ffffffffffffffffffffffff")}`,
    );
    expect(other).toMatchObject({ status: 404, body: { code: "no_poster" } });
  });
});

describe("match search by a pasted ID or link (issue 22 §3)", () => {
  const sectionOf = (type: string) => {
    const s = stack.emulator.truth().sections.find((x) => x.type === type);
    expect(s).toBeDefined();
    return s!.id;
  };
  /** A healthy item of a section as Plex lists it, with the external IDs its Guid names. */
  async function healthyWork(type: "movie" | "show") {
    const all = await plexJson(`/library/sections/${sectionOf(type)}/all?includeGuids=1`);
    const broken = new Set(stack.emulator.truth().broken.map((t) => t.ratingKey));
    const item = (
      all.MediaContainer.Metadata as { ratingKey: string; guid: string; Guid?: { id: string }[] }[]
    ).find((m) => !broken.has(m.ratingKey) && m.guid.startsWith("plex://") && (m.Guid?.length ?? 0) >= 3);
    expect(item).toBeDefined();
    const id = (scheme: string) =>
      item!.Guid!.find((g) => g.id.startsWith(`${scheme}://`))!.id.slice(scheme.length + 3);
    return { guid: item!.guid, imdb: id("imdb"), tmdb: id("tmdb"), tvdb: id("tvdb") };
  }
  /** The item whose picker searches: an unmatched one, else any other of the section. */
  const unmatchedOf = async (type: "movie" | "show") => {
    const t = stack.emulator.truth().broken.find((x) => x.type === type && x.kinds.includes("unmatched"));
    if (t) return t.ratingKey;
    const all = await plexJson(`/library/sections/${sectionOf(type)}/all`);
    return (all.MediaContainer.Metadata as { ratingKey: string }[]).at(-1)!.ratingKey;
  };
  const search = (ratingKey: string, title: string, year?: number) =>
    api(
      "GET",
      `/api/items/${ratingKey}/matches?title=${encodeURIComponent(title)}${year ? `&year=${year}` : ""}`,
    );

  it("finds exactly the work an IMDb link, a TMDB movie link or an ID names, and says which ID found it", async () => {
    const work = await healthyWork("movie");
    const rk = await unmatchedOf("movie");
    for (const pasted of [
      `https://m.imdb.com/title/${work.imdb}/?ref_=nv_sr_srsg_0`,
      ` IMDB-${work.imdb.toUpperCase()} `,
      `https://www.themoviedb.org/movie/${work.tmdb}-some-slug`,
      `tmdb-${work.tmdb}`,
    ]) {
      // The year typed beside an ID plays no part: the ID names one work.
      const found = await search(rk, pasted, 1901);
      expect(found.status, pasted).toBe(200);
      const label =
        pasted.includes("imdb") || pasted.includes("IMDB") ? `imdb-${work.imdb}` : `tmdb-${work.tmdb}`;
      expect(found.body.query).toEqual({ title: label, year: null });
      expect(
        found.body.candidates.map((c: { guid: string; foundBy: string }) => [c.guid, c.foundBy]),
      ).toEqual([[work.guid, label]]);
    }
    // A title search carries no foundBy.
    const byTitle = await search(rk, "The Matrix");
    expect(byTitle.status).toBe(200);
    for (const c of byTitle.body.candidates) expect(c.foundBy).toBeUndefined();
  });

  it("finds a show by a TVDB link or ID and by a TMDB tv link", async () => {
    const work = await healthyWork("show");
    const rk = await unmatchedOf("show");
    for (const [pasted, label] of [
      [`https://thetvdb.com/?tab=series&id=${work.tvdb}`, `tvdb-${work.tvdb}`],
      [`tvdb-${work.tvdb}`, `tvdb-${work.tvdb}`],
      [`https://www.themoviedb.org/tv/${work.tmdb}`, `tmdb-${work.tmdb}`],
      [`https://www.imdb.com/title/${work.imdb}/`, `imdb-${work.imdb}`],
    ]) {
      const found = await search(rk, pasted!);
      expect(found.status, pasted).toBe(200);
      expect(
        found.body.candidates.map((c: { guid: string; foundBy: string }) => [c.guid, c.foundBy]),
      ).toEqual([[work.guid, label]]);
    }
  });

  it("refuses an ID of the wrong kind for the library, or a link naming no work, without asking Plex", async () => {
    const movie = await unmatchedOf("movie");
    const show = await unmatchedOf("show");
    const cases: [string, string, string, Record<string, string>][] = [
      [movie, "tvdb-81189", "id_wrong_library_kind", { source: "tvdb", libraryType: "movie" }],
      [
        movie,
        "https://thetvdb.com/?tab=series&id=73244",
        "id_wrong_library_kind",
        { source: "tvdb", libraryType: "movie" },
      ],
      [
        movie,
        "https://www.themoviedb.org/tv/1399",
        "id_wrong_library_kind",
        { source: "tmdb", libraryType: "movie" },
      ],
      [
        show,
        "https://www.themoviedb.org/movie/603-the-matrix",
        "id_wrong_library_kind",
        { source: "tmdb", libraryType: "show" },
      ],
      [show, "https://thetvdb.com/series/the-office-us", "id_link_unreadable", { source: "tvdb" }],
      [movie, "https://www.imdb.com/name/nm0000206/", "id_link_unreadable", { source: "imdb" }],
    ];
    for (const [rk, pasted, code, params] of cases) {
      fetched.length = 0;
      const refused = await search(rk, pasted);
      expect(refused.status, pasted).toBe(400);
      expect(refused.body).toMatchObject({ code: "invalid_input", field: "title" });
      expect(refused.body.issues).toEqual([expect.objectContaining({ field: "title", code, params })]);
      const plexHost = new URL(stack.emulator.url).host;
      expect(
        fetched.filter((u) => new URL(u).host === plexHost && u.includes("/matches")),
        pasted,
      ).toEqual([]);
    }
    // The same watch, on a search that is allowed, sees the one request to Plex.
    fetched.length = 0;
    expect((await search(movie, "imdb-tt0133093")).status).toBe(200);
    const plexHost = new URL(stack.emulator.url).host;
    expect(fetched.filter((u) => new URL(u).host === plexHost && u.includes("/matches"))).toHaveLength(1);
  });
});

describe("check again with the stored placeholder schedule", () => {
  it("a waiting placeholder's next check follows placeholderCheckOffsetsMinutes as saved", async () => {
    const added = stack.emulator.addItem({
      type: "show",
      episodes: 2,
      placeholders: { count: 1, arrivesInMs: 3_600_000 },
      processingMs: 10,
    });
    await added.finished;
    const episodes = await Promise.all(
      added.ratingKeys.map((k) =>
        plexJson(`/library/metadata/${k}`).then((r) => r.MediaContainer.Metadata[0]),
      ),
    );
    const placeholder = episodes.find((e) => e.type === "episode" && !e.summary);
    expect(placeholder).toBeDefined();
    const aired = Date.parse(`${placeholder.originallyAvailableAt}T00:00:00Z`);
    // One check a minute after the air date, then a year later: only the stored list says so.
    const saved = await api("PUT", "/api/settings", { placeholderCheckOffsetsMinutes: [1, 525_600] });
    expect(saved.status).toBe(200);
    try {
      const checked = await api("POST", `/api/items/${placeholder.ratingKey}/refresh`);
      expect(checked.status).toBe(200);
      expect(checked.body.state).toBe("waiting");
      expect(checked.body.reason).toEqual({
        code: "waiting_upstream",
        params: { until: new Date(aired + 525_600 * 60_000).toISOString() },
      });
    } finally {
      await api("PUT", "/api/settings", {
        placeholderCheckOffsetsMinutes: [360, 1440, 4320, 10_080, 20_160],
      });
    }
  });
});
