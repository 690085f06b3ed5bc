// End-to-end harness: the Plex emulator, the real server with the built SPA, and Debian's
// Chromium driven by playwright-core, all in-process and in temporary folders. One stack per
// test file (beforeAll) keeps the suite fast; every test file cleans up after itself.
import { cpSync, existsSync, mkdirSync, readFileSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { fileURLToPath } from "node:url";
import { type BrowserContext, chromium, type Page } from "playwright-core";
import { expect } from "vitest";
import { type EmulatorHandle, type EmulatorOptions, startEmulator } from "../../emulator/index.js";
import { type RunningServer, startServer } from "../../src/cli/serve.js";
import { loadConfig } from "../../src/config/env.js";
import { tempDir } from "../helpers/tmp.js";

export const ROOT = fileURLToPath(new URL("../../", import.meta.url));
// PSR_E2E_WEB points at another build (parallel work builds with `vite build --outDir`).
const WEB_BUILD = process.env.PSR_E2E_WEB ?? join(ROOT, "dist", "web");
const SHOTS = join(ROOT, "test-results", "screenshots");
const README_SHOTS = join(ROOT, "docs", "screenshots");

export const USERNAME = "admin";
export const PASSWORD = "e2e-correct-horse-1";
export const API_KEY = "e2e-api-key-0123456789abcdef";

/** For vitest's per-test option: a browser flow waits on a real server, so give it room. */
export const E2E_TIMEOUT = { timeout: 90_000 };
/** For expect.poll: vitest's default (1 s) is far shorter than a scan. */
export const UNTIL = { timeout: 30_000, interval: 100 };
/** For Playwright waits (locator.waitFor and friends). */
export const WAIT_MS = 30_000;

export const DESKTOP = { width: 1280, height: 800 };
export const PHONE = { width: 375, height: 812 };

/**
 * The demo dataset, sized so that a dry run of the default window takes a few seconds: 500 items
 * (about 730 checked with seasons and episodes, 60 would-fix) and 250 ms latency per Plex
 * request: about 4 s, and progress is published once a second, so the progress bar and the log
 * tail visibly move. Refreshes in a real run take 150–400 ms
 * each on two workers, so a non-dry run lasts long enough to be cancelled.
 */
export const EMULATOR_DEFAULTS: EmulatorOptions = {
  profile: "demo",
  seed: 1,
  items: 500,
  refresh: { workers: 2, minMs: 150, maxMs: 400 },
  faults: { latencyMs: 250 },
};

export interface ScanJson {
  id: number;
  status: string;
  stats: Record<string, number> | null;
  settings: Record<string, unknown>;
}

export interface Stack {
  emulator: EmulatorHandle;
  server: RunningServer;
  context: BrowserContext;
  /** The page most tests drive; more can be opened from `context`. */
  page: Page;
  url: string;
  /** Uncaught exceptions and CSP refusals in any page: a test file checks it is empty at its end. */
  pageErrors: string[];
  /** A call to the API with the API key (no session, no CSRF token needed). */
  api<T = unknown>(method: string, path: string, body?: unknown): Promise<{ status: number; json: T }>;
  /** Starts a scan through the API (dry run unless told otherwise) and returns its id. */
  startScan(settings?: { dryRun?: boolean }): Promise<number>;
  /** Resolves with the scan once it has ended. */
  waitForScan(id: number, timeoutMs?: number): Promise<ScanJson>;
  /** Stops the app server (the emulator and the browser stay): the SPA loses its server. */
  stopServer(): Promise<void>;
  /** Starts the app server again on the same port with the same data: sessions survive. */
  startServerAgain(): Promise<void>;
  close(): Promise<void>;
}

export interface StackOptions {
  emulator?: EmulatorOptions;
  /** Extra environment for the server, e.g. MAX_LOGIN_ATTEMPTS. */
  env?: Record<string, string>;
  /** navigator.language and Accept-Language; English unless a test asks for another. */
  locale?: string;
  /** False: start the server without PLEX_URL and PLEX_TOKEN (the first-run setup connects it). */
  plexEnv?: boolean;
}

function requireBuild(): void {
  if (!existsSync(join(WEB_BUILD, "index.html"))) {
    throw new Error(
      `The web UI is not built: ${join(WEB_BUILD, "index.html")} is missing. Run npm run build first (or npx vite build).`,
    );
  }
}

/** A server of the app on a free port, against `emulator`, with its own data folder. */
export async function startAppServer(
  emulator: EmulatorHandle,
  dir: string,
  env: Record<string, string> = {},
  { plexEnv = true }: { plexEnv?: boolean } = {},
): Promise<RunningServer> {
  requireBuild();
  const dataDir = join(dir, "data");
  const webDir = join(dir, "web");
  mkdirSync(dataDir, { recursive: true });
  // A private copy of the build: the server registers one route per file at start, so a
  // rebuild of dist/web while the suite runs would otherwise break the page mid-test.
  if (!existsSync(webDir)) cpSync(WEB_BUILD, webDir, { recursive: true });
  return startServer(
    loadConfig(
      {
        ...(plexEnv ? { PLEX_URL: emulator.url, PLEX_TOKEN: emulator.token } : {}),
        PSR_DATA_DIR: dataDir,
        PSR_PORT: "0",
        PSR_HOST: "127.0.0.1",
        PSR_LOG_LEVEL: "silent",
        GUI_PASSWORD: PASSWORD,
        PSR_API_KEY: API_KEY,
        ...env,
      },
      dataDir,
    ),
    { webDir },
  );
}

export async function startStack(options: StackOptions = {}): Promise<Stack> {
  requireBuild();
  const work = tempDir("psr-e2e-");
  const cleanups: (() => Promise<void> | void)[] = [() => work.cleanup()];
  const close = async () => {
    for (const cleanup of cleanups.reverse()) {
      try {
        await cleanup();
      } catch (error) {
        console.warn("e2e cleanup:", error);
      }
    }
  };
  try {
    const emulator = await startEmulator({ ...EMULATOR_DEFAULTS, ...options.emulator });
    cleanups.push(() => emulator.close());
    const appDir = join(work.dir, "app");
    const plexEnv = options.plexEnv ?? true;
    const server = await startAppServer(emulator, appDir, options.env, { plexEnv });
    // The server running now (stopServer and startServerAgain replace it), closed at the end.
    let current: RunningServer | null = server;
    cleanups.push(() => current?.close());
    const context = await chromium.launchPersistentContext(join(work.dir, "chrome"), {
      executablePath: "/usr/bin/chromium",
      headless: true,
      args: [
        "--headless",
        "--no-sandbox",
        "--disable-gpu",
        "--disable-quic",
        "--no-first-run",
        "--disable-background-networking",
        "--disable-component-update",
        "--disable-sync",
      ],
      viewport: DESKTOP,
      locale: options.locale ?? "en-US",
      colorScheme: "light",
      baseURL: server.url,
    });
    // Closed before the server so no stream is left open against a closing server.
    cleanups.push(() => context.close());
    context.setDefaultTimeout(WAIT_MS);
    const pageErrors: string[] = [];
    context.on("page", (p) => watchErrors(p, pageErrors));
    for (const p of context.pages()) watchErrors(p, pageErrors);
    const page = context.pages()[0] ?? (await context.newPage());

    const api = async <T>(method: string, path: string, body?: unknown) => {
      const res = await fetch(server.url + path, {
        method,
        headers: {
          "X-Api-Key": API_KEY,
          ...(body === undefined ? {} : { "Content-Type": "application/json" }),
        },
        body: body === undefined ? undefined : JSON.stringify(body),
      });
      const text = await res.text();
      return { status: res.status, json: (text === "" ? null : JSON.parse(text)) as T };
    };
    const startScan = async (settings: { dryRun?: boolean } = {}) => {
      const res = await api<{ id: number }>("POST", "/api/scans", { dryRun: true, ...settings });
      if (res.status !== 202) throw new Error(`POST /api/scans answered ${res.status}`);
      return res.json.id;
    };
    const waitForScan = async (id: number, timeoutMs = 60_000) => {
      const until = Date.now() + timeoutMs;
      for (;;) {
        const { json } = await api<ScanJson>("GET", `/api/scans/${id}`);
        if (json.status !== "queued" && json.status !== "running") return json;
        if (Date.now() > until) throw new Error(`Scan ${id} still ${json.status} after ${timeoutMs} ms`);
        await new Promise((r) => setTimeout(r, 100));
      }
    };
    const stack: Stack = {
      emulator,
      server,
      context,
      page,
      url: server.url,
      pageErrors,
      api,
      startScan,
      waitForScan,
      stopServer: async () => {
        const running = current;
        current = null;
        await running?.close();
      },
      startServerAgain: async () => {
        if (current) return;
        const port = new URL(server.url).port;
        current = await startAppServer(emulator, appDir, { ...options.env, PSR_PORT: port }, { plexEnv });
        stack.server = current;
      },
      close,
    };
    return stack;
  } catch (error) {
    await close();
    throw error;
  }
}

function watchErrors(page: Page, into: string[]): void {
  page.on("pageerror", (error) => into.push(`${page.url()}: ${error.message}`));
  // A Content Security Policy refusal is a bug of ours (an eval probe, an inline style or
  // script): counted with the uncaught errors, so every test file's final check catches it.
  // Caught refusals (a probe in try/catch) never reach the console, so the page reports them.
  void page
    .exposeBinding("__psrCspViolation", (_source, text: string) => into.push(`${page.url()}: CSP ${text}`))
    .catch(() => undefined);
  // A string, so this file needs no DOM types: it runs in the page, not in Node.
  void page.addInitScript(`document.addEventListener("securitypolicyviolation", (e) => {
    window.__psrCspViolation?.(e.violatedDirective + " " + e.blockedURI);
  });`);
  // Console errors are printed, not failed on. Refused requests are part of the flows (401 for
  // an ended session, 404 for an item without a poster, 429 for a locked login): not printed.
  page.on("console", (message) => {
    if (message.type() === "error" && !/status of (401|404|429)\b/.test(message.text())) {
      console.warn(`[browser console] ${page.url()}: ${message.text()}`);
    }
  });
}

/** Fills the login form and waits for the page behind it (by default the dashboard). */
export async function logIn(
  page: Page,
  { password = PASSWORD, username = USERNAME, expectHeading = "Dashboard" } = {},
): Promise<void> {
  if (!page.url().includes("/login")) await page.goto("/login");
  await fillLogin(page, username, password);
  await page.getByRole("heading", { level: 1, name: expectHeading }).waitFor();
}

/** Opens `path`, logging in first if the app asks for it (English). */
export async function openLoggedIn(page: Page, path = "/"): Promise<void> {
  await page.goto(path);
  const heading = page.getByRole("heading", { level: 1 });
  await heading.first().waitFor();
  if ((await heading.first().innerText()) === "Log in") {
    await fillLogin(page, USERNAME, PASSWORD);
    await page.getByRole("heading", { level: 1, name: "Log in" }).waitFor({ state: "detached" });
  }
}

/** Submits the login form once (English labels). */
export async function fillLogin(page: Page, username: string, password: string): Promise<void> {
  await page.getByRole("textbox", { name: "User name" }).fill(username);
  await page.getByRole("textbox", { name: "Password", exact: true }).fill(password);
  await page.getByRole("button", { name: "Log in", exact: true }).click();
}

export function updatingReadmeScreenshots(): boolean {
  return process.env.UPDATE_SCREENSHOTS === "1";
}

/**
 * Saves a screenshot of the viewport as test-results/screenshots/<name>.png; a README one is
 * also written to docs/screenshots/ when UPDATE_SCREENSHOTS=1.
 */
export async function screenshot(
  page: Page,
  name: string,
  { readme = false, fullPage = false }: { readme?: boolean; fullPage?: boolean } = {},
): Promise<void> {
  // Let the fonts and the posters in view settle. Not "networkidle": the event stream keeps a
  // request open for as long as the page lives.
  await page.evaluate("document.fonts.ready.then(() => undefined)");
  // (A polled evaluate, not waitForFunction: that one evals a string in the page, which the CSP
  // forbids.)
  const settled =
    "Array.from(document.images).every((i) => i.complete || i.getBoundingClientRect().top > window.innerHeight)";
  const until = Date.now() + 5_000;
  while (!(await page.evaluate<boolean>(settled))) {
    if (Date.now() > until) {
      console.warn(`screenshot ${name}: some images had not loaded after 5 s`);
      break;
    }
    await page.waitForTimeout(100);
  }
  const image = await page.screenshot({ fullPage, animations: "disabled", caret: "hide" });
  mkdirSync(SHOTS, { recursive: true });
  writeFileSync(join(SHOTS, `${name}.png`), image);
  if (readme && updatingReadmeScreenshots()) {
    mkdirSync(README_SHOTS, { recursive: true });
    writeFileSync(join(README_SHOTS, `${name}.png`), image);
  }
}

let axeSource: string | undefined;

interface AxeViolation {
  id: string;
  impact: string | null;
  help: string;
  helpUrl: string;
  targets: string[];
}

/**
 * Runs axe-core on the page and fails on serious or critical violations. The CSP allows only
 * the app's own scripts, so axe is evaluated through the DevTools protocol instead of a tag.
 */
/**
 * Waits (at most 3 s) until no finite CSS transition or animation runs: a dialog or menu that is
 * still fading in has blended colours, and axe would measure those instead of the real ones.
 * Endless ones (a spinner) are not waited for.
 */
async function settleTransitions(page: Page): Promise<void> {
  const until = Date.now() + 3_000;
  while (Date.now() < until) {
    const moving = await page.evaluate<boolean>(`document.getAnimations().some((a) =>
      a.playState === "running" && a.effect && a.effect.getComputedTiming().iterations !== Infinity)`);
    if (!moving) return;
    await page.waitForTimeout(50);
  }
}

export async function expectAccessible(page: Page, label: string): Promise<void> {
  axeSource ??= readFileSync(join(ROOT, "node_modules", "axe-core", "axe.min.js"), "utf8");
  if (!(await page.evaluate("typeof window.axe === 'object'"))) await page.evaluate(axeSource);
  await settleTransitions(page);
  const violations = await page.evaluate<AxeViolation[]>(`
    window.axe.run(document, { resultTypes: ["violations"] }).then((r) =>
      r.violations.map((v) => ({
        id: v.id,
        impact: v.impact ?? null,
        help: v.help,
        helpUrl: v.helpUrl,
        targets: v.nodes.map((n) => n.target.join(" ") + (n.failureSummary ? " — " + n.failureSummary.replace(/\\s+/g, " ") : "")),
      })),
    )`);
  const bad = violations.filter((v) => v.impact === "serious" || v.impact === "critical");
  const minor = violations.filter((v) => !bad.includes(v));
  if (minor.length > 0) {
    console.info(`axe (${label}), minor: ${minor.map((v) => `${v.id} (${v.impact})`).join(", ")}`);
  }
  const report = bad
    .map(
      (v) =>
        `- ${v.id} [${v.impact}] ${v.help} (${v.helpUrl})\n${v.targets.map((t) => `    ${t}`).join("\n")}`,
    )
    .join("\n");
  expect(bad, `axe on ${label} found serious or critical violations:\n${report}`).toEqual([]);
}

/** Chooses a colour scheme through the header's menu, as a user would. */
export async function chooseColourScheme(page: Page, scheme: "Light" | "Dark" | "System"): Promise<void> {
  await page.getByRole("button", { name: /^(Colour scheme|Farbschema):/ }).click();
  await page
    .getByRole("menuitem", {
      name: scheme === "Light" ? /^(Light|Hell)$/ : scheme === "Dark" ? /^(Dark|Dunkel)$/ : "System",
    })
    .click();
  const expected = scheme === "Dark" ? "dark" : "light";
  await expect
    .poll(() => page.locator("html").getAttribute("data-mantine-color-scheme"), UNTIL)
    .toBe(expected);
  // The menu fades out; checks and pictures are of the page, not of a closing menu.
  await page.getByRole("menu").waitFor({ state: "detached" });
}

/** Chooses a language through the header's menu. */
export async function chooseLanguage(page: Page, language: "English" | "Deutsch"): Promise<void> {
  // The button's name starts with the visible code ("EN, language: English"): match the rest.
  await page.getByRole("button", { name: /(language|Sprache): / }).click();
  await page.getByRole("menuitem", { name: language }).click();
  await expect
    .poll(() => page.locator("html").getAttribute("lang"), UNTIL)
    .toBe(language === "English" ? "en" : "de");
  await page.getByRole("menu").waitFor({ state: "detached" });
}

/** Whether the page scrolls sideways (the phone layout must not). */
export async function hasNoSidewaysScroll(
  page: Page,
): Promise<{ ok: boolean; scrollWidth: number; innerWidth: number }> {
  return page.evaluate<{ ok: boolean; scrollWidth: number; innerWidth: number }>(`({
    ok: document.documentElement.scrollWidth <= window.innerWidth,
    scrollWidth: document.documentElement.scrollWidth,
    innerWidth: window.innerWidth,
  })`);
}
