/** Everything a route handler needs, bundled once per emulator instance. */
import type { IncomingMessage, ServerResponse } from "node:http";
import type { FaultState } from "./faults.js";
import type { Catalogue } from "./matches.js";
import type { NotificationHub } from "./notifications.js";
import type { RefreshQueue } from "./refresh-queue.js";
import type { Renderer } from "./render.js";
import type { Format } from "./respond.js";
import type { Store } from "./store.js";

export interface EmulatorContext {
  store: Store;
  render: Renderer;
  queue: RefreshQueue;
  hub: NotificationHub;
  catalogue: Catalogue;
  faults: FaultState;
  serverName: string;
  version: string;
  startedAt: number;
  counters: { refreshes: number; matches: number };
}

export interface RouteRequest {
  req: IncomingMessage;
  res: ServerResponse;
  /** Path parameters captured by the route pattern. */
  params: string[];
  query: URLSearchParams;
  format: Format;
}

export type Handler = (ctx: EmulatorContext, r: RouteRequest) => void | Promise<void>;

export interface Route {
  method: "GET" | "PUT" | "POST" | "DELETE";
  /** Stable route name for stats, e.g. "GET /library/metadata/:id". */
  name: string;
  pattern: RegExp;
  handler: Handler;
}

/** Thrown by handlers to answer with a PMS-style HTML error page. */
export class HttpError extends Error {
  constructor(readonly status: number) {
    super(`HTTP ${status}`);
  }
}

export const PMS_CONTAINER = {
  identifier: "com.plexapp.plugins.library",
  mediaTagPrefix: "/system/bundle/media/flags/",
  mediaTagVersion: 1734362283,
} as const;
