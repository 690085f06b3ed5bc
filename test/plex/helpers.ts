// Loopback HTTP servers and fixtures for the Plex client tests (real sockets on 127.0.0.1).
import { readFileSync } from "node:fs";
import { createServer, type IncomingMessage, type ServerResponse } from "node:http";
import type { AddressInfo } from "node:net";
import path from "node:path";
import { PlexClient, type PlexClientOptions, type PlexRequestLogEvent } from "../../src/plex/index.js";

import { FIXTURES } from "../helpers/fixtures.js";

export { FIXTURES, repoRoot } from "../helpers/fixtures.js";

/** Distinctive, so that a leak anywhere is easy to find. */
export const TOKEN = "tok-SECRET-7f3a9c-DO-NOT-LEAK";

export function fixture(name: string): string {
  return readFileSync(path.join(FIXTURES, name), "utf8");
}

export interface Recorded {
  method: string;
  url: string;
  headers: IncomingMessage["headers"];
}

export interface TestServer {
  url: string;
  port: number;
  requests: Recorded[];
  close(): Promise<void>;
}

export type Handler = (req: IncomingMessage, res: ServerResponse, recorded: Recorded) => void | Promise<void>;

export async function startServer(handler: Handler): Promise<TestServer> {
  const requests: Recorded[] = [];
  const server = createServer((req, res) => {
    const recorded = { method: req.method ?? "", url: req.url ?? "", headers: req.headers };
    requests.push(recorded);
    Promise.resolve(handler(req, res, recorded)).catch((error) => {
      res.statusCode = 599;
      res.end(String(error));
    });
  });
  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
  const { port } = server.address() as AddressInfo;
  return {
    url: `http://127.0.0.1:${port}`,
    port,
    requests,
    close: () =>
      new Promise<void>((resolve) => {
        server.closeAllConnections();
        server.close(() => resolve());
      }),
  };
}

/** A port on which nothing listens. */
export async function closedPort(): Promise<number> {
  const server = createServer();
  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
  const { port } = server.address() as AddressInfo;
  await new Promise<void>((resolve) => server.close(() => resolve()));
  return port;
}

export function sendJson(res: ServerResponse, body: unknown, status = 200): void {
  res.writeHead(status, { "content-type": "application/json" });
  res.end(typeof body === "string" ? body : JSON.stringify(body));
}

export function sendXml(res: ServerResponse, body: string, status = 200): void {
  res.writeHead(status, { "content-type": "text/xml;charset=utf-8" });
  res.end(body);
}

export const UNAUTHORIZED_HTML =
  "<html><head><title>Unauthorized</title></head><body><h1>401 Unauthorized</h1></body></html>";

export function makeClient(
  baseUrl: string,
  extra: Partial<PlexClientOptions> = {},
): { client: PlexClient; logs: PlexRequestLogEvent[] } {
  const logs: PlexRequestLogEvent[] = [];
  const client = new PlexClient({
    baseUrl,
    token: TOKEN,
    timeoutMs: 2000,
    retryBaseMs: 5,
    clientIdentifier: "test-client",
    log: (event) => logs.push(event),
    ...extra,
  });
  return { client, logs };
}

/** Header or query value of a paging parameter, as the server would read it. */
export function pagingHeader(req: IncomingMessage, name: string): number | undefined {
  const value = req.headers[name.toLowerCase()];
  return typeof value === "string" ? Number(value) : undefined;
}
