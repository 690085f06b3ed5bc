// Placeholder episodes (issue 22 §2): a new episode often reaches Plex before its metadata
// exists upstream and shows as "Episode 4" or "TBA" with no summary for hours or days
// (Kometa-Team/Kometa#294, JBOPS#127, Casvt/Plex-scripts#42 and #101). Refreshing it at every
// scan only hammers Plex; it is re-checked on an air-date schedule instead. Pure: no clock here.
import type { PlexItem } from "../plex/index.js";

export const MINUTE_MS = 60_000;

/** An episode aired this long ago (or less) can still be waiting for its data. */
const RECENT_MS = 30 * 24 * 60 * MINUTE_MS;

/** "Episode 4" is Plex's generic title in every language we know of; "TBA" comes from the agents. */
const GENERIC = /^episode\s+\d+$/i;
const BY_LANGUAGE: Readonly<Record<string, RegExp>> = {
  en: /^(tba|tbd|to be announced)$/i,
  de: /^(folge\s+\d+|tba)$/i,
};

/** Whether a title is one Plex or its agent gives an episode before the real one is known. */
export function isPlaceholderTitle(title: string, language: string | undefined): boolean {
  const t = title.trim();
  if (t === "" || GENERIC.test(t)) return true;
  const lang = (language ?? "").toLowerCase().split(/[-_]/)[0] ?? "";
  return BY_LANGUAGE[lang]?.test(t) ?? false;
}

/**
 * The air date as epoch ms (the start of that day, UTC), from `originallyAvailableAt`; else
 * when Plex added the episode, which for a new episode is about when it aired.
 */
export function airedAt(item: Pick<PlexItem, "originallyAvailableAt" | "addedAt">): number | undefined {
  const m = /^(\d{4})-(\d{2})-(\d{2})/.exec(item.originallyAvailableAt ?? "");
  if (m) return Date.UTC(Number(m[1]), Number(m[2]) - 1, Number(m[3]));
  return item.addedAt !== undefined ? item.addedAt * 1000 : undefined;
}

/**
 * A placeholder: an episode with a placeholder title and no summary that aired in the last 30
 * days or has not aired yet. Its show must be matched (an unmatched show's episodes are all
 * "Episode N"; matching the show is their fix).
 */
export function isPlaceholderEpisode(item: PlexItem, language: string | undefined, now: number): boolean {
  if (item.type !== "episode" || (item.summary ?? "").trim() !== "") return false;
  if (!isPlaceholderTitle(item.title, language)) return false;
  const aired = airedAt(item);
  return aired !== undefined && now - aired <= RECENT_MS;
}

/**
 * When a placeholder is checked next: the first scheduled time (air date + offset) after `now`,
 * or null when the schedule is used up (then only a person's "check again" refreshes it).
 */
export function nextPlaceholderCheck(
  aired: number,
  now: number,
  offsetsMinutes: readonly number[],
): number | null {
  const due = offsetsMinutes.map((m) => aired + m * MINUTE_MS).filter((t) => t > now);
  return due.length > 0 ? Math.min(...due) : null;
}

/** Whether a waiting placeholder is due for its scheduled check (null: no check is scheduled). */
export function placeholderDue(nextCheckAt: number | null | undefined, now: number): boolean {
  return nextCheckAt !== null && nextCheckAt !== undefined && now >= nextCheckAt;
}
