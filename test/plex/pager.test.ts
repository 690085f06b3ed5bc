// The pager against a loopback server that pages by the X-Plex-Container-* headers only.
import { afterEach, describe, expect, it } from "vitest";
import { KeySet, type PlexItem } from "../../src/plex/index.js";
import { LISTING_EXCLUDE_ELEMENTS, LISTING_EXCLUDE_FIELDS } from "../../src/plex/parse.js";
import { makeClient, pagingHeader, sendJson, startServer, type TestServer } from "./helpers.js";

const servers: TestServer[] = [];
afterEach(async () => {
  await Promise.all(servers.splice(0).map((s) => s.close()));
});

interface Library {
  total: number;
  /** Server-side cap per page: forced pagination. */
  cap?: number;
  withTotalSize?: boolean;
  /** Insert one broken row (no ratingKey) at this absolute position. */
  brokenAt?: number;
  /** A totalSize larger than the rows: items deleted while the listing is read. */
  reportedTotal?: number;
  /**
   * After the first page is served, this many new items arrive at the top (addedAt:desc), so
   * every later page starts that many rows earlier: a listing that shifts while it is read.
   */
  addedAfterFirstPage?: number;
}

async function library(opts: Library): Promise<TestServer> {
  const rows = Array.from({ length: opts.total }, (_, i) => ({
    ratingKey: String(1000 - i),
    type: "movie",
    title: `Movie ${i}`,
    addedAt: 1_700_000_000 - i,
  })) as Record<string, unknown>[];
  if (opts.brokenAt !== undefined) rows.splice(opts.brokenAt, 0, { title: "no ratingKey" });
  const server = await startServer((req, res) => {
    // Only headers: proves header-based paging is what the client uses.
    const start = pagingHeader(req, "X-Plex-Container-Start") ?? 0;
    const asked = pagingHeader(req, "X-Plex-Container-Size") ?? 50;
    const size = Math.min(asked, opts.cap ?? asked);
    const page = rows.slice(start, start + size);
    if (opts.addedAfterFirstPage !== undefined && start === 0) {
      const added = Array.from({ length: opts.addedAfterFirstPage }, (_, i) => ({
        ratingKey: String(5000 + i),
        type: "movie",
        title: `New movie ${i}`,
        addedAt: 1_800_000_000 + i,
      }));
      rows.unshift(...added.reverse());
    }
    sendJson(res, {
      MediaContainer: {
        size: page.length,
        offset: start,
        ...(opts.withTotalSize === false ? {} : { totalSize: opts.reportedTotal ?? rows.length }),
        ...(page.length > 0 ? { Metadata: page } : {}),
      },
    });
  });
  servers.push(server);
  return server;
}

async function all(pages: AsyncGenerator<PlexItem[]>): Promise<{ keys: string[]; pageSizes: number[] }> {
  const keys: string[] = [];
  const pageSizes: number[] = [];
  for await (const page of pages) {
    pageSizes.push(page.length);
    keys.push(...page.map((i) => i.ratingKey));
  }
  return { keys, pageSizes };
}

const expected = (n: number) => Array.from({ length: n }, (_, i) => String(1000 - i));

describe("listSection pager", () => {
  it("forced pagination: advances by rows actually returned, no row skipped or duplicated", async () => {
    const server = await library({ total: 23, cap: 7 });
    const { client } = makeClient(server.url);
    const { keys, pageSizes } = await all(client.listSection("1", { pageSize: 10 }));
    expect(keys).toEqual(expected(23));
    expect(pageSizes).toEqual([7, 7, 7, 2]);
    expect(server.requests.map((r) => r.headers["x-plex-container-start"])).toEqual(["0", "7", "14", "21"]);
    expect(server.requests.every((r) => r.headers["x-plex-container-size"] === "10")).toBe(true);
    const url = new URL(server.requests[0]?.url ?? "", "http://x");
    expect(url.pathname).toBe("/library/sections/1/all");
    expect(url.searchParams.get("includeGuids")).toBe("1");
    expect(url.searchParams.get("sort")).toBe("addedAt:desc");
    expect(url.searchParams.has("X-Plex-Container-Start")).toBe(false);
  });

  it("stops at totalSize without an extra request", async () => {
    const server = await library({ total: 20 });
    const { client } = makeClient(server.url);
    const { keys } = await all(client.listSection("1", { pageSize: 10 }));
    expect(keys).toEqual(expected(20));
    expect(server.requests).toHaveLength(2);
  });

  it("without totalSize: stops on a short page, and on an empty page", async () => {
    const short = await library({ total: 25, withTotalSize: false });
    const a = makeClient(short.url).client;
    expect((await all(a.listSection("1", { pageSize: 10 }))).keys).toEqual(expected(25));
    expect(short.requests).toHaveLength(3);

    const exact = await library({ total: 20, withTotalSize: false });
    const b = makeClient(exact.url).client;
    expect((await all(b.listSection("1", { pageSize: 10 }))).keys).toEqual(expected(20));
    expect(exact.requests).toHaveLength(3); // the third page is empty: stop
  });

  it("an empty page ends the listing even while totalSize promises more (items deleted meanwhile)", async () => {
    const server = await library({ total: 15, reportedTotal: 30 });
    const { client } = makeClient(server.url);
    expect((await all(client.listSection("1", { pageSize: 10 }))).keys).toEqual(expected(15));
    // 10 rows, 5 rows (short, but totalSize says 30), then the empty page: stop.
    expect(server.requests.map((r) => r.headers["x-plex-container-start"])).toEqual(["0", "10", "15"]);
  });

  it("an empty library sends one request", async () => {
    const server = await library({ total: 0 });
    const { client } = makeClient(server.url);
    expect((await all(client.listSection("1"))).keys).toEqual([]);
    expect(server.requests).toHaveLength(1);
  });

  it("breaking out early sends no further request", async () => {
    const server = await library({ total: 100 });
    const { client } = makeClient(server.url);
    let pages = 0;
    for await (const _page of client.listSection("1", { pageSize: 10 })) {
      pages++;
      if (pages === 2) break;
    }
    await new Promise((r) => setTimeout(r, 50));
    expect(server.requests).toHaveLength(2);
  });

  it("a broken row is dropped but still counted for paging", async () => {
    const server = await library({ total: 20, cap: 5, brokenAt: 3 });
    const { client } = makeClient(server.url);
    const { keys } = await all(client.listSection("1", { pageSize: 5 }));
    expect(keys).toEqual(expected(20));
  });

  interface ShiftCase {
    name: string;
    total: number;
    pageSize: number;
    added: number;
    /** Rows yielded per page: the repeated rows are left out of the later page. */
    pageSizes: number[];
    requests: number;
  }
  it.each<ShiftCase>([
    {
      name: "three rows of page 1 come again on page 2",
      total: 20,
      pageSize: 10,
      added: 3,
      pageSizes: [10, 7, 3],
      requests: 3,
    },
    {
      name: "a whole page comes again: nothing yielded for it",
      total: 15,
      pageSize: 5,
      added: 5,
      pageSizes: [5, 5, 5],
      requests: 4,
    },
  ])("a listing that shifts while it is read yields each item once: $name", async (c) => {
    const server = await library({ total: c.total, addedAfterFirstPage: c.added });
    const { client } = makeClient(server.url);
    const { keys, pageSizes } = await all(client.listSection("1", { pageSize: c.pageSize }));
    // Every original item exactly once, in listing order; the new ones wait for the next scan.
    expect(keys).toEqual(expected(c.total));
    expect(pageSizes).toEqual(c.pageSizes);
    // Paging goes on by the rows received, repeats included, until the grown totalSize.
    expect(server.requests).toHaveLength(c.requests);
  });

  it("passes type, sort, addedSince and includeGuids", async () => {
    const server = await library({ total: 1 });
    const { client } = makeClient(server.url);
    await all(
      client.listSection("7", {
        type: 4,
        sort: "titleSort",
        addedSince: 1_650_000_000.9,
        includeGuids: false,
      }),
    );
    const url = new URL(server.requests[0]?.url ?? "", "http://x");
    expect(url.pathname).toBe("/library/sections/7/all");
    expect(Object.fromEntries(url.searchParams)).toEqual({
      type: "4",
      sort: "titleSort",
      includeGuids: "0",
      "addedAt>>": "1650000000",
      excludeElements: LISTING_EXCLUDE_ELEMENTS.join(","),
      excludeFields: LISTING_EXCLUDE_FIELDS.join(","),
    });
  });

  it("children and allLeaves page too", async () => {
    const server = await library({ total: 12, cap: 5 });
    const { client } = makeClient(server.url);
    expect((await client.allLeaves("3", { pageSize: 50 })).map((i) => i.ratingKey)).toEqual(expected(12));
    expect(server.requests.map((r) => r.headers["x-plex-container-start"])).toEqual(["0", "5", "10"]);
    const url = new URL(server.requests[0]?.url ?? "", "http://x");
    expect(url.pathname).toBe("/library/metadata/3/allLeaves");
    expect(Object.fromEntries(url.searchParams)).toEqual({
      includeGuids: "1",
      excludeElements: LISTING_EXCLUDE_ELEMENTS.join(","),
      excludeFields: LISTING_EXCLUDE_FIELDS.join(","),
    });
  });
});

describe("KeySet", () => {
  interface KeySetCase {
    name: string;
    added: string[];
    absent: string[];
  }
  it.each<KeySetCase>([
    {
      name: "small numeric keys",
      added: ["1", "2", "7", "8", "1023", "1024"],
      absent: ["0", "3", "9", "1025"],
    },
    {
      name: "keys far apart (the bitmap grows)",
      added: ["5", "400000", "67108863"],
      absent: ["6", "399999", "67108862"],
    },
    {
      name: "non-numeric and huge keys",
      added: ["abc", "67108864", "999999999999999", "1.5"],
      absent: ["abd", "67108865", "1"],
    },
    {
      // Only a key that is digits throughout is a number; "a1" and "1a" must not both become NaN.
      name: "keys with digits at one end only stay distinct",
      added: ["a1", "1a"],
      absent: ["b2", "2b", "1", "a"],
    },
    { name: "leading zeros name the same key, as compactKey does", added: ["007"], absent: ["70", "0"] },
  ])("$name", ({ added, absent }) => {
    const set = new KeySet();
    for (const key of added) expect(set.has(key)).toBe(false);
    for (const key of added) set.add(key);
    for (const key of added) expect(set.has(key)).toBe(true);
    for (const key of absent) expect(set.has(key)).toBe(false);
  });

  it("treats keys as compactKey does", () => {
    const set = new KeySet();
    set.add("7");
    expect(set.has("007")).toBe(true);
  });
});
