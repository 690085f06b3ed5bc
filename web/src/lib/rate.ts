// The success rate of a scan: fixed / (fixed + failed), with a colour band and the number as text.

export interface RateInput {
  fixed: number;
  failed: number;
}

/** Percent 0..100, or null when nothing was fixed or failed (e.g. a dry run). */
export function successRate(stats: RateInput | null | undefined): number | null {
  if (!stats) return null;
  const attempted = stats.fixed + stats.failed;
  return attempted > 0 ? (stats.fixed / attempted) * 100 : null;
}

export type RateBand = "good" | "fair" | "poor";

/** Green at 80 % or more, yellow at 50 % or more, red below. */
export function rateBand(percent: number): RateBand {
  if (percent >= 80) return "good";
  if (percent >= 50) return "fair";
  return "poor";
}

export const RATE_COLOR: Record<RateBand, string> = { good: "green", fair: "yellow", poor: "red" };
