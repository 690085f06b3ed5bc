// One item's way through any run, a scan, a bulk job or watch mode alike:
// detect → triage → fix plan → dry run or fix-and-verify → outcome → record, count, log.
// The decisions are plain functions (triage, fixPlan, fixStep, outcomeAfterFix); this class
// strings them together and settles each outcome in one place. A dry run has no fixing tools
// (`fixing: null`): nothing can be sent to Plex, and what would be done is recorded instead.
import type { ScanSettings } from "../config/settings.js";
import type { PlexClient, PlexItem, PlexSection } from "../plex/index.js";
import { type DetectContext, type Detection, detectProblems } from "./detect.js";
import { type FixDeps, type FixRequest, fixAndVerify, outcomeOfError } from "./fix.js";
import { isAbort } from "./limits.js";
import type { MatchQuery } from "./match-search.js";
import type { KnownItem, Outcome } from "./model.js";
import { asDryRun, itemResult } from "./outcome.js";
import { isFatalPlexError } from "./plex-gate.js";
import { countCompletion, type ScanStats, STAT_OF_STATE } from "./stats.js";
import type { ScanStore } from "./store.js";
import { fixPlan, triage } from "./triage.js";
import { type FixStep, fixStep } from "./wrong-match-fix.js";

/** The settings a verdict needs: when a placeholder left waiting is checked next. */
type ScheduleSettings = Pick<ScanSettings, "placeholderCheckOffsetsMinutes">;

/** What sends a fix to Plex and waits for it (the batched re-read and the pause are optional). */
export type FixingTools = Pick<FixDeps, "tracker" | "reread" | "beforeSend">;

/** An item as a run holds it; the section is unknown to a bulk job (the row keeps its own). */
export interface ListedItem {
  item: PlexItem;
  section?: PlexSection | undefined;
}

export interface PipelineDeps {
  plex: PlexClient;
  store: ScanStore;
  signal: AbortSignal;
  now: () => number;
  /** Wraps every Plex call (the outage gate). */
  call: <T>(fn: () => Promise<T>) => Promise<T>;
  itemTimeoutSeconds: number;
  /** null in a dry run. */
  fixing: FixingTools | null;
  /** Where an outcome's log line goes. */
  log: (level: "info" | "warn" | "error", message: string) => void;
  /** Counted into when given (scans and bulk jobs; watch mode keeps its own tally). */
  stats?: ScanStats | undefined;
}

/** What a fix came to. `fatal`: Plex failed in a way that is no item's fault (see isFatalPlexError). */
export interface Attempt {
  outcome: Outcome;
  fatal?: unknown;
}

export class ItemPipeline {
  /** The server's libraries, read once for items listed without theirs (a bulk job's). */
  private sections?: Promise<Map<string, PlexSection>>;

  constructor(private readonly deps: PipelineDeps) {}

  /** What judging an item needs besides it: its library's agent and language, the time, the schedule. */
  private context(section: PlexSection | undefined, settings?: ScheduleSettings): DetectContext {
    return {
      agent: section?.agent,
      language: section?.language,
      now: this.deps.now(),
      placeholderCheckOffsetsMinutes: settings?.placeholderCheckOffsetsMinutes,
    };
  }

  /** The item's library: the listed one, or looked up by the item's section id. */
  private async sectionOf({ item, section }: ListedItem): Promise<PlexSection | undefined> {
    if (section !== undefined || item.librarySectionId === undefined) return section;
    const { plex, signal, call } = this.deps;
    this.sections ??= call(() => plex.sections({ signal })).then((all) => new Map(all.map((s) => [s.id, s])));
    try {
      return (await this.sections).get(item.librarySectionId);
    } catch (error) {
      this.sections = undefined; // the next item asks again
      throw error;
    }
  }

  get dryRun(): boolean {
    return this.deps.fixing === null;
  }

  /** Detects and triages: "fix" when the item goes on to a fix, otherwise its outcome. */
  judge(
    { item, section }: ListedItem,
    prior: KnownItem | undefined,
    showIgnored: boolean,
    settings: ScanSettings,
  ): { detection: Detection; verdict: Outcome | "fix" } {
    const detection = detectProblems(item, this.context(section, settings));
    const verdict = triage({ item, detection, prior, showIgnored, now: this.deps.now(), settings });
    return { detection, verdict };
  }

  /** Plans the fix of a triaged item and sends it; in a dry run, says what it would send. */
  async fix(
    c: ListedItem,
    detection: Detection,
    prior: KnownItem | undefined,
    settings: ScanSettings,
  ): Promise<Attempt> {
    const { plex, signal, call } = this.deps;
    let step: FixStep;
    try {
      const plan = fixPlan(detection, settings, prior);
      if (typeof plan !== "string") return { outcome: plan };
      const search = (query: MatchQuery) => call(() => plex.matches(c.item.ratingKey, { ...query, signal }));
      step = await fixStep(plan, { item: c.item, section: c.section, detection, prior, settings, search });
    } catch (error) {
      return this.failed(c.item, detection, error);
    }
    if (!("request" in step)) return { outcome: step };
    if (this.deps.fixing === null) return { outcome: step.intent };
    return this.apply(c.item, detection, step.request, c.section, settings);
  }

  /**
   * Sends one fix and verifies it; a Plex error becomes the item's outcome. The re-read item is
   * judged in its library (`section`, looked up when the caller does not know it).
   */
  async apply(
    item: PlexItem,
    detection: Detection,
    request: FixRequest,
    section?: PlexSection,
    settings?: ScheduleSettings,
  ): Promise<Attempt> {
    const { fixing, plex, signal, call } = this.deps;
    if (fixing === null) throw new Error("a dry run sends no fix");
    try {
      const context = this.context(await this.sectionOf({ item, section }), settings);
      const { outcome, completion } = await fixAndVerify(
        { plex, signal, call, timeoutMs: this.deps.itemTimeoutSeconds * 1000, ...fixing, context },
        item,
        request,
      );
      if (this.deps.stats) countCompletion(this.deps.stats, completion);
      return { outcome };
    } catch (error) {
      return this.failed(item, detection, error);
    }
  }

  /** Records, counts and logs one outcome: the only place that does. Returns it as settled. */
  async settle({ item, section }: ListedItem, proposed: Outcome): Promise<Outcome> {
    const { store, stats } = this.deps;
    const o = this.dryRun ? asDryRun(proposed) : proposed;
    if (o.state === "healthy") return o;
    if (o.record) await store.record(itemResult(item, section, { ...o, state: o.state }, this.deps.now()));
    if (stats) {
      stats[STAT_OF_STATE[o.state]]++;
      if (o.matched) stats.matched++;
    }
    if (o.log) this.deps.log(o.log.level, o.log.message);
    return o;
  }

  /** The whole way for one item. A fatal Plex error settles nothing: the caller decides. */
  async check(
    c: ListedItem,
    prior: KnownItem | undefined,
    showIgnored: boolean,
    settings: ScanSettings,
  ): Promise<Attempt> {
    const { detection, verdict } = this.judge(c, prior, showIgnored, settings);
    const attempt = verdict === "fix" ? await this.fix(c, detection, prior, settings) : { outcome: verdict };
    if (attempt.fatal !== undefined) return attempt;
    return { outcome: await this.settle(c, attempt.outcome) };
  }

  private failed(item: PlexItem, detection: Detection, error: unknown): Attempt {
    if (isAbort(error, this.deps.signal)) throw error;
    const outcome = outcomeOfError(item, detection, error);
    return isFatalPlexError(error) ? { outcome, fatal: error } : { outcome };
  }
}
