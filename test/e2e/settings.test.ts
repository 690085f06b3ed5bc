// The settings page in Chromium: a section saves on its own, the schedule preview and an invalid
// cron expression, a test notification to a local receiver, retention (an invalid value refused on
// its field, nothing stored), API keys, the password change (other sessions end); axe in light
// and dark; desktop and phone screenshots of every section, English and German.
import type { Locator, Page } from "playwright-core";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { json, type Receiver, startReceiver } from "../notify/receiver.js";
import {
  DESKTOP,
  E2E_TIMEOUT,
  expectAccessible,
  fillLogin,
  hasNoSidewaysScroll,
  openLoggedIn,
  PASSWORD,
  PHONE,
  type Stack,
  screenshot,
  startStack,
  UNTIL,
  USERNAME,
} from "./harness.js";

let stack: Stack;
let page: Page;
let receiver: Receiver;

beforeAll(async () => {
  // The receiver answers like a webhook that accepts, except on /broken, where it refuses.
  receiver = await startReceiver((request, response) => {
    if (request.url.startsWith("/broken")) json(response, 500, { error: "receiver says no" });
    else json(response, 200, { ok: true });
  });
  stack = await startStack();
  page = stack.page;
}, 90_000);
afterAll(async () => {
  await stack?.close();
  await receiver?.close();
});

async function open(scheme: "light" | "dark" = "light", language: "en" | "de" = "en"): Promise<void> {
  if (!page.url().startsWith(stack.url)) await page.goto("/login");
  await page.evaluate(
    `localStorage.setItem("psr-color-scheme", "${scheme}"); localStorage.setItem("psr-language", "en")`,
  );
  await openLoggedIn(page, "/settings");
  if (language === "de") {
    await page.evaluate(`localStorage.setItem("psr-language", "de")`);
    await page.reload();
  }
  await page.getByRole("heading", { level: 1 }).waitFor();
  await page.locator("#settings-account").waitFor();
}

const section = (id: string) => page.locator(`#settings-${id}`);
const SECTIONS = [
  "plex",
  "libraries",
  "scans",
  "schedule",
  "notifications",
  "retention",
  "appearance",
  "account",
  "migration",
];

/** Waits for the parts that load on their own (libraries from Plex, the schedule preview). */
async function settled(): Promise<void> {
  await page.locator("#settings-account").waitFor();
  await expect.poll(() => section("libraries").getByRole("checkbox").count(), UNTIL).toBeGreaterThan(0);
  await expect
    .poll(() => section("schedule").getByTestId("schedule-preview").locator("li").count(), UNTIL)
    .toBe(5);
}

/** One phone screenshot per section, each scrolled to its top. */
async function phoneShots(label: string): Promise<void> {
  for (const id of SECTIONS) {
    await section(id).evaluate((el) => el.scrollIntoView({ block: "start" }));
    await screenshot(page, `settings-phone-${label}-${id}`);
  }
}

/** Picks a segment of a segmented control: its radio is covered by its label, as designed. */
async function choose(within: Locator, name: string): Promise<void> {
  const id = await within.getByRole("radio", { name }).getAttribute("id");
  await within.locator(`label[for="${id}"]`).click();
}

describe("settings page", () => {
  it("shows Plex from the environment and tests the connection", E2E_TIMEOUT, async () => {
    await open();
    const plex = section("plex");
    await expect.poll(() => plex.getByText("Set by the environment").first().isVisible(), UNTIL).toBe(true);
    const token = await plex.getByRole("textbox", { name: "Token" }).inputValue();
    expect(token).toMatch(/^••••/);
    expect(await page.content()).not.toContain(stack.emulator.token);
    await plex.getByRole("button", { name: "Test connection" }).click();
    await plex.getByText("Connected").waitFor();
    await expect.poll(() => plex.getByText(/Plex Media Server/).isVisible(), UNTIL).toBe(true);
    // Libraries with counts, and the hint while none is chosen.
    await section("libraries")
      .getByText("No library chosen: scans cover all movie and show libraries.")
      .waitFor();
    await expect.poll(() => section("libraries").getByRole("checkbox").count(), UNTIL).toBeGreaterThan(0);
  });

  it("changes the scan window and saves only that section", E2E_TIMEOUT, async () => {
    await open();
    const scans = section("scans");
    const days = scans.getByRole("textbox", { name: "Added in the last … days" });
    await days.fill("14");
    await scans.getByText("Unsaved changes").waitFor();
    await scans.getByRole("button", { name: "Save Scans" }).click();
    await scans.getByText("Saved", { exact: true }).waitFor();
    const stored = await stack.api<{ settings: { days: number } }>("GET", "/api/settings");
    expect(stored.json.settings.days).toBe(14);
    await choose(scans, "Whole library");
    await scans.getByRole("button", { name: "Save Scans" }).click();
    await expect
      .poll(
        async () =>
          (await stack.api<{ settings: { all: boolean } }>("GET", "/api/settings")).json.settings.all,
        UNTIL,
      )
      .toBe(true);
    await page.reload();
    await section("scans")
      .getByText("Every item of the chosen libraries is checked; this can take long.")
      .waitFor();
  });

  it("asks before leaving with unsaved changes", E2E_TIMEOUT, async () => {
    await open();
    await section("scans").getByRole("switch", { name: "Dry run" }).click({ force: true });
    let asked = "";
    page.once("dialog", (dialog) => {
      asked = dialog.message();
      void dialog.dismiss();
    });
    await page.getByRole("link", { name: "Jobs" }).first().click();
    expect(asked).toContain("unsaved changes");
    expect(new URL(page.url()).pathname).toBe("/settings");
    await section("scans").getByRole("button", { name: "Discard changes" }).click();
  });

  it("words a refused schedule in German, with none of the server's English", E2E_TIMEOUT, async () => {
    await open("light", "de");
    const schedule = section("schedule");
    await choose(schedule, "Cron-Ausdruck");
    const cron = schedule.getByRole("textbox", { name: "Cron-Ausdruck" });
    // The server refuses both: its English sentences must not reach the page.
    const cases = [
      [
        "*/5 * * * *",
        "Läuft alle 5 Minuten: Ein Zeitplan darf höchstens einmal pro Stunde laufen.",
        "at most once an hour",
      ],
      ["0 0 3 * * *", "Ein Sekundenfeld wird nicht unterstützt.", "seconds field is not supported"],
    ] as const;
    for (const [expression, german, english] of cases) {
      await cron.fill(expression);
      await schedule.getByText(german, { exact: false }).first().waitFor();
      const text = await page.locator("main").innerText();
      expect(text).toContain("Dieser Cron-Ausdruck ist nicht verwendbar");
      expect(text).not.toContain(english);
      expect(text).not.toMatch(/Invalid body|schedules may run/);
    }
    await schedule.getByRole("button", { name: "Änderungen verwerfen" }).click();
  });

  it("explains an invalid cron expression and previews a valid one", E2E_TIMEOUT, async () => {
    await open();
    const schedule = section("schedule");
    await choose(schedule, "Cron expression");
    const cron = schedule.getByRole("textbox", { name: "Cron expression" });
    await cron.fill("*/5 * * * *");
    await schedule.getByText(/This cron expression cannot be used: .*at most once an hour/).waitFor();
    await screenshot(page, "settings-cron-invalid", { readme: true });
    await cron.fill("0 4 * * 1");
    await schedule.getByLabel("Time zone").fill("Europe/Berlin");
    await page.keyboard.press("Escape");
    await expect.poll(() => schedule.getByTestId("schedule-preview").locator("li").count(), UNTIL).toBe(5);
    await expect.poll(() => schedule.getByText("Times in Europe/Berlin.").isVisible(), UNTIL).toBe(true);
    const first = await schedule.getByTestId("schedule-preview").locator("li").first().innerText();
    expect(first).toMatch(/Monday/);
    expect(first).toMatch(/4:00/);
    await schedule.getByRole("button", { name: "Save Schedule" }).click();
    await schedule.getByText("Saved", { exact: true }).waitFor();
    const stored = await stack.api<{
      settings: { schedule: { cron: string } };
      scheduler: { nextRunAt: string };
    }>("GET", "/api/settings");
    expect(stored.json.settings.schedule.cron).toBe("0 4 * * 1");
    expect(stored.json.scheduler.nextRunAt).not.toBeNull();
    // After a reload the page shows what was stored, with its preview.
    await page.reload();
    const reloaded = section("schedule");
    await expect
      .poll(() => reloaded.getByRole("textbox", { name: "Cron expression" }).inputValue(), UNTIL)
      .toBe("0 4 * * 1");
    await expect.poll(() => reloaded.getByTestId("schedule-preview").locator("li").count(), UNTIL).toBe(5);
  });

  it("sends a test notification to a local receiver and shows the answer", E2E_TIMEOUT, async () => {
    await open();
    const notifications = section("notifications");
    const webhook = notifications.getByRole("group", { name: "Webhook" });
    await webhook.getByRole("textbox", { name: "URL" }).fill(`${receiver.url}/hook/s3cret-path`);
    await webhook.getByRole("switch", { name: "Send to Webhook" }).click({ force: true });
    await notifications.getByRole("button", { name: "Save Notifications" }).click();
    await notifications.getByText("Saved", { exact: true }).waitFor();
    // The URL's secret path comes back masked.
    expect(await webhook.getByRole("textbox", { name: "URL" }).inputValue()).not.toContain("s3cret");
    await webhook.getByRole("button", { name: "Send test to Webhook" }).click();
    await webhook.getByText("Webhook accepted the test message.").waitFor();
    expect(receiver.requests.some((r) => r.url === "/hook/s3cret-path")).toBe(true);

    // A receiver that refuses: its answer is shown.
    await webhook.getByRole("textbox", { name: "URL" }).fill(`${receiver.url}/broken`);
    await notifications.getByRole("button", { name: "Save Notifications" }).click();
    await notifications.getByText("Saved", { exact: true }).waitFor();
    await webhook.getByRole("button", { name: "Send test to Webhook" }).click();
    await webhook.getByText("Test failed").waitFor();
    await expect.poll(() => webhook.getByText(/500/).isVisible(), UNTIL).toBe(true);
    await screenshot(page, "settings-notification-test");
  });

  it(
    "stores retention; an invalid value shows its message on its field and nothing is stored",
    E2E_TIMEOUT,
    async () => {
      await open();
      const retention = section("retention");
      const logs = retention.getByRole("textbox", { name: "Job logs: keep … days" });
      const history = retention.getByRole("textbox", { name: "Item history: keep … days" });
      expect(await logs.inputValue()).toBe("30");
      await logs.fill("0");
      await history.fill("365");
      await retention.getByRole("button", { name: "Save Retention" }).click();
      // The server's issue (too_small, minimum 1), worded by the SPA, on the field it names.
      await retention.getByText("Must be at least 1.", { exact: true }).waitFor();
      expect(await logs.getAttribute("aria-invalid")).toBe("true");
      // Tied to the field for assistive technology too.
      const errorText = await logs.evaluate((el) =>
        (el.getAttribute("aria-describedby") ?? "")
          .split(" ")
          .map((id: string) => el.ownerDocument.getElementById(id)?.textContent ?? ""),
      );
      expect(errorText.join(" ")).toContain("Must be at least 1.");
      expect(await history.getAttribute("aria-invalid")).not.toBe("true");
      await screenshot(page, "settings-retention-invalid");
      const refused = await stack.api<{ stored: Record<string, number> }>("GET", "/api/retention");
      expect(refused.json.stored).toMatchObject({ logDays: 30, historyDays: 90 });

      await logs.fill("7");
      await retention.getByRole("button", { name: "Save Retention" }).click();
      await retention.getByText("Saved", { exact: true }).waitFor();
      const saved = await stack.api<{ stored: Record<string, number>; effective: Record<string, number> }>(
        "GET",
        "/api/retention",
      );
      expect(saved.json.stored).toEqual({ logDays: 7, runDays: 90, runCount: 200, historyDays: 365 });
      expect(saved.json.effective).toEqual(saved.json.stored);
      await page.reload();
      await expect
        .poll(
          () => section("retention").getByRole("textbox", { name: "Job logs: keep … days" }).inputValue(),
          UNTIL,
        )
        .toBe("7");
      expect(
        await section("retention").getByRole("textbox", { name: "Item history: keep … days" }).inputValue(),
      ).toBe("365");
      await section("retention").getByTestId("retention-last-run").waitFor();
    },
  );

  it("sets the language and theme defaults for a browser that has not chosen", E2E_TIMEOUT, async () => {
    await open();
    const appearance = section("appearance");
    await choose(appearance, "Deutsch");
    await choose(appearance, "Dark");
    await appearance.getByRole("button", { name: "Save Appearance" }).click();
    await appearance.getByText("Saved", { exact: true }).waitFor();
    const stored = await stack.api<{ settings: { appearance: unknown } }>("GET", "/api/settings");
    expect(stored.json.settings.appearance).toEqual({ language: "de", theme: "dark" });
    // A browser with no choice of its own starts with the defaults…
    await page.evaluate(
      `localStorage.removeItem("psr-language"); localStorage.removeItem("psr-color-scheme")`,
    );
    await page.reload();
    await page.getByRole("heading", { level: 1, name: "Einstellungen" }).waitFor();
    await expect
      .poll(() => page.locator("html").getAttribute("data-mantine-color-scheme"), UNTIL)
      .toBe("dark");
    // …without remembering them as its choice.
    expect(await page.evaluate(`localStorage.getItem("psr-color-scheme")`)).toBeNull();
    await screenshot(page, "settings-appearance-defaults");
    // A choice made in this browser wins over the defaults.
    await page.evaluate(
      `localStorage.setItem("psr-language", "en"); localStorage.setItem("psr-color-scheme", "light")`,
    );
    await page.reload();
    await page.getByRole("heading", { level: 1, name: "Settings" }).waitFor();
    expect(await page.locator("html").getAttribute("data-mantine-color-scheme")).toBe("light");
    const reset = await stack.api("PUT", "/api/settings", {
      appearance: { language: "browser", theme: "auto" },
    });
    expect(reset.status).toBe(200);
    const invalid = await stack.api<{ field: string }>("PUT", "/api/settings", {
      appearance: { theme: "neon" },
    });
    expect(invalid.status).toBe(400);
    expect(invalid.json.field).toBe("appearance.theme");
  });

  it("passes axe in light and dark, and fits a phone", E2E_TIMEOUT, async () => {
    for (const scheme of ["light", "dark"] as const) {
      await page.setViewportSize(DESKTOP);
      await open(scheme);
      await settled();
      await expectAccessible(page, `settings (${scheme})`);
      await screenshot(page, `settings-desktop-${scheme}`, { fullPage: true });
      await page.setViewportSize(PHONE);
      await page.reload();
      await settled();
      const scroll = await hasNoSidewaysScroll(page);
      expect(scroll.ok, JSON.stringify(scroll)).toBe(true);
      await phoneShots(scheme);
    }
    await page.setViewportSize(DESKTOP);
    await open("light", "de");
    await page.getByRole("heading", { level: 1, name: "Einstellungen" }).waitFor();
    await settled();
    await screenshot(page, "settings-desktop-de", { fullPage: true });
    await page.setViewportSize(PHONE);
    await page.reload();
    await settled();
    expect((await hasNoSidewaysScroll(page)).ok).toBe(true);
    await phoneShots("de");
    await page.setViewportSize(DESKTOP);
    await page.evaluate(`localStorage.setItem("psr-language", "en")`);
  });

  it("creates an API key shown once, and revokes it", E2E_TIMEOUT, async () => {
    await open();
    const account = section("account");
    await account.getByRole("textbox", { name: "Name of a new key" }).fill("home-assistant");
    await account.getByRole("button", { name: "Create key" }).click();
    const key = await account.getByTestId("new-api-key").innerText();
    expect(key).toMatch(/^psr_/);
    const res = await fetch(`${stack.url}/api/auth/me`, { headers: { "X-Api-Key": key } });
    expect(res.status).toBe(200);
    await page.reload();
    await section("account").getByRole("cell", { name: "home-assistant", exact: true }).waitFor();
    expect(await page.content()).not.toContain(key);
    await section("account").getByRole("button", { name: "Revoke home-assistant" }).click();
    await page.getByRole("dialog").getByRole("button", { name: "Revoke" }).click();
    await section("account").getByText("No API keys yet.").waitFor();
    expect((await fetch(`${stack.url}/api/auth/me`, { headers: { "X-Api-Key": key } })).status).toBe(401);
  });

  it("changes the password; the new one logs in, the old one does not", E2E_TIMEOUT, async () => {
    await open();
    const account = section("account");
    const next = "a-new-e2e-secret-42";
    await account.getByLabel("Current password").fill("not-the-password");
    await account.getByLabel("New password", { exact: true }).fill(next);
    await account.getByLabel("Repeat the new password").fill(next);
    await account.getByRole("button", { name: "Change password" }).click();
    await account.getByText("The current password is wrong.").waitFor();
    // Another browser's session, which the change must end.
    const other = await fetch(`${stack.url}/api/auth/login`, {
      method: "POST",
      headers: { "Content-Type": "application/json" },
      body: JSON.stringify({ username: USERNAME, password: PASSWORD }),
    });
    const otherCookie = (other.headers.get("set-cookie") ?? "").split(";")[0] ?? "";
    const otherMe = () => fetch(`${stack.url}/api/auth/me`, { headers: { Cookie: otherCookie } });
    expect((await otherMe()).status).toBe(200);
    await account.getByLabel("Current password").fill(PASSWORD);
    await account.getByRole("button", { name: "Change password" }).click();
    await account.getByText(/Password changed\./).waitFor();
    expect((await otherMe()).status).toBe(401);
    // This browser stays logged in with its new session: another save works.
    await page.reload();
    await page.getByRole("heading", { level: 1, name: "Settings" }).waitFor();
    // Log out and in again: the old password is refused, the new one works.
    await page.context().clearCookies();
    await page.goto("/login");
    await fillLogin(page, USERNAME, PASSWORD);
    await page.getByText("Wrong user name or password.").waitFor();
    await fillLogin(page, USERNAME, next);
    await page.getByRole("heading", { level: 1, name: "Dashboard" }).waitFor();
    expect(stack.pageErrors).toEqual([]);
  });
});
