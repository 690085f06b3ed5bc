// Audit finding 3 against the real executable: `psr serve` with watch mode on, and a Plex that
// sends an oversized timeline frame on every connection. The server must skip and count each
// one, say so once in its log, reconnect, stay up, and still act on the frames that follow.
import { afterAll, beforeAll, expect, it } from "vitest";
import { type EmulatorHandle, startEmulator } from "../../emulator/index.js";
import { type StartedProcess, startPsr } from "../helpers/cli.js";
import { tempDir } from "../helpers/tmp.js";

let emulator: EmulatorHandle;
let psr: StartedProcess | undefined;
const work = tempDir();

/** A 16 MB timeline frame, shaped like Plex's: each entry announces a new item. */
function hugeFrame(): string {
  const entries = Array.from({ length: 160_000 }, (_, i) => ({
    identifier: "com.plexapp.plugins.library",
    itemID: String(500_000 + i),
    sectionID: "1",
    type: 1,
    state: 0,
    metadataState: "created",
    updatedAt: 1_700_000_000,
  }));
  return JSON.stringify({
    NotificationContainer: { type: "timeline", size: entries.length, TimelineEntry: entries },
  });
}

async function waitFor(what: string, probe: () => Promise<boolean> | boolean, ms = 30_000) {
  const until = Date.now() + ms;
  while (!(await probe())) {
    if (Date.now() > until) throw new Error(`timed out waiting for ${what}\n${psr?.output() ?? ""}`);
    await new Promise((r) => setTimeout(r, 20));
  }
}

async function watchEvent(base: string, outcome: string): Promise<number> {
  const text = await (await fetch(`${base}/metrics`)).text();
  const line = text.split("\n").find((l) => l.startsWith(`psr_watch_events_total{outcome="${outcome}"}`));
  return line ? Number(line.split(" ").at(-1)) : 0;
}

beforeAll(async () => {
  emulator = await startEmulator({ seed: 31, items: 20, brokenShare: 0 });
});
afterAll(async () => {
  await psr?.stop("SIGKILL");
  await emulator?.close();
  work.cleanup();
});

it("skips and counts an oversized frame on every connection, logs it once, and stays up", async () => {
  psr = await startPsr(
    ["serve"],
    {
      PLEX_URL: emulator.url,
      PLEX_TOKEN: emulator.token,
      PSR_DATA_DIR: work.dir,
      PSR_PORT: "0",
      PSR_LOG_LEVEL: "info",
      PSR_METRICS_AUTH: "none",
    },
    work.dir,
    /listening on (http:\/\/\S+)\n/,
  );
  const base = psr.match[1]!;
  const frame = hugeFrame();
  expect(frame.length).toBeGreaterThan(16_000_000);

  // Three connections in a row, each met with the frame as soon as it opens.
  for (let round = 1; round <= 3; round++) {
    await waitFor(
      `connection ${round}`,
      async () => (await watchEvent(base, "connects")) === round && emulator.notifications.connections === 1,
    );
    emulator.notifications.sendRaw(frame);
    await waitFor(
      `frame ${round} to be counted`,
      async () => (await watchEvent(base, "malformed")) === round,
    );
  }
  await waitFor(
    "the reconnect after the last frame",
    async () => (await watchEvent(base, "connects")) === 4 && emulator.notifications.connections === 1,
  );
  expect(await watchEvent(base, "disconnects")).toBe(3);

  // Still up, and the next real announcement is acted on.
  expect(psr.child.exitCode).toBeNull();
  expect((await fetch(`${base}/api/health`)).status).toBe(200);
  emulator.addItem({ health: "no-poster", processingMs: 50 });
  await waitFor("the added item to be seen", async () => (await watchEvent(base, "created")) >= 1);

  const warnings = psr.output().match(/notification over the size limit/g) ?? [];
  expect(warnings).toHaveLength(1);
  expect(psr.output()).not.toContain(emulator.token);
}, 90_000);
