import { spawnSync } from "node:child_process";
import { existsSync, readFileSync } from "node:fs";
import { join } from "node:path";
import { fileURLToPath } from "node:url";
import { afterEach, describe, expect, it } from "vitest";
import { runPsr, type StartedProcess, startPsr } from "../helpers/cli.js";
import { tempDir } from "../helpers/tmp.js";

const ROOT = fileURLToPath(new URL("../../", import.meta.url));
const started: StartedProcess[] = [];
const dirs: ReturnType<typeof tempDir>[] = [];
afterEach(async () => {
  for (const p of started.splice(0)) await p.stop("SIGKILL");
  for (const d of dirs.splice(0)) d.cleanup();
});
function work() {
  const d = tempDir();
  dirs.push(d);
  return d.dir;
}

describe("psr emulator", () => {
  it("announces its address once it accepts connections and stops on SIGTERM", async () => {
    const dir = work();
    const p = await startPsr(
      ["emulator", "--port", "0", "--token", "t0k3n-emu", "--items", "120", "--seed", "3"],
      {},
      dir,
      /Plex emulator listening on (http:\/\/127\.0\.0\.1:(\d+))\n/,
    );
    started.push(p);
    const url = p.match[1]!;
    const identity = await fetch(`${url}/identity`);
    expect(identity.status).toBe(200);
    const sections = await fetch(`${url}/library/sections`, {
      headers: { "X-Plex-Token": "t0k3n-emu", Accept: "application/json" },
    });
    expect(sections.status).toBe(200);
    expect(
      ((await sections.json()) as { MediaContainer: { Directory: unknown[] } }).MediaContainer.Directory
        .length,
    ).toBeGreaterThan(0);
    expect(await p.stop("SIGTERM")).toBe(0);
  });

  it("rejects a bad option value with exit code 2", async () => {
    const { code, stderr } = await runPsr(["emulator", "--items", "lots"], {}, work());
    expect(code).toBe(2);
    expect(stderr).toContain('--items expects a whole number, got "lots"');
  });
});

describe("psr serve", () => {
  it("serves the health endpoint and shuts down cleanly on SIGTERM", async () => {
    const dir = work();
    const p = await startPsr(
      ["serve"],
      { PSR_PORT: "0", PSR_DATA_DIR: dir, PSR_LOG_LEVEL: "silent" },
      dir,
      /listening on (http:\/\/\S+)\n/,
    );
    started.push(p);
    const res = await fetch(`${p.match[1]}/api/health`);
    expect(res.status).toBe(200);
    expect(await res.json()).toMatchObject({ status: "ok" });
    expect(await p.stop("SIGTERM")).toBe(0);
  });

  it("stops within 2 s of SIGTERM while browsers hold event streams open", async () => {
    const dir = work();
    const key = "stream-test-api-key-0123456789";
    const p = await startPsr(
      ["serve"],
      {
        PSR_PORT: "0",
        PSR_DATA_DIR: dir,
        PSR_LOG_LEVEL: "silent",
        PSR_API_KEY: key,
        GUI_PASSWORD: "pw-123456789",
      },
      dir,
      /listening on (http:\/\/\S+)\n/,
    );
    started.push(p);
    const url = p.match[1]!;
    const login = await fetch(`${url}/api/auth/login`, {
      method: "POST",
      headers: { "Content-Type": "application/json" },
      body: JSON.stringify({ username: "admin", password: "pw-123456789" }),
    });
    expect(login.status).toBe(200);
    const cookie = (login.headers.get("set-cookie") ?? "").split(";")[0]!;
    // One stream per kind of caller: a browser's session, and a script's API key.
    const streams = await Promise.all([
      fetch(`${url}/api/events`, { headers: { Cookie: cookie } }),
      fetch(`${url}/api/events`, { headers: { "X-Api-Key": key } }),
    ]);
    for (const s of streams) expect(s.headers.get("content-type")).toContain("text/event-stream");
    const at = Date.now();
    expect(await p.stop("SIGTERM")).toBe(0);
    expect(Date.now() - at).toBeLessThan(2_000);
    for (const s of streams) await s.body?.cancel().catch(() => undefined);
  });

  it("runs from an empty folder once `npm link` has put psr on the PATH, keeping its data there", async () => {
    const prefix = work();
    const empty = work();
    const link = spawnSync("npm", ["link", "--no-audit", "--no-fund", "--ignore-scripts"], {
      cwd: ROOT,
      env: { ...process.env, npm_config_prefix: prefix },
      encoding: "utf8",
    });
    expect(link.status, link.stderr).toBe(0);
    const psr = join(prefix, "bin", "psr");
    expect(existsSync(psr)).toBe(true);
    const p = await startPsr(
      ["serve"],
      { PSR_PORT: "0", PSR_LOG_LEVEL: "silent", GUI_PASSWORD: "pw-123456789" },
      empty,
      /listening on (http:\/\/\S+)\n/,
      30_000,
      [psr],
    );
    started.push(p);
    expect((await fetch(`${p.match[1]}/api/health`)).status).toBe(200);
    expect(existsSync(join(empty, "data"))).toBe(true);
    expect(await p.stop("SIGTERM")).toBe(0);
  });

  it("refuses an out-of-range PSR_PORT and names it", async () => {
    const dir = work();
    const { code, stderr } = await runPsr(["serve"], { PSR_PORT: "99999", PSR_DATA_DIR: dir }, dir);
    expect(code).toBe(2);
    expect(stderr).toContain("PSR_PORT: must be at most 65535");
  });

  it("rejects unknown commands with exit code 2", async () => {
    const { code, stderr } = await runPsr(["frobnicate"], {}, work());
    expect(code).toBe(2);
    expect(stderr).toContain('Unknown command "frobnicate"');
  });
});

describe("psr demo", () => {
  it("starts the emulator and the web server together", async () => {
    const dir = work();
    const p = await startPsr(
      ["demo", "--items", "150"],
      { PSR_PORT: "0" },
      dir,
      /demo running at (http:\/\/\S+)\n/,
    );
    started.push(p);
    expect(p.output()).toMatch(/Plex emulator listening on http:\/\/127\.0\.0\.1:\d+/);
    expect(p.output()).toContain("log in as admin / demo-password");
    const res = await fetch(`${p.match[1]}/api/health`);
    expect(res.status).toBe(200);
    // The console is for people; the server's JSON log lines go to the demo's log file.
    await new Promise((r) => setTimeout(r, 300));
    expect(p.output()).not.toMatch(/^\{"level"/m);
    const log = readFileSync(join(dir, "data", "demo", "server.log"), "utf8");
    expect(log).toMatch(/^\{"level":\d+/m);
    expect(await p.stop("SIGINT")).toBe(0);
  });

  it("keeps its login, its browsers' sessions and its API key across a restart", async () => {
    const dir = work();
    const start = async () => {
      const p = await startPsr(
        ["demo", "--items", "60"],
        { PSR_PORT: "0", PSR_LOG_LEVEL: "silent" },
        dir,
        /demo running at (http:\/\/\S+)\n/,
      );
      started.push(p);
      await new Promise((r) => setTimeout(r, 200)); // the rest of the banner
      const key = /X-Api-Key: (demo-[0-9a-f]+)/.exec(p.output())?.[1];
      return { p, url: p.match[1]!, key };
    };
    const first = await start();
    expect(first.key).toBeDefined();
    const login = await fetch(`${first.url}/api/auth/login`, {
      method: "POST",
      headers: { "Content-Type": "application/json" },
      body: JSON.stringify({ username: "admin", password: "demo-password" }),
    });
    expect(login.status).toBe(200);
    const cookie = (login.headers.get("set-cookie") ?? "").split(";")[0]!;
    expect(await first.p.stop("SIGINT")).toBe(0);

    const second = await start();
    expect(second.key).toBe(first.key);
    expect(second.p.output()).toContain("log in as admin / demo-password");
    const me = await fetch(`${second.url}/api/auth/me`, { headers: { Cookie: cookie } });
    expect(me.status).toBe(200);
    const stats = await fetch(`${second.url}/api/stats`, { headers: { "X-Api-Key": second.key! } });
    expect(stats.status).toBe(200);
    expect(await second.p.stop("SIGINT")).toBe(0);
  });
});
