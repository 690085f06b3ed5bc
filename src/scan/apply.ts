// "Apply these N fixes": the items a dry run proposed to fix, run as real fixes. Nothing the dry
// run decided is trusted: each item is read from Plex again and goes the whole way through the
// item pipeline (detect, triage, plan, fix-and-verify, settle) like a scan's item, so one that
// is healthy by now, ignored since, or locked is left alone.

import type { ScanSettings } from "../config/settings.js";
import type { ApplyJobStats } from "../contracts/bulk.js";
import type { PlexItem, PlexSection } from "../plex/index.js";
import { knownBatch } from "./known.js";
import { WorkQueue } from "./limits.js";
import type { KnownItem } from "./model.js";
import type { ItemPipeline, ListedItem } from "./pipeline.js";
import { type RunDeps, RunLoop, type RunOutcome } from "./run-loop.js";
import { emptyStats, type ScanStats, summarizeStats } from "./stats.js";
import type { ScanStore } from "./store.js";
import { displayTitle } from "./title.js";
import { withShowFolders } from "./wrong-match-fix.js";

export interface ApplyPlan {
  /** The dry run whose proposals these are. */
  fromJobId: number;
  ratingKeys: readonly string[];
}

export interface ApplyDeps extends RunDeps {
  store: ScanStore;
  /** The scan settings of today, as a real run (dryRun is ignored). */
  settings: ScanSettings;
}

export type ApplyStats = ScanStats & { apply: ApplyJobStats };

/** Items read from Plex per request; the queue holds at most a few such batches. */
const READ_BATCH = 50;
const QUEUE_CAPACITY = 100;

interface Task {
  c: ListedItem;
  prior: KnownItem | undefined;
  showIgnored: boolean;
}

export function runApply(plan: ApplyPlan, deps: ApplyDeps): Promise<RunOutcome<ApplyStats>> {
  const run = new ApplyRun(plan, deps);
  const total = plan.ratingKeys.length;
  const a = run.loop.stats.apply;
  return run.loop.run(
    "Apply fixes",
    `${total} item${total === 1 ? "" : "s"} proposed by dry run ${plan.fromJobId}, concurrency ${deps.settings.concurrency}`,
    () => run.run(),
    () =>
      `${a.done} of ${a.total} done, ${a.fixed} fixed, ${a.healthyNow} healthy by now, ${a.gone} gone from Plex; ${summarizeStats(run.loop.stats)}`,
  );
}

class ApplyRun {
  readonly loop: RunLoop<ApplyStats>;
  private readonly settings: ScanSettings;
  private readonly queue = new WorkQueue<Task>(QUEUE_CAPACITY);
  private pipeline!: ItemPipeline;

  constructor(
    private readonly plan: ApplyPlan,
    private readonly deps: ApplyDeps,
  ) {
    const apply = {
      fromJobId: plan.fromJobId,
      total: plan.ratingKeys.length,
      done: 0,
      fixed: 0,
      healthyNow: 0,
      gone: 0,
    };
    this.loop = new RunLoop(deps, deps.settings, { ...emptyStats(), apply });
    this.loop.total = plan.ratingKeys.length;
    this.settings = { ...deps.settings, dryRun: false };
  }

  async run(): Promise<void> {
    const { loop } = this;
    // The library of each item gives a match search its agent and language, as in a scan.
    const sections = await loop.call(() => this.deps.plex.sections({ signal: loop.signal }));
    this.pipeline = loop.pipeline({
      store: this.deps.store,
      itemTimeoutSeconds: this.settings.itemTimeoutSeconds,
      fixing: await loop.fixingTools(),
    });
    await loop.pool(
      this.queue,
      this.settings.concurrency,
      (task) => this.handle(task),
      () => this.feed(new Map(sections.map((s) => [s.id, s]))),
    );
  }

  /** Reads the proposed items again in batches and queues them with what the store knows. */
  private async feed(sections: Map<string, PlexSection>): Promise<void> {
    const { loop } = this;
    try {
      const keys = this.plan.ratingKeys;
      for (let i = 0; i < keys.length; i += READ_BATCH) {
        const batch = keys.slice(i, i + READ_BATCH);
        const items = await this.read(batch);
        const found = new Set(items.map((item) => item.ratingKey));
        for (const key of batch) if (!found.has(key)) this.gone(key);
        const listed = await withShowFolders(
          items.map((item) => ({ item, section: sections.get(item.librarySectionId ?? "") })),
          (k) => this.read(k),
        );
        const known = await knownBatch(
          this.deps.store,
          listed.map((c) => c.item),
        );
        for (const c of listed) {
          await this.queue.room(loop.signal);
          this.queue.push({ c, prior: known.prior(c.item), showIgnored: known.showIgnored(c.item) });
        }
      }
    } finally {
      this.queue.close();
    }
  }

  private async handle({ c, prior, showIgnored }: Task): Promise<void> {
    const { loop } = this;
    loop.current = displayTitle(c.item);
    loop.stats.checked++;
    loop.progress();
    const attempt = await this.pipeline.check(c, prior, showIgnored, this.settings);
    if (attempt.fatal !== undefined) {
      // The item in flight keeps its error; the rest of the run stops.
      await this.pipeline.settle(c, attempt.outcome);
      loop.fail(attempt.fatal);
    } else if (attempt.outcome.reason.code === "healthy_on_recheck") {
      // Counted apart from the fixes this job made (the scan's figures count both as fixed).
      this.stats.apply.healthyNow++;
    } else if (attempt.outcome.state === "fixed") {
      this.stats.apply.fixed++;
    }
    this.count();
  }

  private gone(ratingKey: string): void {
    this.stats.apply.gone++;
    this.loop.log("warn", `Gone: item ${ratingKey} is no longer in Plex`);
    this.count();
  }

  private read(keys: string[]): Promise<PlexItem[]> {
    return this.loop.call(() => this.deps.plex.metadata(keys, { signal: this.loop.signal }));
  }

  private get stats(): ApplyStats {
    return this.loop.stats;
  }

  private count(): void {
    this.stats.apply.done++;
    this.loop.done = this.stats.apply.done;
    this.loop.progress();
  }
}
