// Checking one item the watcher saw arrive, with the scan's own rules in the scan's order:
// detect → triage (ignore list, personal media, locked fields, back-off) → fix plan → the
// scan's fix step → dry run or fix-and-verify → record. Nothing here decides on its own.
import type { ScanSettings } from "../config/settings.js";
import type { PlexClient, PlexItem, PlexSection } from "../plex/index.js";
import { PlexAuthError } from "../plex/index.js";
import type { CompletionTracker } from "../scan/completion.js";
import { detectProblems } from "../scan/detect.js";
import { fixAndVerify, outcomeOfError } from "../scan/fix.js";
import { isAbort } from "../scan/limits.js";
import type { MatchQuery } from "../scan/match-search.js";
import { asDryRun, itemResult, type Outcome } from "../scan/outcome.js";
import { type PlexGate, PlexOutageError } from "../scan/plex-gate.js";
import type { KnownItem } from "../scan/policy.js";
import type { ScanStore } from "../scan/store.js";
import { fixPlan, triage } from "../scan/triage.js";
import { fixStep } from "../scan/wrong-match-fix.js";

export interface CheckDeps {
  plex: PlexClient;
  store: ScanStore;
  tracker: CompletionTracker;
  gate: PlexGate;
  settings: ScanSettings;
  signal: AbortSignal;
  now: () => number;
  log: (level: "info" | "warn" | "error", message: string) => void;
}

/** What the check concluded: the recorded state, or "healthy" (nothing recorded, nothing sent). */
export type CheckResult = Outcome["state"];

export async function checkItem(
  deps: CheckDeps,
  item: PlexItem,
  section: PlexSection,
  prior: KnownItem | undefined,
  /** Its show (for a season or episode) was set aside by a person. */
  showIgnored = false,
): Promise<CheckResult> {
  const { settings, signal } = deps;
  const call = <T>(fn: () => Promise<T>) => deps.gate.call(fn, signal);
  const detection = detectProblems(item);
  let result: Outcome;
  const verdict = triage({ item, detection, prior, showIgnored, now: deps.now(), settings });
  if (verdict !== "fix") {
    result = verdict;
  } else {
    try {
      result = await attempt(deps, item, section, prior, call);
    } catch (error) {
      if (isAbort(error, signal) || error instanceof PlexAuthError || error instanceof PlexOutageError)
        throw error;
      result = outcomeOfError(item, detection, error);
    }
  }
  const o = settings.dryRun ? asDryRun(result) : result;
  if (o.state === "healthy") return "healthy";
  if (o.record) await deps.store.record(itemResult(item, section, { ...o, state: o.state }, deps.now()));
  if (o.log) deps.log(o.log.level, `Watch: ${o.log.message}`);
  return o.state;
}

async function attempt(
  deps: CheckDeps,
  item: PlexItem,
  section: PlexSection,
  prior: KnownItem | undefined,
  call: <T>(fn: () => Promise<T>) => Promise<T>,
): Promise<Outcome> {
  const { settings, signal, plex } = deps;
  const detection = detectProblems(item);
  const plan = fixPlan(detection, settings, prior);
  if (typeof plan !== "string") return plan;
  // The scan's own step (refresh, match search, wrong-match rules), so both decide alike.
  const search = (query: MatchQuery) => call(() => plex.matches(item.ratingKey, { ...query, signal }));
  const step = await fixStep(plan, { item, section, detection, prior, settings, search });
  if (!("request" in step)) return step;
  if (settings.dryRun) return step.intent;
  const { outcome } = await fixAndVerify(
    { plex, tracker: deps.tracker, signal, timeoutMs: settings.itemTimeoutSeconds * 1000, call },
    item,
    step.request,
  );
  return outcome;
}
