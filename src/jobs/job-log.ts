// One log file per job, under PSR_DATA_DIR/logs. Lines are written synchronously as they
// happen, so a crash loses nothing already logged, and every line passes the secret filter.
import { closeSync, openSync, writeSync } from "node:fs";
import { join } from "node:path";
import { ensurePrivateDir } from "../db/private-files.js";
import { printable } from "../log-text.js";

export type LogLevel = "info" | "warn" | "error";

export function logsDir(dataDir: string): string {
  return join(dataDir, "logs");
}

/** The log file of a job; ids are integers, so no user input ever reaches the path. */
export function jobLogPath(dataDir: string, jobId: number): string {
  if (!Number.isSafeInteger(jobId) || jobId < 0) throw new TypeError(`invalid job id ${jobId}`);
  return join(logsDir(dataDir), `scan_${jobId}.log`);
}

export function formatLogLine(at: Date, level: LogLevel, message: string): string {
  // One line per entry, no control characters: a title must not forge lines or escape sequences.
  const text = printable(message);
  return `${at.toISOString()} ${level.toUpperCase().padEnd(5)} ${text}\n`;
}

export class JobLog {
  private fd: number | undefined;

  constructor(
    readonly path: string,
    private readonly redact: (text: string) => string = (t) => t,
    private readonly onLine?: (line: string) => void,
  ) {
    ensurePrivateDir(join(path, ".."));
    this.fd = openSync(path, "a", 0o600);
  }

  write(level: LogLevel, message: string, at = new Date()): void {
    const line = formatLogLine(at, level, this.redact(message));
    if (this.fd !== undefined) writeSync(this.fd, line);
    this.onLine?.(line);
  }

  close(): void {
    if (this.fd === undefined) return;
    closeSync(this.fd);
    this.fd = undefined;
  }
}
