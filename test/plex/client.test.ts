// Client behaviour over real loopback sockets: headers, errors, retries, timeouts, aborts, and
// that the token never leaks into a URL, an error or a log line.
import { gzipSync } from "node:zlib";
import { afterEach, describe, expect, it } from "vitest";
import {
  PlexAuthError,
  PlexError,
  PlexHttpError,
  PlexNotFoundError,
  type PlexRequestLogEvent,
  PlexResponseError,
  PlexUnreachableError,
} from "../../src/plex/index.js";
import {
  closedPort,
  makeClient,
  sendJson,
  sendXml,
  startServer,
  type TestServer,
  TOKEN,
  UNAUTHORIZED_HTML,
} from "./helpers.js";

const servers: TestServer[] = [];
async function serve(...args: Parameters<typeof startServer>): Promise<TestServer> {
  const server = await startServer(...args);
  servers.push(server);
  return server;
}
afterEach(async () => {
  await Promise.all(servers.splice(0).map((s) => s.close()));
});

function expectNoToken(error: unknown, logs: PlexRequestLogEvent[]): void {
  expect(error).toBeInstanceOf(PlexError);
  const e = error as PlexError;
  expect(e.message).not.toContain(TOKEN);
  expect(e.url).not.toContain(TOKEN);
  expect(String(e.stack)).not.toContain(TOKEN);
  expect(JSON.stringify(logs)).not.toContain(TOKEN);
  expect(e.message).not.toContain("\n");
}

async function caught(promise: Promise<unknown>): Promise<unknown> {
  try {
    await promise;
  } catch (error) {
    return error;
  }
  throw new Error("expected a rejection");
}

describe("requests", () => {
  it("sends the token and identification only as headers", async () => {
    const server = await serve((_req, res) =>
      sendJson(res, { MediaContainer: { machineIdentifier: "m", version: "1" } }),
    );
    // A token pasted into PLEX_URL is dropped, not sent in every URL.
    const { client, logs } = makeClient(`${server.url}/?X-Plex-Token=${TOKEN}`, { version: "9.9.9" });
    await client.identity();
    const [req] = server.requests;
    expect(req?.url).toBe("/identity");
    expect(req?.headers["x-plex-token"]).toBe(TOKEN);
    expect(req?.headers.accept).toBe("application/json");
    expect(req?.headers["x-plex-client-identifier"]).toBe("test-client");
    expect(req?.headers["x-plex-product"]).toBe("Plex Smart Refresher");
    expect(req?.headers["x-plex-version"]).toBe("9.9.9");
    expect(req?.headers["x-plex-platform"]).toBeTruthy();
    expect(req?.headers["x-plex-device-name"]).toBeTruthy();
    expect(logs).toEqual([
      { method: "GET", url: `${server.url}/identity`, status: 200, ms: expect.any(Number), attempt: 1 },
    ]);
    expect(client.baseUrl).not.toContain(TOKEN);
  });

  it("builds the listing, count, matches and action URLs", async () => {
    const server = await serve((req, res) => {
      if (req.method === "PUT") {
        res.writeHead(200, { "content-type": "text/html" }).end();
        return;
      }
      if (req.url?.includes("/matches")) {
        sendJson(res, {
          MediaContainer: {
            size: 2,
            SearchResult: [
              { guid: "plex://movie/a", name: "Alien", year: 1979, score: 100, thumb: "" },
              { guid: "plex://movie/b", name: "Aliens", year: "1986" },
            ],
          },
        });
        return;
      }
      sendJson(res, { MediaContainer: { size: 0, totalSize: 42 } });
    });
    const { client } = makeClient(server.url);
    expect(await client.count("1", { type: 1, addedSince: 1_700_000_000 })).toBe(42);
    const countReq = server.requests.at(-1);
    expect(countReq?.headers["x-plex-container-size"]).toBe("0");
    expect(countReq?.url).toBe("/library/sections/1/all?type=1&addedAt%3E%3E=1700000000");

    const results = await client.matches("55", { title: "Alien", year: 1979 });
    expect(results).toEqual([
      { guid: "plex://movie/a", name: "Alien", year: 1979, score: 100 },
      { guid: "plex://movie/b", name: "Aliens", year: 1986 },
    ]);
    expect(server.requests.at(-1)?.url).toBe("/library/metadata/55/matches?manual=1&title=Alien&year=1979");
    await client.matches("55");
    expect(server.requests.at(-1)?.url).toBe("/library/metadata/55/matches?manual=1");

    await client.refresh("55");
    await client.match("55", { guid: "plex://movie/a", name: "Alien & Co", year: 1979 });
    await client.unmatch("55");
    expect(server.requests.slice(-3).map((r) => `${r.method} ${r.url}`)).toEqual([
      "PUT /library/metadata/55/refresh",
      "PUT /library/metadata/55/match?guid=plex%3A%2F%2Fmovie%2Fa&name=Alien+%26+Co&year=1979",
      "PUT /library/metadata/55/unmatch",
    ]);
  });

  it("matches with zero results → []", async () => {
    const server = await serve((_req, res) => sendJson(res, { MediaContainer: { size: 0 } }));
    const { client } = makeClient(server.url);
    expect(await client.matches("1")).toEqual([]);
  });

  it("metadata: chunks, 404 for missing keys gives absent items", async () => {
    const server = await serve((req, res) => {
      const keys = (req.url ?? "").split("?")[0]?.replace("/library/metadata/", "").split(",") ?? [];
      const found = keys.filter((k) => Number(k) % 2 === 0);
      if (found.length === 0) {
        res.writeHead(404, { "content-type": "text/html" }).end("<html><body>404</body></html>");
        return;
      }
      sendJson(res, {
        MediaContainer: { Metadata: found.map((k) => ({ ratingKey: k, type: "movie", title: k })) },
      });
    });
    const { client } = makeClient(server.url);
    const keys = Array.from({ length: 120 }, (_, i) => String(i + 1));
    const items = await client.metadata(keys);
    expect(items.map((i) => i.ratingKey).sort((a, b) => Number(a) - Number(b))).toEqual(
      keys.filter((k) => Number(k) % 2 === 0),
    );
    expect(server.requests).toHaveLength(3); // 50 + 50 + 20
    expect(await client.metadata(["7"])).toEqual([]);
    expect(await client.metadata([])).toEqual([]);
  });

  it("parses an XML answer to a JSON request", async () => {
    const server = await serve((_req, res) =>
      sendXml(
        res,
        '<MediaContainer size="1"><Video ratingKey="5" type="movie" title="X" year="2001"/></MediaContainer>',
      ),
    );
    const { client } = makeClient(server.url);
    expect(await client.metadata(["5"])).toEqual([
      {
        ratingKey: "5",
        key: "/library/metadata/5",
        type: "movie",
        title: "X",
        year: 2001,
        guids: [],
        lockedFields: [],
        files: [],
        locations: [],
      },
    ]);
  });

  it("thumb returns bytes and content type, and refuses absolute URLs", async () => {
    const png = Buffer.from([0x89, 0x50, 0x4e, 0x47]);
    const server = await serve((_req, res) => {
      res.writeHead(200, { "content-type": "image/png" }).end(png);
    });
    const { client } = makeClient(server.url);
    const image = await client.thumb("/library/metadata/1/thumb/123");
    expect(image.contentType).toBe("image/png");
    expect(Buffer.from(image.body)).toEqual(png);
    await client.thumb("/library/metadata/1/thumb/123", { width: 200, height: 300 });
    expect(server.requests.at(-1)?.url).toBe(
      "/photo/:/transcode?width=200&height=300&minSize=1&upscale=1&url=%2Flibrary%2Fmetadata%2F1%2Fthumb%2F123",
    );
    await expect(client.thumb("http://evil.example/x")).rejects.toThrow(TypeError);
    await expect(client.thumb("//evil.example/x")).rejects.toThrow(TypeError);
  });

  it("photo asks this server's transcoder for a candidate's remote poster, and nothing else", async () => {
    const server = await serve((_req, res) => {
      res.writeHead(200, { "content-type": "image/png" }).end(Buffer.from([0x89]));
    });
    const { client } = makeClient(server.url);
    await client.photo("https://metadata-static.plex.tv/a/b.jpg", { width: 100, height: 150 });
    expect(server.requests.at(-1)?.url).toBe(
      "/photo/:/transcode?width=100&height=150&minSize=1&upscale=1&url=https%3A%2F%2Fmetadata-static.plex.tv%2Fa%2Fb.jpg",
    );
    await client.photo("/library/metadata/1/thumb/9");
    expect(server.requests.at(-1)?.url).toBe("/library/metadata/1/thumb/9");
    for (const bad of ["//evil.example/x", "file:///etc/passwd", "ftp://h/x", "http://user:pw@h/x", "x.png"])
      await expect(client.photo(bad), bad).rejects.toThrow(TypeError);
    expect(server.requests).toHaveLength(2);
  });
});

describe("errors", () => {
  it("401 with an HTML body → PlexAuthError, not retried, body not parsed", async () => {
    const server = await serve((_req, res) => {
      res.writeHead(401, { "content-type": "text/html" }).end(UNAUTHORIZED_HTML);
    });
    const { client, logs } = makeClient(server.url);
    const error = await caught(client.sections());
    expect(error).toBeInstanceOf(PlexAuthError);
    expect((error as PlexAuthError).message).toBe("Plex rejected the token (401): check PLEX_TOKEN");
    expect(server.requests).toHaveLength(1);
    expectNoToken(error, logs);
  });

  it("404 → PlexNotFoundError", async () => {
    const server = await serve((_req, res) => {
      res.writeHead(404, { "content-type": "text/html" }).end("<html>Not Found</html>");
    });
    const { client, logs } = makeClient(server.url);
    const error = await caught(client.children("999"));
    expect(error).toBeInstanceOf(PlexNotFoundError);
    expect((error as PlexNotFoundError).url).toContain("/library/metadata/999/children");
    expect(server.requests).toHaveLength(1);
    expectNoToken(error, logs);
  });

  it("other 4xx → PlexHttpError with status, never retried", async () => {
    const server = await serve((_req, res) => {
      res.writeHead(400).end("bad");
    });
    const { client } = makeClient(server.url);
    const error = await caught(client.refresh("1"));
    expect(error).toBeInstanceOf(PlexHttpError);
    expect((error as PlexHttpError).status).toBe(400);
    expect(server.requests).toHaveLength(1);
  });

  it("closed port → PlexUnreachableError with the reason", async () => {
    const port = await closedPort();
    const { client, logs } = makeClient(`http://127.0.0.1:${port}`, { retries: 1 });
    const error = await caught(client.server());
    expect(error).toBeInstanceOf(PlexUnreachableError);
    expect((error as Error).message).toBe(
      `Plex is unreachable at http://127.0.0.1:${port} (connect ECONNREFUSED): check PLEX_URL and that Plex is running`,
    );
    expect((error as PlexUnreachableError).code).toBe("ECONNREFUSED");
    expect(logs.map((l) => l.attempt)).toEqual([1, 2]);
    expectNoToken(error, logs);
  });

  it("500 then 200 → retried and succeeds", async () => {
    let calls = 0;
    const server = await serve((_req, res) => {
      calls++;
      if (calls === 1) res.writeHead(500).end("database too busy");
      else sendJson(res, { MediaContainer: { Directory: [{ key: "1", title: "Movies", type: "movie" }] } });
    });
    const { client, logs } = makeClient(server.url);
    const sections = await client.sections();
    expect(sections.map((s) => s.title)).toEqual(["Movies"]);
    expect(logs.map((l) => [l.attempt, l.status])).toEqual([
      [1, 500],
      [2, 200],
    ]);
    expect(server.requests).toHaveLength(2);
  });

  it("500 forever → PlexHttpError after the retries", async () => {
    const server = await serve((_req, res) => {
      res.writeHead(503, "Service Unavailable").end();
    });
    const { client, logs } = makeClient(server.url, { retries: 2 });
    const error = await caught(client.refresh("7"));
    expect(error).toBeInstanceOf(PlexHttpError);
    expect((error as PlexHttpError).status).toBe(503);
    expect(server.requests).toHaveLength(3);
    expectNoToken(error, logs);
  });

  it("honours the timeout (and retries it)", async () => {
    const server = await serve(() => {
      // never answers
    });
    const { client, logs } = makeClient(server.url, { timeoutMs: 150, retries: 1 });
    const started = Date.now();
    const error = await caught(client.identity());
    expect(error).toBeInstanceOf(PlexUnreachableError);
    expect((error as PlexUnreachableError).code).toBe("ETIMEDOUT");
    expect((error as Error).message).toContain("no answer within 150 ms");
    expect(Date.now() - started).toBeLessThan(2000);
    expect(server.requests).toHaveLength(2);
    expectNoToken(error, logs);
  });

  it("an abort stops at once, is not retried and surfaces as the abort reason", async () => {
    const server = await serve(() => {
      // never answers
    });
    const { client } = makeClient(server.url, { timeoutMs: 10_000 });
    const controller = new AbortController();
    setTimeout(() => controller.abort(), 50);
    const started = Date.now();
    const error = await caught(client.sections({ signal: controller.signal }));
    expect(Date.now() - started).toBeLessThan(1000);
    expect(error).not.toBeInstanceOf(PlexError);
    expect((error as Error).name).toBe("AbortError");
    expect(server.requests).toHaveLength(1);
  });

  it("an abort during the back-off sleep stops the retries", async () => {
    const server = await serve((_req, res) => {
      res.writeHead(500).end();
    });
    const { client } = makeClient(server.url, { retryBaseMs: 5000 });
    const controller = new AbortController();
    const reason = new Error("scan cancelled");
    setTimeout(() => controller.abort(reason), 100);
    const started = Date.now();
    await expect(client.refresh("1", { signal: controller.signal })).rejects.toBe(reason);
    expect(Date.now() - started).toBeLessThan(1000);
    expect(server.requests).toHaveLength(1);
  });

  it("a 200 that is an HTML page → PlexResponseError", async () => {
    const server = await serve((_req, res) => {
      res.writeHead(200, { "content-type": "text/html" }).end("<html><body>router login</body></html>");
    });
    const { client } = makeClient(server.url);
    await expect(client.sections()).rejects.toBeInstanceOf(PlexResponseError);
  });

  it("identity without machineIdentifier → PlexResponseError", async () => {
    const server = await serve((_req, res) => sendJson(res, { hello: "world" }));
    const { client } = makeClient(server.url);
    await expect(client.identity()).rejects.toBeInstanceOf(PlexResponseError);
  });

  it("does not follow redirects (the token header would go along)", async () => {
    const server = await serve((_req, res) => {
      res.writeHead(302, { location: "http://127.0.0.1:1/elsewhere" }).end();
    });
    const { client } = makeClient(server.url);
    const error = await caught(client.sections());
    expect(error).toBeInstanceOf(PlexHttpError);
    expect((error as PlexHttpError).status).toBe(302);
  });
});

describe("transport (node:http, keep-alive, gzip, caps)", () => {
  const page = (n: number) =>
    JSON.stringify({
      MediaContainer: {
        size: n,
        totalSize: n,
        offset: 0,
        Metadata: Array.from({ length: n }, (_, i) => ({
          ratingKey: String(i + 1),
          type: "movie",
          title: `Film ${i + 1} – Größe`,
          thumb: `/t/${i + 1}`,
        })),
      },
    });

  it("reads a gzip answer, and reuses one connection for many requests", async () => {
    const connections = new Set<unknown>();
    const server = await serve((req, res) => {
      connections.add(req.socket);
      expect(req.headers["accept-encoding"]).toContain("gzip");
      res.writeHead(200, { "content-type": "application/json", "content-encoding": "gzip" });
      res.end(gzipSync(page(250)));
    });
    const { client } = makeClient(server.url);
    const pages = [];
    for await (const items of client.listSection("1", { pageSize: 250 })) pages.push(items);
    expect(pages.flat().map((i) => i.title)).toEqual(
      Array.from({ length: 250 }, (_, i) => `Film ${i + 1} – Größe`),
    );
    await client.count("1");
    await client.count("1");
    expect(server.requests).toHaveLength(3);
    expect(connections.size).toBe(1);
  });

  it("refuses an image over the cap, declared, streamed or compressed, and keeps nothing", async () => {
    const big = Buffer.alloc(64 * 1024, 7);
    const server = await serve((req, res) => {
      if (req.url?.includes("declared")) res.writeHead(200, { "content-length": big.length }).end(big);
      else if (req.url?.includes("gzip"))
        res.writeHead(200, { "content-encoding": "gzip" }).end(gzipSync(big));
      else {
        res.writeHead(200); // chunked, no length: only counting the bytes finds out
        res.write(big.subarray(0, 40_000));
        setTimeout(() => res.end(big.subarray(40_000)), 20);
      }
    });
    const { client } = makeClient(server.url);
    for (const path of ["/declared", "/streamed", "/gzip"]) {
      const error = await caught(client.thumb(path, { maxBytes: 50_000 }));
      expect(error, path).toBeInstanceOf(PlexResponseError);
      expect((error as Error).message).toContain("larger than");
    }
    expect(Buffer.from((await client.thumb("/declared", { maxBytes: 100_000 })).body)).toEqual(big);
  });

  it("a connection that drops mid-answer is a transport error, retried like one", async () => {
    let calls = 0;
    const server = await serve((_req, res) => {
      calls++;
      if (calls === 1) {
        res.writeHead(200, { "content-type": "application/json", "content-length": 10_000 });
        res.write('{"MediaContainer":{"size":1,');
        setTimeout(() => res.socket?.destroy(), 10);
      } else sendJson(res, { MediaContainer: { size: 0, Directory: [] } });
    });
    const { client, logs } = makeClient(server.url, { retries: 1 });
    expect(await client.sections()).toEqual([]);
    expect(calls).toBe(2);
    expect(logs[0]?.error).toBeDefined();
  });

  it("a listing with a broken item is a PlexResponseError, like any body that is not JSON", async () => {
    const server = await serve((_req, res) =>
      sendJson(res, '{"MediaContainer":{"size":2,"Metadata":[{"ratingKey":"1"},{"ratingKey":tru}]}}'),
    );
    const { client } = makeClient(server.url);
    const pages = client.listSection("1");
    await expect(pages.next()).rejects.toBeInstanceOf(PlexResponseError);
  });
});
