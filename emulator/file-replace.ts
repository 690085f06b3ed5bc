/**
 * "The file was replaced" (issue 23): a person swaps a movie's file (a better copy under the
 * same name) and Plex's scanner treats it as a new item. The old item is deleted, announced as
 * a timeline entry with state 9 and metadataState "deleted" (python-plexapi alert.py, Tautulli
 * activity_handler.py, REFERENCE §4.4); a new item appears with a new ratingKey and the same
 * file path, created unmatched and given the same match once the agent answers. Nothing the
 * person had set survives: no edits, locks, labels, collections or chosen poster (issue 23).
 */
import type { EmulatorContext } from "./context.js";
import { announceAdded } from "./library-scan.js";
import { type Item, unmatchedGuid } from "./model.js";
import { applyMatch } from "./mutations.js";
import { timelineDeleted } from "./notifications.js";

export interface ReplaceFileOptions {
  /** Time from "created" to "done"; default 400 ms. */
  processingMs?: number;
}

export interface ReplacedFile {
  oldRatingKey: string;
  ratingKey: string;
  path: string;
  /** Resolves after the new item's "done" frame, when it carries its match again. */
  finished: Promise<void>;
}

export function replaceFile(
  ctx: EmulatorContext,
  ratingKey: string,
  opts: ReplaceFileOptions = {},
): ReplacedFile {
  const { store, hub } = ctx;
  const old = store.get(Number(ratingKey));
  if (!old) throw new Error(`no item ${ratingKey}`);
  if (old.type !== "movie" || !old.path) throw new Error(`item ${ratingKey} is no movie with a file`);
  const section = store.section(old.sectionId);
  if (!section) throw new Error(`no section ${old.sectionId}`);
  const now = Math.floor(Date.now() / 1000);
  store.removeItem(old.rk);
  hub.publish("timeline", [timelineDeleted(old, now)]);

  const rk = store.nextRk();
  const fresh: Item = {
    rk,
    type: "movie",
    sectionId: old.sectionId,
    // Until the agent answers, Plex names the item after the file.
    title: old.path.slice(old.path.lastIndexOf("/") + 1).replace(/\.[^.]+$/, ""),
    guid: unmatchedGuid(section, rk),
    thumb: false,
    summary: false,
    addedAt: now,
    updatedAt: now,
    thumbAt: now,
    duration: old.duration,
    path: old.path,
  };
  if (old.year !== undefined) fresh.year = old.year;
  store.addItem(fresh);
  section.contentChangedAt = now;
  const work = old.work;
  const { finished } = announceAdded(ctx, section, [fresh], {
    processingMs: opts.processingMs,
    onMatch: () => {
      if (work) applyMatch(store, fresh, work, Math.floor(Date.now() / 1000));
    },
  });
  return { oldRatingKey: String(old.rk), ratingKey: String(rk), path: old.path, finished };
}
