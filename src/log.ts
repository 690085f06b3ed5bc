// The server's structured logger. Secrets are redacted by key wherever they might appear, and
// URLs are logged through the Plex client's sanitiser, so a token never reaches a log line.
import pino, { type DestinationStream, type Logger } from "pino";
import { sanitizeUrl } from "./plex/index.js";

export type { DestinationStream, Logger };

export const REDACT_PATHS = [
  "token",
  "password",
  "plexToken",
  "apiKey",
  "*.token",
  "*.password",
  "*.plexToken",
  "*.apiKey",
  'req.headers["x-plex-token"]',
  'req.headers["x-api-key"]',
  'req.headers["x-csrf-token"]',
  "req.headers.cookie",
  "req.headers.authorization",
  'res.headers["set-cookie"]',
];

/** Query parameters whose value is a credential whatever the route: a client may put one there by mistake. */
const SECRET_QUERY_PARAM = /([?&](?:[\w.-]*token|api[_-]?key|key|password|secret)=)[^&#\s]*/gi;

/** Masks Plex tokens and any credential-like query parameter in a request URL. */
export function requestUrlForLog(url: string): string {
  return sanitizeUrl(url).replace(SECRET_QUERY_PARAM, "$1[redacted]");
}

/** Request lines carry method, path and client only; credentials in a query string are masked. */
function serializeRequest(req: { method?: string; url?: string; ip?: string; hostname?: string }) {
  return {
    method: req.method,
    url: req.url ? requestUrlForLog(req.url) : req.url,
    host: req.hostname,
    ip: req.ip,
  };
}

export function createLogger(level: string, destination?: DestinationStream): Logger {
  return pino(
    {
      level,
      redact: { paths: REDACT_PATHS, censor: "[redacted]" },
      serializers: { req: serializeRequest, err: pino.stdSerializers.err },
    },
    destination,
  );
}
