// What current Plex servers do, in the browser (issue 22): an item unmatched in the new agents'
// form (tv.plex.agents.none://) matched from the drawer; a placeholder episode shown as waiting
// for upstream data with its next check; a match found by a pasted IMDb link. English and German.
import type { Page } from "playwright-core";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import type { TruthItem } from "../../emulator/truth.js";
import {
  DESKTOP,
  E2E_TIMEOUT,
  expectAccessible,
  openLoggedIn,
  type Stack,
  screenshot,
  startStack,
  UNTIL,
} from "./harness.js";

interface ItemJson {
  ratingKey: string;
  title: string;
  state: string;
  reason: { code: string; params?: Record<string, unknown> } | null;
}

let stack: Stack;
let page: Page;
/** A placeholder episode the real scan found, with its show. */
let placeholder: { ratingKey: string; showTitle: string };

beforeAll(async () => {
  stack = await startStack({
    emulator: {
      unmatchedForm: "new",
      faults: { latencyMs: 0 },
      refresh: { workers: 2, minMs: 50, maxMs: 120 },
    },
  });
  page = stack.page;
  // A new show whose last two episodes are placeholders; their data arrives in an hour.
  const added = stack.emulator.addItem({
    type: "show",
    episodes: 3,
    placeholders: { count: 2, arrivesInMs: 3_600_000 },
    processingMs: 10,
  });
  await added.finished;
  // A real scan (the first would otherwise be a dry run): it matches what is clear, leaves the
  // ambiguous unmatched items for a person and finds the placeholders.
  const scan = await stack.waitForScan(await stack.startScan({ dryRun: false }), 90_000);
  expect(scan.status).toBe("success");
  const show = await plexMetadata(added.ratingKey);
  const episodes = await Promise.all(added.ratingKeys.map(plexMetadata));
  const waiting = episodes.find((e) => e.type === "episode" && !e.summary);
  expect(waiting).toBeDefined();
  placeholder = { ratingKey: waiting.ratingKey, showTitle: show.title };
}, 150_000);
afterAll(async () => {
  await stack?.close();
});

/** The item as Plex has it (the test's view of Plex). */
async function plexMetadata(ratingKey: string) {
  return (await plexGet(`/library/metadata/${ratingKey}`)).MediaContainer.Metadata[0];
}
// biome-ignore lint/suspicious/noExplicitAny: Plex's JSON, read by the assertions
async function plexGet(path: string): Promise<any> {
  const res = await fetch(`${stack.emulator.url.replace(/\/$/, "")}${path}`, {
    headers: { Accept: "application/json", "X-Plex-Token": stack.emulator.token },
  });
  return res.json();
}

const truth = (ratingKey: string): TruthItem | undefined =>
  stack.emulator.truth().broken.find((b) => b.ratingKey === ratingKey);

async function items(state: string): Promise<ItemJson[]> {
  const { json } = await stack.api<{ items: ItemJson[] }>("GET", `/api/items?state=${state}&pageSize=500`);
  return json.items;
}

/** Unmatched movies in the new form that the scan left for a person (two works share the title). */
async function unmatchedForAPerson(): Promise<ItemJson[]> {
  return (await items("needs_review")).filter((i) => {
    const t = truth(i.ratingKey);
    return t?.type === "movie" && t.ambiguous && t.currentGuid.startsWith("tv.plex.agents.none://");
  });
}

/**
 * The IMDb ID of the work a truth item should be matched to, as a person would look it up:
 * Plex's IMDb agent lists the works of that title, and the one the new agent resolves to the
 * right guid is it.
 */
async function imdbIdOf(t: TruthItem): Promise<string> {
  const title = encodeURIComponent(t.matchTitle as string);
  const legacy = await plexGet(
    `/library/metadata/${t.ratingKey}/matches?manual=1&title=${title}&agent=com.plexapp.agents.imdb`,
  );
  for (const r of legacy.MediaContainer.SearchResult ?? []) {
    const imdb = /:\/\/(tt\d+)/.exec(r.guid)?.[1];
    if (!imdb) continue;
    const byId = await plexGet(
      `/library/metadata/${t.ratingKey}/matches?manual=1&title=imdb-${imdb}&agent=tv.plex.agents.movie`,
    );
    if (byId.MediaContainer.SearchResult?.[0]?.guid === t.matchGuid) return imdb;
  }
  throw new Error(`no IMDb ID found for ${t.matchGuid}`);
}

/** Opens the Items list filtered to one item and its drawer, by clicking its title. */
async function openDrawer(item: { ratingKey: string; title: string }) {
  await openLoggedIn(page, `/items?q=${item.ratingKey}&state=all`);
  await page
    .getByRole("button", { name: new RegExp(`^(Show details of|Details zu) ${regexpOf(item.title)}`) })
    .click();
  const drawer = page
    .getByRole("dialog")
    .filter({ has: page.getByRole("heading", { name: /^(History|Verlauf)$/ }) });
  await drawer.waitFor();
  return drawer;
}

const regexpOf = (s: string) => s.replace(/[.*+?^${}()|[\]\\]/g, "\\$&");

async function setLanguage(language: "en" | "de") {
  await page.evaluate(`localStorage.setItem("psr-language", "${language}")`);
}

describe("current Plex in the browser", () => {
  it("matches an item unmatched as tv.plex.agents.none:// from the drawer", E2E_TIMEOUT, async () => {
    await page.setViewportSize(DESKTOP);
    await openLoggedIn(page, "/");
    await setLanguage("en");
    const [item] = await unmatchedForAPerson();
    expect(item, "an unmatched movie in the new form left for a person").toBeDefined();
    if (!item) return;
    const right = truth(item.ratingKey) as TruthItem;
    const drawer = await openDrawer(item);
    // "Find a match" is the drawer's first action for an unmatched item.
    const find = drawer.getByRole("button", { name: "Find a match" });
    await find.waitFor();
    const picker = page.getByRole("dialog", { name: `Find a match for ${item.title}` });
    await find.click();
    await picker.getByText(/^\d+ candidates?$/).waitFor();
    const card = picker.locator(".mantine-Card-root").filter({ hasText: `(${right.matchYear})` });
    await card
      .first()
      .getByRole("button", { name: /^Use this match: / })
      .click();
    // The confirmation calls the new form "not matched", never a guid.
    await picker.getByText("not matched").waitFor();
    expect(await picker.innerText()).not.toContain("tv.plex.agents.none://");
    await picker.getByRole("button", { name: "Apply match" }).click();
    await picker.waitFor({ state: "detached", timeout: 60_000 });
    await drawer
      .getByText(/^Match applied:/)
      .first()
      .waitFor();
    await expect.poll(() => truth(item.ratingKey)?.currentGuid, UNTIL).toBe(right.matchGuid);
    const { json } = await stack.api<{ item: ItemJson }>("GET", `/api/items/${item.ratingKey}`);
    expect(json.item.state).toBe("fixed");
    await page.keyboard.press("Escape");
  });

  it("shows a placeholder episode waiting for upstream data with its next check", E2E_TIMEOUT, async () => {
    const { json } = await stack.api<{ item: ItemJson }>("GET", `/api/items/${placeholder.ratingKey}`);
    expect(json.item.state).toBe("waiting");
    expect(json.item.reason?.code).toBe("waiting_upstream");
    const until = json.item.reason?.params?.until as string;
    // The first check after the air date (today, UTC midnight) that is still ahead.
    expect(Date.parse(until)).toBeGreaterThan(Date.now());
    for (const language of ["en", "de"] as const) {
      await page.setViewportSize(DESKTOP);
      await openLoggedIn(page, "/");
      await setLanguage(language);
      await openLoggedIn(page, `/items?state=waiting`);
      const stateLabel = language === "en" ? "Waiting for data" : "Wartet auf Daten";
      const row = page.getByRole("row").filter({ hasText: placeholder.showTitle });
      await expect.poll(() => row.count(), UNTIL).toBe(2);
      expect(await row.first().innerText()).toContain(stateLabel);
      const when = await page.evaluate<string>(
        `new Intl.DateTimeFormat("${language}", { dateStyle: "medium", timeStyle: "short" }).format(new Date("${until}"))`,
      );
      const drawer = await openDrawer({ ratingKey: placeholder.ratingKey, title: json.item.title });
      const sentence =
        language === "en"
          ? `Placeholder episode: waiting for upstream data; next check ${when}`
          : `Platzhalter-Episode: wartet auf Daten der Quelle; nächste Prüfung ${when}`;
      await drawer.getByText(sentence).first().waitFor();
      // An episode is never matched by itself (Plex matches its show): no match button.
      const find = language === "en" ? "Find a match" : "Zuordnung suchen";
      expect(await drawer.getByRole("button", { name: find }).count()).toBe(0);
      await screenshot(page, `placeholder-waiting-${language}`, { readme: language === "en" });
      await expectAccessible(page, `placeholder drawer (${language})`);
      await page.keyboard.press("Escape");
    }
    await setLanguage("en");
  });

  it("matches by a pasted IMDb link, showing the ID that found the work", E2E_TIMEOUT, async () => {
    await page.setViewportSize(DESKTOP);
    const candidates = await unmatchedForAPerson();
    const item = candidates.find((i) => truth(i.ratingKey)?.currentKinds.includes("unmatched"));
    expect(item, "another unmatched movie left for a person").toBeDefined();
    if (!item) return;
    const right = truth(item.ratingKey) as TruthItem;
    const imdb = await imdbIdOf(right);
    for (const language of ["de", "en"] as const) {
      await openLoggedIn(page, "/");
      await setLanguage(language);
      const drawer = await openDrawer(item);
      await drawer
        .getByRole("button", { name: language === "en" ? "Find a match" : "Zuordnung suchen" })
        .click();
      const picker = page.getByRole("dialog", {
        name: language === "en" ? /^Find a match for/ : /^Zuordnung für/,
      });
      const title = picker.getByRole("textbox", {
        name: language === "en" ? /^Title, ID or link/ : /^Titel, ID oder Link/,
      });
      const year = picker.getByRole("textbox", { name: language === "en" ? /^Year/ : /^Jahr/ });
      await expect.poll(() => title.inputValue(), UNTIL).not.toBe("");
      // A TVDB link names no movie: the picker says so in the reader's language.
      await title.fill("https://thetvdb.com/?tab=series&id=81189");
      await picker.getByRole("button", { name: language === "en" ? "Search" : "Suchen" }).click();
      await picker
        .getByText(
          language === "en"
            ? "This TVDB ID names no movie, and this is a movie library: paste an IMDb or TMDB movie ID or link."
            : "Diese TVDB-ID nennt keinen Film, und das ist eine Film-Mediathek: Füge eine IMDb- oder TMDB-Film-ID oder einen Link dazu ein.",
        )
        .waitFor();
      // The IMDb link: the year field plays no part and says so by being off.
      await title.fill(`https://www.imdb.com/title/${imdb}/?ref_=fn_al_tt_1`);
      await expect.poll(() => year.isDisabled(), UNTIL).toBe(true);
      await picker.getByRole("button", { name: language === "en" ? "Search" : "Suchen" }).click();
      const cards = picker.locator(".mantine-Card-root");
      await expect.poll(() => cards.count(), UNTIL).toBe(1);
      const foundBy = language === "en" ? `Found by ID imdb-${imdb}` : `Per ID gefunden: imdb-${imdb}`;
      await cards.first().getByText(foundBy).waitFor();
      expect(await cards.first().innerText()).toContain(`${right.matchTitle}`);
      await screenshot(page, `match-picker-pasted-id-${language}`, { readme: language === "en" });
      await expectAccessible(page, `match picker by ID (${language})`);
      if (language === "de") {
        await page.keyboard.press("Escape");
        await picker.waitFor({ state: "detached" });
        await page.keyboard.press("Escape");
        continue;
      }
      await cards
        .first()
        .getByRole("button", { name: /^Use this match: / })
        .click();
      await picker.getByText(right.matchGuid as string).waitFor();
      await picker.getByRole("button", { name: "Apply match" }).click();
      await picker.waitFor({ state: "detached", timeout: 60_000 });
      await expect.poll(() => truth(item.ratingKey)?.currentGuid, UNTIL).toBe(right.matchGuid);
    }
    expect(stack.pageErrors).toEqual([]);
  });
});
