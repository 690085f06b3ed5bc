import { describe, expect, it } from "vitest";
import type { WatchToday } from "../../src/contracts/watch.js";
import type { CheckResult } from "../../src/watch/check.js";
import { countCheck, emptyDay, restoredDay, todayAt } from "../../src/watch/daily-count.js";
import { dayOf } from "../../src/watch/decide.js";

// Local times, so the day boundary is the server's own midnight whatever its zone.
const MON_NOON = new Date(2026, 2, 2, 12, 0, 0).getTime();
const MON_LATE = new Date(2026, 2, 2, 23, 59, 59).getTime();
const TUE_EARLY = new Date(2026, 2, 3, 0, 0, 1).getTime();
const monday: WatchToday = { day: dayOf(MON_NOON), checked: 5, fixed: 3, failed: 1 };

describe("daily count", () => {
  it.each<[string, CheckResult, number, Partial<WatchToday>]>([
    ["a fix counts as checked and fixed", "fixed", MON_LATE, { checked: 6, fixed: 4, failed: 1 }],
    ["a failure counts as checked and failed", "failed", MON_LATE, { checked: 6, fixed: 3, failed: 2 }],
    ["an error counts as failed", "error", MON_NOON, { checked: 6, fixed: 3, failed: 2 }],
    ["a healthy item is only checked", "healthy", MON_NOON, { checked: 6, fixed: 3, failed: 1 }],
    ["needs review is only checked", "needs_review", MON_NOON, { checked: 6, fixed: 3, failed: 1 }],
    [
      "the first check after midnight starts a new day",
      "fixed",
      TUE_EARLY,
      { checked: 1, fixed: 1, failed: 0 },
    ],
    ["a failure after midnight starts a new day", "failed", TUE_EARLY, { checked: 1, fixed: 0, failed: 1 }],
  ])("%s", (_, result, now, expected) => {
    expect(countCheck(monday, result, now)).toEqual({ day: dayOf(now), ...expected });
  });

  it.each<[string, Partial<WatchToday> | undefined, number, WatchToday]>([
    ["nothing saved starts at zero", undefined, MON_NOON, emptyDay(MON_NOON)],
    ["today's saved figures are kept", monday, MON_LATE, monday],
    ["yesterday's saved figures are dropped", monday, TUE_EARLY, emptyDay(TUE_EARLY)],
    [
      "a saved row with missing figures keeps zeros for them",
      { day: monday.day, fixed: 2 },
      MON_NOON,
      { ...emptyDay(MON_NOON), fixed: 2 },
    ],
  ])("restore: %s", (_, saved, now, expected) => {
    expect(restoredDay(saved, now)).toEqual(expected);
  });

  it("reads today's figures without changing them, and zero on a new day", () => {
    const copy = { ...monday };
    expect(todayAt(monday, MON_LATE)).toBe(monday);
    expect(todayAt(monday, TUE_EARLY)).toEqual(emptyDay(TUE_EARLY));
    expect(monday).toEqual(copy);
  });
});
