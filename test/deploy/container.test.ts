// The container image, really built and run: the Dockerfile built with podman on a stand-in for
// the official Node image (no Docker Hub here), started as compose.yaml starts it (a data
// folder mounted at /data, the PUID:PGID user) next to the Plex emulator on this host; healthy,
// logged in with the first-start password from the log, the Plex connection stored, a dry-run
// scan to its end; stopped with SIGTERM and timed; and a second container on the same folder
// that still has the job, the settings and the login.
//
// In CI (CI=true) podman missing is a failure: .ci/run installs and configures it. Locally the
// test skips with the reason.
import { chownSync, mkdirSync, readdirSync, readFileSync, statSync } from "node:fs";
import { createServer } from "node:net";
import { join } from "node:path";
import { XMLParser } from "fast-xml-parser";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { type EmulatorHandle, startEmulator } from "../../emulator/index.js";
import { ENV_VARIABLES } from "../../src/config/env.js";
import {
  containerTestBlocker,
  ensureBaseImage,
  npmBuildSecrets,
  podman,
  podmanTry,
} from "../helpers/container.js";
import { tempDir } from "../helpers/tmp.js";

const root = join(import.meta.dirname, "..", "..");
const IN_CI = /^(1|true|yes)$/i.test(process.env.CI ?? "");
const blocker = containerTestBlocker();
if (blocker && !IN_CI) console.warn(`container test skipped: ${blocker}`);

const tag = `psr-${process.pid}-${Date.now().toString(36)}`;
// PSR_CONTAINER_IMAGE names an image built already (to iterate on this test without an 8-minute
// build); it is used as is and kept. Otherwise the test builds its own and removes it.
const PREBUILT = process.env.PSR_CONTAINER_IMAGE;
const IMAGE = PREBUILT ?? `localhost/psr-test-app:${tag}`;
// The user compose.yaml runs as (PUID:PGID), deliberately not the image's default 1000:1000.
const UID = 1234;
const GID = 1235;
const PLEX_TOKEN = "container-test-plex-token-Q7x9";
const figures: string[] = [];
const note = (line: string) => {
  figures.push(line);
  console.log(`container test: ${line}`);
};

async function freePort(): Promise<number> {
  const probe = createServer();
  await new Promise<void>((resolve) => probe.listen(0, "127.0.0.1", resolve));
  const port = (probe.address() as { port: number }).port;
  await new Promise((resolve) => probe.close(resolve));
  return port;
}

// Each step may wait on podman and the scan; the build has its own limit in beforeAll.
describe.skipIf(blocker !== undefined && !IN_CI)("the container image", { timeout: 180_000 }, () => {
  const work = tempDir("psr-container-");
  const data = join(work.dir, "data");
  const containers: string[] = [];
  let emulator: EmulatorHandle;
  let port: number;
  let url: string;
  let cookie = "";
  let csrf = "";
  let password = "";
  let scanId = 0;

  beforeAll(async () => {
    if (blocker) throw new Error(`CI must run the container test, but ${blocker}; see .ci/run`);
    if (!PREBUILT) await build();
    emulator = await startEmulator({ seed: 21, items: 60, token: PLEX_TOKEN });
    port = await freePort();
    url = `http://127.0.0.1:${port}`;
    mkdirSync(data, { mode: 0o750 });
    chownSync(data, UID, GID); // what `mkdir -p data` as the host user gives
  }, 30 * 60_000);

  async function build() {
    const base = await ensureBaseImage(note);
    const built = await podman(
      [
        "build",
        "--format",
        "docker",
        "--layers=false",
        "--network",
        "host",
        "--build-arg",
        `BASE_IMAGE=${base}`,
        ...npmBuildSecrets(work.dir),
        "-t",
        IMAGE,
        root,
      ],
      { timeoutMs: 20 * 60_000 },
    );
    note(`build: ${Math.round(built.ms / 1000)} s`);
  }

  afterAll(async () => {
    for (const name of containers) await podmanTry(["rm", "-f", "-t", "0", name]);
    if (!PREBUILT) await podmanTry(["rmi", "-f", IMAGE]);
    await emulator?.close();
    work.cleanup();
    if (figures.length > 0) console.log(`container test figures:\n  ${figures.join("\n  ")}`);
  }, 120_000);

  /** Starts a container as compose.yaml does; host networking reaches the emulator on 127.0.0.1. */
  async function start(): Promise<string> {
    const name = `${tag}-${containers.length + 1}`;
    containers.push(name);
    await podman([
      "run",
      "-d",
      "--name",
      name,
      "--user",
      `${UID}:${GID}`,
      "--network",
      "host",
      "-e",
      `PSR_PORT=${port}`,
      "-v",
      `${data}:/data`,
      IMAGE,
    ]);
    return name;
  }

  /** Runs the image's HEALTHCHECK until it passes (podman has no timer for it without systemd). */
  async function healthy(name: string): Promise<number> {
    const started = Date.now();
    for (;;) {
      const check = await podmanTry(["healthcheck", "run", name]);
      if (check.code === 0) break;
      if (Date.now() - started > 60_000) {
        const logs = await podmanTry(["logs", name]);
        throw new Error(
          `${name} not healthy after 60 s: ${check.stdout}${check.stderr}\n${logs.stdout}${logs.stderr}`,
        );
      }
      await new Promise((r) => setTimeout(r, 500));
    }
    const status = await podman(["inspect", "--format", "{{.State.Health.Status}}", name]);
    expect(status.stdout.trim()).toBe("healthy");
    return Date.now() - started;
  }

  async function api(method: string, path: string, body?: unknown) {
    const res = await fetch(url + path, {
      method,
      headers: {
        Cookie: cookie,
        Origin: url, // as a browser sends it; a cookie-authenticated write without it is refused
        ...(csrf ? { "X-CSRF-Token": csrf } : {}),
        ...(body === undefined ? {} : { "Content-Type": "application/json" }),
      },
      body: body === undefined ? undefined : JSON.stringify(body),
    });
    const text = await res.text();
    // biome-ignore lint/suspicious/noExplicitAny: response bodies of many shapes, checked by the assertions
    return { status: res.status, text, json: (text ? JSON.parse(text) : null) as any };
  }

  async function login(pw: string) {
    const res = await fetch(`${url}/api/auth/login`, {
      method: "POST",
      headers: { "Content-Type": "application/json" },
      body: JSON.stringify({ username: "admin", password: pw }),
    });
    const json = (await res.json()) as { csrfToken?: string };
    return {
      status: res.status,
      cookie: (res.headers.get("set-cookie") ?? "").split(";")[0] ?? "",
      csrf: json.csrfToken,
    };
  }

  it("is built from the Dockerfile as a non-root image with a health check and no build secrets", async () => {
    const inspect = JSON.parse((await podman(["image", "inspect", IMAGE])).stdout)[0];
    note(`image size: ${Math.round(inspect.Size / 1e6)} MB`);
    const config = inspect.Config;
    expect(config.User).toBe("1000:1000");
    expect(config.User.split(":")[0]).not.toMatch(/^(0|root)?$/);
    // Kept only in the docker format (--format docker); the OCI format drops it.
    const check = (inspect.Healthcheck as { Test: string[] }).Test.join(" ");
    expect(check).toContain("/api/health");
    expect(check).toContain("PSR_PORT");
    expect(Object.keys(config.ExposedPorts)).toEqual(["8501/tcp"]);
    expect(Object.keys(config.Volumes)).toEqual(["/data"]);
    expect(config.Env).toEqual(
      expect.arrayContaining(["PSR_DATA_DIR=/data", "PSR_HOST=0.0.0.0", "PSR_PORT=8501"]),
    );
    expect(config.Env.join("\n")).not.toMatch(/TOKEN|PASSWORD|npm_config/i);
    // Runtime stage: the built server and UI, production dependencies, no sources, no compiler,
    // and nothing of the build secrets.
    // Looked at as root: the runtime user could not even list /root.
    const look = await podman([
      "run",
      "--rm",
      "--user",
      "0",
      "--entrypoint",
      "sh",
      IMAGE,
      "-c",
      "ls /app; test -f /app/dist/web/index.html && echo web; test -e /app/node_modules/vite || echo no-dev; " +
        "command -v g++ || echo no-compiler; " +
        "find / -xdev \\( -name .npmrc -o -name npm_ca -o -path /run/secrets \\) -not -path '*/node_modules/*' | sed 's/^/found /'",
    ]);
    const lines = look.stdout.trim().split("\n");
    expect(lines).not.toContain("src");
    expect(lines).toEqual(expect.arrayContaining(["web", "no-dev", "no-compiler"]));
    expect(lines.filter((l) => l.startsWith("found "))).toEqual([]);
  });

  it("starts on a fresh data folder, turns healthy, and the first-start password from the log logs in", async () => {
    const name = await start();
    note(`first start to healthy: ${((await healthy(name)) / 1000).toFixed(1)} s`);
    const health = await fetch(`${url}/api/health`);
    expect(health.status).toBe(200);
    expect(await health.json()).toMatchObject({ status: "ok" });
    const logs = await podman(["logs", name]);
    const match = /First start: log in as "admin" with password (\S+)/.exec(logs.stdout);
    expect(match, logs.stdout + logs.stderr).not.toBeNull();
    password = match![1]!;
    expect((await login("wrong-password-123")).status).toBe(401);
    const ok = await login(password);
    expect(ok.status).toBe(200);
    cookie = ok.cookie;
    csrf = ok.csrf ?? "";
    expect((await api("GET", "/api/setup")).json).toMatchObject({ needed: true });
  });

  it("stores the Plex connection and runs a dry-run scan to its end", async () => {
    const saved = await api("PUT", "/api/plex/connection", { url: emulator.url, token: PLEX_TOKEN });
    expect(saved.status, saved.text).toBe(200);
    expect(saved.text).not.toContain(PLEX_TOKEN);
    const setting = await api("PUT", "/api/settings", { days: 45 });
    expect(setting.status, setting.text).toBe(200);
    const started = await api("POST", "/api/scans", { dryRun: true, all: true });
    expect(started.status, started.text).toBe(202);
    scanId = started.json.id;
    const until = Date.now() + 120_000;
    let scan = (await api("GET", `/api/scans/${scanId}`)).json;
    while (scan.status === "queued" || scan.status === "running") {
      if (Date.now() > until) throw new Error(`scan still ${scan.status} after 120 s`);
      await new Promise((r) => setTimeout(r, 250));
      scan = (await api("GET", `/api/scans/${scanId}`)).json;
    }
    expect(scan.status, JSON.stringify(scan)).toBe("success");
    // A dry run over the emulator's library: every item checked, the broken ones found, none changed.
    expect(scan.stats.checked).toBeGreaterThanOrEqual(60);
    expect(scan.stats.wouldFix).toBeGreaterThan(0);
    expect(scan.stats.fixed).toBe(0);
  });

  it("stops within seconds of SIGTERM, with exit code 0", async () => {
    const name = containers.at(-1)!;
    const started = Date.now();
    // What `docker compose stop` does: the image's STOPSIGNAL (SIGTERM), SIGKILL after 30 s.
    await podman(["stop", "-t", "30", name], { timeoutMs: 60_000 });
    const ms = Date.now() - started;
    note(`stop after SIGTERM: ${(ms / 1000).toFixed(1)} s`);
    const exit = await podman(["inspect", "--format", "{{.State.ExitCode}}", name]);
    expect(exit.stdout.trim()).toBe("0");
    expect(ms).toBeLessThan(10_000);
    const logs = await podman(["logs", name]);
    expect(logs.stderr + logs.stdout).toContain("SIGTERM received");
    // The Plex token and the password never reach the log.
    expect(logs.stdout + logs.stderr).not.toContain(PLEX_TOKEN);
    expect(logs.stdout.split(password).length - 1).toBe(1); // the first-start line only
  });

  it("a new container on the same folder keeps the job, the settings and the login", async () => {
    const name = await start();
    await healthy(name);
    const logs = await podman(["logs", name]);
    expect(logs.stdout).not.toContain("First start");
    // The session from before the restart is still valid, and so is the password.
    const me = await api("GET", "/api/auth/me");
    expect(me.status, me.text).toBe(200);
    expect((await login(password)).status).toBe(200);
    const job = await api("GET", `/api/scans/${scanId}`);
    expect(job.json).toMatchObject({ id: scanId, status: "success" });
    const connection = await api("GET", "/api/plex/connection");
    expect(connection.json).toMatchObject({ url: emulator.url });
    expect(connection.text).not.toContain(PLEX_TOKEN);
    expect((await api("GET", "/api/settings")).json.settings).toMatchObject({ days: 45 });
    expect((await api("GET", "/api/setup")).json).toMatchObject({ needed: false });
  });

  it("writes the data folder as the PUID:PGID user, never as root", () => {
    const files = readdirSync(data, { recursive: true, encoding: "utf8" });
    expect(files).toEqual(expect.arrayContaining(["psr.sqlite"]));
    for (const file of ["", ...files]) {
      const st = statSync(join(data, file));
      expect([file, st.uid, st.gid]).toEqual([file, UID, GID]);
    }
  });
});

describe("compose.yaml", () => {
  it("runs the image as the container test does: the base-image argument, the PUID:PGID user, ./data at /data, port 8501", () => {
    const compose = readFileSync(join(root, "compose.yaml"), "utf8");
    const dockerfile = readFileSync(join(root, "Dockerfile"), "utf8");
    const baseDefault = /^ARG BASE_IMAGE=(\S+)$/m.exec(dockerfile)?.[1];
    expect(baseDefault).toBe("node:20-bookworm-slim");
    expect(compose).toContain(`BASE_IMAGE: \${BASE_IMAGE:-${baseDefault}}`);
    expect(compose).toMatch(/^\s+user: "\$\{PUID:-1000\}:\$\{PGID:-1000\}"$/m);
    expect(compose).toMatch(/^\s+- \.\/data:\/data\b/m);
    expect(compose).toMatch(/^\s+- "8501:8501"/m);
  });
});

describe("the unRAID template", () => {
  const xml = readFileSync(join(root, "deploy", "unraid", "plex-smart-refresher.xml"), "utf8");
  const parsed = new XMLParser({ ignoreAttributes: false, attributeNamePrefix: "" }).parse(xml);
  const container = parsed.Container as Record<string, unknown> & { Config: Record<string, string>[] };
  const config = (type: string) => container.Config.filter((c) => c.Type === type);

  it("publishes the port the image listens on, with the WebUI link on it", () => {
    expect(config("Port").map((c) => [c.Target, c.Default, c.Mode])).toEqual([["8501", "8501", "tcp"]]);
    expect(container.WebUI).toBe("http://[IP]:[PORT:8501]/");
  });

  it("mounts appdata at /data and runs as nobody:users, not root", () => {
    expect(config("Path").map((c) => [c.Target, c.Mode])).toEqual([["/data", "rw"]]);
    expect(String(container.ExtraParams)).toMatch(/--user 99:100\b/);
    expect(container.Privileged).toBe(false);
  });

  it("offers only variables the app reads, secrets masked and none required", () => {
    const variables = config("Variable");
    for (const v of variables) {
      expect([v.Target, ENV_VARIABLES.includes(v.Target!) || v.Target === "TZ"]).toEqual([v.Target, true]);
      expect([v.Target, v.Required]).toEqual([v.Target, "false"]);
    }
    const masked = variables.filter((v) => v.Mask === "true").map((v) => v.Target);
    expect(masked).toEqual(["PLEX_TOKEN", "GUI_PASSWORD"]);
    // The image sets these itself; a template value would break the port or the volume.
    expect(variables.map((v) => v.Target)).not.toEqual(
      expect.arrayContaining([expect.stringMatching(/^PSR_(PORT|HOST|DATA_DIR)$/)]),
    );
  });
});
