// Logging in, the lock-out after repeated failures, and an ended session that sends the user to
// the login page and back to where they were.
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import type { RunningServer } from "../../src/cli/serve.js";
import { tempDir } from "../helpers/tmp.js";
import {
  E2E_TIMEOUT,
  expectAccessible,
  fillLogin,
  PASSWORD,
  type Stack,
  screenshot,
  startAppServer,
  startStack,
  UNTIL,
} from "./harness.js";

let stack: Stack;

beforeAll(async () => {
  stack = await startStack();
}, 60_000);
afterAll(async () => {
  await stack?.close();
});

describe("login", () => {
  it("refuses a wrong password with a message, then lets the right one in", E2E_TIMEOUT, async () => {
    const { page } = stack;
    await page.goto("/");
    // Not logged in: the app sends us to the login page.
    await page.getByRole("heading", { level: 1, name: "Log in" }).waitFor();
    expect(new URL(page.url()).pathname).toBe("/login");
    await expectAccessible(page, "login (light)");
    await screenshot(page, "login-desktop");

    await fillLogin(page, "admin", "not-the-password");
    const alert = page.getByRole("alert");
    await alert.waitFor();
    expect(await alert.innerText()).toContain("Wrong user name or password.");
    expect(new URL(page.url()).pathname).toBe("/login");

    await fillLogin(page, "admin", PASSWORD);
    await page.getByRole("heading", { level: 1, name: "Dashboard" }).waitFor();
    expect(new URL(page.url()).pathname).toBe("/");
    await page.getByRole("button", { name: "Start scan" }).waitFor();
  });

  it(
    "after an ended session, a navigation leads to login, and logging in returns to that page",
    E2E_TIMEOUT,
    async () => {
      const { page } = stack;
      await page.goto("/jobs");
      await page.getByRole("heading", { level: 1, name: "Jobs" }).waitFor();

      // Every session ends server-side, as "log out everywhere" from another device would do.
      const ended = await stack.api<{ sessionsEnded: number }>("POST", "/api/auth/logout-all");
      expect(ended.status).toBe(200);
      expect(ended.json.sessionsEnded).toBeGreaterThanOrEqual(1);

      // An in-app navigation: the next API call answers 401 and the app asks for a login.
      await page.getByRole("navigation").getByRole("link", { name: "Items" }).click();
      await page.getByRole("heading", { level: 1, name: "Log in" }).waitFor();
      await expect
        .poll(() => page.getByRole("status").allInnerTexts(), UNTIL)
        .toContain("Your session has ended. Log in again to continue where you were.");
      await screenshot(page, "login-session-expired");

      await fillLogin(page, "admin", PASSWORD);
      await page.getByRole("heading", { level: 1, name: "Items" }).waitFor();
      expect(new URL(page.url()).pathname).toBe("/items");
    },
  );

  it("locks the login after repeated failures and shows the time remaining", E2E_TIMEOUT, async () => {
    // Failures count per address and user, and the browser always comes from 127.0.0.1: a
    // second server with its own database keeps this lock-out away from the other tests.
    const work = tempDir("psr-e2e-lockout-");
    let locked: RunningServer | undefined;
    const page = await stack.context.newPage();
    try {
      locked = await startAppServer(stack.emulator, work.dir, {
        MAX_LOGIN_ATTEMPTS: "3",
        LOGIN_LOCKOUT_MINUTES: "15",
      });
      await page.goto(`${locked.url}/login`);
      await page.getByRole("heading", { level: 1, name: "Log in" }).waitFor();
      const lockMessage = page.getByRole("alert").filter({ hasText: "Too many failed logins" });
      for (let attempt = 1; attempt <= 6; attempt++) {
        // One answer at a time: the next try only after this one's answer arrived.
        const [answer] = await Promise.all([
          page.waitForResponse((r) => r.url().endsWith("/api/auth/login")),
          fillLogin(page, "admin", `wrong-${attempt}`),
        ]);
        if (answer.status() === 429) break;
        expect(answer.status()).toBe(401);
      }
      await lockMessage.waitFor();
      const text = await lockMessage.innerText();
      // "Try again in 14:59." – minutes and seconds, counting down.
      expect(text).toMatch(/Too many failed logins\. Try again in \d{1,2}:\d{2}\./);
      const [, mm, ss] = /in (\d+):(\d{2})/.exec(text) ?? [];
      const seconds = Number(mm) * 60 + Number(ss);
      expect(seconds).toBeGreaterThan(13 * 60);
      expect(seconds).toBeLessThanOrEqual(15 * 60);
      await expect
        .poll(async () => (await lockMessage.innerText()) !== text, { ...UNTIL, timeout: 5_000 })
        .toBe(true);
      expect(await page.getByRole("button", { name: "Log in", exact: true }).isDisabled()).toBe(true);
      await screenshot(page, "login-locked");
      // Even the right password is refused while locked.
      const res = await page.request.post(`${locked.url}/api/auth/login`, {
        data: { username: "admin", password: PASSWORD },
        headers: { Origin: locked.url },
      });
      expect(res.status()).toBe(429);
    } finally {
      await page.close();
      await locked?.close();
      work.cleanup();
    }
  });

  it("had no uncaught errors in the page", () => {
    expect(stack.pageErrors).toEqual([]);
  });
});
