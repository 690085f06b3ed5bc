// Audit finding 8: names from Plex reach the terminal escaped, as the README promises. The
// emulator's server, a library and new items carry ESC sequences and U+202E (right-to-left
// override); `psr plex check` and `psr scan` must print them as `\u001b` / `\u202e`.
import { spawn } from "node:child_process";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { type EmulatorHandle, startEmulator } from "../../emulator/index.js";
import { PSR_BIN, runPsr } from "../helpers/cli.js";
import { tempDir } from "../helpers/tmp.js";

const TOKEN = "strings-token-9e2b41";
const ESC = "\x1b";
const RLO = "\u202e";
const SERVER = `Evil${ESC}[2J${RLO}Server`;
const LIBRARY = `Films${ESC}]0;pwned${ESC}\\${RLO}4pm.exe`;
const TITLE = `Movie${ESC}[31m${RLO}red`;

let emulator: EmulatorHandle;
const work = tempDir();
const env = () => ({ PLEX_URL: emulator.url, PLEX_TOKEN: TOKEN, PSR_DATA_DIR: work.dir, PLEX_TIMEOUT: "5" });

/** Neither a raw ESC nor a raw bidi override anywhere in what the command printed. */
function expectNoRawControls(output: string): void {
  expect(output).not.toContain(ESC);
  expect(output).not.toContain(RLO);
}

/**
 * Runs psr on a pseudo-terminal (util-linux `script`), where the scan's progress line is drawn
 * for every item rather than every few seconds as in a pipe. stdout and stderr arrive together.
 */
function runOnTerminal(
  args: string[],
  env: Record<string, string>,
): Promise<{ code: number | null; output: string }> {
  const command = [process.execPath, PSR_BIN, ...args]
    .map((a) => `'${a.replaceAll("'", "'\\''")}'`)
    .join(" ");
  return new Promise((resolve, reject) => {
    const child = spawn("script", ["-qefc", command, "/dev/null"], {
      env: { PATH: process.env.PATH, HOME: process.env.HOME, NODE_ENV: "test", ...env },
      cwd: work.dir,
    });
    let output = "";
    child.stdout.on("data", (d) => {
      output += d;
    });
    child.stderr.on("data", (d) => {
      output += d;
    });
    const timer = setTimeout(() => child.kill("SIGKILL"), 30_000);
    child.on("error", reject);
    child.on("close", (code) => {
      clearTimeout(timer);
      resolve({ code, output });
    });
  });
}

beforeAll(async () => {
  emulator = await startEmulator({
    token: TOKEN,
    seed: 9,
    items: 40,
    serverName: SERVER,
    sectionTitles: { "1": LIBRARY },
    // Slow enough refreshes that the progress line (drawn at most every 200 ms) names an item.
    refresh: { workers: 1, minMs: 300, maxMs: 400 },
  });
});
afterAll(async () => {
  await emulator?.close();
  work.cleanup();
});

describe("Plex names in the CLI", () => {
  it("psr plex check escapes the server and library names", async () => {
    const { code, stdout, stderr } = await runPsr(["plex", "check"], env(), work.dir);
    expect(code, stderr).toBe(0);
    expectNoRawControls(stdout + stderr);
    expect(stdout).toContain("Connected to Evil\\u001b[2J\\u202eServer");
    expect(stdout).toContain("Films\\u001b]0;pwned\\u001b\\\\u202e4pm.exe");
  });

  it("psr plex check --json escapes them too, and a parser reads the real names", async () => {
    const { code, stdout } = await runPsr(["plex", "check", "--json"], env(), work.dir);
    expect(code).toBe(0);
    expectNoRawControls(stdout);
    expect(stdout).toContain("\\u202e");
    const result = JSON.parse(stdout);
    expect(result.server.name).toBe(SERVER);
    expect(result.libraries.map((l: { title: string }) => l.title)).toContain(LIBRARY);
  });

  it("psr scan prints the item being checked escaped, in its progress line on a terminal", async () => {
    // Only the items added now are in the last day's window, so they are what the progress names.
    for (let i = 0; i < 3; i++) emulator.addItem({ sectionId: 1, title: TITLE, health: "no-poster" });
    const { code, output } = await runOnTerminal(
      ["scan", "--library", "1", "--days", "1", "--concurrency", "1"],
      env(),
    );
    expect(code, output).toBe(0);
    // The progress line redraws itself with CR + ESC[K; apart from that, no raw control may show.
    expectNoRawControls(output.replaceAll("\r\x1b[K", ""));
    expect(output).toContain("Movie\\u001b[31m\\u202ered");
  });

  it("an unknown library's error lists the library names escaped", async () => {
    const { code, stderr } = await runPsr(["scan", "--library", "Nope"], env(), work.dir);
    expect(code).toBe(2);
    expectNoRawControls(stderr);
    expect(stderr).toContain("Films\\u001b]0;pwned");
  });
});
