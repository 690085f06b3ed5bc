// The update path (deploy/README "Upgrading": install, `npm run build`, restart) and what it
// produces: `npm run build` builds the server and the web UI, the unit starts the compiled CLI,
// and that compiled server serves the built UI. bin/psr.js and `npm run demo` rebuild or bypass a
// stale build, never run one (build-state.mjs).
import { spawn } from "node:child_process";
import { existsSync, mkdirSync, readFileSync, utimesSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
// @ts-expect-error: a plain ES module script without type declarations
import { staleParts } from "../../scripts/build-state.mjs";
import { tempDir } from "../helpers/tmp.js";

const root = join(import.meta.dirname, "..", "..");
const pkg = JSON.parse(readFileSync(join(root, "package.json"), "utf8")) as {
  scripts: Record<string, string>;
};

describe("the update path", () => {
  it("deploy/README's upgrade installs, builds and then starts, and the build covers server and UI", () => {
    const readme = readFileSync(join(root, "deploy", "README.md"), "utf8");
    const upgrade = readme.slice(readme.indexOf("## Upgrading"), readme.indexOf("## Backup"));
    const order = ["npm ci", "npm run build", "systemctl start"].map((step) => upgrade.indexOf(step));
    expect(order.every((i) => i >= 0)).toBe(true);
    expect([...order].sort((a, b) => a - b)).toEqual(order);
    expect(pkg.scripts.build).toContain("build:server");
    expect(pkg.scripts.build).toContain("build:web");
    expect(pkg.scripts.demo).toContain("ensure-build");
  });

  it("knows when the server or the UI build is out of date", () => {
    const { dir, cleanup } = tempDir();
    try {
      const file = (path: string, secondsAgo: number) => {
        mkdirSync(join(dir, path, ".."), { recursive: true });
        writeFileSync(join(dir, path), "x");
        const t = Date.now() / 1000 - secondsAgo;
        utimesSync(join(dir, path), t, t);
      };
      file("src/cli.ts", 100);
      file("emulator/index.ts", 100);
      file("web/src/main.tsx", 100);
      expect(staleParts(dir)).toEqual({ server: true, web: true }); // never built
      file("dist/src/cli.js", 50);
      file("dist/web/index.html", 50);
      expect(staleParts(dir)).toEqual({ server: false, web: false });
      file("emulator/index.ts", 10);
      file("web/src/main.tsx", 10);
      expect(staleParts(dir)).toEqual({ server: true, web: true });
    } finally {
      cleanup();
    }
  });

  it("the compiled server (what the unit runs) serves the built web UI", async (ctx) => {
    const compiled = join(root, "dist", "src", "cli.js");
    const index = join(root, "dist", "web", "index.html");
    if (!existsSync(compiled) || !existsSync(index)) {
      // `npm test` builds first; only a bare `vitest run` in an unbuilt checkout gets here.
      if (process.env.CI) throw new Error("dist/ is missing: npm test must build before the tests");
      ctx.skip();
    }
    const work = tempDir();
    const child = spawn(process.execPath, [compiled, "serve"], {
      env: {
        PATH: process.env.PATH,
        PSR_DATA_DIR: work.dir,
        PSR_PORT: "0",
        PSR_LOG_LEVEL: "warn",
        PLEX_URL: "http://127.0.0.1:9",
        PLEX_TOKEN: "unused-token",
        GUI_PASSWORD: "built-app-password-1",
      },
      stdio: ["ignore", "pipe", "pipe"],
    });
    try {
      const url = await new Promise<string>((resolve, reject) => {
        let out = "";
        const timer = setTimeout(() => reject(new Error(`no start within 20 s: ${out}`)), 20_000);
        child.stdout.on("data", (chunk: Buffer) => {
          out += chunk.toString();
          const m = /listening on (http:\/\/\S+)/.exec(out);
          if (m) {
            clearTimeout(timer);
            resolve(m[1]!);
          }
        });
        child.on("exit", (code) => reject(new Error(`exited ${code}: ${out}`)));
      });
      const page = await fetch(`${url}/`, { headers: { Accept: "text/html" } });
      expect(page.status).toBe(200);
      expect(await page.text()).toBe(readFileSync(index, "utf8"));
      const route = await fetch(`${url}/jobs/1`, { headers: { Accept: "text/html" } });
      expect(route.status).toBe(200);
    } finally {
      child.kill("SIGTERM");
      await new Promise((resolve) => child.once("exit", resolve));
      work.cleanup();
    }
  });
});
