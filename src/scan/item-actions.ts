// One-item actions from the UI/API: refresh now, list match candidates, apply a chosen match,
// undo the app's last match.
// Each uses the scan's own fix-and-verify (polling: a single item needs no websocket) and
// records the result exactly as a scan would.
import { idFitsLibrary, parsePastedId } from "../contracts/pasted-id.js";
import type { PlexClient, PlexItem, PlexSection } from "../plex/index.js";
import { CompletionTracker } from "./completion.js";
import { type FixRequest, fixAndVerify, ItemNotFoundError, matchRefOf } from "./fix.js";
import { type Candidate, idLookupTitle } from "./match-choice.js";
import { idQuery, titleQuery } from "./match-search.js";
import { itemResult } from "./outcome.js";
import type { ItemResult, MatchRef, ScanStore } from "./store.js";

export { ItemNotFoundError };

/** What a person pasted cannot be searched: a link naming no work, or an ID of the wrong kind. */
export class PastedIdError extends Error {
  constructor(
    readonly code: "id_link_unreadable" | "id_wrong_library_kind",
    readonly params: Record<string, string>,
  ) {
    super(
      code === "id_link_unreadable"
        ? `The ${params.source} link names no ID to look up`
        : `A ${params.source} ID cannot name a work in a ${params.libraryType} library`,
    );
  }
}

export interface ItemActionDeps {
  plex: PlexClient;
  store: ScanStore;
  timeoutMs: number;
  signal?: AbortSignal;
  now?: () => number;
  pollMs?: number;
  /** When a placeholder left waiting is checked next; default the scan settings' default. */
  placeholderCheckOffsetsMinutes?: readonly number[];
}

async function load(
  deps: ItemActionDeps,
  ratingKey: string,
): Promise<{ item: PlexItem; section: PlexSection | undefined }> {
  const [item] = await deps.plex.metadata([ratingKey], { signal: deps.signal });
  if (!item) throw new ItemNotFoundError(ratingKey);
  const sections = await deps.plex.sections({ signal: deps.signal });
  return { item, section: sections.find((s) => s.id === item.librarySectionId) };
}

async function fixOne(deps: ItemActionDeps, ratingKey: string, request: FixRequest): Promise<ItemResult> {
  const { item, section } = await load(deps, ratingKey);
  const signal = deps.signal ?? new AbortController().signal;
  const tracker = new CompletionTracker(
    undefined,
    (keys) => deps.plex.metadata(keys, { signal }),
    deps.pollMs ?? 1000,
  );
  try {
    const now = deps.now ?? Date.now;
    const context = {
      agent: section?.agent,
      language: section?.language,
      now: now(),
      placeholderCheckOffsetsMinutes: deps.placeholderCheckOffsetsMinutes,
    };
    const { outcome } = await fixAndVerify(
      { plex: deps.plex, tracker, signal, timeoutMs: deps.timeoutMs, context },
      item,
      request,
    );
    const result = itemResult(item, section, outcome, now());
    await deps.store.record(result);
    return result;
  } finally {
    tracker.close();
  }
}

export function refreshItem(deps: ItemActionDeps, ratingKey: string): Promise<ItemResult> {
  return fixOne(deps, ratingKey, { kind: "refresh" });
}

/**
 * Candidates for an item, searched as the scan searches, or for what the person typed. An ID or
 * a TMDB/IMDb/TVDB link goes through the scan's ID lookup (the year plays no part), and each
 * candidate it finds carries that ID as `foundBy`.
 */
export async function matchCandidates(
  deps: ItemActionDeps,
  ratingKey: string,
  title?: string,
  year?: number,
) {
  const pasted = title === undefined ? { kind: "title" as const } : parsePastedId(title);
  if (pasted.kind === "unreadable") throw new PastedIdError("id_link_unreadable", { source: pasted.site });
  const { item, section } = await load(deps, ratingKey);
  // Checked before Plex is asked: the agent would only answer with nothing.
  if (pasted.kind === "id" && !idFitsLibrary(pasted, section?.type))
    throw new PastedIdError("id_wrong_library_kind", {
      source: pasted.id.source,
      libraryType: section?.type ?? "",
    });
  const query =
    pasted.kind === "id" ? idQuery(pasted.id, section) : titleQuery(item, section, { title, year });
  const results = await deps.plex.matches(ratingKey, { ...query, signal: deps.signal });
  const foundBy = pasted.kind === "id" ? idLookupTitle(pasted.id) : undefined;
  return {
    // Unmatched in either form (local:// or tv.plex.agents.none://) is no current match.
    item: { ratingKey, title: item.title, year: item.year ?? null, guid: matchRefOf(item, section).guid },
    query: { title: query.title, year: query.year ?? null },
    candidates: results,
    foundBy,
  };
}

export function applyMatch(deps: ItemActionDeps, ratingKey: string, target: Candidate): Promise<ItemResult> {
  return fixOne(deps, ratingKey, { kind: "match", target, reason: { code: "chosen_by_hand" } });
}

/** Restores what the app's last match replaced (`to`, as the store kept it), and verifies it. */
export function undoMatch(deps: ItemActionDeps, ratingKey: string, to: MatchRef): Promise<ItemResult> {
  return fixOne(deps, ratingKey, { kind: "undo", to });
}
