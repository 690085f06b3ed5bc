// Serving the web UI: public files with the right caching, client routes falling back to the
// app's page, and nothing under /api ever answered with it. Uses a stand-in build in a temp folder.
import { mkdirSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { type RunningServer, startServer } from "../../src/cli/serve.js";
import { loadConfig } from "../../src/config/env.js";
import { tempDir } from "../helpers/tmp.js";

let server: RunningServer;
let work: ReturnType<typeof tempDir>;
const INDEX =
  '<!doctype html><html><head><script type="module" src="/assets/index-Ab12Cd34.js"></script></head><body><div id="root"></div></body></html>';

beforeAll(async () => {
  work = tempDir();
  const web = join(work.dir, "web");
  mkdirSync(join(web, "assets"), { recursive: true });
  writeFileSync(join(web, "index.html"), INDEX);
  writeFileSync(join(web, "assets", "index-Ab12Cd34.js"), "console.log('app');\n");
  writeFileSync(join(web, "theme-init.js"), "/* theme */\n");
  server = await startServer(
    loadConfig(
      {
        PLEX_URL: "http://127.0.0.1:9",
        PLEX_TOKEN: "t",
        PSR_DATA_DIR: join(work.dir, "data"),
        PSR_PORT: "0",
        PSR_LOG_LEVEL: "silent",
      },
      work.dir,
    ),
    { webDir: web },
  );
});
afterAll(async () => {
  await server?.close();
  work?.cleanup();
});

const get = (path: string, headers: Record<string, string> = { Accept: "text/html" }) =>
  fetch(server.url + path, { headers, redirect: "manual" });

describe("the web UI", () => {
  it("serves the app's page at / without a session, never cached", async () => {
    const res = await get("/");
    expect(res.status).toBe(200);
    expect(res.headers.get("content-type")).toContain("text/html");
    expect(res.headers.get("cache-control")).toBe("no-cache");
    expect(res.headers.get("content-security-policy")).toContain("script-src 'self'");
    expect(await res.text()).toBe(INDEX);
  });

  it("serves hashed assets as immutable and other files revalidated", async () => {
    const asset = await get("/assets/index-Ab12Cd34.js", {});
    expect(asset.status).toBe(200);
    expect(asset.headers.get("cache-control")).toBe("public, max-age=31536000, immutable");
    expect(asset.headers.get("content-type")).toContain("javascript");
    const theme = await get("/theme-init.js", {});
    expect(theme.status).toBe(200);
    expect(theme.headers.get("cache-control")).toBe("no-cache");
  });

  it("answers client routes with the app's page", async () => {
    for (const path of ["/jobs/7", "/items?state=failed", "/login", "/settings"]) {
      const res = await get(path);
      expect(res.status, path).toBe(200);
      expect(await res.text()).toBe(INDEX);
    }
  });

  it("never answers /api with the app's page", async () => {
    for (const path of ["/api/nothing", "/api", "/%61pi/nothing", "/x/%2e%2e/api/nothing"]) {
      const res = await get(path);
      expect(res.status, path).toBe(401);
      expect(res.headers.get("content-type")).toContain("application/json");
    }
  });

  it("a missing asset is a 404, not the page", async () => {
    // A script request for an unknown file: the page would be run as JavaScript.
    expect((await get("/assets/missing-0000.js", { Accept: "*/*" })).status).toBe(404);
    expect((await get("/assets/missing-0000.js")).status).toBe(404);
  });
});
