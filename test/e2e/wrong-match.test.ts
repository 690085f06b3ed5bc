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
  title: string;
  year: number | null;
  state: string;
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

async function openDrawer(it: ItemJson) {
  await openLoggedIn(page, `/items?q=${it.ratingKey}`);
  await page
    .getByRole("button", { name: new RegExp(`^(Show details of|Details zu) ${escapeRe(it.title)}`) })
    .click();
  const drawer = page
    .getByRole("dialog")
    .filter({ has: page.getByRole("heading", { name: /^(History|Verlauf)$/ }) });
  await drawer.waitFor();
  return drawer;
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
    await evidence.getByText(new RegExp(`year_conflict\\): the path says ${year.pathYear}`)).waitFor();
    await drawer.getByText("wrong match", { exact: true }).waitFor();
    await drawer
      .getByText(new RegExp(`\\(${year.pathYear}\\)$`))
      .first()
      .waitFor();
    // Nothing to undo: the app never matched it.
    expect(await drawer.getByRole("button", { name: "Undo match" }).count()).toBe(0);
    await screenshot(page, "wrong-match-drawer-desktop", { readme: true });
    await expectAccessible(page, "wrong match drawer");
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
    await page.keyboard.press("Escape");
  });

  it("reads in German on a phone, with no sideways scroll", E2E_TIMEOUT, async () => {
    await page.setViewportSize(PHONE);
    await preferences("light", "de");
    const id = facts("id").find((f) => f.type === "movie") as WrongMatchTruth;
    const it = await item(id.ratingKey);
    await openLoggedIn(page, `/items?q=${it.ratingKey}`);
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
