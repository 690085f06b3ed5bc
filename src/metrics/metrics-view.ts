// What a scrape reads from the database: aggregate counts for the gauges, and the counter ledger
// brought up to date with the runs and history rows added since the last scrape. Never Plex.
import { type Kysely, sql } from "kysely";
import type { Database } from "../db/schema.js";
import { readState, writeState } from "../db/settings-repo.js";
import {
  type CounterLedger,
  type FinishedRun,
  foldHistory,
  foldScanRuns,
  type HistoryGroup,
  readLedger,
  sameLedger,
} from "./ledger.js";

export interface MetricsSnapshot {
  items: { library: string; state: string; n: number }[];
  problems: { library: string; problem: string; n: number }[];
  /** Epoch milliseconds of the newest finished scan, and of the newest successful one. */
  lastScanAt: number | null;
  lastSuccessAt: number | null;
  ledger: CounterLedger;
}

const LEDGER_KEY = "metrics.counters";
/** Items no scan has placed in a library (one-item actions on unknown items). */
const NO_LIBRARY = "unknown";

export class MetricsView {
  /** Scrapes run one after another, so two never fold the same rows into the ledger. */
  private queue: Promise<unknown> = Promise.resolve();

  constructor(private readonly db: Kysely<Database>) {}

  read(): Promise<MetricsSnapshot> {
    const next = this.queue.then(() => this.readNow());
    this.queue = next.catch(() => undefined);
    return next;
  }

  private async readNow(): Promise<MetricsSnapshot> {
    const state = sql<string>`case when ignored_at is not null then 'ignored' else state end`;
    const items = await this.db
      .selectFrom("items")
      .select(["library", state.as("state"), (eb) => eb.fn.countAll<number>().as("n")])
      .groupBy(["library", state])
      .execute();
    // The problems an item still has at its last check (a fixed item lists none); ignored
    // items are set aside by hand and not counted.
    const problems = await sql<{ library: string | null; problem: string; n: number }>`
      select i.library as library, p.value as problem, count(*) as n
      from items i, json_each(case when json_valid(i.problems_json) then i.problems_json else '[]' end) p
      where i.ignored_at is null and p.type = 'text'
      group by i.library, p.value`.execute(this.db);
    const last = await this.db
      .selectFrom("scan_runs")
      .select((eb) => [
        eb.fn.max("finished_at").as("lastScanAt"),
        eb.fn.max(sql<number | null>`case when status = 'success' then finished_at end`).as("lastSuccessAt"),
      ])
      .executeTakeFirst();
    return {
      items: items.map((r) => ({ library: r.library ?? NO_LIBRARY, state: r.state, n: Number(r.n) })),
      problems: problems.rows.map((r) => ({
        library: r.library ?? NO_LIBRARY,
        problem: r.problem,
        n: Number(r.n),
      })),
      lastScanAt: numberOrNull(last?.lastScanAt),
      lastSuccessAt: numberOrNull(last?.lastSuccessAt),
      ledger: await this.updateLedger(),
    };
  }

  /** Folds the facts added since the last scrape into the stored ledger; writes only on change. */
  private async updateLedger(): Promise<CounterLedger> {
    const before = readLedger(await readState<unknown>(this.db, LEDGER_KEY));
    // Bounds first, rows second: a run that ends in between is still above the new floor.
    const bounds = await this.db
      .selectFrom("scan_runs")
      .select((eb) => [
        eb.fn.max("id").as("maxId"),
        eb.fn.min(sql<number | null>`case when finished_at is null then id end`).as("oldestOpen"),
      ])
      .where("id", ">", before.scanFloor)
      .executeTakeFirst();
    const runs = await this.db
      .selectFrom("scan_runs")
      .select(["id", "source", "status", "started_at", "finished_at"])
      .where("id", ">", before.scanFloor)
      .where("finished_at", "is not", null)
      .execute();
    const finished: FinishedRun[] = runs.map((r) => ({
      id: r.id,
      source: r.source,
      status: r.status,
      startedAt: r.started_at,
      finishedAt: r.finished_at as number,
    }));
    let ledger = foldScanRuns(
      before,
      finished,
      numberOrNull(bounds?.oldestOpen),
      numberOrNull(bounds?.maxId) ?? before.scanFloor,
    );

    const top = await this.db
      .selectFrom("item_history")
      .select((eb) => eb.fn.max("id").as("maxId"))
      .executeTakeFirst();
    const maxHistoryId = numberOrNull(top?.maxId) ?? ledger.historyFloor;
    if (maxHistoryId > ledger.historyFloor) {
      const groups = await this.db
        .selectFrom("item_history")
        .select(["action", "outcome", (eb) => eb.fn.countAll<number>().as("n")])
        .where("id", ">", ledger.historyFloor)
        .where("id", "<=", maxHistoryId)
        .groupBy(["action", "outcome"])
        .execute();
      ledger = foldHistory(
        ledger,
        groups.map((g): HistoryGroup => ({ action: g.action, outcome: g.outcome, n: Number(g.n) })),
        maxHistoryId,
      );
    }
    if (!sameLedger(before, ledger)) await writeState(this.db, LEDGER_KEY, ledger);
    return ledger;
  }
}

function numberOrNull(value: unknown): number | null {
  if (value === null || value === undefined) return null;
  const n = Number(value);
  return Number.isFinite(n) ? n : null;
}
