// Reading job logs back: the last N lines, and new complete lines from a byte offset (which
// doubles as the SSE event id, so a reconnect resumes exactly where it stopped).
import {
  closeSync,
  createReadStream,
  existsSync,
  openSync,
  type ReadStream,
  readSync,
  statSync,
} from "node:fs";

const CHUNK = 64 * 1024;

function sizeOf(path: string): number {
  try {
    return statSync(path).size;
  } catch {
    return 0;
  }
}

function readRange(path: string, start: number, end: number): Buffer {
  const length = Math.max(0, end - start);
  const buffer = Buffer.alloc(length);
  if (length === 0) return buffer;
  const fd = openSync(path, "r");
  try {
    let read = 0;
    while (read < length) {
      const n = readSync(fd, buffer, read, length - read, start + read);
      if (n === 0) break;
      read += n;
    }
    return buffer.subarray(0, read);
  } finally {
    closeSync(fd);
  }
}

/** The last `n` lines of a log, reading only as much of the file's end as needed. */
export function tailLines(path: string, n: number): string[] {
  const size = sizeOf(path);
  let start = size;
  let text = "";
  while (start > 0) {
    start = Math.max(0, start - CHUNK);
    text = readRange(path, start, size).toString("utf8");
    if (text.split("\n").length > n + 1) break;
  }
  const lines = text.split("\n").filter((l) => l !== "");
  return lines.slice(-n);
}

export interface LogChunk {
  /** Complete lines, each with the byte offset just after it. */
  lines: { text: string; end: number }[];
  /** Where the next read starts (after the last complete line). */
  next: number;
}

/** Complete lines written after byte `offset`; a partly written last line waits for the next call. */
export function readLinesFrom(path: string, offset: number, maxBytes = 1024 * 1024): LogChunk {
  const size = sizeOf(path);
  if (offset >= size) return { lines: [], next: Math.min(offset, size) };
  const buffer = readRange(path, offset, Math.min(size, offset + maxBytes));
  const lines: { text: string; end: number }[] = [];
  let start = 0;
  for (let i = buffer.indexOf(10); i !== -1; i = buffer.indexOf(10, start)) {
    lines.push({ text: buffer.subarray(start, i).toString("utf8"), end: offset + i + 1 });
    start = i + 1;
  }
  return { lines, next: offset + start };
}

/** The byte offset where the last `n` lines of a log begin (0 for a shorter log). */
export function tailOffset(path: string, n: number): number {
  const size = sizeOf(path);
  let start = size;
  while (start > 0) {
    start = Math.max(0, start - CHUNK);
    const buffer = readRange(path, start, size);
    // Newlines that end a line other than the file's last: the (n+1)-th from the end marks the start.
    let seen = 0;
    for (let i = buffer.length - 2; i >= 0; i--) {
      if (buffer[i] !== 10) continue;
      seen++;
      if (seen === n) return start + i + 1;
    }
  }
  return 0;
}

/** The whole log as a stream (for a download), or undefined when the job wrote none. */
export function openLog(path: string): ReadStream | undefined {
  return existsSync(path) ? createReadStream(path) : undefined;
}

/** The last `n` complete lines and the byte offset just after them (where a follower goes on). */
export function tailWithEnd(path: string, n: number): { lines: string[]; end: number } {
  let at = tailOffset(path, n);
  const lines: string[] = [];
  for (;;) {
    const chunk = readLinesFrom(path, at);
    for (const line of chunk.lines) lines.push(line.text);
    if (chunk.lines.length === 0 || chunk.next === at) return { lines: lines.slice(-n), end: at };
    at = chunk.next;
  }
}
