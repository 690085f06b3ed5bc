import { readFileSync } from "node:fs";
import { request as httpRequest } from "node:http";
import { createServer as createHttpsServer, type Server } from "node:https";
import { createServer } from "node:net";
import { join } from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { type EmulatorHandle, startEmulator } from "../../emulator/index.js";
import { runPsr } from "../helpers/cli.js";
import { tempDir } from "../helpers/tmp.js";

const TOKEN = "check-token-6f1c2d";
let emulator: EmulatorHandle;
let work: ReturnType<typeof tempDir>;

beforeAll(async () => {
  emulator = await startEmulator({ token: TOKEN, seed: 7, items: 240 });
  work = tempDir();
});
afterAll(async () => {
  await emulator?.close();
  work?.cleanup();
});

function env(extra: Record<string, string> = {}) {
  return { PLEX_URL: emulator.url, PLEX_TOKEN: TOKEN, PSR_DATA_DIR: work.dir, PLEX_TIMEOUT: "5", ...extra };
}

/** A loopback port with nothing listening on it. */
async function closedPort(): Promise<number> {
  const server = createServer();
  await new Promise<void>((r) => server.listen(0, "127.0.0.1", r));
  const { port } = server.address() as { port: number };
  await new Promise((r) => server.close(r));
  return port;
}

describe("psr plex check", () => {
  it("prints the server, version and libraries with their counts as JSON", async () => {
    const { code, stdout, stderr } = await runPsr(["plex", "check", "--json"], env(), work.dir);
    expect(stderr).toBe("");
    expect(code).toBe(0);
    const result = JSON.parse(stdout);
    expect(result.server).toEqual({
      name: expect.any(String),
      version: expect.stringMatching(/^\d+\.\d+\.\d+/),
      machineIdentifier: expect.stringMatching(/^[0-9a-f]{40}$/),
    });
    expect(result.libraries.length).toBeGreaterThanOrEqual(4);
    for (const lib of result.libraries) {
      expect(lib).toEqual({
        id: expect.any(String),
        title: expect.any(String),
        type: expect.any(String),
        agent: expect.any(String),
        count: expect.any(Number),
      });
    }
    const topLevel = result.libraries
      .filter((l: { type: string }) => l.type === "movie" || l.type === "show")
      .reduce((sum: number, l: { count: number }) => sum + l.count, 0);
    expect(topLevel).toBe(240);
    expect(stdout).not.toContain(TOKEN);
  });

  it("prints a readable table without --json", async () => {
    const { code, stdout } = await runPsr(["plex", "check"], env(), work.dir);
    expect(code).toBe(0);
    expect(stdout).toMatch(/^Connected to .+ \(Plex \d+\.\d+/);
    expect(stdout).toContain("tv.plex.agents.movie");
  });

  it("fails with a one-line reason when the token is rejected", async () => {
    const { code, stdout, stderr } = await runPsr(
      ["plex", "check"],
      env({ PLEX_TOKEN: "wrong-token-123" }),
      work.dir,
    );
    expect(code).not.toBe(0);
    expect(stdout).toBe("");
    expect(stderr.trim().split("\n")).toHaveLength(1);
    expect(stderr).toMatch(/401/);
    expect(stderr).toMatch(/PLEX_TOKEN/);
    expect(stderr).not.toContain("wrong-token-123");
  });

  it("fails with a one-line reason when nothing listens on the port", async () => {
    const port = await closedPort();
    const { code, stderr } = await runPsr(
      ["plex", "check"],
      env({ PLEX_URL: `http://127.0.0.1:${port}` }),
      work.dir,
    );
    expect(code).not.toBe(0);
    expect(stderr.trim().split("\n")).toHaveLength(1);
    expect(stderr).toMatch(/unreachable/i);
    expect(stderr).toContain(`127.0.0.1:${port}`);
  });

  it("refuses to start with an invalid variable and names it", async () => {
    const { code, stderr } = await runPsr(["plex", "check"], env({ PLEX_TIMEOUT: "abc" }), work.dir);
    expect(code).toBe(2);
    expect(stderr).toContain('PLEX_TIMEOUT: expected a number of seconds (got "abc")');
  });

  it("says what is missing when no token is configured", async () => {
    const { code, stderr } = await runPsr(["plex", "check"], env({ PLEX_TOKEN: "" }), work.dir);
    expect(code).toBe(2);
    expect(stderr).toMatch(/PLEX_TOKEN is not set/);
  });

  it("rejects unknown options with exit code 2", async () => {
    const { code, stderr } = await runPsr(["plex", "check", "--jsn"], env(), work.dir);
    expect(code).toBe(2);
    expect(stderr).toMatch(/--jsn/);
  });
});

describe("psr plex check over https", () => {
  // Plex on https with a certificate the machine does not trust (its own, or an IP address):
  // refused with the reason, and accepted once the certificate is trusted (NODE_EXTRA_CA_CERTS).
  const tls = (name: string) => readFileSync(join(import.meta.dirname, "../fixtures/tls", name));
  let proxy: Server;
  let httpsUrl: string;
  beforeAll(async () => {
    proxy = createHttpsServer({ key: tls("plex-test.key"), cert: tls("plex-test.crt") }, (req, res) => {
      const upstream = httpRequest(
        new URL(req.url ?? "/", emulator.url),
        { method: req.method, headers: req.headers },
        (answer) => {
          res.writeHead(answer.statusCode ?? 502, answer.headers);
          answer.pipe(res);
        },
      );
      req.pipe(upstream);
    });
    await new Promise<void>((r) => proxy.listen(0, "127.0.0.1", r));
    httpsUrl = `https://127.0.0.1:${(proxy.address() as { port: number }).port}`;
  });
  afterAll(async () => {
    proxy.closeAllConnections();
    await new Promise((r) => proxy.close(r));
  });

  it("refuses a certificate it does not trust, naming why, and never sends the token", async () => {
    const { code, stdout, stderr } = await runPsr(["plex", "check"], env({ PLEX_URL: httpsUrl }), work.dir);
    expect(code).not.toBe(0);
    expect(stderr).toContain(
      "presents a certificate this machine does not trust (DEPTH_ZERO_SELF_SIGNED_CERT)",
    );
    expect(stderr).toContain("NODE_EXTRA_CA_CERTS");
    expect(`${stdout}${stderr}`).not.toContain(TOKEN);
  });

  it("works once the certificate is trusted through NODE_EXTRA_CA_CERTS", async () => {
    const ca = join(import.meta.dirname, "../fixtures/tls/plex-test.crt");
    const { code, stdout, stderr } = await runPsr(
      ["plex", "check", "--json"],
      env({ PLEX_URL: httpsUrl, NODE_EXTRA_CA_CERTS: ca }),
      work.dir,
    );
    expect(code, stderr).toBe(0);
    expect(JSON.parse(stdout).libraries.length).toBeGreaterThanOrEqual(4);
  });
});
