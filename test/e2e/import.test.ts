// Import from the Python version in Chromium: the Python version's files (the importer's
// fixtures) chosen in the page, a bad file refused on its field with nothing changed, the
// preview, the import, and the imported settings and items seen in the app. axe, light and
// dark, phone and German screenshots.
import { writeFileSync } from "node:fs";
import { join } from "node:path";
import type { Page } from "playwright-core";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { tempDir } from "../helpers/tmp.js";
import { ORIGINAL_ITEMS, writeOriginalDir } from "../import/legacy-fixture.js";
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

const TITLE = "Import from Plex Smart Refresher (Python)";
let stack: Stack;
let page: Page;
let old: ReturnType<typeof tempDir>;

beforeAll(async () => {
  old = tempDir("psr-e2e-import-old-");
  writeOriginalDir(old.dir);
  writeFileSync(join(old.dir, "broken-settings.json"), '{ "days": 14, ');
  stack = await startStack();
  page = stack.page;
}, 90_000);
afterAll(async () => {
  await stack?.close();
  old?.cleanup();
});

const settingsInput = () => page.locator('input[type="file"][accept^=".json"]');
const databaseInput = () => page.locator('input[type="file"][accept^=".db"]');

async function settingsNow() {
  return (await stack.api<{ settings: Record<string, unknown> }>("GET", "/api/settings")).json.settings;
}

async function openImport(scheme: "light" | "dark" = "light", language: "en" | "de" = "en"): Promise<void> {
  if (!page.url().startsWith(stack.url)) await page.goto("/login");
  await page.evaluate(
    `localStorage.setItem("psr-color-scheme", "${scheme}"); localStorage.setItem("psr-language", "${language}")`,
  );
  await openLoggedIn(page, "/settings/import");
  await page.getByRole("heading", { level: 1 }).waitFor();
}

describe("import from the Python version", () => {
  it("is reached from the settings page", E2E_TIMEOUT, async () => {
    await openLoggedIn(page, "/settings");
    const migration = page.locator("#settings-migration");
    await migration.getByRole("link", { name: TITLE }).click();
    await page.getByRole("heading", { level: 1, name: TITLE }).waitFor();
    expect(new URL(page.url()).pathname).toBe("/settings/import");
  });

  it("refuses a bad file on its field and changes nothing", E2E_TIMEOUT, async () => {
    await openImport();
    const before = await settingsNow();
    await settingsInput().setInputFiles(join(old.dir, "broken-settings.json"));
    await page.getByRole("button", { name: "Check files" }).click();
    await page.getByText("settings.json is not valid JSON.").waitFor();
    // The importer's own words say where.
    await page.getByText(/invalid JSON: .*line 1/).waitFor();
    await expect.poll(() => page.getByRole("heading", { name: "Preview" }).count(), UNTIL).toBe(0);
    expect(await settingsNow()).toEqual(before);
    await screenshot(page, "import-refused");
  });

  it("previews the Python version's files, imports them, and the app shows them", E2E_TIMEOUT, async () => {
    await openImport();
    await settingsInput().setInputFiles(join(old.dir, "settings.json"));
    await databaseInput().setInputFiles(join(old.dir, "refresh_state.db"));
    await page.getByRole("button", { name: "Check files" }).click();
    await page.getByRole("heading", { name: "Preview" }).waitFor();
    const settings = page.getByTestId("import-preview-settings");
    await settings.getByRole("heading", { name: "8 settings" }).waitFor();
    await settings.getByRole("row", { name: /Libraries\s+Filme, Serien/ }).waitFor();
    await settings.getByRole("row", { name: /Added in the last … days\s+14/ }).waitFor();
    await settings.getByText("Not taken over (unknown here): theme").waitFor();
    const imported = ORIGINAL_ITEMS.length - 1;
    await page
      .getByTestId("import-preview-items")
      .getByText(`${imported} of ${ORIGINAL_ITEMS.length} items`)
      .waitFor();
    await page.getByTestId("import-preview-runs").getByText("4 of 5 scans").waitFor();
    await page.getByText(/2004: unknown status "mystery"/).waitFor();
    // A preview writes nothing.
    expect((await settingsNow()).days).toBe(30);
    await expectAccessible(page, "import preview");
    await screenshot(page, "import-preview-desktop", { fullPage: true, readme: true });

    await page.getByRole("button", { name: "Import", exact: true }).click();
    await page.getByRole("dialog").getByRole("button", { name: "Import", exact: true }).click();
    await page.getByText(`8 settings, ${imported} items and 4 scans were imported.`).waitFor();
    await screenshot(page, "import-done");
    expect(await settingsNow()).toMatchObject({ days: 14, maxItems: 200, libraries: ["Filme", "Serien"] });

    // In the app: the items, and the imported settings on the settings page.
    await page.getByRole("link", { name: "Show the items" }).click();
    await page.getByRole("heading", { level: 1, name: "Items" }).waitFor();
    await expect.poll(() => page.getByText("Metropolis").first().isVisible(), UNTIL).toBe(true);
    await page.goto("/settings");
    const days = page.locator("#settings-scans").getByRole("textbox", { name: "Added in the last … days" });
    await expect.poll(() => days.inputValue(), UNTIL).toBe("14");
    expect(stack.pageErrors).toEqual([]);
  });

  it("passes axe and fits a phone, light and dark, English and German", E2E_TIMEOUT, async () => {
    for (const [scheme, language] of [
      ["light", "en"],
      ["dark", "en"],
      ["light", "de"],
    ] as const) {
      await page.setViewportSize(DESKTOP);
      await openImport(scheme, language);
      await settingsInput().setInputFiles(join(old.dir, "settings.json"));
      await databaseInput().setInputFiles(join(old.dir, "refresh_state.db"));
      await page.getByRole("button", { name: language === "de" ? "Dateien prüfen" : "Check files" }).click();
      await page.getByRole("heading", { name: language === "de" ? "Vorschau" : "Preview" }).waitFor();
      await expectAccessible(page, `import (${scheme}, ${language})`);
      await screenshot(page, `import-desktop-${scheme}-${language}`, { fullPage: true });
      await page.setViewportSize(PHONE);
      const scroll = await hasNoSidewaysScroll(page);
      expect(scroll.ok, JSON.stringify(scroll)).toBe(true);
      await expectAccessible(page, `import on a phone (${scheme}, ${language})`);
      await screenshot(page, `import-phone-${scheme}-${language}`, { fullPage: true });
    }
    await page.setViewportSize(DESKTOP);
    await page.evaluate(`localStorage.setItem("psr-language", "en")`);
    expect(stack.pageErrors).toEqual([]);
  });
});
