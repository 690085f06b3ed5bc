import type { ScanResource } from "../../../src/contracts/schemas";

/** How long a scan ran (or has run so far), in ms; null when it never started. */
export function scanDuration(
  scan: Pick<ScanResource, "startedAt" | "finishedAt" | "stats">,
  now: number,
): number | null {
  if (typeof scan.stats?.durationMs === "number" && scan.finishedAt) return scan.stats.durationMs;
  if (!scan.startedAt) return null;
  const end = scan.finishedAt ? Date.parse(scan.finishedAt) : now;
  return Math.max(0, end - Date.parse(scan.startedAt));
}

export const KNOWN_SOURCES = ["manual", "scheduler", "api", "cli", "apply"];
