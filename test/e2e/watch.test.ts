// Watch mode in Chromium: the emulator adds an item with a missing poster, the watcher repairs
// it, and the dashboard's watch card shows the state and today's figures, in light and dark, on
// a phone and in German, with axe; the settings section switches it off and on.
import type { Page } from "playwright-core";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import {
  chooseColourScheme,
  chooseLanguage,
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

let stack: Stack;
let page: Page;

interface Status {
  state: string;
  today: { fixed: number; checked: number };
}

/** Polls the watch status until `ok` holds (expect.poll is for tests only, not beforeAll). */
async function statusUntil(ok: (s: Status) => boolean): Promise<void> {
  const end = Date.now() + 30_000;
  while (!ok((await stack.api<Status>("GET", "/api/watch/status")).json)) {
    if (Date.now() > end) throw new Error("the watch status did not change in time");
    await new Promise((r) => setTimeout(r, 100));
  }
}

beforeAll(async () => {
  stack = await startStack({ emulator: { faults: { latencyMs: 0 } } });
  page = stack.page;
  expect((await stack.api("PUT", "/api/settings", { watch: { settleSeconds: 1 } })).status).toBe(200);
  await statusUntil((s) => s.state === "connected");
  stack.emulator.addItem({ health: "no-poster", title: "Watched Arrival" });
  stack.emulator.addItem({ health: "healthy", title: "Healthy Arrival" });
  await statusUntil((s) => s.today.checked === 2);
}, 120_000);
afterAll(async () => {
  await stack?.close();
});

describe("watch mode on the dashboard", () => {
  it("shows the watcher listening and what it handled today", E2E_TIMEOUT, async () => {
    await page.setViewportSize(DESKTOP);
    await openLoggedIn(page, "/");
    const card = page.getByTestId("watch-card");
    await card.getByText("Watching for new items").waitFor(UNTIL);
    await expect.poll(() => card.getByText("2 checked").isVisible(), UNTIL).toBe(true);
    await expect.poll(() => card.getByText("1 fixed").isVisible(), UNTIL).toBe(true);
    await expect.poll(() => card.getByText("0 failed").isVisible(), UNTIL).toBe(true);
    await chooseColourScheme(page, "Light");
    await expectAccessible(page, "dashboard with the watch card, light");
    await screenshot(page, "watch-dashboard-desktop", { readme: true });
    await chooseColourScheme(page, "Dark");
    await expectAccessible(page, "dashboard with the watch card, dark");
    await screenshot(page, "watch-dashboard-desktop-dark");

    await page.setViewportSize(PHONE);
    await chooseLanguage(page, "Deutsch");
    await card.getByText("Neue Einträge werden überwacht").waitFor(UNTIL);
    await expect.poll(() => card.getByText("1 repariert").isVisible(), UNTIL).toBe(true);
    expect((await hasNoSidewaysScroll(page)).ok).toBe(true);
    await expectAccessible(page, "dashboard with the watch card, phone, German, dark");
    await screenshot(page, "watch-dashboard-phone-de-dark");
    await chooseColourScheme(page, "Light");
    await screenshot(page, "watch-dashboard-phone-de");
    await chooseLanguage(page, "English");
  });

  it("switches watch mode off and on in the settings", E2E_TIMEOUT, async () => {
    await page.setViewportSize(DESKTOP);
    await openLoggedIn(page, "/settings#settings-watch");
    const section = page.locator("#settings-watch");
    await section.waitFor(UNTIL);
    const toggle = section.getByRole("switch", { name: "Watch for new items" });
    expect(await toggle.isChecked()).toBe(true);
    await expect
      .poll(() => section.getByRole("textbox", { name: "Settle time (seconds)" }).inputValue())
      .toBe("1");
    // The keyboard, not a click: the page may still be scrolling to the section's anchor.
    await toggle.focus();
    await page.keyboard.press("Space");
    await expect.poll(() => toggle.isChecked(), UNTIL).toBe(false);
    await section.getByRole("button", { name: "Save Watch mode" }).click();
    await expect
      .poll(async () => (await stack.api<Status>("GET", "/api/watch/status")).json.state, UNTIL)
      .toBe("off");
    await section.scrollIntoViewIfNeeded();
    await expectAccessible(page, "settings, watch section");
    await screenshot(page, "watch-settings-desktop");
    await openLoggedIn(page, "/");
    await page.getByTestId("watch-card").getByText("Watch mode off").waitFor(UNTIL);
    await openLoggedIn(page, "/settings#settings-watch");
    const again = page.locator("#settings-watch");
    const toggleAgain = again.getByRole("switch", { name: "Watch for new items" });
    // Click only once the stored values are in the form: a click before they arrive is undone.
    await expect.poll(() => toggleAgain.isChecked(), UNTIL).toBe(false);
    await expect
      .poll(() => again.getByRole("textbox", { name: "Settle time (seconds)" }).inputValue(), UNTIL)
      .toBe("1");
    await toggleAgain.focus();
    await page.keyboard.press("Space");
    await expect.poll(() => toggleAgain.isChecked(), UNTIL).toBe(true);
    await again.getByRole("button", { name: "Save Watch mode" }).click();
    await expect
      .poll(async () => (await stack.api<Status>("GET", "/api/watch/status")).json.state, UNTIL)
      .toBe("connected");
  });
});
