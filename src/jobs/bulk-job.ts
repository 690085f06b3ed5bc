// Bulk jobs: which items a request selects (named by ratingKey, or every item matching the
// Items page's filter, resolved here), and the job that works through them inside the same job
// wrapper as a scan (log, heartbeat, cancel, interrupted on shutdown, final status).
import type { Kysely } from "kysely";
import type { ScanSettings } from "../config/settings.js";
import {
  BULK_MAX_ITEMS,
  type BulkAction,
  type BulkBody,
  type BulkFilter,
  type BulkPreview,
} from "../contracts/bulk.js";
import type { Database } from "../db/schema.js";
import type { PlexClient } from "../plex/index.js";
import { searchedAs } from "../scan/accept-top.js";
import { type BulkItem, type BulkStats, bulkStep, runBulk } from "../scan/bulk.js";
import { SqliteScanStore, setIgnored } from "./item-store.js";
import type { Job } from "./job-store.js";
import { ResultsView, toItemRecord } from "./results-view.js";
import { type FinalOutcome, type JobWrapperDeps, runJobWith } from "./runner.js";

/** The request selects too many items, or none: a 400 naming the field. */
export class BulkSelectionError extends Error {
  constructor(
    readonly field: "ratingKeys" | "filter",
    message: string,
    readonly total: number,
  ) {
    super(message);
    this.name = "BulkSelectionError";
  }
}

/** Some named items were never recorded by a scan: a 404 listing them; nothing starts. */
export class BulkUnknownItemsError extends Error {
  constructor(readonly ratingKeys: string[]) {
    super(`No item has been recorded with ratingKey ${ratingKeys.join(", ")}`);
    this.name = "BulkUnknownItemsError";
  }
}

/** `settings` of a bulk job's row: what it does, to which items, with which limits. */
export interface BulkJobSettings {
  bulk: { action: BulkAction; ratingKeys: string[]; reason: string | null; filter: BulkFilter | null };
  concurrency: number;
  itemTimeoutSeconds: number;
  outageWaitSeconds: number;
  requestDelayMs: number;
}

/** The filter pages read to resolve a filter (the list's own query, so the same items). */
const FILTER_PAGE = 500;

function bulkItemOf(record: ReturnType<typeof toItemRecord>): BulkItem {
  return {
    ratingKey: record.ratingKey,
    title:
      record.year !== null && !record.title.includes(`(${record.year})`)
        ? `${record.title} (${record.year})`
        : record.title,
    state: record.state,
    ignored: record.ignoredAt !== null,
    candidates: record.candidates,
    searched: searchedAs(record.title, record.year),
  };
}

/** The items a request selects, in its order (or the list's); throws for bad selections. */
export async function resolveBulkSelection(db: Kysely<Database>, body: BulkBody): Promise<BulkItem[]> {
  if (body.filter) {
    const view = new ResultsView(db);
    const first = await view.items({ ...body.filter, page: 1, pageSize: FILTER_PAGE });
    if (first.total === 0) throw new BulkSelectionError("filter", "the filter selects no items", 0);
    if (first.total > BULK_MAX_ITEMS)
      throw new BulkSelectionError(
        "filter",
        `the filter selects ${first.total} items; a bulk action takes at most ${BULK_MAX_ITEMS}`,
        first.total,
      );
    const records = [...first.items];
    for (let page = 2; records.length < first.total && page <= BULK_MAX_ITEMS / FILTER_PAGE; page++) {
      const next = await view.items({ ...body.filter, page, pageSize: FILTER_PAGE });
      if (next.items.length === 0) break;
      records.push(...next.items);
    }
    return records.map(bulkItemOf);
  }
  const keys = [...new Set(body.ratingKeys ?? [])];
  const rows =
    keys.length === 0
      ? []
      : await db.selectFrom("items").selectAll().where("rating_key", "in", keys).execute();
  const byKey = new Map(rows.map((r) => [r.rating_key, bulkItemOf(toItemRecord(r))]));
  const unknown = keys.filter((k) => !byKey.has(k));
  if (unknown.length > 0) throw new BulkUnknownItemsError(unknown);
  return keys.map((k) => byKey.get(k)!);
}

/** What each selected item will get, by the same decision the job makes (bulkStep). */
export function bulkPreview(action: BulkAction, items: readonly BulkItem[]): BulkPreview {
  const rows = items.map((item): BulkPreview["items"][number] => {
    const step = bulkStep(action, item);
    const base = { ratingKey: item.ratingKey, title: item.title };
    if (step.kind === "skip") return { ...base, step: "skip", target: null, reason: step.reason };
    if (step.kind === "fix")
      return step.request.kind === "match"
        ? { ...base, step: "match", target: step.request.target, reason: null }
        : { ...base, step: "refresh", target: null, reason: null };
    return { ...base, step: step.kind, target: null, reason: null };
  });
  const skipped = rows.filter((r) => r.step === "skip").length;
  return { action, total: rows.length, acting: rows.length - skipped, skipped, items: rows };
}

export function bulkJobSettings(
  body: BulkBody,
  items: readonly BulkItem[],
  scan: ScanSettings,
): BulkJobSettings {
  return {
    bulk: {
      action: body.action,
      ratingKeys: items.map((i) => i.ratingKey),
      reason: body.action === "ignore" ? body.reason || null : null,
      filter: body.filter ?? null,
    },
    concurrency: scan.concurrency,
    itemTimeoutSeconds: scan.itemTimeoutSeconds,
    outageWaitSeconds: scan.outageWaitSeconds,
    requestDelayMs: scan.requestDelayMs,
  };
}

export type BulkJobDeps = JobWrapperDeps & { db: Kysely<Database>; plex: PlexClient };

/** Runs a bulk job to its end; results go through the scan's store, linked to this job. */
export function runBulkJob(
  job: Job,
  settings: BulkJobSettings,
  items: readonly BulkItem[],
  deps: BulkJobDeps,
): Promise<FinalOutcome<BulkStats>> {
  return runJobWith(job, deps, ({ signal, reporter }) =>
    runBulk(
      { action: settings.bulk.action, reason: settings.bulk.reason, items },
      {
        plex: deps.plex,
        store: new SqliteScanStore(deps.db, job.id),
        setIgnored: (ratingKey, ignore, at) => setIgnored(deps.db, ratingKey, ignore, at, job.id),
        settings,
        reporter,
        signal,
        ...(deps.now ? { now: deps.now } : {}),
      },
    ),
  );
}
