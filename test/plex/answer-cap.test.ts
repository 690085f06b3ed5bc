// Every Plex answer is capped: declared, received and decompressed bytes (audit finding 4). A
// hostile or broken server on loopback sends a gzip bomb, a huge declared length or an endless
// body; the client must give up quickly with PlexAnswerTooLargeError and keep memory bounded.
import { brotliCompressSync, deflateSync, gzipSync } from "node:zlib";
import { afterAll, afterEach, beforeAll, describe, expect, it } from "vitest";
import { type EmulatorHandle, startEmulator } from "../../emulator/index.js";
import { MAX_ANSWER_BYTES, PlexAnswerTooLargeError, PlexResponseError } from "../../src/plex/index.js";
import { fixture, makeClient, sendJson, startServer, type TestServer } from "./helpers.js";

const MiB = 1_048_576;

const servers: TestServer[] = [];
async function serve(...args: Parameters<typeof startServer>): Promise<TestServer> {
  const server = await startServer(...args);
  servers.push(server);
  return server;
}
afterEach(async () => {
  await Promise.all(servers.splice(0).map((s) => s.close()));
});

/**
 * About 1 MB of gzip that expands to 1 GiB of zeros: 64 gzip members of 16 MiB each (a gzip
 * stream may hold several members, and gunzip joins them), so the gigabyte never exists here.
 */
function gzipBomb(): Buffer {
  const member = gzipSync(Buffer.alloc(16 * MiB), { level: 9 });
  return Buffer.concat(Array.from({ length: 64 }, () => member));
}

/** Runs `work` and answers the largest RSS growth seen while it ran (sampled every 5 ms). */
async function rssGrowth<T>(work: () => Promise<T>): Promise<{ result: T; growth: number }> {
  const before = process.memoryUsage.rss();
  let peak = before;
  const sampler = setInterval(() => {
    peak = Math.max(peak, process.memoryUsage.rss());
  }, 5);
  try {
    const result = await work();
    peak = Math.max(peak, process.memoryUsage.rss());
    return { result, growth: peak - before };
  } finally {
    clearInterval(sampler);
  }
}

async function settle<T>(promise: Promise<T>): Promise<unknown> {
  try {
    return await promise;
  } catch (error) {
    return error;
  }
}

describe("the answer cap", () => {
  const bomb = gzipBomb();

  it("a 1 MB gzip answer that expands to 1 GiB is refused quickly, with and without Content-Length", async () => {
    expect(bomb.length).toBeLessThan(1.2 * MiB);
    let kind = "length";
    const server = await serve((_req, res) => {
      const headers: Record<string, string | number> = {
        "content-type": "application/json",
        "content-encoding": "gzip",
      };
      if (kind === "length") {
        res.writeHead(200, { ...headers, "content-length": bomb.length }).end(bomb);
        return;
      }
      res.writeHead(200, headers); // chunked: only counting what comes out of gunzip finds it
      for (let at = 0; at < bomb.length; at += 64 * 1024) res.write(bomb.subarray(at, at + 64 * 1024));
      res.end();
    });
    const { client } = makeClient(server.url, { retries: 0 });
    for (kind of ["length", "chunked"]) {
      const started = performance.now();
      const { result: error, growth } = await rssGrowth(() => settle(client.sections()));
      const ms = performance.now() - started;
      expect(error, kind).toBeInstanceOf(PlexAnswerTooLargeError);
      expect(error).toBeInstanceOf(PlexResponseError);
      expect((error as PlexAnswerTooLargeError).code).toBe("plex_answer_too_large");
      expect((error as PlexAnswerTooLargeError).limitBytes).toBe(MAX_ANSWER_BYTES);
      expect((error as Error).message).toContain("larger than 64 MB");
      expect(growth, `${kind}: RSS grew by ${Math.round(growth / MiB)} MB`).toBeLessThan(150 * MiB);
      expect(ms, kind).toBeLessThan(5000);
      console.info(
        `gzip bomb (${kind}): refused in ${Math.round(ms)} ms, RSS +${Math.round(growth / MiB)} MB`,
      );
    }
  });

  it("a declared Content-Length over the cap is refused before the body, compressed or not", async () => {
    let closed = 0;
    let encoding = "identity";
    const server = await serve((_req, res) => {
      res.writeHead(200, {
        "content-type": "application/json",
        "content-encoding": encoding,
        "content-length": 200 * MiB,
      });
      res.write("{"); // and then nothing: waiting for the body would hang until the timeout
      res.on("close", () => {
        closed++;
      });
    });
    const { client } = makeClient(server.url, { retries: 0, timeoutMs: 10_000 });
    for (encoding of ["identity", "gzip"]) {
      const started = performance.now();
      const error = await settle(client.sections());
      expect(error, encoding).toBeInstanceOf(PlexAnswerTooLargeError);
      expect(performance.now() - started).toBeLessThan(2000);
    }
    // The client hung up rather than leave the socket to the keep-alive pool.
    await expect.poll(() => closed, { timeout: 2000 }).toBe(2);
  });

  it("an endless uncompressed body without a length stops at the cap", async () => {
    let sent = 0;
    const server = await serve((_req, res) => {
      res.writeHead(200, { "content-type": "application/json" });
      const block = Buffer.alloc(MiB, 0x20);
      const pump = () => {
        while (!res.destroyed && res.write(block)) sent += block.length;
      };
      res.on("drain", pump);
      pump();
    });
    const { client } = makeClient(server.url, { retries: 0 });
    const { result: error, growth } = await rssGrowth(() => settle(client.sections()));
    expect(error).toBeInstanceOf(PlexAnswerTooLargeError);
    expect(growth).toBeLessThan(150 * MiB);
    // It stopped soon after the cap (socket buffers hold a few MB more), not at the server's leisure.
    expect(sent).toBeLessThan(MAX_ANSWER_BYTES + 32 * MiB);
  });

  it("deflate and br answers are decoded, and capped after decoding too", async () => {
    const images = {
      "/deflate": deflateSync(Buffer.alloc(8 * MiB, 1)),
      "/br": brotliCompressSync(Buffer.alloc(8 * MiB, 1)),
    };
    const small = Buffer.from("a small poster");
    const server = await serve((req, res) => {
      const [path, size] = (req.url ?? "").split("?");
      const encoding = path === "/deflate" ? "deflate" : "br";
      const body =
        size === "size=small"
          ? encoding === "br"
            ? brotliCompressSync(small)
            : deflateSync(small)
          : images[path as keyof typeof images];
      res.writeHead(200, { "content-type": "image/jpeg", "content-encoding": encoding }).end(body);
    });
    const { client } = makeClient(server.url, { retries: 0 });
    for (const path of ["/deflate", "/br"]) {
      const error = await settle(client.thumb(path, { maxBytes: MiB }));
      expect(error, path).toBeInstanceOf(PlexAnswerTooLargeError);
      expect((error as Error).message).toContain("larger than 1 MB");
      const image = await client.thumb(`${path}?size=small`, { maxBytes: MiB });
      expect(Buffer.from(image.body).toString(), path).toBe("a small poster");
    }
  });

  it("an ordinary answer under the cap is read as before", async () => {
    const server = await serve((_req, res) => sendJson(res, fixture("library_sections.json")));
    const { client } = makeClient(server.url);
    expect((await client.sections()).length).toBeGreaterThan(0);
  });
});

describe("real answers stay far below the cap", () => {
  let emulator: EmulatorHandle;
  beforeAll(async () => {
    emulator = await startEmulator({ seed: 5, items: 700, brokenShare: 0 });
  });
  afterAll(async () => {
    await emulator?.close();
  });

  it("a 300-item page, untrimmed, from the emulator and as recorded from Plex", async () => {
    const { client } = makeClient(emulator.url, { token: emulator.token });
    const sections = await client.sections();
    const biggest = { bytes: 0, items: 0 };
    for (const section of sections) {
      for (const accept of ["application/json", "application/xml"]) {
        const res = await fetch(`${emulator.url}/library/sections/${section.id}/all?includeGuids=1`, {
          headers: {
            Accept: accept,
            "X-Plex-Token": emulator.token,
            "X-Plex-Container-Start": "0",
            "X-Plex-Container-Size": "300",
          },
        });
        const bytes = (await res.arrayBuffer()).byteLength;
        if (bytes > biggest.bytes) biggest.bytes = bytes;
      }
      let pages = 0;
      for await (const items of client.listSection(section.id, { pageSize: 300 })) {
        biggest.items = Math.max(biggest.items, items.length);
        if (++pages === 1) break;
      }
    }
    expect(biggest.items).toBe(300);
    expect(biggest.bytes).toBeLessThan(MAX_ANSWER_BYTES / 32);

    // Recorded from real servers: bytes per listed item, and one item in full (extras, cast,
    // reviews) as a batch of 50 of them would be.
    const listing = fixture("library_sections_1_all.movies.legacy-agent.json");
    const perItem = listing.length / (JSON.parse(listing).MediaContainer.Metadata as unknown[]).length;
    expect(300 * perItem).toBeLessThan(MAX_ANSWER_BYTES / 32);
    const full = fixture("library_metadata_182.movie.plex-agent-with-Guid.json").length;
    expect(50 * full).toBeLessThan(MAX_ANSWER_BYTES / 8);
    console.info(
      `largest emulator 300-item page ${Math.round(biggest.bytes / 1024)} KB; recorded: 300 items ≈ ${Math.round((300 * perItem) / 1024)} KB, 50 full items ≈ ${Math.round((50 * full) / 1024)} KB; cap ${MAX_ANSWER_BYTES / MiB} MB`,
    );
  });
});
