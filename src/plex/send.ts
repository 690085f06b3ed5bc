// One HTTP exchange with Plex over node:http(s): request out, whole (optionally capped) body in.
// Not fetch: undici registers every request and response with finalizers and weak references,
// which the young-generation collector treats as strong, so a whole-library scan carried each
// request's objects into the old generation, tens of megabytes in a 450,000-item dry run
// (issue 10 §6). Redirects are not followed (a redirect must never take the token elsewhere).
import http from "node:http";
import https from "node:https";
import type { Readable } from "node:stream";
import { createGunzip } from "node:zlib";

export interface SendInit {
  method: string;
  headers: Record<string, string>;
  signal: AbortSignal;
  /** Refuse a body larger than this (declared or received); `tooLarge` makes the error. */
  maxBytes?: number | undefined;
  tooLarge: () => Error;
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
          const declared = Number(res.headers["content-length"]);
          const gzip = /^\s*(x-)?gzip\s*$/i.test(res.headers["content-encoding"] ?? "");
          if (maxBytes !== undefined && !gzip && Number.isFinite(declared) && declared > maxBytes) {
            fail(init.tooLarge());
            return;
          }
          const body: Readable = gzip ? res.pipe(createGunzip()) : res;
          const chunks: Buffer[] = [];
          let total = 0;
          body.on("data", (chunk: Buffer) => {
            total += chunk.length;
            if (maxBytes !== undefined && total > maxBytes) {
              if (gzip) body.destroy();
              fail(init.tooLarge());
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
      req.end();
    });
}
