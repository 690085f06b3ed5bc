// Wrong matches in the browser, on the demo library: after a real scan the drawer of a
// year_conflict shows its evidence and its right candidate; an id_conflict the scan re-matched is
// undone from the drawer after a confirmation naming both matches, and Plex has the earlier
// match again. Light and dark, English and German, desktop and phone; axe on drawer and dialog.
import type { Page } from "playwright-core";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import type { WrongMatchTruth } from "../../emulator/index.js";
import {
  DESKTOP,
  E2E_TIMEOUT,
  expectAccessible,
  hasNoSidewaysScroll,
  openLoggedIn,
  PHONE,
  type Stack,
  screenshot,
  startStack,
  UNTIL,
} from "./harness.js";

interface ItemJson {
  ratingKey: string;
  type: string;
  title: string;
  year: number | null;
  state: string;
  reason: { code: string } | null;
}

let stack: Stack;
let page: Page;

beforeAll(async () => {
  stack = await startStack({
    emulator: { faults: { latencyMs: 0 }, refresh: { workers: 2, minMs: 30, maxMs: 80 } },
  });
  page = stack.page;
  const started = await stack.api<{ id: number }>("POST", "/api/scans", { dryRun: false });
  expect(started.status).toBe(202);
  expect((await stack.waitForScan(started.json.id, 120_000)).status).toBe("success");
}, 180_000);
afterAll(async () => {
  await stack?.close();
});

const facts = (kind: WrongMatchTruth["kind"]) =>
  stack.emulator.truth().wrongMatches.filter((f) => f.kind === kind);
const guidNow = (rk: string) =>
  stack.emulator.truth().wrongMatches.find((f) => f.ratingKey === rk)?.currentGuid;
const item = async (rk: string) => (await stack.api<{ item: ItemJson }>("GET", `/api/items/${rk}`)).json.item;

const escapeRe = (s: string) => s.replace(/[.*+?^${}()|[\]\\]/g, "\\$&");

/** Opens an item's drawer by its address (?item=), as a link does: whatever the list's filter. */
async function openDrawer(it: ItemJson) {
  await openLoggedIn(page, `/items?q=${it.ratingKey}&state=all&item=${it.ratingKey}`);
  const drawer = page
    .getByRole("dialog")
    .filter({ has: page.getByRole("heading", { name: /^(History|Verlauf)$/ }) });
  await drawer.waitFor();
  return drawer;
}

/** The drawer's first action (the primary one): its text and Mantine variant. */
async function primary(drawer: ReturnType<Page["getByRole"]>) {
  const first = drawer
    .getByRole("group", { name: /^(Actions|Aktionen)$/ })
    .locator("a, button")
    .first();
  return {
    text: (await first.innerText()).replace(/\s+/g, " ").trim(),
    variant: await first.getAttribute("data-variant"),
  };
}

async function itemsWith(code: string, type?: string): Promise<ItemJson[]> {
  const { json } = await stack.api<{ items: ItemJson[] }>("GET", "/api/items?pageSize=500");
  return json.items.filter((i) => i.reason?.code === code && (!type || i.type === type));
}

async function preferences(scheme: "light" | "dark", language: "en" | "de"): Promise<void> {
  if (!page.url().startsWith(stack.url)) await page.goto("/login");
  await page.evaluate(
    `localStorage.setItem("psr-color-scheme", "${scheme}"); localStorage.setItem("psr-language", "${language}")`,
  );
}

describe("wrong matches", () => {
  it("shows a year_conflict's evidence and its right candidate in the drawer", E2E_TIMEOUT, async () => {
    await page.setViewportSize(DESKTOP);
    await preferences("light", "en");
    const year = facts("year").find((f) => f.type === "movie") as WrongMatchTruth;
    const it = await item(year.ratingKey);
    expect(it.state).toBe("needs_review");
    const drawer = await openDrawer(it);
    const evidence = drawer.getByRole("alert").filter({ hasText: "Evidence of a wrong match" });
    await evidence.getByText(new RegExp(`the path says ${year.pathYear}`)).waitFor();
    await drawer.getByText("wrong match", { exact: true }).waitFor();
    await drawer
      .getByText(new RegExp(`\\(${year.pathYear}\\)$`))
      .first()
      .waitFor();
    // Nothing to undo: the app never matched it.
    expect(await drawer.getByRole("button", { name: "Undo match" }).count()).toBe(0);
    // The one right action comes first: the candidate of the path's year.
    const { json: detail } = await stack.api<{
      candidates: { guid: string; name: string; year: number; current: boolean }[];
      plex: { files: string[]; folders: string[] };
    }>("GET", `/api/items/${year.ratingKey}`);
    const right = detail.candidates.find((c) => c.year === year.pathYear && !c.current);
    expect(right).toBeDefined();
    expect(await primary(drawer)).toEqual({
      text: `Use ${right?.name} (${year.pathYear})`,
      variant: "filled",
    });
    // The evidence shows the path it speaks of, and the year read from it.
    const pathFacts = drawer
      .locator("section")
      .filter({ has: page.getByRole("heading", { name: "Evidence" }) });
    const shownPath = [...detail.plex.files, ...detail.plex.folders].find((p) =>
      p.includes(String(year.pathYear)),
    );
    expect(shownPath).toBeDefined();
    await pathFacts
      .getByText(shownPath as string, { exact: true })
      .first()
      .waitFor();
    await pathFacts.getByText(`Year in the path: ${year.pathYear}`).waitFor();
    await screenshot(page, "wrong-match-drawer-desktop", { readme: true });
    await expectAccessible(page, "wrong match drawer");
    // A stored candidate is picked right in the drawer: the picker opens on the confirmation.
    await drawer
      .getByRole("button", { name: `Use this match: ${right?.name}` })
      .first()
      .click();
    const picker = page.getByRole("dialog", { name: /^Find a match for/ });
    await picker.getByText("Change the match?").waitFor();
    await picker.getByText(right?.guid as string).waitFor();
    await screenshot(page, "wrong-match-use-candidate-desktop");
    await page.keyboard.press("Escape");
    await picker.waitFor({ state: "detached" });
    await page.keyboard.press("Escape");
  });

  it("undoes an automatic re-match from the drawer", E2E_TIMEOUT, async () => {
    await page.setViewportSize(DESKTOP);
    await preferences("dark", "en");
    const id = facts("id").find((f) => f.type === "movie") as WrongMatchTruth;
    expect(guidNow(id.ratingKey)).toBe(id.rightGuid);
    const it = await item(id.ratingKey);
    expect(it.state).toBe("fixed");
    const { json: detail } = await stack.api<{ previousMatch: { title: string; year: number } }>(
      "GET",
      `/api/items/${id.ratingKey}`,
    );
    const drawer = await openDrawer(it);
    await drawer.getByRole("button", { name: "Undo match" }).click();
    const confirm = page.getByRole("dialog", { name: `Undo the match of ${it.title}?` });
    await confirm.getByText(`Current match: ${it.title}`).waitFor();
    await confirm
      .getByText(`Restored match: ${detail.previousMatch.title} (${detail.previousMatch.year})`)
      .waitFor();
    await screenshot(page, "undo-match-confirm-dark");
    await expectAccessible(page, "undo match confirmation, dark");
    await confirm.getByRole("button", { name: "Undo match" }).click();
    await confirm.waitFor({ state: "detached", timeout: 60_000 });
    await drawer
      .getByText(/^Match undone:/)
      .first()
      .waitFor();
    await expect.poll(() => guidNow(id.ratingKey), UNTIL).toBe(id.wrongGuid);
    await drawer.getByText("Match undone", { exact: true }).first().waitFor();
    // The title follows the undo, in the drawer and in the list, and so does the poster.
    const undone = await item(id.ratingKey);
    expect(undone.title).not.toBe(it.title);
    await expect.poll(() => drawer.locator("h2 bdi").innerText(), UNTIL).toBe(undone.title);
    await page.keyboard.press("Escape");
    await drawer.waitFor({ state: "detached" });
    await page.getByRole("button", { name: `Show details of ${undone.title}` }).waitFor();
  });

  it("puts each state's one right action first", E2E_TIMEOUT, async () => {
    await page.setViewportSize(DESKTOP);
    await preferences("light", "en");
    // Locked: why a refresh cannot help, and Plex to unlock it.
    const locked = (await itemsWith("locked_fields"))[0];
    expect(locked, "a locked item").toBeDefined();
    let drawer = await openDrawer(locked as ItemJson);
    expect(await primary(drawer)).toEqual({ text: "Open in Plex (opens in a new tab)", variant: "filled" });
    await drawer.getByText(/^A refresh cannot change a locked field/).waitFor();
    await screenshot(page, "item-drawer-locked-desktop");
    await page.keyboard.press("Escape");

    // Unmatched, nothing the scan could trust: the match picker.
    const unmatched = (
      await stack.api<{ items: ItemJson[] }>("GET", "/api/items?pageSize=500")
    ).json.items.find(
      (i) => i.state !== "ignored" && (i as unknown as { problems: string[] }).problems.includes("unmatched"),
    );
    expect(unmatched, "an unmatched item").toBeDefined();
    drawer = await openDrawer(unmatched as ItemJson);
    expect(await primary(drawer)).toMatchObject({ variant: "filled" });
    expect((await primary(drawer)).text).toMatch(/^(Find a match|Use .+)$/);
    await page.keyboard.press("Escape");

    // An episode or season that waits for its show: the show's drawer, by address.
    const waiting = (await itemsWith("show_not_matched"))[0];
    expect(waiting, "an item waiting for its show").toBeDefined();
    drawer = await openDrawer(waiting as ItemJson);
    expect(await primary(drawer)).toEqual({ text: "Go to the show", variant: "filled" });
    const { json: waitingDetail } = await stack.api<{ plex: { showRatingKey: string } }>(
      "GET",
      `/api/items/${waiting?.ratingKey}`,
    );
    await drawer.getByRole("link", { name: "Go to the show" }).click();
    await expect
      .poll(() => new URL(page.url()).searchParams.get("item"), UNTIL)
      .toBe(waitingDetail.plex.showRatingKey);
    const show = await item(waitingDetail.plex.showRatingKey);
    await page.getByRole("dialog", { name: show.title }).waitFor();
    await screenshot(page, "item-drawer-go-to-show-desktop");
    await page.keyboard.press("Escape");
  });

  it("reads in German on a phone, with no sideways scroll", E2E_TIMEOUT, async () => {
    await page.setViewportSize(PHONE);
    await preferences("light", "de");
    const id = facts("id").find((f) => f.type === "movie") as WrongMatchTruth;
    const it = await item(id.ratingKey);
    await openLoggedIn(page, `/items?q=${it.ratingKey}&state=all`);
    await page
      .getByRole("button", { name: new RegExp(`^Details zu ${escapeRe(it.title)}`) })
      .first()
      .click();
    const drawer = page.getByRole("dialog").filter({ has: page.getByRole("heading", { name: "Verlauf" }) });
    await drawer.waitFor();
    await drawer.getByText("Hinweise auf eine falsche Zuordnung").waitFor();
    await drawer.getByRole("button", { name: "Zuordnung rückgängig machen" }).click();
    await page.getByRole("dialog", { name: `Zuordnung von ${it.title} rückgängig machen?` }).waitFor();
    await screenshot(page, "undo-match-confirm-phone-de");
    expect((await hasNoSidewaysScroll(page)).ok).toBe(true);
    await expectAccessible(page, "undo match confirmation, phone, German");
  });
});
