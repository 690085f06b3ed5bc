import { describe, expect, it } from "vitest";
import { appSettingsSchema, scanSettingsSchema } from "../../src/config/settings.js";
import {
  IMPORT_NOTE,
  ITEM_TIMEOUT_BOUNDS,
  MEDIA_STATE_COLUMNS,
  mapItemRow,
  mapItemState,
  mapLegacySettings,
  mapLegacyStats,
  mapRunRow,
  mapRunStatus,
  normaliseTime,
  parseLegacyTime,
  resolveColumns,
  SCAN_RUNS_COLUMNS,
  validateSettings,
} from "../../src/import/mapping.js";

const DEFAULTS = appSettingsSchema.parse({});

describe("mapLegacySettings", () => {
  it.each([
    ["libraries", { libraries: ["Filme"] }, { libraries: ["Filme"] }],
    ["days", { days: 7 }, { days: 7 }],
    ["max_items", { max_items: 300 }, { maxItems: 300 }],
    ["dry_run", { dry_run: true }, { dryRun: true }],
    [
      "schedule_time + schedule_active",
      { schedule_time: "04:00", schedule_active: true },
      { schedule: { enabled: true, mode: "daily", time: "04:00" } },
    ],
    [
      "schedule_time without schedule_active is off",
      { schedule_time: "05:15" },
      { schedule: { enabled: false, mode: "daily", time: "05:15" } },
    ],
    ["H:MM is padded", { schedule_time: "4:05", schedule_active: false }, { schedule: { time: "04:05" } }],
    ["schedule_active 1", { schedule_active: 1 }, { schedule: { enabled: true, time: "04:00" } }],
    ["failed_retry_pool_limit", { failed_retry_pool_limit: 50 }, { retryPoolLimit: 50 }],
    ["failed_retry_pool_limit as text", { failed_retry_pool_limit: "30" }, { retryPoolLimit: 30 }],
    ["negative retry pool → 0", { failed_retry_pool_limit: -1 }, { retryPoolLimit: 0 }],
    ["failed_backoff_hours", { failed_backoff_hours: 24 }, { backoffHours: 24 }],
    ["refresh_wait_total_seconds in range", { refresh_wait_total_seconds: 20 }, { itemTimeoutSeconds: 20 }],
    ["refresh_wait_total_seconds too low", { refresh_wait_total_seconds: 2 }, { itemTimeoutSeconds: 5 }],
    [
      "refresh_wait_total_seconds too high",
      { refresh_wait_total_seconds: 7200 },
      { itemTimeoutSeconds: 3600 },
    ],
    [
      "refresh_wait_total_seconds 0 → original's 20",
      { refresh_wait_total_seconds: 0 },
      { itemTimeoutSeconds: 20 },
    ],
    ["refresh_wait_interval_seconds is dropped", { refresh_wait_interval_seconds: 4 }, {}],
  ])("%s", (_name, input, expected) => {
    const m = mapLegacySettings(input);
    expect(m.problems).toEqual([]);
    expect(m.patch).toMatchObject(expected);
    expect(Object.keys(m.patch).sort()).toEqual(Object.keys(expected).sort());
    expect(validateSettings(m, DEFAULTS).ok).toBe(true);
  });

  it("notes the clamp, the interval and a missing schedule_active; reports unknown keys", () => {
    const m = mapLegacySettings({
      refresh_wait_total_seconds: 2,
      refresh_wait_interval_seconds: 4,
      schedule_time: "03:00",
      theme: "dark",
      last_run_date: "2025-01-01",
    });
    expect(m.notes.join("\n")).toMatch(/outside 5-3600; itemTimeoutSeconds is set to 5/);
    expect(m.notes.join("\n")).toMatch(/refresh_wait_interval_seconds has no equivalent/);
    expect(m.notes.join("\n")).toMatch(/schedule_active is missing/);
    expect(m.ignored).toEqual(["theme", "last_run_date"]);
  });

  it.each([null, [], "x", 3])("rejects a non-object (%j)", (raw) => {
    const m = mapLegacySettings(raw);
    expect(m.problems).toEqual([{ field: null, message: expect.stringMatching(/JSON object/) }]);
    expect(validateSettings(m, DEFAULTS).ok).toBe(false);
  });

  it.each([
    [{ days: 0 }, "days", /Too small/],
    [{ days: "30" }, "days", /expected number/],
    [{ max_items: 0 }, "max_items", /Too small/],
    [{ dry_run: "yes" }, "dry_run", /expected boolean/],
    [{ libraries: "Filme" }, "libraries", /expected array/],
    [{ libraries: ["Filme", ""] }, "libraries[1]", /Too small/],
    [{ schedule_time: "25:00", schedule_active: true }, "schedule_time", /HH:MM/],
    [{ schedule_time: "04:00", schedule_active: "yes" }, "schedule_active", /expected boolean/],
    [{ failed_backoff_hours: "soon" }, "failed_backoff_hours", /expected number/],
    [{ refresh_wait_total_seconds: "x" }, "refresh_wait_total_seconds", /expected number/],
  ])("%j fails on the original's field %s", (input, field, message) => {
    const result = validateSettings(mapLegacySettings(input), DEFAULTS);
    expect(result.ok).toBe(false);
    if (result.ok) return;
    expect(result.problems).toContainEqual({ field, message: expect.stringMatching(message) });
  });

  it("keeps the rest of an existing schedule (time zone) when merging", () => {
    const base = appSettingsSchema.parse({
      schedule: { timezone: "Europe/Berlin", mode: "cron", cron: "0 3 * * *" },
    });
    const result = validateSettings(
      mapLegacySettings({ schedule_time: "04:30", schedule_active: true }),
      base,
    );
    expect(result.ok && result.settings.schedule).toEqual({
      enabled: true,
      mode: "daily",
      time: "04:30",
      cron: "0 3 * * *",
      timezone: "Europe/Berlin",
    });
  });

  it("clamps into the schema's bounds for itemTimeoutSeconds", () => {
    const shape = scanSettingsSchema.shape.itemTimeoutSeconds;
    expect(shape.safeParse(ITEM_TIMEOUT_BOUNDS.min).success).toBe(true);
    expect(shape.safeParse(ITEM_TIMEOUT_BOUNDS.min - 1).success).toBe(false);
    expect(shape.safeParse(ITEM_TIMEOUT_BOUNDS.max).success).toBe(true);
    expect(shape.safeParse(ITEM_TIMEOUT_BOUNDS.max + 1).success).toBe(false);
  });
});

describe("normaliseTime", () => {
  it.each([
    ["04:00", "04:00"],
    ["4:00", "04:00"],
    [" 23:59 ", "23:59"],
    ["4", "4"],
    [400, 400],
  ])("%j → %j", (input, expected) => expect(normaliseTime(input)).toBe(expected));
});

describe("parseLegacyTime", () => {
  const local = new Date(2025, 11, 20, 4, 1, 13).getTime();
  it.each<[unknown, number | undefined]>([
    ["2025-12-20T04:01:13", local],
    ["2025-12-20 04:01:13", local],
    ["2025-12-20T03:00:00+00:00", Date.UTC(2025, 11, 20, 3, 0, 0)],
    ["2025-12-20T03:00:00Z", Date.UTC(2025, 11, 20, 3, 0, 0)],
    [1766203273, 1766203273000],
    [1766203273.5, 1766203273500],
    [1766203273000, 1766203273000],
    ["1766203273", 1766203273000],
    ["1766203273000", 1766203273000],
    [BigInt(1766203273), 1766203273000],
    ["", undefined],
    ["yesterday", undefined],
    [0, undefined],
    [-5, undefined],
    [null, undefined],
    [Number.NaN, undefined],
  ])("%s → %s", (input, expected) => expect(parseLegacyTime(input)).toBe(expected));
});

describe("mapItemState", () => {
  it.each([
    ["fixed", "fixed"],
    ["success", "fixed"],
    ["OK", "fixed"],
    ["failed", "failed"],
    ["error", "failed"],
    ["Timeout", "failed"],
    ["would_fix", "would_fix"],
    ["would-fix", "would_fix"],
    ["dry_run", "would_fix"],
    ["dry run", "would_fix"],
    ["skipped", "skipped"],
    ["locked", "locked"],
    ["needs_review", "needs_review"],
    ["mystery", undefined],
    ["", undefined],
    [null, undefined],
    [1, undefined],
  ])("%j → %j", (input, expected) => expect(mapItemState(input)).toBe(expected));
});

describe("mapRunStatus", () => {
  it.each([
    ["success", { status: "success" }],
    ["done", { status: "success" }],
    ["failed", { status: "failed" }],
    ["error", { status: "failed" }],
    ["cancelled", { status: "cancelled" }],
    ["canceled", { status: "cancelled" }],
    ["interrupted", { status: "interrupted" }],
    ["running", { status: "interrupted", error: "imported while running" }],
    ["Running", { status: "interrupted", error: "imported while running" }],
    ["queued", { status: "interrupted", error: "imported while running" }],
    ["exploded", undefined],
    [null, undefined],
  ])("%j → %j", (input, expected) => expect(mapRunStatus(input)).toEqual(expected));
});

describe("mapLegacyStats", () => {
  it("maps matching names, drops the rest, fills zeros", () => {
    const r = mapLegacyStats(
      JSON.stringify({ checked: 10, fixed: 2, would_fix: 3, failed: 1, success_rate: 66.7 }),
    );
    expect(r.stats).toMatchObject({ checked: 10, fixed: 2, wouldFix: 3, failed: 1, matched: 0, errors: 0 });
    expect(r.dropped).toEqual(["success_rate"]);
  });
  it.each<[unknown, string | undefined]>([
    [null, undefined],
    ["", undefined],
    ["null", undefined],
    ["{not json", "not valid JSON"],
    ["[1,2]", "not an object"],
  ])("%j → no stats (%s)", (input, problem) => {
    const r = mapLegacyStats(input);
    expect(r.stats).toBeNull();
    if (problem) expect(r.problem).toMatch(problem);
    else expect(r.problem).toBeUndefined();
  });
  it("accepts camelCase and ignores non-numbers", () => {
    const r = mapLegacyStats({ wouldFix: 4, needs_review: 2, checked: "5" });
    expect(r.stats).toMatchObject({ wouldFix: 4, needsReview: 2, checked: 0 });
    expect(r.dropped).toEqual(["checked"]);
  });
});

describe("resolveColumns", () => {
  it("finds the original's columns", () => {
    const cols = resolveColumns(
      ["rating_key", "library", "title", "updated_at", "state", "note", "last_scan"],
      MEDIA_STATE_COLUMNS,
    );
    expect(cols).toEqual({
      ratingKey: ["rating_key"],
      title: ["title"],
      library: ["library"],
      state: ["state"],
      time: ["last_scan", "updated_at"],
      attempts: [],
      note: ["note"],
    });
  });
  it("finds other spellings, case-insensitively, each column once", () => {
    const cols = resolveColumns(
      ["id", "ratingKey", "Section", "Status", "last_attempt", "tries", "error", "name"],
      MEDIA_STATE_COLUMNS,
    );
    expect(cols).toMatchObject({
      ratingKey: ["ratingKey", "id"],
      title: ["name"],
      library: ["Section"],
      state: ["Status"],
      time: ["last_attempt"],
      attempts: ["tries"],
      note: ["error"],
    });
  });
});

describe("mapItemRow", () => {
  const cols = resolveColumns(
    ["rating_key", "library", "title", "updated_at", "state", "note", "last_scan"],
    MEDIA_STATE_COLUMNS,
  );
  const at = new Date(2025, 11, 20, 4, 2, 40).getTime();
  const row = {
    rating_key: "1002",
    library: "Filme",
    title: "Metropolis",
    updated_at: "2025-12-20T04:02:40",
    state: "failed",
    note: "Timeout (20s)",
    last_scan: "2025-12-20T04:02:40",
  };

  it("maps an original row", () => {
    expect(mapItemRow(row, cols, 1)).toEqual({
      ok: true,
      value: {
        ratingKey: "1002",
        title: "Metropolis",
        library: "Filme",
        state: "failed",
        note: `${IMPORT_NOTE}: Timeout (20s)`,
        attempts: 1,
        checkedAt: at,
        failedAt: at,
        fixedAt: null,
        timeGuessed: false,
      },
    });
  });
  it.each<[string, Record<string, unknown>, Record<string, unknown>]>([
    ["fixed sets fixedAt", { state: "fixed" }, { state: "fixed", fixedAt: at, failedAt: null, attempts: 1 }],
    ["dry run has no attempts", { state: "dry_run" }, { state: "would_fix", attempts: 0 }],
    ["no note", { note: null }, { note: IMPORT_NOTE }],
    ["no title", { title: null }, { title: "Item 1002" }],
    ["numeric key", { rating_key: 1002 }, { ratingKey: "1002" }],
    ["falls back to updated_at", { last_scan: null }, { checkedAt: at }],
    ["no time: fallback", { last_scan: "x", updated_at: null }, { checkedAt: 1, timeGuessed: true }],
  ])("%s", (_name, change, expected) => {
    const r = mapItemRow({ ...row, ...change }, cols, 1);
    expect(r.ok && r.value).toMatchObject(expected);
  });
  it.each<[Record<string, unknown>, string | null, RegExp]>([
    [{ state: "mystery" }, "1002", /unknown status "mystery"/],
    [{ state: null }, "1002", /no status/],
    [{ rating_key: null }, null, /no rating key/],
    [{ rating_key: "  " }, null, /no rating key/],
  ])("skips %j", (change, key, reason) => {
    const r = mapItemRow({ ...row, ...change }, cols, 1);
    expect(r).toEqual({ ok: false, key, reason: expect.stringMatching(reason) });
  });
  it("uses an attempts column when there is one", () => {
    const c = resolveColumns(["key", "status", "tries", "ts"], MEDIA_STATE_COLUMNS);
    const r = mapItemRow({ key: "9", status: "ok", tries: 3, ts: 1766203273 }, c, 1);
    expect(r.ok && r.value).toMatchObject({
      ratingKey: "9",
      state: "fixed",
      attempts: 3,
      checkedAt: 1766203273000,
    });
  });
});

describe("mapRunRow", () => {
  const cols = resolveColumns(
    ["job_id", "status", "started_at", "finished_at", "stats_json", "log_path", "error", "cancel_requested"],
    SCAN_RUNS_COLUMNS,
  );
  const base = {
    job_id: "abc",
    status: "success",
    started_at: "2025-12-20T03:00:00+00:00",
    finished_at: "2025-12-20T03:04:00+00:00",
    stats_json: JSON.stringify({ checked: 5, fixed: 1, would_fix: 0, failed: 0 }),
    log_path: "/opt/plex_gui/logs/scan_abc.log",
    error: null,
    cancel_requested: 0,
  };
  const start = Date.UTC(2025, 11, 20, 3, 0, 0);

  it("maps a finished run, with the duration from its times", () => {
    const r = mapRunRow(base, cols);
    expect(r.ok && r.value).toMatchObject({
      jobId: "abc",
      status: "success",
      startedAt: start,
      finishedAt: start + 240_000,
      error: null,
      stats: { checked: 5, fixed: 1, wouldFix: 0, failed: 0, durationMs: 240_000 },
    });
  });
  it.each<[string, Record<string, unknown>, Record<string, unknown>]>([
    [
      "running → interrupted",
      { status: "running", finished_at: null, stats_json: null },
      { status: "interrupted", error: "imported while running", finishedAt: start, stats: null },
    ],
    [
      "cancelled keeps its error",
      { status: "cancelled", error: "cancelled" },
      { status: "cancelled", error: "cancelled" },
    ],
    [
      "failed",
      { status: "failed", error: "Verbindungsfehler" },
      { status: "failed", error: "Verbindungsfehler" },
    ],
    [
      "bad stats JSON is a warning",
      { stats_json: "{" },
      { stats: null, warnings: [expect.stringMatching(/JSON/)] },
    ],
  ])("%s", (_name, change, expected) => {
    const r = mapRunRow({ ...base, ...change }, cols);
    expect(r.ok && r.value).toMatchObject(expected);
  });
  it.each<[Record<string, unknown>, string | null, RegExp]>([
    [{ status: "exploded" }, "abc", /unknown status/],
    [{ job_id: null }, null, /no job id/],
    [{ started_at: null, finished_at: null }, "abc", /no usable start/],
  ])("skips %j", (change, key, reason) => {
    expect(mapRunRow({ ...base, ...change }, cols)).toEqual({
      ok: false,
      key,
      reason: expect.stringMatching(reason),
    });
  });
});
