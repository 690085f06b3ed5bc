// The notification listener against a loopback ws server.
import { createServer, type IncomingMessage, type Server } from "node:http";
import type { AddressInfo } from "node:net";
import { afterEach, describe, expect, it } from "vitest";
import { type WebSocket, WebSocketServer } from "ws";
import {
  type MalformedFrame,
  PlexAuthError,
  type PlexError,
  PlexNotificationListener,
} from "../../src/plex/index.js";
import { closedPort, makeClient, TOKEN } from "./helpers.js";

interface WsServer {
  url: string;
  upgrades: IncomingMessage[];
  sockets: WebSocket[];
  /** Resolves with the next connected socket. */
  nextSocket(): Promise<WebSocket>;
  close(): Promise<void>;
}

const cleanups: Array<() => Promise<void>> = [];
afterEach(async () => {
  for (const cleanup of cleanups.splice(0).reverse()) await cleanup();
});

async function wsServer(opts: { reject?: number; autoPong?: boolean } = {}): Promise<WsServer> {
  const upgrades: IncomingMessage[] = [];
  const sockets: WebSocket[] = [];
  const waiting: Array<(ws: WebSocket) => void> = [];
  const http: Server = createServer((_req, res) => res.writeHead(404).end());
  const wss = new WebSocketServer({ noServer: true, autoPong: opts.autoPong ?? true });
  http.on("upgrade", (req, socket, head) => {
    upgrades.push(req);
    if (opts.reject) {
      socket.end(
        `HTTP/1.1 ${opts.reject} Unauthorized\r\ncontent-type: text/html\r\ncontent-length: 0\r\n\r\n`,
      );
      return;
    }
    wss.handleUpgrade(req, socket, head, (ws) => {
      sockets.push(ws);
      waiting.shift()?.(ws);
    });
  });
  await new Promise<void>((resolve) => http.listen(0, "127.0.0.1", resolve));
  const { port } = http.address() as AddressInfo;
  const server: WsServer = {
    url: `http://127.0.0.1:${port}`,
    upgrades,
    sockets,
    nextSocket: () => new Promise((resolve) => waiting.push(resolve)),
    close: async () => {
      for (const ws of wss.clients) ws.terminate();
      wss.close();
      http.closeAllConnections();
      await new Promise<void>((resolve) => http.close(() => resolve()));
    },
  };
  cleanups.push(server.close);
  return server;
}

function listen(
  baseUrl: string,
  extra: Partial<ConstructorParameters<typeof PlexNotificationListener>[0]> = {},
) {
  const listener = new PlexNotificationListener({
    baseUrl,
    token: TOKEN,
    reconnectBaseMs: 20,
    reconnectMaxMs: 100,
    ...extra,
  });
  cleanups.push(() => listener.close());
  return listener;
}

const done = (itemID: string) =>
  JSON.stringify({
    NotificationContainer: {
      type: "timeline",
      size: 1,
      TimelineEntry: [{ identifier: "com.plexapp.plugins.library", itemID, type: 1, state: 5 }],
    },
  });
const ended = (id: string) =>
  JSON.stringify({
    NotificationContainer: {
      type: "activity",
      ActivityNotification: [
        {
          event: "ended",
          Activity: { type: "library.refresh.items", Context: { key: `/library/metadata/${id}` } },
        },
      ],
    },
  });

const tick = (ms = 50) => new Promise((r) => setTimeout(r, ms));

describe("PlexNotificationListener", () => {
  it("sends the token in the upgrade header, never in the URL", async () => {
    const server = await wsServer();
    const { client } = makeClient(server.url);
    const listener = client.notifications({ reconnectBaseMs: 20 });
    cleanups.push(() => listener.close());
    const socket = server.nextSocket();
    listener.start();
    expect(await listener.waitOpen(2000)).toBe(true);
    await socket;
    expect(listener.connected).toBe(true);
    const [upgrade] = server.upgrades;
    expect(upgrade?.url).toBe("/:/websockets/notifications?filters=activity,timeline");
    expect(upgrade?.url).not.toContain(TOKEN);
    expect(upgrade?.headers["x-plex-token"]).toBe(TOKEN);
    expect(upgrade?.headers["x-plex-client-identifier"]).toBe("test-client");
    expect(listener.endpoint).not.toContain(TOKEN);
  });

  it("emits finished events, de-duplicated within the window", async () => {
    const server = await wsServer();
    const listener = listen(server.url, { dedupeMs: 300 });
    const finished: Array<[string, string]> = [];
    listener.on("finished", (key, source) => finished.push([key, source]));
    const frames: unknown[] = [];
    listener.on("notification", (frame) => frames.push(frame));
    const socket = server.nextSocket();
    listener.start();
    const ws = await socket;
    ws.send(done("10"));
    ws.send(ended("10")); // the same completion seen twice
    ws.send(done("10"));
    ws.send(done("11"));
    ws.send("not json");
    ws.send(
      JSON.stringify({
        NotificationContainer: {
          type: "timeline",
          TimelineEntry: [
            { identifier: "com.plexapp.plugins.library", itemID: "12", state: 5, metadataState: "queued" },
          ],
        },
      }),
    );
    await tick(100);
    expect(finished).toEqual([
      ["10", "timeline"],
      ["11", "timeline"],
    ]);
    expect(frames).toHaveLength(5);
    await tick(300);
    ws.send(ended("10")); // outside the window: a new completion
    await tick(100);
    expect(finished.at(-1)).toEqual(["10", "activity"]);
  });

  it("reports a repeated completion within the dedupe window once the item is forgotten", async () => {
    const server = await wsServer();
    const listener = listen(server.url, { dedupeMs: 10_000 });
    const finished: string[] = [];
    listener.on("finished", (key) => finished.push(key));
    const socket = server.nextSocket();
    listener.start();
    const ws = await socket;
    ws.send(done("20"));
    await tick();
    ws.send(done("20")); // a duplicate: swallowed
    await tick();
    expect(finished).toEqual(["20"]);
    listener.forget("20"); // a new refresh of 20 was just sent
    ws.send(done("21"));
    ws.send(done("20"));
    await tick();
    expect(finished).toEqual(["20", "21", "20"]);
  });

  it("reconnects after the server drops the socket", async () => {
    const server = await wsServer();
    const listener = listen(server.url);
    const events: string[] = [];
    listener.on("open", () => events.push("open"));
    listener.on("close", () => events.push("close"));
    const finished: string[] = [];
    listener.on("finished", (key) => finished.push(key));
    const first = server.nextSocket();
    listener.start();
    (await first).terminate();
    const second = await server.nextSocket();
    expect(await listener.waitOpen(2000)).toBe(true);
    second.send(done("30"));
    await tick();
    expect(finished).toEqual(["30"]);
    expect(events).toEqual(["open", "close", "open"]);
    expect(server.upgrades).toHaveLength(2);
  });

  it("keeps retrying while Plex is down, with errors reported", async () => {
    const port = await closedPort();
    const listener = listen(`http://127.0.0.1:${port}`);
    const errors: PlexError[] = [];
    listener.on("error", (e) => errors.push(e));
    listener.start();
    expect(await listener.waitOpen(300)).toBe(false);
    expect(errors.length).toBeGreaterThanOrEqual(2);
    expect(errors[0]?.name).toBe("PlexUnreachableError");
    for (const e of errors) expect(e.message).not.toContain(TOKEN);
  });

  it("a 401 on the upgrade is a PlexAuthError and stops retrying", async () => {
    const server = await wsServer({ reject: 401 });
    const listener = listen(server.url);
    const errors: PlexError[] = [];
    listener.on("error", (e) => errors.push(e));
    listener.start();
    expect(await listener.waitOpen(1000)).toBe(false);
    await tick(300);
    expect(server.upgrades).toHaveLength(1);
    expect(errors).toHaveLength(1);
    expect(errors[0]).toBeInstanceOf(PlexAuthError);
    expect(errors[0]?.message).toBe("Plex rejected the token (401): check PLEX_TOKEN");
    expect(errors[0]?.url).not.toContain(TOKEN);
  });

  it("detects a dead socket with ping/pong and reconnects", async () => {
    const server = await wsServer({ autoPong: false }); // a server that never answers pings
    const listener = listen(server.url, { pingIntervalMs: 50, pongTimeoutMs: 50 });
    const closes: number[] = [];
    listener.on("close", (code) => closes.push(code));
    const first = server.nextSocket();
    listener.start();
    await first;
    const second = await Promise.race([server.nextSocket(), tick(2000).then(() => undefined)]);
    expect(second).toBeDefined();
    expect(closes).toEqual([1006]); // terminated by the client after the missed pong
  });

  it("close() stops reconnecting", async () => {
    const server = await wsServer();
    const listener = listen(server.url);
    const first = server.nextSocket();
    listener.start();
    await first;
    await listener.close();
    expect(listener.connected).toBe(false);
    await tick(200);
    expect(server.upgrades).toHaveLength(1);
    expect(await listener.waitOpen(10)).toBe(false);
  });

  it("a frame over the size limit is counted as malformed, and the listener reconnects and goes on", async () => {
    const server = await wsServer();
    const listener = listen(server.url);
    const malformed: MalformedFrame[] = [];
    listener.on("malformed", (reason) => malformed.push(reason));
    const errors: PlexError[] = [];
    listener.on("error", (e) => errors.push(e));
    const finished: string[] = [];
    listener.on("finished", (key) => finished.push(key));
    const closes: number[] = [];
    listener.on("close", (code) => closes.push(code));

    // A 12 MB timeline frame, each of whose entries would be a "finished" item.
    const entries = Array.from({ length: 150_000 }, (_, i) => ({
      identifier: "com.plexapp.plugins.library",
      itemID: String(100_000 + i),
      type: 1,
      state: 5,
    }));
    const huge = JSON.stringify({ NotificationContainer: { type: "timeline", TimelineEntry: entries } });
    expect(huge.length).toBeGreaterThan(10_000_000);

    const first = server.nextSocket();
    listener.start();
    const ws = await first;
    const refused = new Promise<number>((resolve) => ws.once("close", (code) => resolve(code)));
    ws.send(done("40"));
    ws.send("not json");
    ws.send(huge);
    expect(await refused).toBe(1009); // "message too big", from the listener's side
    const second = await server.nextSocket();
    expect(await listener.waitOpen(2000)).toBe(true);
    second.send(done("41"));
    await tick(100);

    expect(malformed).toEqual(["json", "too_large"]);
    expect(finished).toEqual(["40", "41"]); // nothing of the huge frame
    expect(closes).toHaveLength(1);
    expect(errors).toEqual([]); // a bad frame is not an unreachable Plex
    expect(server.upgrades).toHaveLength(2);
  });

  it("maxFrameBytes sets the limit", async () => {
    const server = await wsServer();
    const listener = listen(server.url, { maxFrameBytes: 1000 });
    const malformed: MalformedFrame[] = [];
    listener.on("malformed", (reason) => malformed.push(reason));
    const first = server.nextSocket();
    listener.start();
    (await first).send(
      JSON.stringify({ NotificationContainer: { type: "timeline", pad: "x".repeat(1000) } }),
    );
    await server.nextSocket();
    expect(malformed).toEqual(["too_large"]);
  });
});
