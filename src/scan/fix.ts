// One fix-and-verify for the scan and for the one-item actions: send a refresh or a match,
// wait until Plex has finished, re-read the item and judge the result. The outcomes around it
// (what a dry run would do, a match search that settles without a write) are built here too,
// so a fix from the UI records exactly what a scan fix records.
import { DEFAULT_SCAN_SETTINGS } from "../config/settings.js";
import type { Reason } from "../contracts/index.js";
import { errorMessage } from "../error-message.js";
import {
  PlexAuthError,
  type PlexClient,
  PlexError,
  PlexHttpError,
  type PlexItem,
  PlexNotFoundError,
  PlexUnreachableError,
} from "../plex/index.js";
import type { Completion, CompletionTracker } from "./completion.js";
import { type DetectContext, type Detection, detectProblems, isUnmatchedGuid } from "./detect.js";
import type { Candidate, MatchChoice } from "./match-choice.js";
import { candidateLabel, type Outcome, outcome, type Settled } from "./outcome.js";
import { airedAt, nextPlaceholderCheck } from "./placeholder.js";
import { describeProblems, verdictAfterFix, waitingReason } from "./policy.js";
import { reasonText } from "./reason-text.js";
import type { MatchRef } from "./store.js";
import { displayTitle } from "./title.js";
import { wrongMatchEvidence } from "./wrong-match.js";

/** The item is gone from Plex (deleted while we looked at it). */
export class ItemNotFoundError extends Error {
  constructor(readonly ratingKey: string) {
    super(`No item ${ratingKey} in Plex`);
    this.name = "ItemNotFoundError";
  }
}

export type FixRequest =
  | { kind: "refresh" }
  /** `reason` says why this candidate: the scan's rule, or chosen by hand in the match picker. */
  | { kind: "match"; target: Candidate; reason: Reason }
  /** Restores what the app's last match replaced: a match back to that guid, or an unmatch. */
  | { kind: "undo"; to: MatchRef };

/** Candidates stored with an item for review; the picker can always search for more. */
export const MAX_STORED_CANDIDATES = 10;

export interface FixDeps {
  plex: PlexClient;
  tracker: CompletionTracker;
  signal: AbortSignal;
  timeoutMs: number;
  /** Wraps every Plex call; the scan rides out outages with it. */
  call?: <T>(fn: () => Promise<T>) => Promise<T>;
  /** Re-reads the item after the fix; the scan batches these. Default: one metadata read. */
  reread?: (ratingKey: string) => Promise<PlexItem | undefined>;
  /** Runs just before the write (the scan's optional spacing between writes). */
  beforeSend?: () => Promise<void>;
  /** The item's library and the time, for judging the re-read item (see detectProblems). */
  context?: DetectContext;
}

export interface FixResult {
  outcome: Settled;
  completion: Completion;
}

export async function fixAndVerify(deps: FixDeps, before: PlexItem, request: FixRequest): Promise<FixResult> {
  const { plex, signal } = deps;
  const key = before.ratingKey;
  const call = deps.call ?? (<T>(fn: () => Promise<T>) => fn());
  const send = (): Promise<void> => {
    if (request.kind === "refresh") return plex.refresh(key, { signal });
    if (request.kind === "undo") {
      const { guid, title, year } = request.to;
      if (guid === null) return plex.unmatch(key, { signal });
      return plex.match(key, { guid, name: title, ...(year === null ? {} : { year }) }, { signal });
    }
    const { guid, name, year } = request.target;
    return plex.match(key, { guid, name, year }, { signal });
  };
  // Expect before sending, so an instant completion is not missed; resent after a lost event.
  const waiter = deps.tracker.expect(key, before, () => call(send));
  await deps.beforeSend?.();
  await call(send);
  const completion = await waiter.wait(deps.timeoutMs, signal);
  const reread = deps.reread ?? ((k: string) => plex.metadata([k], { signal }).then(([item]) => item));
  const after = await call(() => reread(key));
  if (!after) throw new ItemNotFoundError(key);
  return { outcome: outcomeAfterFix(before, after, request, completion, deps.context), completion };
}

/** Judges a re-read item against the item before the fix. */
export function outcomeAfterFix(
  before: PlexItem,
  after: PlexItem,
  request: FixRequest,
  completion: Completion,
  context: DetectContext = {},
): Settled {
  const beforeDetection = detectProblems(before, context);
  const afterDetection = detectProblems(after, context);
  const verdict = verdictAfterFix(beforeDetection, afterDetection);
  const late = completion === "timeout";
  const problems = afterDetection.problems;
  if (request.kind === "undo")
    return outcomeAfterUndo(before, after, request.to, afterDetection, late, context);
  if (request.kind === "refresh") {
    const reason = withLate(verdict.reason, late);
    const label = { fixed: "Fixed", failed: "Still broken", locked: "Locked", waiting: "Waiting" }[
      verdict.state
    ];
    const level = verdict.state === "failed" ? "warn" : "info";
    const next = verdict.state === "waiting" ? waitingFor(after, context) : undefined;
    const said = next ? withLate(next.reason, late) : reason;
    return outcome(verdict.state, "refresh", said, problems, {
      item: after,
      ...(next ? { nextCheckAt: next.at } : {}),
      log: { level, message: `${label}: ${displayTitle(after)} — ${reasonText(said)}` },
    });
  }
  const label = candidateLabel(request.target);
  const matched = !problems.includes("unmatched");
  const reason: Reason = matched
    ? { code: "matched", params: { to: label, by: request.reason, verdict: verdict.reason } }
    : { code: "match_not_taken", params: { to: label, late } };
  const note = reasonText(reason);
  const state = matched ? verdict.state : "failed";
  return outcome(state, "match", reason, problems, {
    item: after,
    matched,
    candidates: [request.target],
    ...(sameMatch(before.guid, after.guid) ? {} : { matchedFrom: matchRefOf(before, context) }),
    log: {
      level: state === "fixed" ? "info" : "warn",
      message: `${matched ? "Matched" : "Match failed"}: ${displayTitle(before)} — ${note}`,
    },
  });
}

/** A placeholder still without data: when the air-date schedule checks it next, and why it waits. */
function waitingFor(item: PlexItem, context: DetectContext): { at: number | null; reason: Reason } {
  const aired = airedAt(item);
  const offsets =
    context.placeholderCheckOffsetsMinutes ?? DEFAULT_SCAN_SETTINGS.placeholderCheckOffsetsMinutes;
  const at = aired === undefined ? null : nextPlaceholderCheck(aired, context.now ?? Date.now(), offsets);
  return { at, reason: waitingReason(at) };
}

/** What an item is matched to now, as an undo would restore it: either unmatched form is null. */
export function matchRefOf(item: PlexItem, context: DetectContext = {}): MatchRef {
  const unmatched = isUnmatchedGuid(item.guid, context);
  return { guid: unmatched ? null : item.guid!, title: item.title, year: item.year ?? null };
}

export function matchRefLabel(m: MatchRef): string {
  return matchRefParam(m) ?? "unmatched";
}

/** A match as a reason parameter: its label, or null for "not matched" (worded by the reader). */
function matchRefParam(m: MatchRef): string | null {
  return m.guid === null ? null : candidateLabel({ name: m.title, year: m.year ?? undefined });
}

/** A verdict with Plex's missed completion noted, when it was missed. */
function withLate(r: Reason, late: boolean): Reason {
  return late ? { ...r, params: { ...r.params, late } } : r;
}

/** Legacy guids may come back with another `?lang=`; the part before it names the match. */
function sameMatch(a: string | undefined, b: string | undefined): boolean {
  const bare = (g: string | undefined) => (g ?? "").replace(/\?.*$/, "");
  return bare(a) === bare(b);
}

/** Judges an undo: the item must be back on the guid it had (or unmatched again). */
function outcomeAfterUndo(
  before: PlexItem,
  after: PlexItem,
  to: MatchRef,
  d: Detection,
  late: boolean,
  context: DetectContext,
): Settled {
  const { problems } = d;
  // What is still wrong after the undo, with a wrong match's evidence spelled out.
  const left =
    d.wrongMatch?.kind === "id_conflict"
      ? { evidence: wrongMatchEvidence(d.wrongMatch) }
      : problems.length > 0
        ? { problems }
        : {};
  const ref = (item: PlexItem) => matchRefOf(item, context);
  const restored = to.guid === null ? ref(after).guid === null : sameMatch(after.guid, to.guid);
  const reason: Reason = restored
    ? {
        code: "undo_done",
        params: { to: matchRefParam(to), was: matchRefParam(ref(before)), ...left },
      }
    : { code: "undo_not_taken", params: { still: matchRefParam(ref(after)), late } };
  const note = reasonText(reason);
  // Restored as a person asked; what remains wrong with it is theirs to decide now.
  const state = !restored ? "failed" : problems.length > 0 ? "needs_review" : "fixed";
  return outcome(state, "undo_match", reason, problems, {
    item: after,
    undone: restored,
    ...(restored ? { matchedFrom: ref(before) } : {}),
    log: { level: restored ? "info" : "warn", message: `Undo match: ${displayTitle(before)} — ${note}` },
  });
}

/** What a refresh would do; in a dry run this is the outcome, otherwise the refresh is sent. */
export function refreshIntent(item: PlexItem, d: Detection): Outcome {
  const problems = describeProblems(d.problems);
  return outcome(
    "would_fix",
    "refresh",
    { code: "would_refresh", params: { problems: d.problems } },
    d.problems,
    {
      log: { level: "info", message: `Would refresh: ${displayTitle(item)} (${problems})` },
    },
  );
}

/**
 * The outcome of a match search: settled at once when nothing or nothing clear was found;
 * otherwise the match to send (and, in a dry run, the outcome to record instead).
 */
export function matchDecision(
  item: PlexItem,
  d: Detection,
  choice: MatchChoice,
): Outcome | { request: FixRequest & { kind: "match" }; intent: Outcome } {
  const title = displayTitle(item);
  if (choice.decision === "none") {
    return outcome(
      "failed",
      "match",
      { code: "no_match_found", params: { why: choice.reason } },
      d.problems,
      {
        log: { level: "warn", message: `No match: ${title} — ${reasonText(choice.reason)}` },
      },
    );
  }
  if (choice.decision === "review") {
    return outcome(
      "needs_review",
      "match",
      { code: "match_review", params: { why: choice.reason } },
      d.problems,
      {
        candidates: choice.candidates.slice(0, MAX_STORED_CANDIDATES),
        log: { level: "warn", message: `Needs review: ${title} — ${reasonText(choice.reason)}` },
      },
    );
  }
  const target = choice.candidate;
  const label = candidateLabel(target);
  const intent = outcome(
    "would_fix",
    "match",
    { code: "would_match", params: { to: label, guid: target.guid, by: choice.reason } },
    d.problems,
    {
      candidates: [target],
      log: { level: "info", message: `Would match: ${title} → ${label} (${reasonText(choice.reason)})` },
    },
  );
  return { request: { kind: "match", target, reason: choice.reason }, intent };
}

/** A fix that threw: an item deleted meanwhile is skipped; anything else is Plex's error, not the item's. */
export function outcomeOfError(item: PlexItem, d: Detection, error: unknown): Outcome {
  if (error instanceof ItemNotFoundError || error instanceof PlexNotFoundError) {
    return outcome("skipped", "skip", { code: "deleted_while_scanning" }, d.problems);
  }
  // Recorded as "error", which the retry pool brings back at the next scan with no back-off.
  const message = errorMessage(error);
  return outcome("error", "refresh", plexErrorReason(error), d.problems, {
    log: { level: "error", message: `Error: ${displayTitle(item)}: ${message}` },
  });
}

/**
 * A Plex error as a reason: the kind the reader is told in their language, and the client's own
 * English message for the log and the note.
 */
export function plexErrorReason(error: unknown): Reason {
  const message = errorMessage(error);
  const kind =
    error instanceof PlexAuthError
      ? "auth"
      : error instanceof PlexUnreachableError
        ? "unreachable"
        : error instanceof PlexHttpError
          ? "http"
          : error instanceof PlexError
            ? "plex"
            : "other";
  const status = error instanceof PlexHttpError ? { status: error.status } : {};
  return { code: "plex_error", params: { kind, ...status, message } };
}
