// `psr jobs log ID -f` follows a scan run by another process (here the server) to its end and
// prints every line of its log exactly once, in order.
import { readFileSync } from "node:fs";
import { join } from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { type EmulatorHandle, startEmulator } from "../../emulator/index.js";
import { type RunningServer, startServer } from "../../src/cli/serve.js";
import { loadConfig } from "../../src/config/env.js";
import { runPsr } from "../helpers/cli.js";
import { tempDir } from "../helpers/tmp.js";

let emulator: EmulatorHandle;
let server: RunningServer;
let work: ReturnType<typeof tempDir>;

beforeAll(async () => {
  emulator = await startEmulator({
    seed: 4,
    items: 80,
    brokenShare: 0.3,
    refresh: { workers: 1, minMs: 80, maxMs: 150 },
  });
  work = tempDir();
  server = await startServer(
    loadConfig(
      {
        PLEX_URL: emulator.url,
        PLEX_TOKEN: emulator.token,
        PSR_DATA_DIR: work.dir,
        PSR_PORT: "0",
        PSR_LOG_LEVEL: "silent",
        GUI_PASSWORD: "follow-test-password",
      },
      work.dir,
    ),
  );
});
afterAll(async () => {
  await server?.close();
  await emulator?.close();
  work?.cleanup();
});

describe("psr jobs log -f", () => {
  it("follows a running scan from another process to its end", async () => {
    const job = await server.scans.start("api", { all: true });
    const result = await runPsr(
      ["jobs", "log", String(job.id), "-f"],
      { PSR_DATA_DIR: work.dir },
      work.dir,
      60_000,
    );
    expect(result.code).toBe(0);
    const file = readFileSync(join(work.dir, "logs", `scan_${job.id}.log`), "utf8");
    expect(result.stdout).toBe(file);
    expect(file.split("\n").length).toBeGreaterThan(10);
  });
});
