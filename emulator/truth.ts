/**
 * Ground truth for tests and benchmarks: which items were generated broken, how, whether a
 * refresh can fix them, what the right match is, and what is still broken right now.
 */
import { type BrokenKind, type FileId, type Item, type ItemType, isUnmatched } from "./model.js";
import type { Store } from "./store.js";

export interface TruthItem {
  ratingKey: string;
  sectionId: string;
  type: ItemType;
  title: string;
  /** Parent ratingKey for broken seasons/episodes. */
  parentRatingKey?: string;
  /** Kinds of breakage as generated. */
  kinds: BrokenKind[];
  /** True when a plain refresh repairs every generated kind. */
  fixableByRefresh: boolean;
  locked: boolean;
  lockedFields: string[];
  /** Unmatched items: the guid a correct match uses. */
  matchGuid?: string;
  matchTitle?: string;
  matchYear?: number;
  /** Unmatched items: two candidates share the normalised title and year ±1. */
  ambiguous?: boolean;
  /** Unmatched items: the guid of the decoy candidate (the wrong one). */
  decoyGuid?: string;
  /** An external id written in the file or folder name. */
  fileId?: FileId;
  /** What is broken now (after any refreshes/matches); empty when repaired. */
  currentKinds: BrokenKind[];
  /** The item's guid now: an unmatched one in either form (`local://`, `tv.plex.agents.none://`). */
  currentGuid: string;
}

export interface EmulatorTruth {
  seed: number;
  topLevelItems: number;
  sections: { id: string; title: string; type: string; agent: string; kind: string; count: number }[];
  /** Every generated broken item: top-level movies/shows and broken seasons/episodes. */
  broken: TruthItem[];
  /** Planted wrong matches and healthy decoys, with what each item is matched to now. */
  wrongMatches: WrongMatchTruth[];
}

export interface WrongMatchTruth {
  ratingKey: string;
  type: ItemType;
  kind: "id" | "year" | "decoy";
  /** The work the files are: the right match. */
  rightGuid: string;
  rightYear: number;
  /** The work Plex matched instead (id and year kinds). */
  wrongGuid?: string;
  /** The year in the folder and file names. */
  pathYear: number;
  path: string;
  /** The item's guid now (after any match, unmatch or undo). */
  currentGuid: string;
}

/** Current breakage of an item as a client would judge it. */
export function currentKinds(store: Store, item: Item): BrokenKind[] {
  const out: BrokenKind[] = [];
  const hidden = store.lib.hidden.get(item.rk);
  const root = store.root(item);
  if (isUnmatched(item)) out.push("unmatched");
  else if (hidden?.trueWork && root.work && root.work !== hidden.trueWork) out.push("unmatched");
  if (!item.thumb) {
    if (item.locked?.includes("thumb")) out.push("locked");
    else if (hidden?.unfixable) out.push("unfixable");
    else if (!out.includes("unmatched")) out.push("no-poster");
  }
  if (!item.summary && item.type !== "season" && !out.includes("unmatched")) {
    // A locked summary is as stuck as a locked poster: "locked", not something a refresh fixes.
    if (!item.locked?.includes("summary")) out.push("no-summary");
    else if (!out.includes("locked")) out.push("locked");
  }
  if (item.noGuids) out.push("no-guids");
  if (item.childRks && (item.type === "show" || item.type === "season")) {
    const childBroken = store.children(item).some((c) => {
      const h = store.lib.hidden.get(c.rk);
      return (
        (h && currentKinds(store, c).length > 0) ||
        (c.childRks && currentKinds(store, c).includes("broken-children"))
      );
    });
    if (childBroken) out.push("broken-children");
  }
  return out;
}

export function buildTruth(store: Store): EmulatorTruth {
  const lib = store.lib;
  const broken: TruthItem[] = [];
  for (const [rk, hidden] of lib.hidden) {
    const item = store.get(rk);
    if (!item) continue;
    const parent = store.parent(item);
    const t: TruthItem = {
      ratingKey: String(rk),
      sectionId: String(item.sectionId),
      type: item.type,
      title: item.title,
      kinds: [...hidden.kinds],
      fixableByRefresh: hidden.kinds.every(
        (k) => k === "no-poster" || k === "no-summary" || k === "no-guids" || k === "broken-children",
      ),
      locked: (item.locked?.length ?? 0) > 0,
      lockedFields: [...(item.locked ?? [])],
      currentKinds: currentKinds(store, item),
      currentGuid: item.guid,
    };
    if (parent) t.parentRatingKey = String(parent.rk);
    if (hidden.trueWork) {
      const legacy = store.section(item.sectionId)?.kind === "legacy";
      t.matchGuid = legacy
        ? `com.plexapp.agents.imdb://${hidden.trueWork.imdb}?lang=en`
        : hidden.trueWork.guid;
      t.matchTitle = hidden.trueWork.title;
      t.matchYear = hidden.trueWork.year;
      t.ambiguous = hidden.ambiguous === true;
      if (hidden.decoy) t.decoyGuid = hidden.decoy.guid;
    }
    if (hidden.fileId) t.fileId = { ...hidden.fileId };
    broken.push(t);
  }
  broken.sort((a, b) => Number(a.ratingKey) - Number(b.ratingKey));
  return {
    seed: lib.seed,
    topLevelItems: lib.topLevelCount,
    sections: lib.sections.map((s) => ({
      id: String(s.id),
      title: s.title,
      type: s.type,
      agent: s.agent,
      kind: s.kind,
      count: s.byType.get(s.type)?.length ?? 0,
    })),
    broken,
    wrongMatches: lib.wrongMatches.map((f) => {
      const item = store.get(f.rk) as Item;
      const t: WrongMatchTruth = {
        ratingKey: String(f.rk),
        type: item.type,
        kind: f.kind,
        rightGuid: f.right.guid,
        rightYear: f.right.year,
        pathYear: f.pathYear,
        path: item.path ?? "",
        currentGuid: item.guid,
      };
      if (f.wrong) t.wrongGuid = f.wrong.guid;
      return t;
    }),
  };
}
