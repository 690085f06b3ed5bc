/**
 * Container paging: X-Plex-Container-Start/-Size as request headers or query parameters
 * (python-plexapi uses headers, other clients the query). Without either, PMS returns the
 * whole listing and omits totalSize/offset.
 */
import type { IncomingMessage } from "node:http";

export interface Page {
  /** True when the client asked for paging (either parameter present). */
  paged: boolean;
  start: number;
  size: number;
}

function pick(req: IncomingMessage, params: URLSearchParams, name: string): string | undefined {
  const header = req.headers[name.toLowerCase()];
  const h = Array.isArray(header) ? header[0] : header;
  if (h !== undefined && h !== "") return h;
  const q = params.get(name);
  return q === null || q === "" ? undefined : q;
}

export function parsePage(req: IncomingMessage, params: URLSearchParams): Page {
  const start = pick(req, params, "X-Plex-Container-Start");
  const size = pick(req, params, "X-Plex-Container-Size");
  const s = start === undefined ? 0 : Number.parseInt(start, 10);
  const n = size === undefined ? Number.POSITIVE_INFINITY : Number.parseInt(size, 10);
  return {
    paged: start !== undefined || size !== undefined,
    start: Number.isFinite(s) && s > 0 ? s : 0,
    size: Number.isNaN(n) || n < 0 ? Number.POSITIVE_INFINITY : n,
  };
}

export interface Window<T> {
  rows: T[];
  totalSize: number;
  offset: number;
}

/** Applies a page to an already filtered and sorted list. */
export function applyPage<T>(list: readonly T[], page: Page): Window<T> {
  const end = page.size === Number.POSITIVE_INFINITY ? list.length : page.start + page.size;
  return { rows: list.slice(page.start, end), totalSize: list.length, offset: page.start };
}

/** Container attributes and response headers that describe the page. */
export function pageAttrs(page: Page, w: { rows: unknown[]; totalSize: number; offset: number }) {
  const attrs: Record<string, number> = { size: w.rows.length };
  const headers: Record<string, string> = {};
  if (page.paged) {
    attrs.totalSize = w.totalSize;
    attrs.offset = w.offset;
    headers["X-Plex-Container-Start"] = String(w.offset);
    headers["X-Plex-Container-Total-Size"] = String(w.totalSize);
  }
  return { attrs, headers };
}
