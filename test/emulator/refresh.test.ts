import { afterAll, beforeAll, describe, expect, it } from "vitest";
import type { EmulatorHandle, TruthItem } from "../../emulator/index.js";
import { type Frame, getJson, listen, put, start, waitFor } from "./helpers.js";

let h: EmulatorHandle;
beforeAll(async () => {
  h = await start({ items: 400, brokenShare: 0.4, refresh: { workers: 2, minMs: 40, maxMs: 120 } });
});
afterAll(() => h.close());

type Entry = Record<string, unknown>;
/** Frames sent just before idle() resolved may still be in flight. */
const settle = () => new Promise((r) => setTimeout(r, 50));
const entries = (f: Frame, key: string) => (f.data.NotificationContainer[key] as Entry[] | undefined) ?? [];

function isDone(f: Frame, rk: string): boolean {
  const n = f.data.NotificationContainer;
  if (n.type === "timeline") {
    return entries(f, "TimelineEntry").some(
      (e) => e.itemID === rk && e.state === 5 && e.metadataState === undefined && e.mediaState === undefined,
    );
  }
  return entries(f, "ActivityNotification").some(
    (a) =>
      a.event === "ended" &&
      (a.Activity as { Context: { key: string } }).Context.key === `/library/metadata/${rk}`,
  );
}

async function item(rk: string) {
  return (await getJson(h, `/library/metadata/${rk}`)).MediaContainer.Metadata?.[0] as Entry;
}

function pick(pred: (t: TruthItem) => boolean): TruthItem {
  const t = h.truth().broken.find(pred);
  if (!t) throw new Error("no such truth item");
  return t;
}

describe("refresh queue", () => {
  it("reports queued → processing → done in order, and the item is fixed when the final event arrives", async () => {
    const t = pick((x) => x.type === "movie" && x.kinds.length === 1 && x.kinds[0] === "no-poster");
    const before = await item(t.ratingKey);
    expect(before.thumb).toBeUndefined();
    const l = await listen(h, "&filters=activity,timeline");
    let fixedAtFinalEvent: unknown;
    l.ws.on("message", async (buf) => {
      const f = { at: Date.now(), data: JSON.parse(String(buf)) } as Frame;
      if (
        isDone(f, t.ratingKey) &&
        f.data.NotificationContainer.type === "timeline" &&
        fixedAtFinalEvent === undefined
      ) {
        fixedAtFinalEvent = (await item(t.ratingKey)).thumb ?? null;
      }
    });
    const r = await put(h, `/library/metadata/${t.ratingKey}/refresh`);
    expect(r.status).toBe(200);
    expect(r.text).toBe("");
    await waitFor(() =>
      l.frames.some((f) => isDone(f, t.ratingKey) && f.data.NotificationContainer.type === "activity"),
    );
    await waitFor(() => fixedAtFinalEvent !== undefined);
    l.close();
    const mine = l.frames.filter((f) =>
      [...entries(f, "TimelineEntry"), ...entries(f, "ActivityNotification")].some(
        (e) =>
          e.itemID === t.ratingKey ||
          (e.Activity as { Context?: { key?: string } })?.Context?.key === `/library/metadata/${t.ratingKey}`,
      ),
    );
    const steps = mine.map((f) => {
      const tl = entries(f, "TimelineEntry").find((e) => e.itemID === t.ratingKey);
      if (tl) return `timeline:${tl.state}:${tl.metadataState ?? "-"}`;
      return `activity:${entries(f, "ActivityNotification")[0]?.event}`;
    });
    expect(steps).toEqual([
      "timeline:5:queued",
      "activity:started",
      "timeline:4:processing",
      "activity:updated",
      "timeline:5:-",
      "activity:ended",
    ]);
    expect(fixedAtFinalEvent).toMatch(new RegExp(`^/library/metadata/${t.ratingKey}/thumb/\\d+$`));
    const after = await item(t.ratingKey);
    expect(after.updatedAt as number).toBeGreaterThan(before.updatedAt as number);
    const frame = mine[0]?.data.NotificationContainer;
    expect(frame?.size).toBe(1);
    expect(entries(mine[0] as Frame, "TimelineEntry")[0]).toMatchObject({
      identifier: "com.plexapp.plugins.library",
      sectionID: t.sectionId,
      itemID: t.ratingKey,
      type: 1,
    });
  });

  it("never changes locked fields, leaves unfixable items broken and unmatched items unmatched", async () => {
    const locked = pick((x) => x.type === "movie" && x.kinds.includes("locked"));
    const unfixable = pick((x) => x.type === "movie" && x.kinds.includes("unfixable"));
    const unmatched = pick((x) => x.type === "movie" && x.kinds.includes("unmatched"));
    const fixable = pick((x) => x.type === "movie" && x.kinds.length === 1 && x.kinds[0] === "no-guids");
    for (const t of [locked, unfixable, unmatched, fixable])
      await put(h, `/library/metadata/${t.ratingKey}/refresh`);
    await h.idle();
    expect((await item(locked.ratingKey)).thumb).toBeUndefined();
    expect((await item(unfixable.ratingKey)).thumb).toBeUndefined();
    const u = await item(unmatched.ratingKey);
    expect(u.guid).toBe(`local://${unmatched.ratingKey}`);
    expect(u.Guid).toBeUndefined();
    expect(((await item(fixable.ratingKey)).Guid as unknown[]).length).toBe(3);
    const truth = new Map(h.truth().broken.map((t) => [t.ratingKey, t]));
    expect(truth.get(locked.ratingKey)?.currentKinds).toContain("locked");
    expect(truth.get(unfixable.ratingKey)?.currentKinds).toContain("unfixable");
    expect(truth.get(unmatched.ratingKey)?.currentKinds).toContain("unmatched");
    expect(truth.get(fixable.ratingKey)?.currentKinds).toEqual([]);
  });

  it("refreshes a show's seasons and episodes with their own timeline entries", async () => {
    const show = pick(
      (x) => x.type === "show" && x.kinds.includes("broken-children") && !x.kinds.includes("unmatched"),
    );
    const brokenChildren = h.truth().broken.filter((t) => t.type !== "show" && t.currentKinds.length > 0);
    const l = await listen(h, "&filters=timeline");
    await put(h, `/library/metadata/${show.ratingKey}/refresh`);
    await h.idle();
    await waitFor(() => l.frames.some((f) => isDone(f, show.ratingKey)));
    l.close();
    const childEntries = l.frames
      .flatMap((f) => entries(f, "TimelineEntry"))
      .filter((e) => e.rootItemID === show.ratingKey);
    expect(childEntries.some((e) => e.type === 3 && e.parentItemID === show.ratingKey)).toBe(true);
    expect(childEntries.some((e) => e.type === 4)).toBe(true);
    const after = new Map(h.truth().broken.map((t) => [t.ratingKey, t]));
    expect(after.get(show.ratingKey)?.currentKinds).toEqual([]);
    // Broken seasons/episodes of this show are repaired with it; others are untouched.
    const touched = new Set(childEntries.map((e) => e.itemID));
    for (const c of brokenChildren) {
      expect(after.get(c.ratingKey)?.currentKinds.length === 0).toBe(touched.has(c.ratingKey));
    }
  });

  it("de-duplicates a refresh of an item that is already queued", async () => {
    const l = await listen(h, "&filters=activity");
    const rks = h
      .truth()
      .broken.filter((t) => t.type === "movie")
      .slice(0, 4)
      .map((t) => t.ratingKey);
    // Fill both workers, then queue the last one three times.
    for (const rk of rks) await put(h, `/library/metadata/${rk}/refresh`);
    const last = rks[rks.length - 1] as string;
    await put(h, `/library/metadata/${last}/refresh`);
    await put(h, `/library/metadata/${last}/refresh`);
    await h.idle();
    await settle();
    l.close();
    const started = l.frames
      .flatMap((f) => entries(f, "ActivityNotification"))
      .filter(
        (a) =>
          a.event === "started" &&
          (a.Activity as { Context: { key: string } }).Context.key === `/library/metadata/${last}`,
      );
    expect(started).toHaveLength(1);
  });

  it("never runs more than `workers` jobs at once", async () => {
    const l = await listen(h, "&filters=activity");
    const rks = h
      .truth()
      .broken.slice(0, 12)
      .map((t) => t.ratingKey);
    await Promise.all(rks.map((rk) => put(h, `/library/metadata/${rk}/refresh`)));
    await h.idle();
    await settle();
    l.close();
    let running = 0;
    let peak = 0;
    for (const a of l.frames.flatMap((f) => entries(f, "ActivityNotification"))) {
      const key = (a.Activity as { Context: { key: string } }).Context.key;
      if (key.endsWith("/children")) continue; // unrelated noise
      if (a.event === "started") running++;
      if (a.event === "ended") running--;
      peak = Math.max(peak, running);
    }
    expect(peak).toBe(2);
    expect(running).toBe(0);
  });

  it("lists running refreshes under /activities", async () => {
    // Thirty refreshes queued by one request keep two workers busy for at least 600 ms (40 ms
    // each at the least): some are surely running when /activities is read right after.
    const keys = h
      .truth()
      .broken.slice(0, 30)
      .map((t) => t.ratingKey);
    expect(keys).toHaveLength(30);
    await put(h, `/library/metadata/${keys.join(",")}/refresh`);
    const j = await getJson(h, "/activities");
    const acts = (j.MediaContainer.Activity as Entry[] | undefined) ?? [];
    expect(acts.length).toBeGreaterThan(0);
    expect(acts.length).toBeLessThanOrEqual(2); // running ones only, one per worker
    for (const a of acts) {
      expect(a).toMatchObject({ type: "library.refresh.items", title: "Refreshing" });
      const key = (a.Context as { key: string }).key;
      expect(keys.map((k) => `/library/metadata/${k}`)).toContain(key);
    }
    await h.idle();
    expect((await getJson(h, "/activities")).MediaContainer.size).toBe(0);
  });
});
