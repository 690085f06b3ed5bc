import { afterEach, describe, expect, it } from "vitest";
import { type EmulatorHandle, startEmulator } from "../../emulator/index.js";
import { SqliteScanStore, setIgnored } from "../../src/jobs/item-store.js";
import { PlexClient, type PlexItem } from "../../src/plex/index.js";
import { detectProblems, isFullyLocked } from "../../src/scan/detect.js";
import { faultProxy } from "../helpers/fault-proxy.js";
import { scanHarness } from "../helpers/scan.js";

const cleanups: (() => Promise<void>)[] = [];
afterEach(async () => {
  for (const c of cleanups.splice(0).reverse()) await c();
});

async function setup(
  options: Parameters<typeof startEmulator>[0] = {},
  plexOptions: Parameters<typeof scanHarness>[1] = {},
) {
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

/** Polls until `probe` returns something, for at most `ms`. */
async function waitFor<T>(probe: () => Promise<T | undefined>, ms: number): Promise<T> {
  const until = Date.now() + ms;
  for (;;) {
    const found = await probe();
    if (found !== undefined) return found;
    if (Date.now() > until) throw new Error(`nothing after ${ms} ms`);
    await new Promise((r) => setTimeout(r, 50));
  }
}

/** A show's seasons and episodes. */
async function subtree(plex: PlexClient, showKey: string): Promise<PlexItem[]> {
  const out: PlexItem[] = [];
  for (const season of await plex.children(showKey))
    out.push(season, ...(await plex.children(season.ratingKey)));
  return out;
}

describe("scan engine against the emulator", () => {
  it("refreshes, matches, verifies and records every kind of broken item correctly", async () => {
    const { emulator, h } = await setup();
    const before = scannable(emulator);
    // Items whose every problem sits in a locked field: a refresh could change nothing, so none
    // may be sent. Plex bumps `updatedAt` on every refresh, so an unchanged one proves it.
    const lockedOnly = (await h.plex.metadata(before.filter((t) => t.locked).map((t) => t.ratingKey))).filter(
      (i) => isFullyLocked(detectProblems(i)),
    );
    expect(lockedOnly.length).toBeGreaterThan(0);
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
    // Children of a show matched during the scan were triaged again after the match: none is left
    // waiting, and those the match repaired are closed as fixed. In a fresh database nothing but
    // that re-check can say "healthy on re-check".
    const matchedShows = before.filter(
      (t) =>
        t.type === "show" &&
        t.kinds.includes("unmatched") &&
        !after.get(t.ratingKey)?.currentKinds.includes("unmatched"),
    );
    expect(matchedShows.length).toBeGreaterThan(0);
    for (const show of matchedShows) {
      for (const child of await subtree(h.plex, show.ratingKey)) {
        const row = states.get(child.ratingKey);
        expect(row?.state, `${child.title} of ${show.title}: ${row?.note}`).not.toBe("skipped");
      }
    }
    const rechecked = [...states.values()].filter((s) => s.note === "healthy on re-check");
    expect(rechecked.length).toBeGreaterThan(0);
    for (const now of await h.plex.metadata(lockedOnly.map((l) => l.ratingKey))) {
      const was = lockedOnly.find((l) => l.ratingKey === now.ratingKey);
      expect(now.updatedAt, `${now.title} (locked) was refreshed`).toBe(was?.updatedAt);
    }
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
    // Wait until a refresh has finished and been recorded while the next one is in Plex's hands.
    const [key, finished] = await waitFor(
      async () => [...(await h.states())].find(([, s]) => s.note?.startsWith("fixed:")),
      30_000,
    );
    const t0 = Date.now();
    controller.abort();
    const outcome = await running;
    expect(Date.now() - t0).toBeLessThan(1000);
    expect(outcome.status).toBe("cancelled");
    const states = await h.states();
    expect(states.get(key)).toEqual(finished);
    // The items in flight when the scan stopped are not blamed for it.
    expect([...states.values()].filter((s) => s.state === "error")).toEqual([]);
    expect(outcome.stats.errors).toBe(0);
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
    expect(outcome.errorReason).toEqual({ code: "plex_outage", params: { seconds: 2 } });
  });
  it("updates an old row of personal media but never writes new ones, and never fixes it", async () => {
    const { emulator, h } = await setup();
    const personal = (await h.plex.sections()).find((s) => s.isPersonal)!;
    const page = (await h.plex.listSection(personal.id, { pageSize: 10 }).next()).value ?? [];
    const [old, fresh] = page;
    // A row from before (the importer writes such rows): the scan closes it as "skipped".
    await new SqliteScanStore(h.db.kysely, null).record({
      ratingKey: old!.ratingKey,
      sectionId: personal.id,
      library: personal.title,
      type: old!.type,
      title: old!.title,
      year: null,
      parentRatingKey: null,
      state: "failed",
      problems: ["no_poster"],
      note: "imported",
      candidates: null,
      action: "refresh",
      at: Date.now() - 48 * 3_600_000,
    });
    emulator.resetStats();
    const outcome = await h.scan({ libraries: [personal.title], includePersonal: true });
    expect(outcome.status).toBe("success");
    const states = await h.states();
    expect(states.get(old!.ratingKey)).toMatchObject({
      state: "skipped",
      note: "personal media: never refreshed or matched",
    });
    expect(states.has(fresh!.ratingKey)).toBe(false);
    expect(states.size).toBe(1);
    expect(outcome.stats.skipped).toBe(outcome.stats.checked);
    expect(emulator.stats().refreshes + emulator.stats().matches).toBe(0);
  });

  it("never refreshes or matches an ignored item, keeps its row as it was, across rescans", async () => {
    const { emulator, h } = await setup();
    await h.scan({ dryRun: true });
    const before = await h.states();
    const broken = scannable(emulator).filter((t) => t.type === "movie" && before.has(t.ratingKey));
    const refreshable = broken.find((t) => t.fixableByRefresh);
    const unmatched = broken.find((t) => t.kinds.includes("unmatched"));
    expect(refreshable && unmatched).toBeTruthy();
    const ignored = [refreshable!.ratingKey, unmatched!.ratingKey];
    for (const key of ignored)
      expect(await setIgnored(h.db.kysely, key, { reason: null }, Date.now())).toBe(true);

    for (let run = 0; run < 2; run++) {
      const outcome = await h.scan({ backoffHours: 0 });
      expect(outcome.status).toBe("success");
    }
    const truth = new Map(emulator.truth().broken.map((t) => [t.ratingKey, t]));
    expect(truth.get(refreshable!.ratingKey)?.currentKinds).toEqual(refreshable!.currentKinds);
    expect(truth.get(unmatched!.ratingKey)?.currentKinds).toContain("unmatched");
    // Their rows are the dry run's; everything else that a refresh fixes was fixed.
    const after = await h.states();
    for (const key of ignored) expect(after.get(key)).toEqual(before.get(key));
    const others = broken.filter((t) => t.fixableByRefresh && !ignored.includes(t.ratingKey));
    expect(others.every((t) => truth.get(t.ratingKey)?.currentKinds.length === 0)).toBe(true);
    const history = await h.db.kysely
      .selectFrom("item_history")
      .select(["rating_key", "action"])
      .where("rating_key", "in", ignored)
      .execute();
    // The dry run's entry and the ignore itself; nothing from the two scans after it.
    expect(history.map((r) => r.action).sort()).toEqual(["dry_run", "dry_run", "ignore", "ignore"]);
  });

  it("leaves the seasons and episodes of an ignored show alone, and fixes the rest", async () => {
    const { emulator, h } = await setup();
    const episodes = scannable(emulator).filter((t) => t.type === "episode" && t.fixableByRefresh);
    expect(episodes.length).toBeGreaterThan(1);
    const [first] = await h.plex.metadata([episodes[0]!.ratingKey]);
    const showKey = first!.grandparentRatingKey!;
    // The show is on the Items page (a row), and a person sets it aside.
    const [show] = await h.plex.metadata([showKey]);
    await new SqliteScanStore(h.db.kysely, null).record({
      ratingKey: showKey,
      sectionId: show!.librarySectionId ?? null,
      library: null,
      type: "show",
      title: show!.title,
      year: null,
      parentRatingKey: null,
      state: "failed",
      problems: ["no_summary"],
      note: "",
      candidates: null,
      action: "refresh",
      at: Date.now(),
    });
    expect(await setIgnored(h.db.kysely, showKey, { reason: "home videos" }, Date.now())).toBe(true);
    const children = await h.plex.metadata(episodes.map((t) => t.ratingKey));
    const ofShow = new Set(
      children.filter((c) => c.grandparentRatingKey === showKey).map((c) => c.ratingKey),
    );

    const outcome = await h.scan();
    expect(outcome.status).toBe("success");
    expect(ofShow.size).toBeGreaterThan(0);
    expect(episodes.length).toBeGreaterThan(ofShow.size); // some are fixed, so the check can fail
    expect(outcome.stats.skipped).toBeGreaterThanOrEqual(ofShow.size + 1);
    const truth = new Map(emulator.truth().broken.map((t) => [t.ratingKey, t]));
    for (const t of episodes) {
      const stillBroken = (truth.get(t.ratingKey)?.currentKinds.length ?? 0) > 0;
      expect(stillBroken, t.ratingKey).toBe(ofShow.has(t.ratingKey));
    }
    // No rows are written for them either: they come back as they were when the show is unignored.
    const rows = await h.states();
    for (const key of ofShow) expect(rows.has(key)).toBe(false);
  });

  it("with matching switched off, sends unmatched items to review without searching", async () => {
    const { emulator, h } = await setup();
    const unmatched = scannable(emulator).filter((t) => t.kinds.includes("unmatched"));
    expect(unmatched.length).toBeGreaterThan(0);
    const outcome = await h.scan({ matchUnmatched: false });
    expect(outcome.status).toBe("success");
    const states = await h.states();
    for (const t of unmatched) {
      expect(states.get(t.ratingKey), t.title).toMatchObject({
        state: "needs_review",
        note: "unmatched; automatic matching is switched off",
      });
    }
    expect(outcome.stats.matched).toBe(0);
    expect(emulator.stats().matches).toBe(0);
    expect(Object.keys(emulator.stats().byRoute).filter((r) => r.includes("matches"))).toEqual([]);
    expect(outcome.stats.fixed).toBeGreaterThan(0); // refreshes still ran
  });

  it("with automatic matching off, searches but applies no match: each unmatched item waits for a person", async () => {
    const { emulator, h } = await setup();
    const unmatched = scannable(emulator).filter((t) => t.kinds.includes("unmatched"));
    expect(unmatched.length).toBeGreaterThan(0);
    const outcome = await h.scan({ matchAutomatically: false });
    expect(outcome.status).toBe("success");
    expect(outcome.stats.matched).toBe(0);
    expect(emulator.stats().matches).toBe(0); // no PUT …/match reached Plex
    const states = await h.states();
    const asked = unmatched.filter((t) =>
      /automatic matching is off/.test(states.get(t.ratingKey)?.note ?? ""),
    );
    expect(asked.length).toBeGreaterThan(0); // clear choices became questions, with candidates stored
    for (const t of unmatched) expect(states.get(t.ratingKey)?.state, t.title).toBe("needs_review");
  });

  it("skips an item deleted in the middle of its fix, whether the refresh or the re-read finds it gone", async () => {
    const { emulator } = await setup();
    const [gone, vanishing] = scannable(emulator).filter(
      (t) => t.fixableByRefresh && t.type === "movie" && !t.kinds.includes("broken-children"),
    );
    let refreshed = false;
    const proxy = await faultProxy(emulator.url, ({ method, path }) => {
      if (method === "PUT" && path === `/library/metadata/${gone!.ratingKey}/refresh`) return 404;
      if (method === "PUT" && path === `/library/metadata/${vanishing!.ratingKey}/refresh`) refreshed = true;
      // Once its refresh is sent, the second item is gone from every read.
      const ids = path.match(/^\/library\/metadata\/([\d,]+)$/)?.[1]?.split(",") ?? [];
      if (method === "GET" && refreshed && ids.includes(vanishing!.ratingKey)) return 404;
      return undefined;
    });
    const h = await scanHarness(emulator, { baseUrl: proxy.url });
    // Completion events straight from the emulator (the proxy forwards no websocket).
    const listener = new PlexClient({ baseUrl: emulator.url, token: emulator.token, timeoutMs: 5000 })
      .notifications()
      .start();
    cleanups.push(async () => {
      await listener.close();
      await h.close();
      await proxy.close();
    });
    const outcome = await h.scan({}, { listener });
    expect(outcome.status).toBe("success");
    const states = await h.states();
    for (const t of [gone!, vanishing!]) {
      expect(states.get(t.ratingKey), t.title).toMatchObject({
        state: "skipped",
        note: "no longer in Plex (deleted while scanning)",
      });
    }
    expect(refreshed).toBe(true);
    expect(outcome.stats.errors).toBe(0);
    expect(outcome.stats.fixed).toBeGreaterThan(0);
  });

  it("stops the whole scan when Plex starts rejecting the token, without blaming the items", async () => {
    const { emulator } = await setup();
    let rejecting = false;
    const proxy = await faultProxy(emulator.url, ({ method }) => {
      // The first write goes through; from then on the token is refused.
      if (rejecting) return 401;
      if (method === "PUT") rejecting = true;
      return undefined;
    });
    const h = await scanHarness(emulator, { baseUrl: proxy.url });
    cleanups.push(async () => {
      await h.close();
      await proxy.close();
    });
    const outcome = await h.scan({ concurrency: 1 }, { notifications: false });
    expect(outcome.status).toBe("failed");
    expect(outcome.error).toMatch(/rejected the token \(401\)/);
    expect(outcome.errorReason).toMatchObject({ code: "plex_error", params: { kind: "auth" } });
    const states = await h.states();
    const rows = [...states.values()];
    // Only the item in flight records the error; nothing is marked failed for it.
    expect(rows.filter((s) => s.state === "error")).toHaveLength(1);
    expect(rows.filter((s) => s.state === "failed" && /401/.test(s.note ?? ""))).toEqual([]);
    // The scan ended there: no write was attempted after the rejection.
    const writes = proxy.log.filter((r) => r.method === "PUT");
    expect(writes.filter((r) => r.answered === undefined)).toHaveLength(1);
    expect(writes.length).toBeLessThanOrEqual(2);
  });

  it("ends as failed, not cancelled and not stuck, when the workers can no longer record", async () => {
    // More broken items than the queue holds, so the collector waits for room the dead
    // workers would never make if a worker's death did not end the scan.
    const { emulator, h } = await setup({ items: 600, brokenShare: 0.6 });
    const real = new SqliteScanStore(h.db.kysely, null);
    let writes = 0;
    const store = {
      knownStates: (keys: readonly string[]) => real.knownStates(keys),
      retryPool: (limit: number) => real.retryPool(limit),
      async record(result: Parameters<typeof real.record>[0]) {
        // Items settled by the collector (healthy on re-check, locked, …) still record; the
        // workers' results hit a full disk.
        if (result.action === "dry_run" && ++writes > 2) throw new Error("database or disk is full");
        return real.record(result);
      },
    };
    const outcome = await h.scan({ dryRun: true, concurrency: 2 }, { store });
    expect(outcome.status).toBe("failed");
    expect(outcome.error).toBe("database or disk is full");
    // The SPA says "internal error"; the English detail stays in the log and `error`.
    expect(outcome.errorReason).toEqual({ code: "internal_error" });
    // It stopped early: far from every broken item was looked at.
    expect(outcome.stats.checked).toBeLessThan(emulator.truth().broken.length + 600);
  });
});
