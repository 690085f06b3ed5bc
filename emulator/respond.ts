/**
 * Writes responses the way PMS does: XML unless the client asks for JSON, HTML bodies for
 * errors, and large listings streamed in chunks so a full 100,000-item listing never has to
 * exist as one string.
 */
import type { IncomingMessage, ServerResponse } from "node:http";
import type { AttrValue, El } from "./el.js";
import { elementToJson } from "./serialize-json.js";
import { elementToXml, openTag, XML_PROLOG } from "./serialize-xml.js";

export type Format = "xml" | "json";

export function formatOf(req: IncomingMessage): Format {
  const accept = req.headers.accept ?? "";
  return accept.includes("application/json") ? "json" : "xml";
}

export const CONTENT_TYPE: Record<Format, string> = {
  xml: "text/xml;charset=utf-8",
  json: "application/json",
};

const BASE_HEADERS = {
  "X-Plex-Protocol": "1.0",
  "Cache-Control": "no-cache",
  "Access-Control-Allow-Origin": "*",
  Vary: "Origin, X-Plex-Token",
};

const STATUS_TEXT: Record<number, string> = {
  400: "Bad Request",
  401: "Unauthorized",
  403: "Forbidden",
  404: "Not Found",
  405: "Method Not Allowed",
  413: "Request Entity Too Large",
  500: "Internal Server Error",
  503: "Service Unavailable",
};

/** PMS answers errors with a small HTML page, never XML or JSON (REFERENCE §1.3). */
export function htmlError(status: number): string {
  const text = STATUS_TEXT[status] ?? "Error";
  return `<html><head><title>${text}</title></head><body><h1>${status} ${text}</h1></body></html>`;
}

export function sendError(res: ServerResponse, status: number): void {
  if (res.headersSent) {
    res.destroy();
    return;
  }
  const body = htmlError(status);
  res.writeHead(status, {
    ...BASE_HEADERS,
    "Content-Type": "text/html",
    "Content-Length": Buffer.byteLength(body),
  });
  res.end(body);
}

/** PUT actions answer 200 with an empty body. */
export function sendEmpty(res: ServerResponse): void {
  res.writeHead(200, { ...BASE_HEADERS, "Content-Length": 0 });
  res.end();
}

export function sendBytes(res: ServerResponse, contentType: string, body: Buffer): void {
  res.writeHead(200, { ...BASE_HEADERS, "Content-Type": contentType, "Content-Length": body.length });
  res.end(body);
}

export interface ContainerBody {
  attrs: Record<string, AttrValue>;
  /** Non-item children written before the items (Meta, the "All episodes" Directory…). */
  head?: El[];
  /** Items; every item shares one JSON key (normally "Metadata"). */
  items?: Iterable<El>;
  headers?: Record<string, string>;
}

const CHUNK = 64 * 1024;

function write(res: ServerResponse, chunk: string): Promise<void> | undefined {
  if (res.write(chunk)) return undefined;
  return new Promise((resolve) => {
    const done = () => {
      res.off("drain", done);
      res.off("close", done);
      resolve();
    };
    res.on("drain", done);
    res.on("close", done);
  });
}

export async function sendContainer(res: ServerResponse, format: Format, body: ContainerBody): Promise<void> {
  res.writeHead(200, { ...BASE_HEADERS, "Content-Type": CONTENT_TYPE[format], ...body.headers });
  const container: El = { tag: "MediaContainer", attrs: body.attrs, children: body.head ?? [] };
  let buf: string;
  let tail: string;
  let first = true;
  let itemPrefix: (e: El) => string;
  let itemText: (e: El) => string;
  if (format === "xml") {
    buf = `${XML_PROLOG}${openTag(container, false)}\n`;
    for (const c of body.head ?? []) buf += elementToXml(c);
    tail = "</MediaContainer>\n";
    itemPrefix = () => "";
    itemText = elementToXml;
  } else {
    const head = JSON.stringify(elementToJson(container));
    buf = `{"MediaContainer":${head.slice(0, -1)}`;
    tail = first ? "}}" : "]}}";
    itemPrefix = (e) => (first ? `${head.length > 2 ? "," : ""}${JSON.stringify(e.json ?? e.tag)}:[` : ",");
    itemText = (e) => JSON.stringify(elementToJson(e));
  }
  for (const item of body.items ?? []) {
    buf += itemPrefix(item) + itemText(item);
    first = false;
    if (buf.length >= CHUNK) {
      const wait = write(res, buf);
      buf = "";
      if (wait) await wait;
      if (res.destroyed) return;
    }
  }
  if (format === "json") tail = first ? "}}" : "]}}";
  res.end(buf + tail);
}
