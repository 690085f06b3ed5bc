// Audit finding 5: half-open connections must not lock everyone out. Each client address has a
// cap on open connections (higher for loopback and trusted proxies, where nginx sits), and a
// request whose headers never finish is closed after its own short deadline. Raw sockets against
// a real server on 127.0.0.1; the "attacker" connects from 127.0.0.2, a different address.
import { request } from "node:http";
import { connect, type Socket } from "node:net";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { capFor, plainAddress, proxyAddresses } from "../../src/http/connection-limit.js";
import { startTestServer, type TestServer } from "../helpers/server.js";

const HEADERS_TIMEOUT_MS = 1_500;
const PER_CLIENT = 4;
const PER_PROXY = 12;
const ATTACKER = "127.0.0.2";

let t: TestServer;
let port: number;
const sockets: Socket[] = [];

beforeAll(async () => {
  t = await startTestServer(
    { seed: 5, items: 5 },
    {
      GUI_PASSWORD: "connections-test-password",
      PSR_MAX_CONNECTIONS_PER_CLIENT: String(PER_CLIENT),
      PSR_MAX_CONNECTIONS_PER_PROXY: String(PER_PROXY),
    },
    { headersTimeoutMs: HEADERS_TIMEOUT_MS },
  );
  port = Number(new URL(t.server.url).port);
});
afterAll(async () => {
  for (const s of sockets) s.destroy();
  await t?.close();
});

interface HalfOpen {
  socket: Socket;
  /** Date.now() when the server closed it, once it has. */
  closedAt?: number;
  received: string;
}

/** A connection from `localAddress` that sends `text` (part of a request) and never more. */
function halfOpen(text: string, localAddress = ATTACKER): Promise<HalfOpen> {
  return new Promise((resolve, reject) => {
    const socket = connect({ host: "127.0.0.1", port, localAddress });
    sockets.push(socket);
    const h: HalfOpen = { socket, received: "" };
    socket.on("data", (chunk) => {
      h.received += chunk.toString("latin1");
    });
    socket.on("close", () => {
      h.closedAt = Date.now();
    });
    socket.on("error", () => {}); // a reset by the server is what some of these expect
    socket.once("connect", () => {
      socket.write(text);
      resolve(h);
    });
    socket.once("error", reject);
  });
}

/** GET /api/health from `localAddress`, on a fresh connection. */
function health(localAddress = "127.0.0.1"): Promise<number> {
  return new Promise((resolve, reject) => {
    const req = request(
      { host: "127.0.0.1", port, path: "/api/health", localAddress, agent: false, timeout: 3_000 },
      (res) => {
        res.resume();
        res.on("end", () => resolve(res.statusCode ?? 0));
      },
    );
    req.on("timeout", () => req.destroy(new Error("no answer within 3 s")));
    req.on("error", reject);
    req.end();
  });
}

const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

async function until(check: () => boolean, timeoutMs: number): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (!check() && Date.now() < deadline) await sleep(20);
}

describe("connection caps per address", () => {
  it("gives loopback and trusted proxies the higher cap, everyone else the client cap", () => {
    const caps = { perClient: 32, perProxy: 256 };
    const shipped = proxyAddresses(["loopback"]);
    for (const address of ["127.0.0.1", "::1", "::ffff:127.0.0.1", "127.0.0.2"])
      expect(capFor(address, shipped, caps), address).toBe(256);
    for (const address of ["192.168.1.20", "10.0.0.5", "::ffff:10.0.0.5", "2001:db8::1", "fe80::1"])
      expect(capFor(address, shipped, caps), address).toBe(32);

    // A proxy on another host (Docker's network, Traefik): the addresses PSR_TRUST_PROXY names.
    const docker = proxyAddresses(["172.16.0.0/12", "10.0.0.7", "fd00::/8"]);
    expect(capFor("172.18.0.2", docker, caps)).toBe(256);
    expect(capFor("::ffff:10.0.0.7", docker, caps)).toBe(256);
    expect(capFor("10.0.0.8", docker, caps)).toBe(32);
    expect(capFor("fd12::3", docker, caps)).toBe(256);
    expect(capFor("192.168.1.20", proxyAddresses(["uniquelocal"]), caps)).toBe(256);
    // A hop count names no address: only loopback is a proxy then.
    expect(capFor("10.0.0.5", proxyAddresses(2), caps)).toBe(32);
    expect(plainAddress("::FFFF:192.168.1.2")).toBe("192.168.1.2");
    expect(plainAddress("::ffff:abcd")).toBe("::ffff:abcd");
  });

  it("closes one address's connections over its cap at once; other clients' probes all succeed", async () => {
    // Half a request line, and headers without their blank line: both wait for more.
    const held = await Promise.all(
      Array.from({ length: PER_PROXY * 3 }, (_, i) =>
        halfOpen(i % 2 === 0 ? "GET /api/hea" : "GET /api/health HTTP/1.1\r\nHost: x\r\n"),
      ),
    );
    const connectedAt = Date.now();
    // Loopback (127.0.0.2 too) has the proxy cap, not the client cap: PER_PROXY stay open.
    await until(() => held.filter((h) => h.closedAt !== undefined).length >= PER_PROXY * 2, 1_000);
    const closedEarly = held.filter((h) => h.closedAt !== undefined);
    expect(closedEarly).toHaveLength(PER_PROXY * 2);
    for (const h of closedEarly) expect(h.closedAt! - connectedAt).toBeLessThan(HEADERS_TIMEOUT_MS / 2);

    // While the attacker holds its cap, 15 probes from another address all get through.
    const probes = await Promise.all(Array.from({ length: 15 }, () => health("127.0.0.1")));
    expect(probes).toEqual(Array(15).fill(200));
    expect(held.filter((h) => h.closedAt === undefined)).toHaveLength(PER_PROXY);
    // The over-cap connection is refused for the attacker's address only.
    await expect(health(ATTACKER)).rejects.toThrow();
  });

  it("closes a half-sent request after the header time-out, and the address may connect again", async () => {
    await until(() => sockets.every((s) => s.destroyed), 5_000); // the previous test's leftovers
    const started = Date.now();
    const slow = await Promise.all([
      halfOpen(""), // connects and says nothing
      halfOpen("GET /api/hea"),
      halfOpen("GET /api/health HTTP/1.1\r\nHost: x\r\nX-Slow: "),
    ]);
    await until(() => slow.every((h) => h.closedAt !== undefined), HEADERS_TIMEOUT_MS * 3);
    for (const h of slow) {
      expect(h.closedAt, "the server closed it").toBeDefined();
      const after = h.closedAt! - started;
      expect(after).toBeGreaterThanOrEqual(HEADERS_TIMEOUT_MS - 100);
      expect(after).toBeLessThan(HEADERS_TIMEOUT_MS * 2);
      expect(h.received).toMatch(/^HTTP\/1\.1 408 /);
    }
    // Closed connections no longer count against the address.
    expect(await health(ATTACKER)).toBe(200);
  });
});
