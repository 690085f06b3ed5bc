/** Shared helpers for the emulator tests: real HTTP, XML parsing, a websocket recorder. */
import { XMLParser } from "fast-xml-parser";
import WebSocket from "ws";
import { type EmulatorHandle, type EmulatorOptions, startEmulator } from "../../emulator/index.js";

export async function start(opts: EmulatorOptions = {}): Promise<EmulatorHandle> {
  return startEmulator({ items: 300, seed: 7, ...opts });
}

export interface Got {
  status: number;
  headers: Headers;
  text: string;
}

export async function get(
  h: EmulatorHandle,
  path: string,
  init: { headers?: Record<string, string>; method?: string; token?: string | null } = {},
): Promise<Got> {
  const headers: Record<string, string> = { ...init.headers };
  if (init.token !== null) headers["X-Plex-Token"] = init.token ?? h.token;
  const res = await fetch(h.url + path, { method: init.method ?? "GET", headers });
  return { status: res.status, headers: res.headers, text: await res.text() };
}

export async function getJson(h: EmulatorHandle, path: string, headers: Record<string, string> = {}) {
  const r = await get(h, path, { headers: { Accept: "application/json", ...headers } });
  if (r.status !== 200) throw new Error(`${path} -> ${r.status}`);
  return JSON.parse(r.text) as {
    MediaContainer: Record<string, unknown> & { Metadata?: Record<string, unknown>[] };
  };
}

export const put = (h: EmulatorHandle, path: string) => get(h, path, { method: "PUT" });

/** Parses XML the way the tests inspect it: attributes kept as strings, children as arrays. */
export const xmlParser = new XMLParser({
  ignoreAttributes: false,
  attributeNamePrefix: "",
  parseAttributeValue: false,
  isArray: (name, _jpath, _leaf, isAttribute) => !isAttribute && name !== "MediaContainer",
});

export interface XmlNode {
  [key: string]: string | XmlNode[] | undefined;
}

export function parseXml(text: string): XmlNode {
  const doc = xmlParser.parse(text) as { MediaContainer?: XmlNode };
  if (!doc.MediaContainer) throw new Error(`no MediaContainer in ${text.slice(0, 200)}`);
  return doc.MediaContainer;
}

export function kids(node: XmlNode, tag: string): XmlNode[] {
  const v = node[tag];
  return Array.isArray(v) ? v : [];
}

export interface Frame {
  at: number;
  data: { NotificationContainer: { type: string; size: number; [k: string]: unknown } };
}

/** Connects to the notification websocket and records every frame. */
export async function listen(
  h: EmulatorHandle,
  query = "",
): Promise<{ frames: Frame[]; ws: WebSocket; close(): void }> {
  const url = `${h.url.replace("http", "ws")}/:/websockets/notifications?X-Plex-Token=${h.token}${query}`;
  const ws = new WebSocket(url);
  const frames: Frame[] = [];
  ws.on("message", (buf) => frames.push({ at: Date.now(), data: JSON.parse(String(buf)) }));
  await new Promise<void>((resolve, reject) => {
    ws.once("open", () => resolve());
    ws.once("error", reject);
  });
  return { frames, ws, close: () => ws.close() };
}

export async function waitFor(cond: () => boolean, timeoutMs = 10_000): Promise<void> {
  const end = Date.now() + timeoutMs;
  while (!cond()) {
    if (Date.now() > end) throw new Error("timed out");
    await new Promise((r) => setTimeout(r, 10));
  }
}
