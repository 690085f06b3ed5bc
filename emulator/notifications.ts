/**
 * The notification websocket (/:/websockets/notifications). Frames are shaped like PMS's:
 * {"NotificationContainer":{"type":…,"size":n,"<Element>":[…]}} (REFERENCE §4.2).
 * Clients may narrow the stream with filters=activity,timeline or exclude with "-log".
 */
import type { IncomingMessage } from "node:http";
import type { Duplex } from "node:stream";
import { WebSocket, WebSocketServer } from "ws";
import { type Item, TYPE_NUMBER } from "./model.js";

export type NotificationType = "timeline" | "activity" | "status" | "progress" | "log" | string;

const ELEMENT: Record<string, string> = {
  timeline: "TimelineEntry",
  activity: "ActivityNotification",
  status: "StatusNotification",
  progress: "ProgressNotification",
  log: "Log",
};

interface Client {
  ws: WebSocket;
  include: Set<string> | null;
  exclude: Set<string>;
}

function parseFilters(raw: string | null): Pick<Client, "include" | "exclude"> {
  const exclude = new Set<string>();
  const include = new Set<string>();
  for (const part of (raw ?? "-log").split(",")) {
    const p = part.trim();
    if (!p) continue;
    if (p.startsWith("-")) exclude.add(p.slice(1));
    else include.add(p);
  }
  return { include: include.size > 0 ? include : null, exclude };
}

/** A timeline entry for an item changed in place: state 5 ("done"), REFERENCE §4.3. */
export function timelineUpdate(item: Item): Record<string, unknown> {
  return {
    identifier: "com.plexapp.plugins.library",
    sectionID: String(item.sectionId),
    itemID: String(item.rk),
    type: TYPE_NUMBER[item.type],
    title: item.title,
    state: 5,
    updatedAt: item.updatedAt,
  };
}

/**
 * A deleted item: state 9 with metadataState "deleted" (python-plexapi alert.py docstring;
 * Tautulli activity_handler.py treats exactly this pair as a delete, REFERENCE §4.4).
 */
export function timelineDeleted(item: Item, now: number): Record<string, unknown> {
  return {
    identifier: "com.plexapp.plugins.library",
    sectionID: String(item.sectionId),
    itemID: String(item.rk),
    type: TYPE_NUMBER[item.type],
    title: "",
    state: 9,
    metadataState: "deleted",
    updatedAt: now,
  };
}

export class NotificationHub {
  private readonly wss = new WebSocketServer({ noServer: true });
  private readonly clients = new Set<Client>();

  /** Completes an already authorised upgrade. */
  accept(req: IncomingMessage, socket: Duplex, head: Buffer, params: URLSearchParams): void {
    this.wss.handleUpgrade(req, socket, head, (ws) => {
      const client: Client = { ws, ...parseFilters(params.get("filters")) };
      this.clients.add(client);
      ws.on("close", () => this.clients.delete(client));
      ws.on("error", () => this.clients.delete(client));
      // Clients never need to send anything; ws answers their pings with pongs itself.
      ws.on("message", () => {});
    });
  }

  get connections(): number {
    return this.clients.size;
  }

  publish(type: NotificationType, entries: Record<string, unknown>[]): void {
    if (entries.length === 0 || this.clients.size === 0) return;
    const frame = JSON.stringify({
      NotificationContainer: { type, size: entries.length, [ELEMENT[type] ?? "Notification"]: entries },
    });
    for (const c of this.clients) {
      if (c.ws.readyState !== WebSocket.OPEN) continue;
      if (c.exclude.has(type) || (c.include && !c.include.has(type))) continue;
      c.ws.send(frame);
    }
  }

  /** Sends a text frame as it is, to every client (tests: malformed frames). */
  sendRaw(text: string): void {
    for (const c of this.clients) if (c.ws.readyState === WebSocket.OPEN) c.ws.send(text);
  }

  /** Drops every connection abruptly (outage) without a close handshake. */
  dropAll(): void {
    for (const c of this.clients) c.ws.terminate();
    this.clients.clear();
  }

  close(): Promise<void> {
    this.dropAll();
    return new Promise((resolve) => this.wss.close(() => resolve()));
  }
}
