// Listings ask Plex to leave out what the parser drops (excludeElements / excludeFields). The
// items a scan sees must be exactly those parsed from the full listing: nothing the app reads
// may be in the exclusion lists.
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { type EmulatorHandle, startEmulator } from "../../emulator/index.js";
import { PlexClient, type PlexItem, type PlexSection } from "../../src/plex/index.js";
import { LISTING_EXCLUDE_ELEMENTS, LISTING_EXCLUDE_FIELDS, parseItemsPage } from "../../src/plex/parse.js";
import { MetadataSchema } from "../../src/plex/schemas.js";

let emu: EmulatorHandle;
let client: PlexClient;
let sections: PlexSection[];

beforeAll(async () => {
  emu = await startEmulator({ items: 120, seed: 11 });
  client = new PlexClient({ baseUrl: emu.url, token: emu.token, timeoutMs: 10_000, retries: 0 });
  sections = await client.sections();
});
afterAll(async () => {
  await emu.close();
});

/** The same listing without any exclusion, parsed by the same parser. */
async function fullListing(path: string, query: Record<string, string>): Promise<PlexItem[]> {
  const url = new URL(emu.url + path);
  for (const [k, v] of Object.entries(query)) url.searchParams.set(k, v);
  const res = await fetch(url, {
    headers: { Accept: "application/json", "X-Plex-Token": emu.token, "X-Plex-Container-Size": "10000" },
  });
  expect(res.status).toBe(200);
  return parseItemsPage(await res.json()).items;
}

async function listed(section: PlexSection, type: number): Promise<PlexItem[]> {
  const items: PlexItem[] = [];
  for await (const page of client.listSection(section.id, { type, pageSize: 40 })) items.push(...page);
  return items;
}

describe("trimmed listings", () => {
  it("keep every field and element the parser reads", () => {
    const read = new Set(Object.keys(MetadataSchema.shape));
    expect(read.has("Guid") && read.has("Media") && read.has("Field") && read.has("summary")).toBe(true);
    for (const name of [...LISTING_EXCLUDE_ELEMENTS, ...LISTING_EXCLUDE_FIELDS]) {
      expect(read.has(name), name).toBe(false);
    }
  });

  it.each([
    ["movie", 1],
    ["show", 2],
    ["show", 3],
    ["show", 4],
  ])("yield the same items as the full listing (%s library, type %i)", async (kind, type) => {
    const section = sections.find((s) => s.type === kind && !s.isPersonal);
    expect(section).toBeDefined();
    const trimmed = await listed(section!, type);
    const full = await fullListing(`/library/sections/${section!.id}/all`, {
      type: String(type),
      sort: "addedAt:desc",
      includeGuids: "1",
    });
    expect(trimmed.length).toBeGreaterThan(0);
    expect(trimmed).toStrictEqual(full);
    // The checks the scan makes still have their inputs.
    expect(trimmed.some((i) => i.guids.length > 0)).toBe(true);
    if (type === 1 || type === 4) expect(trimmed.every((i) => i.files.length > 0)).toBe(true);
  });

  it("children and allLeaves yield the same items too", async () => {
    const show = sections.find((s) => s.type === "show" && !s.isPersonal)!;
    const [first] = await listed(show, 2);
    expect(first).toBeDefined();
    expect(await client.children(first!.ratingKey)).toStrictEqual(
      await fullListing(`/library/metadata/${first!.ratingKey}/children`, {
        includeGuids: "1",
        excludeAllLeaves: "1",
      }),
    );
    expect(await client.allLeaves(first!.ratingKey)).toStrictEqual(
      await fullListing(`/library/metadata/${first!.ratingKey}/allLeaves`, { includeGuids: "1" }),
    );
  });
});
