// The scan: collect → triage → fix (refresh or match) → wait for Plex → verify → settle.
// Fixes run on the run loop's bounded pool of workers fed by the collector, so Plex always has
// work queued but never more than `concurrency` items at once. What happens to each item is
// the pipeline's (the same for bulk jobs and watch mode); this file only collects the items,
// holds a show's seasons and episodes while the show is matched, and feeds the workers.
import type { ScanSettings } from "../config/settings.js";
import { KeySet, type PlexItem, type PlexSection } from "../plex/index.js";
import {
  type Collected,
  collectPool,
  countWindow,
  listingTypes,
  listWindow,
  selectSections,
} from "./collect.js";
import type { Detection } from "./detect.js";
import { knownBatch } from "./known.js";
import { abortError, WorkQueue } from "./limits.js";
import type { KnownItem, Outcome } from "./model.js";
import type { ItemPipeline } from "./pipeline.js";
import { type RunDeps, RunLoop, type RunOutcome } from "./run-loop.js";
import { describeScope, emptyStats, type ScanStats, summarizeStats } from "./stats.js";
import type { ScanStore } from "./store.js";
import { displayTitle } from "./title.js";
import { fixPlan } from "./triage.js";
import { withShowFolders } from "./wrong-match-fix.js";

export interface ScanDeps extends RunDeps {
  store: ScanStore;
}

interface Task {
  c: Collected;
  detection: Detection;
  prior: KnownItem | undefined;
}

/** A season or episode that waits for its show's match, with what it gets if the match fails. */
interface Held {
  c: Collected;
  outcome: Outcome;
}

/**
 * Listed broken items waiting for a worker. Enough that the workers never run dry, few enough
 * that a library with thousands of broken items is not held in memory while they wait.
 */
const QUEUE_CAPACITY = 100;

/** Runs one scan to the end, or until `signal` aborts; results are recorded as they happen. */
export async function runScan(settings: ScanSettings, deps: ScanDeps): Promise<RunOutcome<ScanStats>> {
  const scan = new Scan(settings, deps);
  return scan.loop.run(
    "Scan",
    describeScope(settings),
    () => scan.run(),
    () => summarizeStats(scan.loop.stats),
  );
}

class Scan {
  readonly loop: RunLoop<ScanStats>;
  private readonly signal: AbortSignal;
  /** Broken items waiting for a worker; the collector pauses while it is full. */
  private readonly queue = new WorkQueue<Task>(QUEUE_CAPACITY);
  /** Items already triaged (a 450,000-item scan holds them all, so in a bitmap where it can). */
  private readonly seen = new KeySet();
  /** Unmatched shows queued for a match in this scan, with the children that wait for it. */
  private readonly pendingShows = new Map<string, Held[]>();
  private pipeline!: ItemPipeline;

  constructor(
    private readonly settings: ScanSettings,
    private readonly deps: ScanDeps,
  ) {
    this.loop = new RunLoop(deps, settings, emptyStats());
    this.signal = this.loop.signal;
  }

  private get stats(): ScanStats {
    return this.loop.stats;
  }

  async run(): Promise<void> {
    const { loop } = this;
    const sections = selectSections(
      await loop.call(() => this.deps.plex.sections({ signal: this.signal })),
      this.settings.libraries,
      this.settings.includePersonal,
    );
    if (sections.length === 0) loop.log("warn", "No movie or show libraries to scan");
    else loop.log("info", `Libraries: ${sections.map((s) => `${s.title} (${s.type})`).join(", ")}`);
    this.pipeline = loop.pipeline({
      store: this.deps.store,
      itemTimeoutSeconds: this.settings.itemTimeoutSeconds,
      fixing: this.settings.dryRun ? null : await loop.fixingTools(),
    });
    await this.process(sections);
  }

  /** Collector and workers run together; the queue between them only holds broken items. */
  private async process(sections: PlexSection[]): Promise<void> {
    const { loop } = this;
    const collectOptions = {
      settings: this.settings,
      nowSeconds: Math.floor(loop.now() / 1000),
      signal: this.signal,
    };
    loop.total = await loop.call(() => countWindow(this.deps.plex, sections, collectOptions));
    const collector = async () => {
      try {
        for (const section of sections) {
          for (const type of listingTypes(section, this.settings.includeChildren)) {
            // A listing that dies in an outage restarts from the top; seen items are skipped.
            await loop.call(async () => {
              for await (const page of listWindow(this.deps.plex, section, type, collectOptions)) {
                await this.triage(page.map((item) => ({ item, section, origin: "window" as const })));
              }
            });
          }
        }
        const poolKeys = (await this.deps.store.retryPool(this.settings.retryPoolLimit)).filter(
          (k) => !this.seen.has(k),
        );
        if (poolKeys.length > 0) {
          const pooled = await loop.call(() => collectPool(this.deps.plex, sections, poolKeys, this.signal));
          this.stats.fromRetryPool += pooled.length;
          if (loop.total !== null) loop.total += pooled.length;
          await this.triage(pooled);
        }
      } finally {
        this.stats.collectMs = loop.now() - loop.startedAt;
        this.queue.close();
      }
    };
    try {
      await loop.pool(this.queue, this.settings.concurrency, (task) => this.fix(task), collector);
    } finally {
      // Children still waiting (the scan stopped before their show's match) keep their skip.
      for (const key of [...this.pendingShows.keys()]) await this.releaseChildren(key, false);
    }
  }

  /** Triages a page of newly listed items; items seen before in this scan are passed over. */
  private async triage(batch: Collected[]): Promise<void> {
    const unseen = batch.filter((c) => !this.seen.has(c.item.ratingKey));
    if (unseen.length === 0) return;
    const fresh = await withShowFolders(unseen, (keys) => this.reread(keys));
    const known = await knownBatch(
      this.deps.store,
      fresh.map((c) => c.item),
    );
    for (const c of fresh) {
      if (this.signal.aborted) throw abortError(this.signal);
      await this.queue.room(this.signal);
      this.seen.add(c.item.ratingKey);
      this.stats.checked++;
      await this.route(c, known.prior(c.item), known.showIgnored(c.item));
    }
  }

  /** Settles one item, holds it for its show's match, or queues it for a fix. */
  private async route(c: Collected, prior: KnownItem | undefined, showIgnored = false): Promise<void> {
    const { detection, verdict } = this.pipeline.judge(c, prior, showIgnored, this.settings);
    if (verdict === "fix") {
      this.stats.broken++;
      // Its seasons and episodes, listed after it, wait to see whether the match takes.
      if (
        c.item.type === "show" &&
        !this.pipeline.dryRun &&
        fixPlan(detection, this.settings, prior) === "match"
      )
        this.pendingShows.set(c.item.ratingKey, []);
      this.queue.push({ c, detection, prior });
      return;
    }
    const waiting =
      verdict.waitsForShow === undefined ? undefined : this.pendingShows.get(verdict.waitsForShow);
    if (waiting) {
      waiting.push({ c, outcome: verdict });
      return;
    }
    await this.pipeline.settle(c, verdict);
    this.loop.done++;
    this.loop.progress();
  }

  private async fix({ c, detection, prior }: Task): Promise<void> {
    const { loop } = this;
    loop.current = displayTitle(c.item);
    loop.progress();
    let attempt: Awaited<ReturnType<ItemPipeline["fix"]>>;
    try {
      attempt = await this.pipeline.fix(c, detection, prior, this.settings);
    } finally {
      loop.done++;
      loop.progress();
    }
    // The item in flight still records its error; the rest of the scan stops.
    if (attempt.fatal !== undefined) loop.fail(attempt.fatal);
    const settled = await this.pipeline.settle(c, attempt.outcome);
    if (this.pendingShows.has(c.item.ratingKey))
      await this.releaseChildren(c.item.ratingKey, !!settled.matched);
  }

  /**
   * A show's match has settled. If it took, its waiting seasons and episodes are re-read and
   * triaged again, now that they may have changed with it; otherwise they keep their skip.
   */
  private async releaseChildren(showKey: string, matched: boolean): Promise<void> {
    const held = this.pendingShows.get(showKey) ?? [];
    const fresh = matched && held.length > 0 ? await this.reread(held.map((h) => h.c.item.ratingKey)) : [];
    this.pendingShows.delete(showKey);
    const byKey = new Map(fresh.map((item) => [item.ratingKey, item]));
    for (const h of held) {
      const item = byKey.get(h.c.item.ratingKey);
      if (item) {
        // What this scan knew of the child until now is its skip: healthy now means fixed by the match.
        await this.route({ ...h.c, item }, { state: "skipped", lastFailedAt: null });
      } else {
        await this.pipeline.settle(h.c, h.outcome);
        this.loop.done++;
      }
    }
  }

  private reread(keys: string[]): Promise<PlexItem[]> {
    return this.loop.call(() => this.deps.plex.metadata(keys, { signal: this.signal }));
  }
}
