// Watch mode's decisions, pure and table-tested: which timeline entries count, when a tracked
// item is due for its check, how repeats collapse and how the queue stays bounded, and from
// when a catch-up lists items. The watcher (watcher.ts) only feeds events and a clock.
import type { TimelineItem } from "../plex/notifications.js";

/** Plex metadata type numbers the watcher follows (REFERENCE §4.3): movie, show, episode. */
const WATCHED_TYPES: Record<number, "movie" | "show" | "episode"> = { 1: "movie", 2: "show", 4: "episode" };

export interface WatchEntry {
  kind: "created" | "done";
  ratingKey: string;
  sectionId: string;
  type: "movie" | "show" | "episode";
  /** Items checked together: a movie or show alone, the episodes of one show under the show's key. */
  group: string;
}

export type EntryVerdict = WatchEntry | { ignored: "not_library" | "other_section" | "processing" };

/**
 * What a timeline entry means to the watcher. A new item is `state 0` + `metadataState
 * "created"`; "done" is `state 5` with neither metadataState nor mediaState; anything else is a
 * processing frame. Only library entries (sectionID > 0) of movies, shows and episodes in the
 * libraries this app scans count.
 */
export function classifyEntry(entry: TimelineItem, scanned: (sectionId: string) => boolean): EntryVerdict {
  const type = entry.type === undefined ? undefined : WATCHED_TYPES[entry.type];
  const section = entry.sectionId === undefined ? Number.NaN : Number(entry.sectionId);
  if (!type || !(section > 0) || entry.sectionId === undefined) return { ignored: "not_library" };
  if (!scanned(entry.sectionId)) return { ignored: "other_section" };
  const group =
    type === "episode" ? (entry.rootRatingKey ?? entry.parentRatingKey ?? entry.ratingKey) : entry.ratingKey;
  const base = { ratingKey: entry.ratingKey, sectionId: entry.sectionId, type, group };
  if (entry.state === 0 && entry.metadataState === "created") return { kind: "created", ...base };
  if (entry.state === 5 && entry.metadataState === undefined && entry.mediaState === undefined)
    return { kind: "done", ...base };
  return { ignored: "processing" };
}

export interface TrackerOptions {
  /** Wait after an item's "done" before its check. */
  settleMs: number;
  /** No "done" this long after "created": check anyway. */
  noDoneMs: number;
  /** A group (a show whose episodes keep arriving) is checked at the latest this long after its first item. */
  maxGroupWaitMs: number;
  /** Items tracked at once; beyond it the oldest group is handed over for its check early. */
  maxTracked: number;
  /** A "created" this soon after the item was handed over is a repeat, not an upgrade. */
  repeatMs: number;
}

export const DEFAULT_TRACKER_OPTIONS: TrackerOptions = {
  settleMs: 10_000,
  noDoneMs: 120_000,
  maxGroupWaitMs: 600_000,
  maxTracked: 2000,
  repeatMs: 60_000,
};

interface Member {
  createdAt: number;
  doneAt: number | undefined;
}

interface Group {
  key: string;
  sectionId: string;
  members: Map<string, Member>;
  firstCreatedAt: number;
}

/** A group handed over for its check. */
export interface DueGroup {
  key: string;
  sectionId: string;
  ratingKeys: string[];
  /** When its first item was created (for the delay figures and the catch-up mark). */
  createdAt: number;
  /** Handed over before it settled because the tracker was full. */
  early: boolean;
}

export type TrackOutcome = "tracked" | "settling" | "repeat" | "untracked" | "overflow";

/**
 * The items between Plex's "created" and their check. Only "created" starts tracking: a
 * "done" for an item nobody tracks (the app's own refreshes, repeats after the check) is
 * passed over, so no echo and no repeated check.
 */
export class WatchTracker {
  private readonly groups = new Map<string, Group>();
  private readonly groupOf = new Map<string, string>();
  /** Handed over recently: ratingKey → when. */
  private readonly handed = new Map<string, number>();
  private readonly early: DueGroup[] = [];

  constructor(private opts: TrackerOptions = DEFAULT_TRACKER_OPTIONS) {}

  setSettleMs(ms: number): void {
    this.opts = { ...this.opts, settleMs: ms };
  }

  /** Items tracked (waiting for "done", their settle time or the no-done limit). */
  get size(): number {
    return this.groupOf.size;
  }

  /** Returns what happened; "overflow" when the oldest group had to be handed over early. */
  onEntry(entry: WatchEntry, now: number): TrackOutcome[] {
    if (entry.kind === "done") {
      const member = this.groups.get(this.groupOf.get(entry.ratingKey) ?? "")?.members.get(entry.ratingKey);
      if (!member) return ["untracked"];
      if (member.doneAt !== undefined) return ["repeat"];
      member.doneAt = now;
      return ["settling"];
    }
    if (this.groupOf.has(entry.ratingKey)) return ["repeat"];
    const handedAt = this.handed.get(entry.ratingKey);
    if (handedAt !== undefined && now - handedAt < this.opts.repeatMs) return ["repeat"];
    const outcomes: TrackOutcome[] = [];
    if (this.groupOf.size >= this.opts.maxTracked) {
      this.handOverOldest(now);
      outcomes.push("overflow");
    }
    let group = this.groups.get(entry.group);
    if (!group) {
      group = { key: entry.group, sectionId: entry.sectionId, members: new Map(), firstCreatedAt: now };
      this.groups.set(entry.group, group);
    }
    group.members.set(entry.ratingKey, { createdAt: now, doneAt: undefined });
    this.groupOf.set(entry.ratingKey, entry.group);
    outcomes.push("tracked");
    return outcomes;
  }

  /** When a group is due: once every item is done and settled, or has waited `noDoneMs` without. */
  private dueAt(group: Group): number {
    let at = 0;
    for (const m of group.members.values()) {
      at = Math.max(
        at,
        m.doneAt !== undefined ? m.doneAt + this.opts.settleMs : m.createdAt + this.opts.noDoneMs,
      );
    }
    return Math.min(at, group.firstCreatedAt + this.opts.maxGroupWaitMs);
  }

  /** The next moment a group becomes due (undefined when nothing is tracked). */
  nextDueAt(): number | undefined {
    if (this.early.length > 0) return 0;
    let next: number | undefined;
    for (const g of this.groups.values()) {
      const at = this.dueAt(g);
      if (next === undefined || at < next) next = at;
    }
    return next;
  }

  /** Hands over every group due at `now` (and any handed over early), oldest first. */
  takeDue(now: number): DueGroup[] {
    const out = this.early.splice(0);
    const due = [...this.groups.values()].filter((g) => this.dueAt(g) <= now);
    due.sort((a, b) => a.firstCreatedAt - b.firstCreatedAt);
    for (const g of due) out.push(this.handOver(g, now, false));
    this.forgetHanded(now);
    return out;
  }

  /** The creation time of the oldest item still tracked (the catch-up mark must stay before it). */
  oldestCreatedAt(): number | undefined {
    let oldest: number | undefined;
    for (const g of this.groups.values())
      if (oldest === undefined || g.firstCreatedAt < oldest) oldest = g.firstCreatedAt;
    for (const g of this.early) if (oldest === undefined || g.createdAt < oldest) oldest = g.createdAt;
    return oldest;
  }

  private handOverOldest(now: number): void {
    let oldest: Group | undefined;
    for (const g of this.groups.values()) if (!oldest || g.firstCreatedAt < oldest.firstCreatedAt) oldest = g;
    if (oldest) this.early.push(this.handOver(oldest, now, true));
  }

  private handOver(group: Group, now: number, early: boolean): DueGroup {
    this.groups.delete(group.key);
    for (const key of group.members.keys()) {
      this.groupOf.delete(key);
      this.handed.set(key, now);
    }
    return {
      key: group.key,
      sectionId: group.sectionId,
      ratingKeys: [...group.members.keys()],
      createdAt: group.firstCreatedAt,
      early,
    };
  }

  private forgetHanded(now: number): void {
    for (const [key, at] of this.handed) if (now - at >= this.opts.repeatMs) this.handed.delete(key);
  }
}

/**
 * A bounded queue of groups waiting for their check. A group already waiting absorbs a new
 * one with the same key; when full, the oldest is dropped (and counted by the caller): the
 * next scan still finds it.
 */
export class CheckQueue {
  private readonly waiting = new Map<string, DueGroup>();

  constructor(private readonly max: number) {}

  get size(): number {
    return this.waiting.size;
  }

  /** Returns "queued", "merged", or "dropped" when the oldest group had to go. */
  push(group: DueGroup): "queued" | "merged" | "dropped" {
    const existing = this.waiting.get(group.key);
    if (existing) {
      existing.ratingKeys = [...new Set([...existing.ratingKeys, ...group.ratingKeys])];
      existing.createdAt = Math.min(existing.createdAt, group.createdAt);
      return "merged";
    }
    let dropped = false;
    if (this.waiting.size >= this.max) {
      const oldest = this.waiting.keys().next().value;
      if (oldest !== undefined) this.waiting.delete(oldest);
      dropped = true;
    }
    this.waiting.set(group.key, { ...group, ratingKeys: [...group.ratingKeys] });
    return dropped ? "dropped" : "queued";
  }

  shift(): DueGroup | undefined {
    const first = this.waiting.entries().next().value;
    if (!first) return undefined;
    this.waiting.delete(first[0]);
    return first[1];
  }

  oldestCreatedAt(): number | undefined {
    let oldest: number | undefined;
    for (const g of this.waiting.values())
      if (oldest === undefined || g.createdAt < oldest) oldest = g.createdAt;
    return oldest;
  }
}

/** Margin for clock differences between Plex and this app, and for items mid-scan. */
export const CATCH_UP_MARGIN_S = 60;

/**
 * The catch-up mark to store while connected: items added after it are either seen live or
 * still waiting here, so a restart or reconnect lists from it. It never moves past an item
 * that is still waiting, and never backwards.
 */
export function nextMark(
  stored: number | undefined,
  nowMs: number,
  oldestWaitingMs: number | undefined,
): number {
  const horizon = Math.min(nowMs, oldestWaitingMs ?? nowMs);
  const mark = Math.floor(horizon / 1000) - CATCH_UP_MARGIN_S;
  return stored === undefined ? mark : Math.max(stored, mark);
}

/** Catch-up lists items added since the stored mark; with none (first start) nothing is listed. */
export function catchUpSince(stored: number | undefined): number | undefined {
  return typeof stored === "number" && Number.isFinite(stored) && stored > 0 ? stored : undefined;
}

/** The local calendar day (YYYY-MM-DD) of a moment: "today" on the dashboard. */
export function dayOf(ms: number): string {
  const d = new Date(ms);
  const pad = (n: number) => String(n).padStart(2, "0");
  return `${d.getFullYear()}-${pad(d.getMonth() + 1)}-${pad(d.getDate())}`;
}

/** An item a catch-up listing found (added while the watcher was away). */
export interface MissedItem {
  ratingKey: string;
  type: string;
  sectionId: string;
  /** Epoch milliseconds. */
  addedAt: number;
  /** The show of an episode. */
  showKey: string | undefined;
}

/**
 * What a catch-up does with the items it found. Items added less than `noDoneMs` ago may still
 * be in Plex's hands: they are tracked as if their "created" had been seen (their "done" may
 * still come, and must not be mistaken for the end of our own refresh), but as if created
 * early enough that a "done" lost while away costs at most `graceMs`. Older ones are checked
 * now, grouped like live ones.
 */
export function catchUpPlan(
  items: readonly MissedItem[],
  now: number,
  noDoneMs: number,
  graceMs = 15_000,
): { track: { entry: WatchEntry; createdAt: number }[]; check: DueGroup[] } {
  const track: { entry: WatchEntry; createdAt: number }[] = [];
  const groups = new Map<string, DueGroup>();
  for (const item of items) {
    const type =
      item.type === "movie" || item.type === "show" || item.type === "episode" ? item.type : undefined;
    if (!type) continue;
    const group = type === "episode" ? (item.showKey ?? item.ratingKey) : item.ratingKey;
    if (now - item.addedAt < noDoneMs) {
      track.push({
        entry: { kind: "created", ratingKey: item.ratingKey, sectionId: item.sectionId, type, group },
        createdAt: Math.min(item.addedAt, now - noDoneMs + graceMs),
      });
      continue;
    }
    const g = groups.get(group) ?? {
      key: group,
      sectionId: item.sectionId,
      ratingKeys: [],
      createdAt: item.addedAt,
      early: false,
    };
    g.ratingKeys.push(item.ratingKey);
    g.createdAt = Math.min(g.createdAt, item.addedAt);
    groups.set(group, g);
  }
  return { track, check: [...groups.values()] };
}
