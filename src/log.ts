// The server's structured logger. Secrets are redacted by key wherever they might appear, and
// URLs are logged through the Plex client's sanitiser, so a token never reaches a log line.
import pino, { type Logger } from "pino";

export type { Logger };

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

export function createLogger(level: string, destination?: pino.DestinationStream): Logger {
  return pino({ level, redact: { paths: REDACT_PATHS, censor: "[redacted]" } }, destination);
}
