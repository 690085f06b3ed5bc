// Text shared by every agent's formatter: the headline, the summary lines and the small
// helpers that keep a message within limits, in the event's language (./catalogue.ts). Pure;
// each agent renders these in its own markup.
import { catalogue } from "./catalogue.js";
import type { NotificationEvent } from "./event.js";

export const APP_NAME = "Plex Smart Refresher";

/** The test message's text. */
export function testText(event: Pick<NotificationEvent, "language">): string {
  return catalogue(event.language).testText(APP_NAME);
}

/** "Open Plex Smart Refresher": a link's text. */
export function openText(event: Pick<NotificationEvent, "language">): string {
  return catalogue(event.language).open(APP_NAME);
}

/** The word before an error ("Error"). */
export function errorLabel(event: Pick<NotificationEvent, "language">): string {
  return catalogue(event.language).label.error;
}

/** "Dry run: nothing was changed." */
export function dryRunText(event: Pick<NotificationEvent, "language">): string {
  return catalogue(event.language).dryRunNothingChanged;
}
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
  const h = catalogue(event.language).headline;
  if (event.test) return { emoji: "🧪", text: `${APP_NAME}: ${h.test}`, tag: "test_tube" };
  switch (event.kind) {
    case "scan_finished":
      return {
        emoji: "✅",
        text: `${APP_NAME}: ${event.dryRun ? h.finishedDry : h.finished}`,
        tag: "white_check_mark",
      };
    case "scan_failed":
      return {
        emoji: "❌",
        text: `${APP_NAME}: ${event.status === "interrupted" ? h.interrupted : h.failed}`,
        tag: "x",
      };
    case "needs_review":
      return { emoji: "🔎", text: `${APP_NAME}: ${h.review(event.stats.needsReview)}`, tag: "mag" };
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
  const c = catalogue(event.language);
  const l = c.label;
  const lines: SummaryLine[] = [
    { label: l.job, value: `#${event.jobId} (${c.source[event.source] ?? event.source})` },
    { label: l.checked, value: String(s.checked) },
    { label: l.fixed, value: c.fixedValue(s.fixed, s.matched) },
  ];
  if (event.dryRun) lines.push({ label: l.wouldFix, value: String(s.wouldFix) });
  lines.push(
    { label: l.failed, value: String(s.failed) },
    { label: l.needsReview, value: String(s.needsReview) },
  );
  if (s.locked > 0) lines.push({ label: l.locked, value: String(s.locked) });
  if (s.errors > 0) lines.push({ label: l.errors, value: String(s.errors) });
  lines.push({ label: l.duration, value: formatDuration(s.durationMs) });
  return lines;
}

/** Why a job did not succeed, on one line; null for successful jobs. */
export function errorText(event: NotificationEvent): string | null {
  if (event.status === "success") return null;
  const c = catalogue(event.language);
  // The code, in the event's language; the English `error` only for an English message
  // without a code (a crash around the job).
  if (event.errorReason) return oneLine(c.jobError(event.errorReason));
  if (c === catalogue("en") && event.error !== null && event.error.trim() !== "") return oneLine(event.error);
  if (event.status === "interrupted") return c.interruptedUnknown;
  return event.status === "failed" ? c.failedUnknown : null;
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
    parts.push(testText(event));
  } else {
    for (const line of summaryLines(event)) parts.push(`${line.label}: ${line.value}`);
    const error = errorText(event);
    if (error !== null) parts.push(`${errorLabel(event)}: ${error}`);
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
