/**
 * What refresh, match and unmatch do to the model. A refresh repairs what the agent can
 * repair and never touches locked fields; unmatched (either form) and personal items gain
 * nothing from it; a match rewrites the item (and a show's subtree) from the chosen work.
 */
import { dropUnlockedEdits, isLocked } from "./customizations.js";
import { type Item, isUnmatched, unmatchedGuid, type Work } from "./model.js";
import { hash32, hex24 } from "./random.js";
import type { Store } from "./store.js";
import { episodeTitle, sortTitle } from "./text.js";

function bump(item: Item, now: number): void {
  item.updatedAt = Math.max(now, item.updatedAt + 1);
  if (item.thumb) item.thumbAt = item.updatedAt;
}

/** Refreshes an item and its subtree; returns the items processed, deepest first. */
export function applyRefresh(store: Store, item: Item, now: number): Item[] {
  const out: Item[] = [];
  const visit = (i: Item) => {
    for (const c of store.children(i)) visit(c);
    refreshOne(store, i, now);
    out.push(i);
  };
  visit(item);
  store.touchUpdated();
  return out;
}

function refreshOne(store: Store, item: Item, now: number): void {
  // Labels, collections and a chosen poster are the user's: a refresh keeps them.
  dropUnlockedEdits(item);
  const section = store.section(item.sectionId);
  const root = store.root(item);
  const canFix = section !== undefined && section.kind !== "personal" && !isUnmatched(root);
  if (item.placeholder) {
    // Nothing upstream yet: the refresh finishes and changes nothing (see Placeholder).
    if (!canFix || now * 1000 < item.placeholder.arrivesAt) {
      bump(item, now);
      return;
    }
    item.title = item.placeholder.title;
    delete item.placeholder;
  }
  if (canFix) {
    const hidden = store.lib.hidden.get(item.rk);
    if (!item.thumb && !isLocked(item, "thumb") && !hidden?.unfixable) item.thumb = true;
    if (!item.summary && item.type !== "season" && item.type !== "album" && !isLocked(item, "summary")) {
      item.summary = true;
    }
    if (item.noGuids && root.work) delete item.noGuids;
  }
  bump(item, now);
}

/** Applies a match to an item and, for shows, to its seasons and episodes. */
export function applyMatch(store: Store, item: Item, work: Work, now: number): Item[] {
  const section = store.section(item.sectionId);
  const legacy = section?.kind === "legacy";
  item.work = work;
  item.guid = legacy ? `com.plexapp.agents.imdb://${work.imdb}?lang=en` : work.guid;
  item.title = work.title;
  const st = sortTitle(work.title);
  if (st) item.titleSort = st;
  else delete item.titleSort;
  item.year = work.year;
  delete item.noGuids;
  // A new match brings the new work's values and poster wherever nothing is locked.
  dropUnlockedEdits(item);
  if (!isLocked(item, "thumb")) delete item.selectedPoster;
  if (!isLocked(item, "summary")) item.summary = true;
  if (!isLocked(item, "thumb")) item.thumb = true;
  const out: Item[] = [];
  for (const season of store.children(item)) {
    season.guid = `plex://season/${hex24("season", work.id, season.index ?? 0)}`;
    if (!isLocked(season, "thumb")) season.thumb = true;
    for (const ep of store.children(season)) {
      ep.guid = `plex://episode/${hex24("episode", work.id, season.index ?? 0, ep.index ?? 0)}`;
      ep.title = episodeTitle(hash32(work.id, season.index ?? 0, ep.index ?? 0));
      ep.year = work.year + (season.index ?? 1) - 1;
      if (!isLocked(ep, "summary")) ep.summary = true;
      ep.thumb = true;
      bump(ep, now);
      out.push(ep);
    }
    bump(season, now);
    out.push(season);
  }
  bump(item, now);
  out.push(item);
  store.touchMeta();
  store.touchUpdated();
  return out;
}

/**
 * Unmatch: the agent's data goes, the item falls back to a local identity: `local://` under a
 * legacy agent, `tv.plex.agents.none://<ratingKey>` under the new Plex agents (see isUnmatched).
 */
export function applyUnmatch(store: Store, item: Item, now: number): Item[] {
  const out: Item[] = [];
  const section = store.section(item.sectionId);
  const strip = (i: Item) => {
    i.guid = unmatchedGuid(section, i.rk);
    delete i.work;
    delete i.noGuids;
    delete i.titleSort;
    if (i.type !== "season") i.summary = false;
    if (!isLocked(i, "thumb") && i.type !== "episode") i.thumb = false;
    bump(i, now);
  };
  for (const season of store.children(item)) {
    for (const ep of store.children(season)) {
      strip(ep);
      out.push(ep);
    }
    strip(season);
    out.push(season);
  }
  strip(item);
  out.push(item);
  store.touchMeta();
  store.touchUpdated();
  return out;
}
