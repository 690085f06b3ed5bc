// `psr jobs log ID -f` follows a scan run by another process (here the server) to its end and
// prints every line of its log exactly once, in order.
import { readFileSync } from "node:fs";
import { join } from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { runPsr } from "../helpers/cli.js";
import { startTestServer, type TestServer } from "../helpers/server.js";

let t: TestServer;

beforeAll(async () => {
  t = await startTestServer(
    { seed: 4, items: 80, brokenShare: 0.3, refresh: { workers: 1, minMs: 80, maxMs: 150 } },
    { GUI_PASSWORD: "follow-test-password" },
  );
});
afterAll(async () => {
  await t?.close();
});

describe("psr jobs log -f", () => {
  it("follows a running scan from another process to its end", async () => {
    const job = await t.server.scans.start("api", { all: true });
    const result = await runPsr(
      ["jobs", "log", String(job.id), "-f"],
      { PSR_DATA_DIR: t.dataDir },
      t.dataDir,
      60_000,
    );
    expect(result.code).toBe(0);
    const file = readFileSync(join(t.dataDir, "logs", `scan_${job.id}.log`), "utf8");
    expect(result.stdout).toBe(file);
    expect(file.split("\n").length).toBeGreaterThan(10);
  });
});
