// Checks of the deployment files in deploy/ with the real tools: `nginx -t` and a live nginx in
// front of a stand-in app (Debian's nginx), `systemd-analyze verify` and `systemd-analyze security`
// on the unit, and a structural parse of the unit that runs everywhere.
//
// In CI (CI=true) a missing tool is a failure, not a skip: .ci/run installs nginx, openssl and
// systemd, so a missing one means the check would silently not run. Locally the tool checks skip
// with the reason.
import { spawn, spawnSync } from "node:child_process";
import { existsSync, readFileSync, writeFileSync } from "node:fs";
import http from "node:http";
import https from "node:https";
import net from "node:net";
import path from "node:path";
import { fileURLToPath } from "node:url";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { tempDir } from "../helpers/tmp.js";

const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), "../..");
const UNIT_FILE = path.join(root, "deploy/plex-smart-refresher.service");
const SITE_FILE = path.join(root, "deploy/nginx/plex-smart-refresher.conf");
const NGINX = "/usr/sbin/nginx";
const OPENSSL = "/usr/bin/openssl";
const SYSTEMD_ANALYZE = "/usr/bin/systemd-analyze";
const DATA_DIR = "/var/lib/plex-smart-refresher";
const CERT_DIR = "/etc/letsencrypt/live/psr.example.org";
const IN_CI = /^(1|true|yes)$/i.test(process.env.CI ?? "");

/** Skips the test locally when a tool is missing; in CI a missing tool fails the test. */
function requireTools(ctx: { skip: (note?: string) => void }, ...tools: string[]): void {
  const missing = tools.filter((tool) => !existsSync(tool));
  if (missing.length === 0) return;
  const reason = `${missing.join(", ")} not installed (Debian: apt-get install nginx openssl systemd)`;
  if (IN_CI) throw new Error(`CI must run this check, but ${reason}; see .ci/run`);
  ctx.skip(reason);
}

function run(cmd: string, args: string[], cwd?: string) {
  const r = spawnSync(cmd, args, { cwd, encoding: "utf8", timeout: 20_000 });
  if (r.error) throw r.error;
  return { status: r.status, stdout: r.stdout, stderr: r.stderr, output: `${r.stdout}${r.stderr}` };
}

// --- systemd unit ---------------------------------------------------------------------------

type Unit = Map<string, Map<string, string[]>>;

/** A small parser for systemd unit files: sections, repeated keys, comments, continuations. */
function parseUnit(text: string): Unit {
  const unit: Unit = new Map();
  let section: Map<string, string[]> | undefined;
  const lines = text.replace(/\\\n/g, " ").split("\n");
  for (const [i, raw] of lines.entries()) {
    const line = raw.trim();
    if (line === "" || line.startsWith("#") || line.startsWith(";")) continue;
    const header = /^\[([A-Za-z]+)\]$/.exec(line);
    if (header) {
      section = new Map();
      unit.set(header[1]!, section);
      continue;
    }
    const eq = line.indexOf("=");
    if (!section || eq < 1) throw new Error(`unit line ${i + 1} is not "Key=value" in a section: ${raw}`);
    const key = line.slice(0, eq).trim();
    section.set(key, [...(section.get(key) ?? []), line.slice(eq + 1).trim()]);
  }
  return unit;
}

describe("systemd unit", () => {
  const text = readFileSync(UNIT_FILE, "utf8");
  const unit = parseUnit(text);
  const service = unit.get("Service") ?? new Map<string, string[]>();
  const one = (key: string) => {
    const values = service.get(key);
    expect(values, `[Service] ${key}= set exactly once`).toHaveLength(1);
    return values![0]!;
  };

  it("starts the compiled CLI's serve command", () => {
    const argv = one("ExecStart").split(/\s+/);
    expect(argv).toEqual([
      "/usr/bin/node",
      "--max-old-space-size=160",
      "/opt/plex-smart-refresher/dist/src/cli.js",
      "serve",
    ]);
    // dist/src/cli.js is what `npm run build` makes of src/cli.ts (tsconfig.build.json).
    expect(existsSync(path.join(root, "src/cli.ts"))).toBe(true);
    const base = JSON.parse(readFileSync(path.join(root, "tsconfig.json"), "utf8"));
    expect(base.compilerOptions.outDir).toBe("dist");
    expect(base.compilerOptions.rootDir).toBe(".");
  });

  it("keeps the data in the state directory, the only writable path", () => {
    const env = Object.fromEntries(
      one("Environment")
        .split(/\s+/)
        .map((pair) => pair.split("=", 2) as [string, string]),
    );
    expect(env).toEqual({ NODE_ENV: "production", PSR_DATA_DIR: DATA_DIR });
    expect(one("ReadWritePaths")).toBe(DATA_DIR);
    expect(`/var/lib/${one("StateDirectory")}`).toBe(DATA_DIR);
  });

  it("leaves W^X off: V8's JIT needs writable, executable memory", () => {
    // systemd-analyze security (below) rates the sandbox; it would rate W^X on even better, and
    // node would then crash at start. This one setting is checked here for that reason.
    expect(one("MemoryDenyWriteExecute")).toBe("false");
  });

  describe("systemd-analyze", () => {
    let tmp: ReturnType<typeof tempDir>;
    beforeAll(() => {
      tmp = tempDir("psr-deploy-systemd-");
    });
    afterAll(() => tmp.cleanup());

    /** `systemd-analyze verify` on a copy; returns the exit status and the lines about the unit. */
    function verify(name: string, content: string) {
      const file = path.join(tmp.dir, name);
      writeFileSync(file, content);
      const r = run(SYSTEMD_ANALYZE, ["verify", "--man=no", file], tmp.dir);
      // Complaints about other units (dependencies of the host) are not ours.
      const ours = r.output.split("\n").filter((line) => line.includes(name));
      return { ...r, ours };
    }

    it("verify accepts the unit without a warning", (ctx) => {
      requireTools(ctx, SYSTEMD_ANALYZE);
      // First make sure verify works in this environment at all (no systemd as PID 1 is fine).
      const control = verify("psr-control.service", "[Service]\nExecStart=/bin/true\n");
      if (control.status !== 0) {
        const reason = `systemd-analyze verify cannot run here: ${control.output.trim()}`;
        if (IN_CI) throw new Error(reason);
        ctx.skip(reason);
      }
      // ... and that it does find mistakes, so that a pass below means something.
      const broken = verify(
        "psr-broken.service",
        text.replace("Restart=on-failure", "Restart=on-failure\nRestartSecs=5"),
      );
      expect(broken.ours.join("\n")).toMatch(/Unknown key 'RestartSecs'/);

      // ExecStart's /usr/bin/node must exist (verify checks the executable, not its arguments).
      const r = verify("plex-smart-refresher.service", text);
      expect(r.ours, r.output).toEqual([]);
      expect(r.status, r.output).toBe(0);
    });

    it("security rates the sandbox as OK (exposure below 2.5)", (ctx) => {
      requireTools(ctx, SYSTEMD_ANALYZE);
      const file = path.join(tmp.dir, "plex-smart-refresher.service");
      writeFileSync(file, text);
      // --offline needs systemd >= 250 (Debian 12 has 252).
      const r = run(SYSTEMD_ANALYZE, ["security", "--offline=true", "--threshold=25", "--no-pager", file]);
      if (/unrecognized option|unknown option/i.test(r.stderr)) {
        const reason = `systemd-analyze too old for --offline: ${r.stderr.trim()}`;
        if (IN_CI) throw new Error(reason);
        ctx.skip(reason);
      }
      const level = /Overall exposure level for \S+: ([0-9.]+)/.exec(r.output);
      expect(level, r.output).not.toBeNull();
      expect(Number(level![1])).toBeLessThan(2.5);
      expect(r.status, r.output).toBe(0);
    });
  });
});

// --- nginx site -----------------------------------------------------------------------------

describe("nginx site", () => {
  const site = readFileSync(SITE_FILE, "utf8");
  let tmp: ReturnType<typeof tempDir>;
  beforeAll(() => {
    tmp = tempDir("psr-deploy-nginx-");
  });
  afterAll(() => tmp.cleanup());

  /** Writes a throwaway certificate and a self-contained nginx.conf that includes `siteText`. */
  function prepare(dir: string, siteText: string, httpExtra: string[] = []): string {
    const cert = path.join(dir, "fullchain.pem");
    const key = path.join(dir, "privkey.pem");
    if (!existsSync(cert)) {
      const r = run(OPENSSL, [
        "req",
        "-x509",
        "-newkey",
        "rsa:2048",
        "-nodes",
        "-days",
        "1",
        "-subj",
        "/CN=psr.example.org",
        "-keyout",
        key,
        "-out",
        cert,
      ]);
      expect(r.status, r.output).toBe(0);
    }
    const substituted = siteText
      .replaceAll(`${CERT_DIR}/fullchain.pem`, cert)
      .replaceAll(`${CERT_DIR}/privkey.pem`, key);
    expect(substituted).not.toContain("/etc/letsencrypt");
    writeFileSync(path.join(dir, "site.conf"), substituted);
    const conf = path.join(dir, "nginx.conf");
    const p = (name: string) => path.join(dir, name);
    writeFileSync(
      conf,
      [
        `pid ${p("nginx.pid")};`,
        `error_log ${p("error.log")} info;`,
        "events { worker_connections 64; }",
        "http {",
        "  access_log off;",
        `  client_body_temp_path ${p("client_body")};`,
        `  proxy_temp_path ${p("proxy")};`,
        `  fastcgi_temp_path ${p("fastcgi")};`,
        `  uwsgi_temp_path ${p("uwsgi")};`,
        `  scgi_temp_path ${p("scgi")};`,
        ...httpExtra.map((line) => `  ${line}`),
        `  include ${p("site.conf")};`,
        "}",
        "",
      ].join("\n"),
    );
    return conf;
  }

  const nginxArgs = (dir: string, conf: string) => [
    "-p",
    `${dir}/`,
    "-c",
    conf,
    "-e",
    path.join(dir, "error.log"),
  ];

  it("passes nginx -t with a throwaway certificate", (ctx) => {
    requireTools(ctx, NGINX, OPENSSL);
    const conf = prepare(tmp.dir, site);
    const r = run(NGINX, ["-t", ...nginxArgs(tmp.dir, conf)]);
    expect(r.output).toContain("test is successful");
    expect(r.output).not.toMatch(/\[(warn|emerg|alert|crit)\]/);
    expect(r.status, r.output).toBe(0);
  });

  it("redirects to HTTPS, forwards the client headers and streams SSE unbuffered", async (ctx) => {
    requireTools(ctx, NGINX, OPENSSL);
    const { dir, cleanup } = tempDir("psr-deploy-nginx-live-");
    const seen: http.IncomingHttpHeaders[] = [];
    const received: { url: string; bytes: number }[] = [];
    let finishSse: (() => void) | undefined;
    // Stand-in for `psr serve`: records the headers and holds an SSE stream open.
    const app = http.createServer((req, res) => {
      seen.push(req.headers);
      if (req.url === "/api/scans/7/events") {
        res.writeHead(200, { "content-type": "text/event-stream", "cache-control": "no-cache" });
        res.write('event: progress\ndata: {"done":1}\n\n');
        finishSse = () => res.end();
        return;
      }
      let bytes = 0;
      req.on("data", (d: Buffer) => {
        bytes += d.length;
      });
      req.on("end", () => {
        received.push({ url: req.url ?? "", bytes });
        res.writeHead(200, { "content-type": "application/json" });
        res.end('{"ok":true}');
      });
    });
    let nginx: ReturnType<typeof spawn> | undefined;
    try {
      await new Promise<void>((resolve) => app.listen(0, "127.0.0.1", resolve));
      const appPort = (app.address() as net.AddressInfo).port;
      const [httpPort, httpsPort] = [await freePort(), await freePort()];
      const live = site
        .replace(/^\s*listen \[::\].*\n/gm, "")
        .replace("listen 80;", `listen 127.0.0.1:${httpPort};`)
        .replace("listen 443 ssl http2;", `listen 127.0.0.1:${httpsPort} ssl http2;`)
        .replaceAll("http://127.0.0.1:8501", `http://127.0.0.1:${appPort}`);
      expect(live).toContain(`listen 127.0.0.1:${httpsPort} ssl`);
      // Debian's nginx.conf turns gzip on; here it also covers event streams, so that the
      // site's "gzip off" for SSE is what keeps the stream uncompressed.
      const conf = prepare(dir, live, ["gzip on;", "gzip_types text/event-stream application/json;"]);
      // One foreground process without privilege switching, so it also works as non-root.
      nginx = spawn(NGINX, [...nginxArgs(dir, conf), "-g", "daemon off; master_process off;"], {
        stdio: ["ignore", "ignore", "pipe"],
      });
      let nginxErr = "";
      nginx.stderr?.on("data", (d) => {
        nginxErr += d;
      });
      await waitForPort(httpsPort, () => `${nginxErr}${readIfExists(path.join(dir, "error.log"))}`);

      const redirect = await request("http", httpPort, "GET", "/scans?x=1");
      expect(redirect.status).toBe(301);
      expect(redirect.headers.location).toBe("https://psr.example.org/scans?x=1");

      const api = await request("https", httpsPort, "GET", "/api/health");
      expect(api.status).toBe(200);
      const forwarded = seen.at(-1)!;
      expect(forwarded.host).toBe("psr.example.org");
      expect(forwarded["x-forwarded-proto"]).toBe("https");
      expect(forwarded["x-forwarded-host"]).toBe("psr.example.org");
      expect(forwarded["x-forwarded-for"]).toBe("127.0.0.1");

      const tooBig = await request("https", httpsPort, "POST", "/api/settings", "x".repeat(1024 * 1024 + 1));
      expect(tooBig.status).toBe(413);
      // The import's uploads have their own limit: a 5 MB refresh_state.db reaches the app whole.
      const upload = `/api/import/uploads/${"ab".repeat(16)}/database`;
      const database = await request("https", httpsPort, "PUT", upload, "x".repeat(5 * 1024 * 1024));
      expect(database.status).toBe(200);
      expect(received.at(-1)).toEqual({ url: upload, bytes: 5 * 1024 * 1024 });
      // Over 64 MB (the app's cap, with room for nothing else) nginx refuses it from the header.
      const huge = await request("https", httpsPort, "PUT", upload, undefined, 66 * 1024 * 1024);
      expect(huge.status).toBe(413);
      // Other paths under /api/import keep the API's 1 MB.
      const other = await request(
        "https",
        httpsPort,
        "POST",
        `/api/import/uploads/${"ab".repeat(16)}/import`,
        "x".repeat(1024 * 1024 + 1),
      );
      expect(other.status).toBe(413);

      // The first event must arrive while the app still holds the stream open.
      const first = await new Promise<{ headers: http.IncomingHttpHeaders; chunk: string }>(
        (resolve, reject) => {
          const req = https.get(
            {
              host: "127.0.0.1",
              port: httpsPort,
              path: "/api/scans/7/events",
              headers: { host: "psr.example.org", accept: "text/event-stream", "accept-encoding": "gzip" },
              servername: "psr.example.org",
              rejectUnauthorized: false,
              timeout: 5000,
            },
            (res) => {
              res.setEncoding("utf8");
              res.once("data", (chunk: string) => resolve({ headers: res.headers, chunk }));
              res.on("error", reject);
            },
          );
          req.on("timeout", () =>
            req.destroy(new Error("no SSE event within 5 s: nginx buffers the stream")),
          );
          req.on("error", reject);
        },
      );
      expect(finishSse, "stream still open when the event arrived").toBeDefined();
      expect(first.chunk).toContain('data: {"done":1}');
      expect(first.headers["x-accel-buffering"]).toBe("no");
      expect(first.headers["content-encoding"]).toBeUndefined();
      // The SSE location forwards the same headers (it must not define its own set).
      expect(seen.at(-1)).toMatchObject({ host: "psr.example.org", "x-forwarded-proto": "https" });
    } finally {
      finishSse?.();
      if (nginx && nginx.exitCode === null) {
        const exited = new Promise((resolve) => nginx!.once("exit", resolve));
        nginx.kill("SIGTERM");
        await exited;
      }
      app.closeAllConnections();
      await new Promise((resolve) => app.close(resolve));
      cleanup();
    }
  });
});

function readIfExists(file: string): string {
  return existsSync(file) ? readFileSync(file, "utf8") : "";
}

function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const srv = net.createServer();
    srv.once("error", reject);
    srv.listen(0, "127.0.0.1", () => {
      const { port } = srv.address() as net.AddressInfo;
      srv.close(() => resolve(port));
    });
  });
}

async function waitForPort(port: number, diagnostics: () => string): Promise<void> {
  const deadline = Date.now() + 10_000;
  while (Date.now() < deadline) {
    const ok = await new Promise<boolean>((resolve) => {
      const socket = net.connect(port, "127.0.0.1");
      socket.once("connect", () => {
        socket.destroy();
        resolve(true);
      });
      socket.once("error", () => resolve(false));
    });
    if (ok) return;
    await new Promise((resolve) => setTimeout(resolve, 50));
  }
  throw new Error(`nginx did not listen on ${port}: ${diagnostics()}`);
}

function request(
  scheme: "http" | "https",
  port: number,
  method: string,
  urlPath: string,
  body?: string,
  /** Declares this Content-Length and sends no body: for limits checked from the header. */
  declaredLength?: number,
): Promise<{ status: number; headers: http.IncomingHttpHeaders; body: string }> {
  return new Promise((resolve, reject) => {
    const options: https.RequestOptions = {
      host: "127.0.0.1",
      port,
      method,
      path: urlPath,
      headers: {
        host: "psr.example.org",
        ...(body === undefined
          ? {}
          : { "content-type": "application/json", "content-length": Buffer.byteLength(body) }),
        ...(declaredLength === undefined ? {} : { "content-length": declaredLength }),
      },
      servername: "psr.example.org",
      rejectUnauthorized: false,
      timeout: 5000,
    };
    const req = (scheme === "https" ? https : http).request(options, (res) => {
      let text = "";
      res.setEncoding("utf8");
      res.on("data", (chunk: string) => {
        text += chunk;
      });
      res.on("end", () => resolve({ status: res.statusCode ?? 0, headers: res.headers, body: text }));
      res.on("error", reject);
    });
    req.on("timeout", () => req.destroy(new Error(`${method} ${urlPath}: timeout`)));
    req.on("error", reject);
    if (declaredLength === undefined) req.end(body);
    else req.flushHeaders();
  });
}
