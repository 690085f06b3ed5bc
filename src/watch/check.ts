// Checking one item the watcher saw arrive: the same item pipeline a scan and a bulk job use
// (detect → triage → fix plan → dry run or fix-and-verify → record). Nothing here decides on
// its own; a fatal Plex error records nothing and is passed on, so the item is tried again.
import type { ScanSettings } from "../config/settings.js";
import type { PlexClient, PlexItem, PlexSection } from "../plex/index.js";
import type { CompletionTracker } from "../scan/completion.js";
import type { KnownItem, Outcome } from "../scan/model.js";
import { ItemPipeline } from "../scan/pipeline.js";
import type { PlexGate } from "../scan/plex-gate.js";
import type { ScanStore } from "../scan/store.js";

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

/** The pipeline for one group of watched items; a dry run (by the settings) sends nothing. */
export function watchPipeline(deps: CheckDeps): ItemPipeline {
  const { plex, store, settings, signal, now, gate } = deps;
  return new ItemPipeline({
    plex,
    store,
    signal,
    now,
    call: (fn) => gate.call(fn, signal),
    itemTimeoutSeconds: settings.itemTimeoutSeconds,
    fixing: settings.dryRun ? null : { tracker: deps.tracker },
    log: (level, message) => deps.log(level, `Watch: ${message}`),
  });
}

export async function checkItem(
  pipeline: ItemPipeline,
  settings: ScanSettings,
  item: PlexItem,
  section: PlexSection,
  prior: KnownItem | undefined,
  /** Its show (for a season or episode) was set aside by a person. */
  showIgnored = false,
): Promise<CheckResult> {
  const { outcome, fatal } = await pipeline.check({ item, section }, prior, showIgnored, settings);
  if (fatal !== undefined) throw fatal;
  return outcome.state;
}
