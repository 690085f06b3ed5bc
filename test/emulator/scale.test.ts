import { afterAll, beforeAll, describe, expect, it } from "vitest";
import type { EmulatorHandle } from "../../emulator/index.js";
import { get, start } from "./helpers.js";

let h: EmulatorHandle;
beforeAll(async () => {
  h = await start({ items: 100_000 });
}, 60_000);
afterAll(() => h.close());

describe("100,000 items", () => {
  it("serves a page of 300 quickly and the full listing as a stream (timings printed)", async () => {
    const path =
      "/library/sections/1/all?sort=addedAt:desc&includeGuids=1&X-Plex-Container-Start=30000&X-Plex-Container-Size=300";
    await get(h, path); // warm the sort index
    const t0 = performance.now();
    const page = await get(h, path);
    const pageMs = performance.now() - t0;
    expect(page.status).toBe(200);
    const t1 = performance.now();
    const filtered = await get(
      h,
      "/library/sections/1/all?sort=addedAt:desc&addedAt>>=-30d&X-Plex-Container-Start=0&X-Plex-Container-Size=300",
    );
    const filteredMs = performance.now() - t1;
    expect(filtered.status).toBe(200);
    const t2 = performance.now();
    const all = await get(h, "/library/sections/1/all", { headers: { Accept: "application/json" } });
    const allMs = performance.now() - t2;
    const rows = JSON.parse(all.text).MediaContainer.Metadata.length;
    console.log(
      `page of 300: ${pageMs.toFixed(1)} ms; filtered page: ${filteredMs.toFixed(1)} ms; full JSON listing of ${rows} movies: ${Math.round(allMs)} ms (${(all.text.length / 1e6).toFixed(1)} MB)`,
    );
    expect(rows).toBeGreaterThan(50_000);
  });
});
