// The item action routes in process against the emulator: the detail, ignore/unignore, the
// refresh guard, and the candidate poster proxy, which must never fetch from another host.
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
  const started = await api("POST", "/api/scans", { dryRun: true });
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

  it("serves candidate posters by index through the Plex server, never from a URL a client names", async () => {
    const item = await someItem("fixed").catch(() => someItem());
    const search = await api(
      "GET",
      `/api/items/${item.ratingKey}/matches?title=${encodeURIComponent(item.title)}`,
    );
    expect(search.status).toBe(200);
    expect(search.body.candidates.length).toBeGreaterThan(0);
    expect(JSON.stringify(search.body)).not.toMatch(/https?:\/\//);
    const { searchId } = search.body;
    const n = search.body.candidates.findIndex((c: { hasPoster: boolean }) => c.hasPoster);
    expect(n).toBeGreaterThanOrEqual(0);
    fetched.length = 0;
    const poster = await api(
      "GET",
      `/api/items/${item.ratingKey}/candidates/${n}/poster?search=${searchId}&width=100`,
    );
    expect(poster.status).toBe(200);
    expect(poster.type).toBe("image/png");

    // Crafted requests: an address in the query, in the index, or a search of another item.
    const evil = "http://evil.example/x.png";
    const crafted = [
      `/api/items/${item.ratingKey}/candidates/${n}/poster?search=${searchId}&url=${encodeURIComponent(evil)}`,
      `/api/items/${item.ratingKey}/candidates/${encodeURIComponent(evil)}/poster?search=${searchId}`,
      `/api/items/${item.ratingKey}/candidates/${n}/poster?search=${encodeURIComponent(evil)}`,
      `/api/items/${item.ratingKey}/candidates/-1/poster?search=${searchId}`,
      `/api/items/${item.ratingKey}/candidates/${n}/poster?search=zz999`,
      `/api/items/1${item.ratingKey}/candidates/${n}/poster?search=${searchId}`,
      `/api/items/${item.ratingKey}/candidates/99/poster?search=${searchId}`,
    ];
    const statuses = [];
    for (const path of crafted) statuses.push((await api("GET", path)).status);
    expect(statuses).toEqual([400, 400, 400, 400, 404, 404, 404]);

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
});
