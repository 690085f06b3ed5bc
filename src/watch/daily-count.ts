// Watch mode's figures for today (checked, fixed, failed), as plain values: a new local day
// starts from zero, and a restart keeps today's figures but not yesterday's. No clock, no I/O.
import type { WatchToday } from "../contracts/watch.js";
import type { CheckResult } from "./check.js";
import { dayOf } from "./decide.js";

export function emptyDay(now: number): WatchToday {
  return { day: dayOf(now), checked: 0, fixed: 0, failed: 0 };
}

/** The figures as of `now`: the same ones on the same day, zero on a new one. */
export function todayAt(today: WatchToday, now: number): WatchToday {
  return today.day === dayOf(now) ? today : emptyDay(now);
}

/** Figures saved before a restart count only when they are today's. */
export function restoredDay(saved: Partial<WatchToday> | undefined, now: number): WatchToday {
  const today = emptyDay(now);
  return saved?.day === today.day ? { ...today, ...saved, day: today.day } : today;
}

/** Today's figures after one more check with this result. */
export function countCheck(today: WatchToday, result: CheckResult, now: number): WatchToday {
  const t = todayAt(today, now);
  return {
    ...t,
    checked: t.checked + 1,
    fixed: t.fixed + (result === "fixed" ? 1 : 0),
    failed: t.failed + (result === "failed" || result === "error" ? 1 : 0),
  };
}
