// A plain HTTP proxy in front of the emulator that answers chosen requests itself: an item that
// disappears, a token that stops working. The scan talks to it as it would to Plex; nothing of
// the app is replaced. WebSocket upgrades are not forwarded (inject a listener for events).
import { createServer, request } from "node:http";
import type { AddressInfo } from "node:net";

export interface ProxiedRequest {
  method: string;
  path: string;
}

/** Returns a status to answer with, or undefined to pass the request through. */
export type ProxyRule = (req: ProxiedRequest) => number | undefined;

export interface FaultProxy {
  url: string;
  /** Every request, in order, with the status the proxy itself answered (if any). */
  log: (ProxiedRequest & { answered?: number })[];
  close(): Promise<void>;
}

export async function faultProxy(target: string, rule: ProxyRule): Promise<FaultProxy> {
  const log: FaultProxy["log"] = [];
  const server = createServer((req, res) => {
    const url = new URL(req.url ?? "/", target);
    const seen: ProxiedRequest = { method: req.method ?? "GET", path: url.pathname };
    const answered = rule(seen);
    log.push(answered === undefined ? seen : { ...seen, answered });
    if (answered !== undefined) {
      req.resume();
      res.writeHead(answered, { "Content-Type": "text/plain" }).end();
      return;
    }
    const upstream = request(url, { method: req.method, headers: req.headers }, (up) => {
      res.writeHead(up.statusCode ?? 502, up.headers);
      up.pipe(res);
    });
    upstream.on("error", () => res.destroy());
    req.pipe(upstream);
  });
  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
  const { port } = server.address() as AddressInfo;
  return {
    url: `http://127.0.0.1:${port}`,
    log,
    close: () =>
      new Promise((resolve) => {
        server.closeAllConnections();
        server.close(() => resolve());
      }),
  };
}
