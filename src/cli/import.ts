// `psr import DIR [--dry-run] [--json]`: brings the Python original's settings.json and
// refresh_state.db into our database, all or nothing.
import type { Config } from "../config/env.js";
import { type ImportSummary, importLegacy } from "../import/importer.js";
import { parseCommandArgs, UsageError } from "./args.js";

const SHOWN_SKIPS = 20;

function formatValue(value: unknown): string {
  if (value && typeof value === "object" && !Array.isArray(value)) {
    return Object.entries(value)
      .map(([k, v]) => `${k}=${JSON.stringify(v)}`)
      .join(", ");
  }
  return JSON.stringify(value);
}

function counts(byKey: Partial<Record<string, number>>): string {
  const parts = Object.entries(byKey).map(([k, n]) => `${k} ${n}`);
  return parts.length > 0 ? ` (${parts.join(", ")})` : "";
}

/** The human summary printed after an import (or a dry run). */
export function formatSummary(s: ImportSummary): string {
  const lines: string[] = [];
  const verb = s.dryRun ? "Would import" : "Imported";
  lines.push(
    s.dryRun
      ? `Dry run: nothing was written. Checked ${s.dir}`
      : `Imported from ${s.dir} into ${s.database ?? "the database"}`,
  );
  if (s.settings) {
    const entries = Object.entries(s.settings.values);
    lines.push(`${verb} ${entries.length} setting(s) from ${s.settings.file}:`);
    for (const [key, value] of entries) lines.push(`  ${key}: ${formatValue(value)}`);
    for (const note of s.settings.notes) lines.push(`  note: ${note}`);
    if (s.settings.ignored.length > 0)
      lines.push(`  ignored (unknown keys): ${s.settings.ignored.join(", ")}`);
  }
  if (s.items) {
    lines.push(`${verb} ${s.items.imported} of ${s.items.rows} item(s)${counts(s.items.byState)}`);
    if (s.items.keptNewer > 0)
      lines.push(`  kept ${s.items.keptNewer} item(s) that this database knows from a later scan`);
    if (s.items.skipped.length > 0) {
      lines.push(`  skipped ${s.items.skipped.length} row(s):`);
      for (const k of s.items.skipped.slice(0, SHOWN_SKIPS))
        lines.push(`    ${k.ratingKey ?? "(no key)"}: ${k.reason}`);
      if (s.items.skipped.length > SHOWN_SKIPS)
        lines.push(`    … and ${s.items.skipped.length - SHOWN_SKIPS} more (see --json)`);
    }
  }
  if (s.runs) {
    lines.push(`${verb} ${s.runs.imported} of ${s.runs.rows} scan run(s)${counts(s.runs.byStatus)}`);
    if (s.runs.alreadyImported > 0) lines.push(`  ${s.runs.alreadyImported} run(s) were imported before`);
    if (s.runs.skipped.length > 0) {
      lines.push(`  skipped ${s.runs.skipped.length} run(s):`);
      for (const k of s.runs.skipped.slice(0, SHOWN_SKIPS))
        lines.push(`    ${k.jobId ?? "(no job id)"}: ${k.reason}`);
      if (s.runs.skipped.length > SHOWN_SKIPS)
        lines.push(`    … and ${s.runs.skipped.length - SHOWN_SKIPS} more (see --json)`);
    }
  }
  for (const note of s.notes) lines.push(`note: ${note}`);
  return `${lines.join("\n")}\n`;
}

export async function importCommand(argv: string[], config: Config): Promise<number> {
  const { values, positionals } = parseCommandArgs(
    argv,
    { "dry-run": { type: "boolean", default: false }, json: { type: "boolean", default: false } },
    true,
  );
  if (positionals.length !== 1)
    throw new UsageError(
      positionals.length === 0
        ? "psr import needs the original's data folder: psr import DIR [--dry-run] [--json]"
        : `psr import takes one folder, got ${positionals.length}`,
    );
  const summary = await importLegacy(positionals[0] ?? "", {
    dataDir: config.dataDir,
    dryRun: values["dry-run"] ?? false,
  });
  process.stdout.write(values.json ? `${JSON.stringify(summary, null, 2)}\n` : formatSummary(summary));
  return 0;
}
