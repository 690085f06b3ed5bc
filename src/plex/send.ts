// One HTTP exchange with Plex over node:http(s): request out, whole capped body in.
// Not fetch: undici registers every request and response with finalizers and weak references,
// which the young-generation collector treats as strong, so a whole-library scan carried each
// request's objects into the old generation, tens of megabytes in a 450,000-item dry run
// (issue 10 §6). Redirects are not followed (a redirect must never take the token elsewhere).
import http from "node:http";
import https from "node:https";
import type { Readable, Transform } from "node:stream";
import { createBrotliDecompress, createGunzip, createInflate } from "node:zlib";

export interface SendInit {
  method: string;
  headers: Record<string, string>;
  signal: AbortSignal;
  /**
   * Refuse a body larger than this, whether declared, received or decompressed; `tooLarge`
   * makes the error. A compressed answer is capped twice: a megabyte of gzip can expand to a
   * gigabyte, and only counting what comes out of the decoder finds that out in time.
   */
  maxBytes: number;
  tooLarge: () => Error;
  /** A request body (a poster upload); none for every other call. */
  body?: Uint8Array;
}

export interface Answer {
  status: number;
  statusText: string;
  headers: { get(name: string): string | null };
  bytes: Uint8Array;
}

/** Sends a request and resolves once the whole body is in; rejects on any transport failure. */
export type Send = (url: URL, init: SendInit) => Promise<Answer>;

function headerReader(headers: http.IncomingHttpHeaders): Answer["headers"] {
  return {
    get(name) {
      const value = headers[name.toLowerCase()];
      if (value === undefined) return null;
      return Array.isArray(value) ? value.join(", ") : value;
    },
  };
}

/**
 * The decoder for a Content-Encoding, null for none. We ask for gzip only, but a proxy in front
 * of Plex may answer with deflate or br all the same; an encoding we cannot decode (or a chain
 * such as "gzip, gzip") is passed through as it is and fails to parse, still under the cap.
 */
function decoderFor(encoding: string | undefined): Transform | null {
  const name = (encoding ?? "").trim().toLowerCase();
  if (name === "gzip" || name === "x-gzip") return createGunzip();
  if (name === "deflate") return createInflate();
  if (name === "br") return createBrotliDecompress();
  return null;
}

/** A sender with its own keep-alive connections (idle ones do not keep the process alive). */
export function nodeSender(): Send {
  const agents = {
    "http:": new http.Agent({ keepAlive: true, maxFreeSockets: 8 }),
    "https:": new https.Agent({ keepAlive: true, maxFreeSockets: 8 }),
  };
  return (url, init) =>
    new Promise<Answer>((resolve, reject) => {
      let settled = false;
      const fail = (error: unknown) => {
        if (settled) return;
        settled = true;
        req.destroy();
        reject(error);
      };
      const secure = url.protocol === "https:";
      const req = (secure ? https : http).request(
        url,
        {
          method: init.method,
          // Plex compresses large answers when asked; a remote server then sends a fifth of the bytes.
          headers: { ...init.headers, "Accept-Encoding": "gzip" },
          agent: secure ? agents["https:"] : agents["http:"],
          signal: init.signal,
        },
        (res) => {
          const { maxBytes } = init;
          // A declared length over the cap is refused before a byte is read, compressed or not.
          const declared = Number(res.headers["content-length"]);
          if (Number.isFinite(declared) && declared > maxBytes) {
            fail(init.tooLarge());
            return;
          }
          const decoder = decoderFor(res.headers["content-encoding"]);
          let received = 0;
          const chunks: Buffer[] = [];
          const overCap = () => {
            chunks.length = 0;
            decoder?.destroy();
            fail(init.tooLarge());
          };
          if (decoder) {
            res.on("data", (chunk: Buffer) => {
              received += chunk.length;
              if (received > maxBytes) overCap();
            });
          }
          const body: Readable = decoder ? res.pipe(decoder) : res;
          let total = 0;
          body.on("data", (chunk: Buffer) => {
            if (settled) return;
            total += chunk.length;
            if (total > maxBytes) {
              overCap();
              return;
            }
            chunks.push(chunk);
          });
          body.on("end", () => {
            if (settled) return;
            settled = true;
            resolve({
              status: res.statusCode ?? 0,
              statusText: res.statusMessage ?? "",
              headers: headerReader(res.headers),
              bytes: chunks.length === 1 ? chunks[0]! : Buffer.concat(chunks, total),
            });
          });
          body.on("error", fail);
          res.on("error", fail);
          // A connection that closes before the body ends (Plex restarting, a time-out).
          const cut = () => fail(new Error("the connection closed before the answer ended"));
          body.on("close", cut);
          res.on("close", () => {
            if (!res.complete) cut();
          });
        },
      );
      req.on("error", fail);
      req.end(init.body);
    });
}
