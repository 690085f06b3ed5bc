// Text shared by every agent's formatter: the headline, the summary lines and the small
// helpers that keep a message within limits. Pure; each agent renders these in its own markup.
import type { NotificationEvent } from "./event.js";

export const APP_NAME = "Plex Smart Refresher";
export const TEST_TEXT = `This is a test from ${APP_NAME}. If you can read this, notifications work.`;
/** Error texts are cut here: messengers have length limits, and a stack trace helps nobody. */
const MAX_ERROR_CHARS = 500;

/** "1h 2m 3s", "1m 23s", "45s". */
export function formatDuration(ms: number): string {
  const total = Math.max(0, Math.round(ms / 1000));
  const h = Math.floor(total / 3600);
  const m = Math.floor((total % 3600) / 60);
  const s = total % 60;
  if (h > 0) return `${h}h ${m}m ${s}s`;
  if (m > 0) return `${m}m ${s}s`;
  return `${s}s`;
}

/** Collapses whitespace to one line and cuts it to `max` characters. */
export function oneLine(text: string, max = MAX_ERROR_CHARS): string {
  const flat = text.replace(/\s+/g, " ").trim();
  return flat.length > max ? `${flat.slice(0, max - 1)}…` : flat;
}

export interface Headline {
  emoji: string;
  /** The title without the emoji, e.g. "Plex Smart Refresher: scan finished". */
  text: string;
  /** An ntfy tag (emoji short code) matching `emoji`. */
  tag: string;
}

export function headline(event: NotificationEvent): Headline {
  if (event.test) return { emoji: "🧪", text: `${APP_NAME}: test notification`, tag: "test_tube" };
  switch (event.kind) {
    case "scan_finished":
      return {
        emoji: "✅",
        text: `${APP_NAME}: scan finished${event.dryRun ? " (dry run)" : ""}`,
        tag: "white_check_mark",
      };
    case "scan_failed":
      return {
        emoji: "❌",
        text: `${APP_NAME}: scan ${event.status === "interrupted" ? "interrupted" : "failed"}`,
        tag: "x",
      };
    case "needs_review": {
      const n = event.stats.needsReview;
      return {
        emoji: "🔎",
        text: `${APP_NAME}: ${n} ${n === 1 ? "item needs" : "items need"} review`,
        tag: "mag",
      };
    }
  }
}

export function title(event: NotificationEvent): string {
  const h = headline(event);
  return `${h.emoji} ${h.text}`;
}

export interface SummaryLine {
  label: string;
  value: string;
}

/** The facts of a job, in reading order; the error is separate (see errorText). */
export function summaryLines(event: NotificationEvent): SummaryLine[] {
  const s = event.stats;
  const lines: SummaryLine[] = [
    { label: "Job", value: `#${event.jobId} (${event.source})` },
    { label: "Checked", value: String(s.checked) },
    { label: "Fixed", value: `${s.fixed} (matched ${s.matched})` },
  ];
  if (event.dryRun) lines.push({ label: "Would fix", value: String(s.wouldFix) });
  lines.push(
    { label: "Failed", value: String(s.failed) },
    { label: "Needs review", value: String(s.needsReview) },
  );
  if (s.locked > 0) lines.push({ label: "Locked", value: String(s.locked) });
  if (s.errors > 0) lines.push({ label: "Errors", value: String(s.errors) });
  lines.push({ label: "Duration", value: formatDuration(s.durationMs) });
  return lines;
}

/** Why a job did not succeed, on one line; null for successful jobs. */
export function errorText(event: NotificationEvent): string | null {
  if (event.status === "success") return null;
  if (event.error !== null && event.error.trim() !== "") return oneLine(event.error);
  if (event.status === "interrupted") return "the app stopped while the scan was running";
  return event.status === "failed" ? "unknown error (see the job log)" : null;
}

/** The app link, only when it is an http(s) URL (it ends up in an href). */
export function appLink(event: NotificationEvent): string | undefined {
  if (event.appUrl === undefined) return undefined;
  try {
    const url = new URL(event.appUrl);
    return url.protocol === "http:" || url.protocol === "https:" ? url.href : undefined;
  } catch {
    return undefined;
  }
}

/** Plain text: headline, summary lines, error, link. ntfy's body and the fallback everywhere. */
export function plainText(event: NotificationEvent, withTitle: boolean): string {
  const parts: string[] = withTitle ? [title(event)] : [];
  if (event.test) {
    parts.push(TEST_TEXT);
  } else {
    for (const line of summaryLines(event)) parts.push(`${line.label}: ${line.value}`);
    const error = errorText(event);
    if (error !== null) parts.push(`Error: ${error}`);
  }
  const link = appLink(event);
  if (link !== undefined) parts.push(link);
  return parts.join("\n");
}

/**
 * An HTTP header value fetch can send: printable ASCII as is, anything else as an RFC 2047
 * encoded word (`=?UTF-8?B?…?=`), which ntfy decodes.
 */
export function encodeHeaderValue(value: string): string {
  if (/^[\x20-\x7e]*$/.test(value)) return value;
  return `=?UTF-8?B?${Buffer.from(value, "utf8").toString("base64")}?=`;
}
