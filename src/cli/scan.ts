// `psr scan`: one scan in the foreground, recorded as a job like any other.

import type { Config } from "../config/env.js";
import { type ScanSettings, scanSettingsOf, scanSettingsSchema } from "../config/settings.js";
import { openDatabase } from "../db/connection.js";
import { loadSettings } from "../db/settings-repo.js";
import { JobStore } from "../jobs/job-store.js";
import { runJob } from "../jobs/runner.js";
import { printable } from "../log-text.js";
import { createPlexClientFor, resolvePlexConnection } from "../runtime.js";
import { selectSections } from "../scan/collect.js";
import type { RunProgress } from "../scan/run-loop.js";
import { intOption, parseCommandArgs, UsageError } from "./args.js";

export const SCAN_EXIT = { success: 0, failed: 1, usage: 2, alreadyRunning: 3, cancelled: 130 } as const;

export function scanOverrides(argv: string[]): { overrides: Partial<ScanSettings>; json: boolean } {
  const { values: v } = parseCommandArgs(argv, {
    library: { type: "string", multiple: true },
    days: { type: "string" },
    "max-items": { type: "string" },
    all: { type: "boolean" },
    "dry-run": { type: "boolean" },
    concurrency: { type: "string" },
    json: { type: "boolean", default: false },
  });
  const overrides: Partial<ScanSettings> = {};
  if (v.library?.length) overrides.libraries = v.library;
  const days = intOption("days", v.days, { min: 1, max: 3650 });
  if (days !== undefined) overrides.days = days;
  const maxItems = intOption("max-items", v["max-items"], { min: 1, max: 100_000 });
  if (maxItems !== undefined) overrides.maxItems = maxItems;
  const concurrency = intOption("concurrency", v.concurrency, { min: 1, max: 16 });
  if (concurrency !== undefined) overrides.concurrency = concurrency;
  if (v.all) overrides.all = true;
  if (v["dry-run"]) overrides.dryRun = true;
  return { overrides, json: v.json ?? false };
}

/** JSON on one line whose escapes (`\u202e`) parse back to the same text (the error may quote Plex). */
function printableJson(value: unknown): string {
  return printable(JSON.stringify(value));
}

/** One status line: on a terminal it rewrites itself; in a pipe it prints every few seconds. */
function progressPrinter(stream: NodeJS.WriteStream) {
  let last = 0;
  return {
    update(p: RunProgress) {
      const t = Date.now();
      if (!stream.isTTY && t - last < 5000 && p.phase !== "done") return;
      last = t;
      const of = p.total !== null ? `/${p.total}` : "";
      // The current title comes from Plex: escaped like the job log, or it could drive the terminal.
      const line = printable(`[${p.phase}] ${p.done}${of} items${p.current ? ` · ${p.current}` : ""}`);
      if (stream.isTTY) stream.write(`\r\x1b[K${line.slice(0, (stream.columns || 100) - 1)}`);
      else stream.write(`${line}\n`);
    },
    end() {
      if (stream.isTTY) stream.write("\r\x1b[K");
    },
  };
}

export async function scanCommand(argv: string[], config: Config): Promise<number> {
  const { overrides, json } = scanOverrides(argv);
  // The environment, or the connection set in the browser.
  const plex = createPlexClientFor(await resolvePlexConnection(config));
  const db = await openDatabase(config.dataDir);
  try {
    const stored = scanSettingsOf(await loadSettings(db.kysely));
    const parsed = scanSettingsSchema.safeParse({ ...stored, ...overrides });
    if (!parsed.success)
      throw new UsageError(parsed.error.issues.map((i) => `${i.path.join(".")}: ${i.message}`).join("; "));
    const settings = parsed.data;
    // Unknown library names are bad input (exit 2), found before any job is recorded.
    if (settings.libraries.length > 0)
      selectSections(await plex.sections(), settings.libraries, settings.includePersonal);
    const jobs = new JobStore(db.kysely);
    const job = await jobs.create({
      source: "cli",
      settings,
      status: "running",
      now: Date.now(),
      pid: process.pid,
    });

    const interrupt = new AbortController();
    const onSignal = () => {
      process.stderr.write("\nCancelling… (partial results are kept)\n");
      interrupt.abort(new DOMException("The scan was cancelled", "AbortError"));
    };
    process.once("SIGINT", onSignal);
    process.once("SIGTERM", onSignal);

    const printer = progressPrinter(process.stderr);
    if (!json)
      process.stderr.write(`Scan job ${job.id} started; log: ${config.dataDir}/logs/scan_${job.id}.log\n`);
    const outcome = await runJob(job, settings, {
      db: db.kysely,
      jobs,
      plex,
      dataDir: config.dataDir,
      secrets: [config.plex.token],
      signal: interrupt.signal,
      onProgress: (p) => printer.update(p),
      onLine: (line, level) => {
        if (!json && level !== "info") {
          printer.end();
          process.stderr.write(line);
        }
      },
    });
    printer.end();
    process.off("SIGINT", onSignal);
    process.off("SIGTERM", onSignal);

    const s = outcome.stats;
    if (json) {
      process.stdout.write(
        `${printableJson({
          jobId: job.id,
          status: outcome.status,
          stats: {
            checked: s.checked,
            fixed: s.fixed,
            wouldFix: s.wouldFix,
            failed: s.failed,
            skipped: s.skipped,
            errors: s.errors,
            matched: s.matched,
            needsReview: s.needsReview,
            locked: s.locked,
            durationMs: s.durationMs,
          },
          ...(outcome.error ? { error: outcome.error } : {}),
        })}\n`,
      );
    } else {
      process.stdout.write(
        `Scan ${job.id} ${outcome.status}: checked ${s.checked}, fixed ${s.fixed} (matched ${s.matched}), would fix ${s.wouldFix}, failed ${s.failed}, needs review ${s.needsReview}, locked ${s.locked}, skipped ${s.skipped}, errors ${s.errors} in ${(s.durationMs / 1000).toFixed(1)} s\n`,
      );
      if (outcome.error) process.stderr.write(`psr: ${printable(outcome.error)}\n`);
    }
    if (outcome.status === "success") return SCAN_EXIT.success;
    if (outcome.status === "cancelled") return SCAN_EXIT.cancelled;
    return SCAN_EXIT.failed;
  } finally {
    await db.close();
  }
}
