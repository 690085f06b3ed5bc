// Open connections per client address. Without a cap one client holding many half-sent requests
// fills the server's whole connection limit and locks everyone out (audit finding 5). Behind
// nginx every client arrives from 127.0.0.1, so loopback and the proxies PSR_TRUST_PROXY names
// get a higher cap than a single browser needs.
import { BlockList, isIPv4, isIPv6, type Server, type Socket } from "node:net";
import type { TrustProxy } from "../config/env.js";

export interface ConnectionCaps {
  /** For an ordinary client address. */
  perClient: number;
  /** For loopback and the trusted proxies, where many users share one address. */
  perProxy: number;
}

/** proxy-addr's names for address ranges (the names PSR_TRUST_PROXY accepts). */
const NAMED_RANGES: Record<string, [string, number, "ipv4" | "ipv6"][]> = {
  loopback: [
    ["127.0.0.0", 8, "ipv4"],
    ["::1", 128, "ipv6"],
  ],
  linklocal: [
    ["169.254.0.0", 16, "ipv4"],
    ["fe80::", 10, "ipv6"],
  ],
  uniquelocal: [
    ["10.0.0.0", 8, "ipv4"],
    ["172.16.0.0", 12, "ipv4"],
    ["192.168.0.0", 16, "ipv4"],
    ["fc00::", 7, "ipv6"],
  ],
};

/** IPv4 clients of a dual-stack socket show up as ::ffff:a.b.c.d. */
export function plainAddress(address: string): string {
  return address.toLowerCase().startsWith("::ffff:") && isIPv4(address.slice(7)) ? address.slice(7) : address;
}

/** Loopback always, and the addresses PSR_TRUST_PROXY lists (a hop count names none). */
export function proxyAddresses(trust: TrustProxy): BlockList {
  const list = new BlockList();
  const entries = ["loopback", ...(Array.isArray(trust) ? trust : [])];
  for (const entry of entries) {
    for (const [network, bits, family] of NAMED_RANGES[entry] ?? []) list.addSubnet(network, bits, family);
    if (NAMED_RANGES[entry]) continue;
    const [address = "", bits] = entry.split("/");
    const family = isIPv6(address) ? "ipv6" : "ipv4";
    if (!isIPv4(address) && !isIPv6(address)) continue; // config validation has refused it already
    if (bits === undefined) list.addAddress(address, family);
    else list.addSubnet(address, Number(bits), family);
  }
  return list;
}

/** The cap for one address. */
export function capFor(address: string, proxies: BlockList, caps: ConnectionCaps): number {
  const plain = plainAddress(address);
  const family = isIPv6(plain) ? "ipv6" : "ipv4";
  return isIPv4(plain) || isIPv6(plain)
    ? proxies.check(plain, family)
      ? caps.perProxy
      : caps.perClient
    : caps.perClient;
}

/**
 * Counts each address's open connections and destroys a new one over its cap at once, before
 * it can hold a slot. `onRefused` is told once each time an address goes over its cap.
 */
export function limitConnectionsPerAddress(
  server: Server,
  options: {
    caps: ConnectionCaps;
    trustProxy: TrustProxy;
    onRefused?: (address: string, cap: number) => void;
  },
): void {
  const proxies = proxyAddresses(options.trustProxy);
  const open = new Map<string, { count: number; refusing: boolean }>();
  server.on("connection", (socket: Socket) => {
    const address = plainAddress(socket.remoteAddress ?? "unknown");
    const cap = capFor(address, proxies, options.caps);
    const entry = open.get(address) ?? { count: 0, refusing: false };
    if (entry.count >= cap) {
      if (!entry.refusing) options.onRefused?.(address, cap);
      entry.refusing = true;
      open.set(address, entry);
      socket.destroy();
      return;
    }
    entry.count++;
    entry.refusing = false;
    open.set(address, entry);
    socket.once("close", () => {
      entry.count--;
      if (entry.count === 0) open.delete(address);
    });
  });
}
