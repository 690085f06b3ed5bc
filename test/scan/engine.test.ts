import { afterEach, describe, expect, it } from "vitest";
import { type EmulatorHandle, startEmulator } from "../../emulator/index.js";
import { scanHarness } from "../helpers/scan.js";

const cleanups: (() => Promise<void>)[] = [];
afterEach(async () => {
  for (const c of cleanups.splice(0).reverse()) await c();
});

async function setup(options: Parameters<typeof startEmulator>[0] = {}, plexOptions = {}) {
  const emulator = await startEmulator({
    seed: 11,
    items: 240,
    brokenShare: 0.2,
    refresh: { workers: 4, minMs: 10, maxMs: 40 },
    ...options,
  });
  const h = await scanHarness(emulator, plexOptions);
  cleanups.push(async () => {
    await h.close();
    await emulator.close();
  });
  return { emulator, h };
}

/** Truth items a scan of movie and show libraries is expected to touch (not personal/music). */
function scannable(emulator: EmulatorHandle) {
  const truth = emulator.truth();
  const kinds = new Map(truth.sections.map((s) => [s.id, s.kind]));
  return truth.broken.filter((t) => kinds.get(t.sectionId) === "new" || kinds.get(t.sectionId) === "legacy");
}

describe("scan engine against the emulator", () => {
  it("refreshes, matches, verifies and records every kind of broken item correctly", async () => {
    const { emulator, h } = await setup();
    const before = scannable(emulator);
    const outcome = await h.scan();
    expect(outcome.status).toBe("success");
    const states = await h.states();
    const after = new Map(emulator.truth().broken.map((t) => [t.ratingKey, t]));

    let refreshed = 0;
    let matched = 0;
    for (const t of before) {
      const now = after.get(t.ratingKey)!;
      const row = states.get(t.ratingKey);
      if (t.kinds.includes("broken-children")) continue; // the children are the items; checked below
      if (t.locked) {
        expect(row?.state, `${t.title} is locked`).toBe("locked");
        expect(emulator.stats().byRoute).toBeDefined();
      } else if (t.kinds.includes("unmatched")) {
        // Never guess: an unmatched item is matched to its true work or sent to review.
        if (row?.state === "fixed") {
          expect(now.currentKinds, `${t.title} was matched`).not.toContain("unmatched");
          matched++;
        } else {
          expect(["needs_review", "failed"], `${t.title}: ${row?.note}`).toContain(row?.state);
          expect(now.currentKinds).toContain("unmatched");
        }
        if (t.ambiguous && !t.fileId) expect(row?.state, `${t.title} is ambiguous`).toBe("needs_review");
        if (t.fileId)
          expect(row?.state, `${t.title} has ${t.fileId.source}-${t.fileId.id} in its path`).toBe("fixed");
      } else if (t.kinds.includes("unfixable")) {
        expect(row?.state, `${t.title} cannot be fixed`).toBe("failed");
      } else if (t.fixableByRefresh) {
        expect(row?.state, `${t.title}: ${row?.note}`).toBe("fixed");
        expect(now.currentKinds).toEqual([]);
        refreshed++;
      }
    }
    expect(refreshed).toBeGreaterThan(5);
    expect(matched).toBeGreaterThan(0);
    // Matched items are on their true work, never on the decoy.
    for (const t of before.filter((x) => x.kinds.includes("unmatched"))) {
      const row = states.get(t.ratingKey);
      if (row?.state === "needs_review") expect(row.candidates?.length).toBeGreaterThan(0);
    }
    // Seasons and episodes left "skipped" for an unmatched show really belong to a show that is
    // still unmatched: children of a show matched during the scan were checked again.
    const waiting = [...states].filter(([, s]) => s.note?.includes("show is not matched")).map(([k]) => k);
    const children = await h.plex.metadata(waiting);
    for (const child of children) {
      const showGuid = child.type === "episode" ? child.grandparentGuid : child.parentGuid;
      expect(showGuid, `${child.title} waits for a show that is matched now`).toMatch(/^local:\/\//);
    }
    const rechecked = [...states.values()].filter(
      (s) => s.note === "healthy on re-check" || s.note?.startsWith("fixed"),
    );
    expect(rechecked.length).toBeGreaterThan(0);
    expect(outcome.stats.fixed).toBe([...states.values()].filter((s) => s.state === "fixed").length);
    expect(outcome.stats.matched).toBe(matched);
    expect(outcome.stats.completedByEvent).toBeGreaterThan(0);
    expect(outcome.stats.timeouts).toBe(0);
    expect(outcome.stats.errors).toBe(0);
  });

  it("dry run records what would be done, including the chosen match, and changes nothing", async () => {
    const { emulator, h } = await setup();
    const outcome = await h.scan({ dryRun: true });
    expect(outcome.status).toBe("success");
    expect(emulator.stats().refreshes).toBe(0);
    expect(emulator.stats().matches).toBe(0);
    const states = await h.states();
    const wouldMatch = [...states.values()].filter(
      (s) => s.state === "would_fix" && s.note?.startsWith("would match to"),
    );
    expect(wouldMatch.length).toBeGreaterThan(0);
    expect(wouldMatch[0]!.candidates).toHaveLength(1);
    expect(outcome.stats.wouldFix).toBeGreaterThan(5);
    expect(outcome.stats.fixed).toBe(0);
    // Nothing in Plex changed.
    for (const t of scannable(emulator)) expect(t.currentKinds.length).toBeGreaterThan(0);
  });

  it("lists only the newest items in the window and stops early", async () => {
    const { emulator, h } = await setup({ items: 3000, brokenShare: 0.1 });
    emulator.resetStats();
    const outcome = await h.scan({
      all: false,
      maxItems: 20,
      days: 3650,
      includeChildren: false,
      dryRun: true,
    });
    expect(outcome.status).toBe("success");
    // 20 newest per library: two movie libraries and one show library (personal media is
    // excluded by default); one page each.
    expect(outcome.stats.checked).toBe(20 * 3);
    const listing = Object.entries(emulator.stats().byRoute)
      .filter(([route]) => route.includes("/all"))
      .reduce((n, [, c]) => n + c, 0);
    // One count request and one page per library, nothing more.
    expect(listing).toBeLessThanOrEqual(2 * 3);
  });

  it("backs off failed items and retries them once the back-off has passed", async () => {
    const { h } = await setup();
    const first = await h.scan();
    expect(first.stats.failed).toBeGreaterThan(0);
    const second = await h.scan();
    expect(second.stats.skipped).toBeGreaterThanOrEqual(first.stats.failed);
    expect(second.stats.failed).toBe(0);
    const third = await h.scan({ backoffHours: 0 });
    expect(third.stats.failed).toBe(first.stats.failed);
  });

  it("brings back failed items through the retry pool even when they are outside the window", async () => {
    const { h } = await setup();
    const first = await h.scan({ backoffHours: 0 });
    expect(first.stats.failed).toBeGreaterThan(0);
    // A window that holds nothing new: only the pool is checked.
    const pooled = await h.scan({
      all: false,
      days: 1,
      maxItems: 1,
      backoffHours: 0,
      includeChildren: false,
    });
    expect(pooled.stats.fromRetryPool).toBeGreaterThanOrEqual(first.stats.failed);
    expect(pooled.stats.failed).toBeGreaterThan(0);
  });

  it("polls for completion when the notification websocket is not used", async () => {
    const { h } = await setup({ items: 120 });
    const outcome = await h.scan({}, { notifications: false });
    expect(outcome.status).toBe("success");
    expect(outcome.stats.completedByPoll).toBeGreaterThan(0);
    expect(outcome.stats.completedByEvent).toBe(0);
    expect(outcome.stats.fixed).toBeGreaterThan(0);
  });

  it("stops within a second of a cancel, in the middle of waiting for Plex, and keeps finished results", async () => {
    const { h } = await setup({ refresh: { workers: 1, minMs: 1500, maxMs: 2500 } });
    const controller = new AbortController();
    const running = h.scan({ concurrency: 2 }, { signal: controller.signal });
    // Let at least one item finish so partial results exist.
    await new Promise((r) => setTimeout(r, 3500));
    const t0 = Date.now();
    controller.abort();
    const outcome = await running;
    expect(Date.now() - t0).toBeLessThan(1000);
    expect(outcome.status).toBe("cancelled");
    const states = await h.states();
    expect(states.size).toBeGreaterThan(0);
  });

  it("rides out 5% HTTP 500s and a 10 s outage without marking any item failed for it", async () => {
    const { emulator, h } = await setup(
      { items: 200, refresh: { workers: 2, minMs: 200, maxMs: 600 }, faults: { errorRate: 0.05 } },
      { retries: 2 },
    );
    const started = Date.now();
    const running = h.scan({ outageWaitSeconds: 60 });
    setTimeout(() => emulator.outage(10_000), 1500);
    const outcome = await running;
    expect(outcome.status, JSON.stringify(outcome)).toBe("success");
    expect(Date.now() - started).toBeGreaterThan(10_000); // the outage really was mid-scan
    const states = await h.states();
    const truth = new Map(emulator.truth().broken.map((t) => [t.ratingKey, t]));
    for (const [key, row] of states) {
      if (row.state !== "failed") continue;
      // Only items that truly cannot be fixed may fail; never because Plex was away.
      const t = truth.get(key);
      expect(row.note, `item ${key} failed`).not.toMatch(/Plex error/);
      expect(
        t?.kinds.some((k) => k === "unfixable" || k === "unmatched"),
        `${t?.title}: ${row.note}`,
      ).toBe(true);
    }
    expect(outcome.stats.errors).toBe(0);
  }, 60_000);

  it("waits for Plex to come back when it is down as the scan starts", async () => {
    const { emulator, h } = await setup({ items: 100 }, { retries: 1 });
    emulator.outage(3000);
    const outcome = await h.scan({ outageWaitSeconds: 30 });
    expect(outcome.status).toBe("success");
    expect(outcome.stats.outages).toBeGreaterThanOrEqual(1);
    expect(outcome.stats.errors).toBe(0);
    expect(h.lines.some((l) => /Plex is back after/.test(l))).toBe(true);
  });

  it("gives up with a clear error when Plex stays away longer than the outage limit", async () => {
    const { emulator, h } = await setup({ items: 100 }, { retries: 0 });
    emulator.outage(20_000);
    const outcome = await h.scan({ outageWaitSeconds: 2 });
    expect(outcome.status).toBe("failed");
    expect(outcome.error).toMatch(/Plex did not come back within 2 s/);
  });
});
