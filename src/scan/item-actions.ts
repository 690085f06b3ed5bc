// One-item actions from the UI/API: refresh now, list match candidates, apply a chosen match.
// Each waits for Plex to finish (polling: a single item needs no websocket), verifies, and
// records the result like a scan would.
import type { PlexClient, PlexItem, PlexSection } from "../plex/index.js";
import { CompletionTracker } from "./completion.js";
import { detectProblems } from "./detect.js";
import { displayTitle } from "./engine.js";
import type { Candidate } from "./match-choice.js";
import { searchTitle } from "./match-choice.js";
import { verdictAfterFix } from "./policy.js";
import type { ItemAction, ScanStore } from "./store.js";

export class ItemNotFoundError extends Error {
  constructor(ratingKey: string) {
    super(`No item ${ratingKey} in Plex`);
    this.name = "ItemNotFoundError";
  }
}

export interface ItemActionDeps {
  plex: PlexClient;
  store: ScanStore;
  timeoutMs: number;
  signal?: AbortSignal;
  now?: () => number;
  pollMs?: number;
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

async function sendAndVerify(
  deps: ItemActionDeps,
  before: PlexItem,
  section: PlexSection | undefined,
  action: ItemAction,
  send: () => Promise<void>,
  notePrefix: string,
  candidates: Candidate[] | null,
) {
  const signal = deps.signal ?? new AbortController().signal;
  const tracker = new CompletionTracker(
    undefined,
    (keys) => deps.plex.metadata(keys, { signal }),
    deps.pollMs ?? 1000,
  );
  try {
    const waiter = tracker.expect(before.ratingKey, before);
    await send();
    const how = await waiter.wait(deps.timeoutMs, signal);
    const [after] = await deps.plex.metadata([before.ratingKey], { signal });
    if (!after) throw new ItemNotFoundError(before.ratingKey);
    const beforeDetection = detectProblems(before);
    const afterDetection = detectProblems(after);
    const verdict = verdictAfterFix(beforeDetection, afterDetection);
    const note = `${notePrefix}${verdict.note}${how === "timeout" ? " (Plex did not finish in time)" : ""}`;
    const result = {
      ratingKey: after.ratingKey,
      sectionId: section?.id ?? after.librarySectionId ?? null,
      library: section?.title ?? after.librarySectionTitle ?? null,
      type: after.type,
      title: displayTitle(after),
      year: after.year ?? null,
      parentRatingKey: after.parentRatingKey ?? null,
      state: verdict.state,
      problems: afterDetection.problems,
      note,
      candidates,
      action,
      at: (deps.now ?? Date.now)(),
    };
    await deps.store.record(result);
    return result;
  } finally {
    tracker.close();
  }
}

export async function refreshItem(deps: ItemActionDeps, ratingKey: string) {
  const { item, section } = await load(deps, ratingKey);
  return sendAndVerify(
    deps,
    item,
    section,
    "refresh",
    () => deps.plex.refresh(ratingKey, { signal: deps.signal }),
    "",
    null,
  );
}

/** Candidates for an item, searched with its section's agent and language and a clean title. */
export async function matchCandidates(
  deps: ItemActionDeps,
  ratingKey: string,
  title?: string,
  year?: number,
) {
  const { item, section } = await load(deps, ratingKey);
  const wanted = searchTitle(title ?? item.title);
  const results = await deps.plex.matches(ratingKey, {
    title: wanted.title,
    year: year ?? item.year ?? wanted.year,
    agent: section?.agent,
    language: section?.language,
    signal: deps.signal,
  });
  return {
    item: { ratingKey, title: item.title, year: item.year ?? null, guid: item.guid ?? null },
    candidates: results,
  };
}

export async function applyMatch(deps: ItemActionDeps, ratingKey: string, target: Candidate) {
  const { item, section } = await load(deps, ratingKey);
  const label = `${target.name}${target.year ? ` (${target.year})` : ""}`;
  return sendAndVerify(
    deps,
    item,
    section,
    "match",
    () =>
      deps.plex.match(
        ratingKey,
        { guid: target.guid, name: target.name, year: target.year },
        { signal: deps.signal },
      ),
    `matched by hand to ${label}; `,
    [target],
  );
}
