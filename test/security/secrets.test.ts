// The secret-leak grep: a real `psr serve` with a distinctive Plex token, password and API
// key runs a scan; then every HTTP response, the process output and every file in the data
// directory are searched for those secrets.
import { readdirSync, readFileSync, statSync } from "node:fs";
import { join } from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { type EmulatorHandle, startEmulator } from "../../emulator/index.js";
import { runPsr, type StartedProcess, startPsr } from "../helpers/cli.js";
import { tempDir } from "../helpers/tmp.js";

const TOKEN = "PlexTok-LEAKCHECK-9f8e7d6c";
const PASSWORD = "Pass-LEAKCHECK-5b4a3c2d";
const API_KEY = "ApiKey-LEAKCHECK-1a2b3c4d5e";
const SECRETS = [TOKEN, PASSWORD, API_KEY];

let emulator: EmulatorHandle;
let work: ReturnType<typeof tempDir>;
let server: StartedProcess;
let base = "";
const responses: string[] = [];

beforeAll(async () => {
  emulator = await startEmulator({
    token: TOKEN,
    seed: 8,
    items: 80,
    refresh: { workers: 4, minMs: 5, maxMs: 30 },
  });
  work = tempDir();
  server = await startPsr(
    ["serve"],
    {
      PLEX_URL: emulator.url,
      PLEX_TOKEN: TOKEN,
      GUI_PASSWORD: PASSWORD,
      PSR_API_KEY: API_KEY,
      PSR_DATA_DIR: work.dir,
      PSR_PORT: "0",
      PSR_LOG_LEVEL: "trace",
    },
    work.dir,
    /listening on (http:\/\/\S+)\n/,
  );
  base = server.match[1]!;
});
afterAll(async () => {
  await server?.stop("SIGKILL");
  await emulator?.close();
  work?.cleanup();
});

async function call(method: string, path: string, headers: Record<string, string>, body?: unknown) {
  const res = await fetch(base + path, {
    method,
    headers: { ...headers, ...(body === undefined ? {} : { "Content-Type": "application/json" }) },
    body: body === undefined ? undefined : JSON.stringify(body),
  });
  const text = await res.text();
  // What the server sent back (not the request we made, which may hold a secret on purpose).
  responses.push(`${res.status} ${JSON.stringify([...res.headers])} ${text}`);
  return { status: res.status, text, headers: res.headers };
}

function filesUnder(dir: string): string[] {
  return readdirSync(dir).flatMap((name) => {
    const path = join(dir, name);
    return statSync(path).isDirectory() ? filesUnder(path) : [path];
  });
}

describe("secrets never leak", () => {
  it("appear in no response, no output and no file after a full scan", async () => {
    const login = await call(
      "POST",
      "/api/auth/login",
      { Origin: base },
      { username: "admin", password: PASSWORD },
    );
    expect(login.status).toBe(200);
    const cookie = (login.headers.get("set-cookie") ?? "").split(";")[0]!;
    const csrf = JSON.parse(login.text).csrfToken as string;
    const session = { Cookie: cookie, Origin: base, "X-CSRF-Token": csrf };
    const key = { "X-Api-Key": API_KEY };

    await call("PUT", "/api/settings", session, {
      notifications: { telegram: { enabled: false, botToken: "", chatId: "" } },
    });
    const start = await call("POST", "/api/scans", key, { all: true });
    expect(start.status).toBe(202);
    const id = JSON.parse(start.text).id as number;
    for (let i = 0; i < 200; i++) {
      const s = await call("GET", `/api/scans/${id}`, key);
      if (JSON.parse(s.text).status !== "running") break;
      await new Promise((r) => setTimeout(r, 100));
    }
    const items = JSON.parse((await call("GET", "/api/items?pageSize=100", key)).text).items as {
      ratingKey: string;
    }[];
    expect(items.length).toBeGreaterThan(0);
    for (const path of [
      "/api/auth/me",
      "/api/settings",
      "/api/stats",
      "/api/scans",
      `/api/scans/${id}`,
      `/api/scans/${id}/log?tail=10000`,
      `/api/scans/${id}/log?download=1`,
      "/api/plex/libraries",
      `/api/items/${items[0]!.ratingKey}/matches`,
      `/api/items/${items[0]!.ratingKey}/poster`,
      "/api/health",
      `/api/health?X-Plex-Token=${TOKEN}`, // request logging must mask it
      `/api/nothing?x-plex-token=${TOKEN}`,
      "/",
      "/api/does-not-exist",
    ]) {
      await call("GET", path, key);
    }
    await call("POST", "/api/notifications/test", key, {});
    await call("POST", "/api/auth/login", { Origin: base }, { username: "admin", password: `${PASSWORD}x` });

    // A CLI scan too: its stdout, stderr and job log.
    const cli = await runPsr(
      ["scan", "--all", "--json"],
      {
        PLEX_URL: emulator.url,
        PLEX_TOKEN: TOKEN,
        PSR_DATA_DIR: work.dir,
        GUI_PASSWORD: PASSWORD,
        PSR_API_KEY: API_KEY,
      },
      work.dir,
    );
    expect(cli.code, cli.stderr).toBe(0);
    const wrongToken = await runPsr(
      ["plex", "check"],
      { PLEX_URL: `${emulator.url}/?X-Plex-Token=${TOKEN}`, PLEX_TOKEN: "x" },
      work.dir,
    );

    const haystacks: [string, string][] = [
      ["HTTP responses", responses.join("\n")],
      ["server output", server.output()],
      ["CLI output", cli.stdout + cli.stderr + wrongToken.stdout + wrongToken.stderr],
      ...filesUnder(work.dir).map((f) => [f, readFileSync(f).toString("latin1")] as [string, string]),
    ];
    expect(haystacks.length).toBeGreaterThan(4);
    // The settings show that a token is set, masked.
    expect(responses.join("\n")).toContain(`••••${TOKEN.slice(-4)}`);
    expect(server.output().length).toBeGreaterThan(1000); // trace logging really ran
    for (const [where, text] of haystacks) {
      for (const secret of SECRETS) {
        expect(text.includes(secret), `${secret} found in ${where}`).toBe(false);
        expect(text.includes(encodeURIComponent(secret)), `${secret} (URL-encoded) found in ${where}`).toBe(
          false,
        );
      }
    }
  });
});
