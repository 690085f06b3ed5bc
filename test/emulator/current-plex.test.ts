// Behaviours of current Plex servers the emulator models (issue 22): the new agents' unmatched
// guid form next to the old one.
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { type EmulatorHandle, generateLibrary } from "../../emulator/index.js";
import { getJson, put, start } from "./helpers.js";

const NEW_FORM = /^tv\.plex\.agents\.none:\/\/\d+$/;
const OLD_FORM = /^local:\/\/\d+$/;

describe("unmatched items: both guid forms (Kometa-Team/Kometa#3561)", () => {
  let h: EmulatorHandle;
  beforeAll(async () => {
    h = await start({
      items: 400,
      brokenShare: 0.5,
      unmatchedForm: "mixed",
      refresh: { minMs: 5, maxMs: 20 },
    });
  });
  afterAll(() => h.close());

  const unmatchedIn = (sectionId: string) =>
    h.truth().broken.filter((t) => t.sectionId === sectionId && t.kinds.includes("unmatched"));

  it("a mixed library has both forms in the new-agent libraries and only local:// under a legacy agent", async () => {
    for (const section of ["1", "2"]) {
      const guids = unmatchedIn(section).map((t) => t.currentGuid);
      expect(guids.some((g) => NEW_FORM.test(g))).toBe(true);
      expect(guids.some((g) => OLD_FORM.test(g))).toBe(true);
    }
    const legacy = unmatchedIn("3").map((t) => t.currentGuid);
    for (const g of legacy) expect(g).toMatch(OLD_FORM);
  });

  it("lists both forms under unmatched=1 and gives neither external IDs; a refresh leaves them unmatched", async () => {
    const listed = (await getJson(h, "/library/sections/1/all?unmatched=1&includeGuids=1")).MediaContainer
      .Metadata as Record<string, unknown>[];
    const expected = unmatchedIn("1").filter((t) => t.type === "movie");
    expect(listed.map((m) => m.ratingKey).sort()).toEqual(expected.map((t) => t.ratingKey).sort());
    for (const m of listed) expect(m.Guid).toBeUndefined();
    const newOne = expected.find((t) => NEW_FORM.test(t.currentGuid))!;
    expect((await put(h, `/library/metadata/${newOne.ratingKey}/refresh`)).status).toBe(200);
    await h.idle();
    const after = (await getJson(h, `/library/metadata/${newOne.ratingKey}`)).MediaContainer.Metadata?.[0];
    expect(after?.guid).toBe(`tv.plex.agents.none://${newOne.ratingKey}`);
  });

  it("an unmatch gives the new form under a new agent and local:// under a legacy agent", async () => {
    // A healthy matched movie of the section: the same seed's library, less the broken items.
    const healthyIn = (sectionId: string) => {
      const broken = new Set(h.truth().broken.map((t) => t.ratingKey));
      const m = generateLibrary({ seed: 7, items: 400, brokenShare: 0.5 }).items.find(
        (i) => i?.type === "movie" && String(i.sectionId) === sectionId && !broken.has(String(i.rk)),
      );
      return String(m?.rk);
    };
    for (const [section, form] of [
      ["1", NEW_FORM],
      ["3", OLD_FORM],
    ] as const) {
      const rk = healthyIn(section);
      expect((await put(h, `/library/metadata/${rk}/unmatch`)).status).toBe(200);
      const u = (await getJson(h, `/library/metadata/${rk}`)).MediaContainer.Metadata?.[0];
      expect(u?.guid).toMatch(form);
      expect(String(u?.guid)).toContain(rk);
    }
  });

  it("the standard library keeps the old form unless asked, so its calibrated seeds stay", () => {
    const standard = generateLibrary({ seed: 7, items: 400, brokenShare: 0.5 });
    const mixed = generateLibrary({ seed: 7, items: 400, brokenShare: 0.5, unmatchedForm: "mixed" });
    const guids = (lib: typeof standard) => lib.items.map((i) => i?.guid.replace(NEW_FORM, "x"));
    expect(standard.items.some((i) => i && NEW_FORM.test(i.guid))).toBe(false);
    // Same items, titles and draws: only the unmatched guids differ.
    expect(mixed.items.map((i) => i?.title)).toEqual(standard.items.map((i) => i?.title));
    expect(guids(mixed).filter((g) => g === "x").length).toBeGreaterThan(0);
  });
});
