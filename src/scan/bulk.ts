// Bulk actions on chosen items: what happens to each item (a pure, table-tested decision) and
// the work itself, run the way a scan runs its fixes: the same run loop (worker pool, outage
// gate, completion tracking, cancel, final report) and the same item pipeline (fix-and-verify,
// settle), with the results recorded through the scan's store.

import type { ScanSettings } from "../config/settings.js";
import type { BulkAction, BulkJobStats } from "../contracts/bulk.js";
import { BULK_MAX_LISTED_FAILURES } from "../contracts/bulk.js";
import { type Reason, type ReasonCode, reason } from "../contracts/reasons.js";
import type { PlexItem } from "../plex/index.js";
import { type SearchedAs, searchedAs, topChoice } from "./accept-top.js";
import { detectProblems } from "./detect.js";
import { type FixRequest, plexErrorReason } from "./fix.js";
import { isAbort, WorkQueue } from "./limits.js";
import type { ItemPipeline } from "./pipeline.js";
import { isFatalPlexError } from "./plex-gate.js";
import type { ItemState } from "./policy.js";
import { reasonText } from "./reason-text.js";
import { type RunDeps, RunLoop, type RunOutcome } from "./run-loop.js";
import { emptyStats, type ScanStats } from "./stats.js";
import type { ScanStore } from "./store.js";

/** A selected item as the database knows it. */
export interface BulkItem {
  ratingKey: string;
  title: string;
  /** The state the scans found (not "ignored": that is `ignored`). */
  state: ItemState;
  ignored: boolean;
  candidates: readonly unknown[] | null;
  /** How the item is searched for (accept_top's rule); else read from `title`. */
  searched?: SearchedAs;
}

export type BulkStep =
  | { kind: "fix"; request: FixRequest }
  | { kind: "ignore" }
  | { kind: "unignore" }
  | { kind: "skip"; reason: Reason };
type ActionStep = Exclude<BulkStep, { kind: "skip" }>;

function skip(code: ReasonCode, params?: Reason["params"]): BulkStep {
  return { kind: "skip", reason: reason(code, params) };
}

/** What a bulk action does to one item. Pure; the first rule that applies wins. */
export function bulkStep(action: BulkAction, item: BulkItem): BulkStep {
  switch (action) {
    case "ignore":
      return item.ignored ? skip("already_ignored") : { kind: "ignore" };
    case "unignore":
      return item.ignored ? { kind: "unignore" } : skip("not_ignored");
    case "refresh":
      // Set aside by hand means no refresh or match, by a scan or by a bulk action.
      if (item.ignored) return skip("ignored_unignore_first");
      return { kind: "fix", request: { kind: "refresh" } };
    case "accept_top": {
      if (item.ignored) return skip("ignored_unignore_first");
      if (item.state !== "needs_review") return skip("not_in_review", { state: item.state });
      // Ties and unclear items are left alone (accept-top.ts), never decided by list order.
      const choice = topChoice(item.searched ?? searchedAs(item.title, undefined), item.candidates);
      if ("skip" in choice) return { kind: "skip", reason: choice.skip };
      const { target } = choice;
      return { kind: "fix", request: { kind: "match", target, reason: { code: "top_candidate_by_hand" } } };
    }
  }
}

export interface BulkPlan {
  action: BulkAction;
  /** The ignore's reason (ignore only). */
  reason: string | null;
  items: readonly BulkItem[];
}

export interface BulkDeps extends RunDeps {
  store: ScanStore;
  /** Sets (reason) or clears (null) an ignore; false when the item is no longer recorded. */
  setIgnored: (ratingKey: string, ignore: { reason: string | null } | null, at: number) => Promise<boolean>;
  settings: Pick<ScanSettings, "concurrency" | "itemTimeoutSeconds" | "outageWaitSeconds" | "requestDelayMs">;
}

export type BulkStats = ScanStats & { bulk: BulkJobStats };

const VERB: Record<BulkAction, string> = {
  refresh: "refresh",
  ignore: "ignore",
  unignore: "unignore",
  accept_top: "accept the top candidate",
};

export function runBulk(plan: BulkPlan, deps: BulkDeps): Promise<RunOutcome<BulkStats>> {
  const run = new BulkRun(plan, deps);
  const total = plan.items.length;
  const b = run.loop.stats.bulk;
  return run.loop.run(
    "Bulk action",
    `${VERB[plan.action]} ${total} item${total === 1 ? "" : "s"}, concurrency ${deps.settings.concurrency}`,
    () => run.run(),
    () =>
      `${b.done} of ${b.total} done: ${b.succeeded} succeeded, ${b.failed} failed, ${b.skipped} skipped in ${(run.loop.stats.durationMs / 1000).toFixed(1)} s`,
  );
}

class BulkRun {
  readonly loop: RunLoop<BulkStats>;
  private pipeline: ItemPipeline | undefined;

  constructor(
    private readonly plan: BulkPlan,
    private readonly deps: BulkDeps,
  ) {
    const bulk = {
      action: plan.action,
      total: plan.items.length,
      done: 0,
      succeeded: 0,
      failed: 0,
      skipped: 0,
    };
    this.loop = new RunLoop(deps, deps.settings, { ...emptyStats(), bulk: { ...bulk, failures: [] } });
    this.loop.total = plan.items.length;
  }

  private get stats(): BulkStats {
    return this.loop.stats;
  }

  async run(): Promise<void> {
    const queue = new WorkQueue<{ item: BulkItem; step: ActionStep }>();
    let fixes = 0;
    for (const item of this.plan.items) {
      const step = bulkStep(this.plan.action, item);
      if (step.kind === "skip") this.skip(item, step.reason);
      else {
        if (step.kind === "fix") fixes++;
        queue.push({ item, step });
      }
    }
    queue.close();
    // Items are read before and after each fix in batches, as a scan verifies them.
    if (fixes > 0)
      this.pipeline = this.loop.pipeline({
        store: this.deps.store,
        itemTimeoutSeconds: this.deps.settings.itemTimeoutSeconds,
        fixing: await this.loop.fixingTools(),
      });
    await this.loop.pool(queue, this.deps.settings.concurrency, ({ item, step }) => this.handle(item, step));
  }

  private async handle(item: BulkItem, step: ActionStep): Promise<void> {
    this.loop.current = item.title;
    this.loop.progress();
    if (step.kind === "fix") return this.fix(item, step.request);
    const ignore = step.kind === "ignore";
    const ok = await this.deps.setIgnored(
      item.ratingKey,
      ignore ? { reason: this.plan.reason } : null,
      this.loop.now(),
    );
    if (!ok) return this.fail(item, reason("no_longer_recorded"));
    this.stats.checked++;
    this.succeed(`${ignore ? "Ignored" : "Unignored"}: ${item.title}`);
  }

  private async fix(item: BulkItem, request: FixRequest): Promise<void> {
    const { loop } = this;
    const pipeline = this.pipeline as ItemPipeline;
    let before: PlexItem | undefined;
    try {
      before = await loop.call(() => loop.tools.reader.get(item.ratingKey));
    } catch (error) {
      if (isAbort(error, loop.signal)) throw error;
      if (isFatalPlexError(error)) return this.fatal(error);
      return this.fail(item, plexErrorReason(error));
    }
    if (!before) return this.fail(item, reason("no_longer_in_plex"));
    this.stats.checked++;
    this.stats.broken++;
    const { outcome, fatal } = await pipeline.apply(before, detectProblems(before), request);
    // Not the item's fault: the job ends and the item keeps what it had.
    if (fatal !== undefined) return this.fatal(fatal);
    const o = await pipeline.settle({ item: before }, outcome);
    if (o.state === "healthy") return;
    if (o.state === "fixed") this.succeed(null);
    else this.fail(item, o.reason, !o.log);
  }

  private fatal(error: unknown): never {
    this.loop.fail(error);
    throw error;
  }

  private succeed(message: string | null): void {
    this.stats.bulk.succeeded++;
    this.count();
    if (message) this.loop.log("info", message);
  }

  private fail(item: BulkItem, why: Reason, log = true): void {
    const b = this.stats.bulk;
    const note = reasonText(why);
    b.failed++;
    if (b.failures.length < BULK_MAX_LISTED_FAILURES)
      b.failures.push({ ratingKey: item.ratingKey, title: item.title, note, reason: why });
    this.count();
    if (log) this.loop.log("warn", `Failed: ${item.title} — ${note}`);
  }

  private skip(item: BulkItem, why: Reason): void {
    this.stats.bulk.skipped++;
    this.stats.skipped++;
    this.count();
    this.loop.log("info", `Skipped: ${item.title} — ${reasonText(why)}`);
  }

  private count(): void {
    this.stats.bulk.done++;
    this.loop.done = this.stats.bulk.done;
    this.loop.progress();
  }
}
