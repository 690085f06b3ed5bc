// The live log: a capped line buffer and the parsing of one job log line
// ("2026-01-01T03:30:00.000Z INFO  message", as src/jobs/job-log.ts writes it).

export const LIVE_LOG_CAP = 1000;

export type LogLevel = "info" | "warn" | "error" | "other";

export interface ParsedLogLine {
  time: string | null;
  level: LogLevel;
  message: string;
}

const LINE = /^(\d{4}-\d\d-\d\dT[\d:.]+Z)\s+(INFO|WARN|ERROR)\s+(.*)$/;

export function parseLogLine(line: string): ParsedLogLine {
  const m = LINE.exec(line);
  if (!m) return { time: null, level: "other", message: line };
  return { time: m[1]!, level: m[2]!.toLowerCase() as LogLevel, message: m[3]! };
}

/** Appends lines and keeps only the newest `cap`; returns a new array (the input is not changed). */
export function appendCapped(
  buffer: readonly string[],
  lines: readonly string[],
  cap = LIVE_LOG_CAP,
): string[] {
  if (lines.length === 0) return buffer as string[];
  const next = buffer.concat(lines);
  return next.length > cap ? next.slice(next.length - cap) : next;
}

/** Splits a downloaded log text into lines (no trailing empty line). */
export function splitLog(text: string): string[] {
  if (text === "") return [];
  const lines = text.split("\n");
  if (lines[lines.length - 1] === "") lines.pop();
  return lines;
}
