// Watch mode across a restart: `psr serve` stops, Plex adds items meanwhile (one it has long
// finished, one it is still processing), and the next start checks both from the stored mark.
import { afterAll, beforeAll, expect, it } from "vitest";
import { type EmulatorHandle, startEmulator } from "../../emulator/index.js";
import { type RunningServer, startServer } from "../../src/cli/serve.js";
import { loadConfig } from "../../src/config/env.js";
import { saveSettings } from "../../src/db/settings-repo.js";
import { tempDir } from "../helpers/tmp.js";

let emulator: EmulatorHandle;
let server: RunningServer | undefined;
const work = tempDir();

function start(): Promise<RunningServer> {
  return startServer(
    loadConfig(
      {
        PLEX_URL: emulator.url,
        PLEX_TOKEN: emulator.token,
        PSR_DATA_DIR: work.dir,
        PSR_PORT: "0",
        PSR_LOG_LEVEL: "silent",
      },
      work.dir,
    ),
  );
}

async function waitFor(what: string, probe: () => Promise<boolean> | boolean, ms = 30_000) {
  const until = Date.now() + ms;
  while (!(await probe())) {
    if (Date.now() > until) throw new Error(`timed out waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 50));
  }
}

async function state(s: RunningServer, ratingKey: string) {
  const row = await s.db.kysely
    .selectFrom("items")
    .select("state")
    .where("rating_key", "=", ratingKey)
    .executeTakeFirst();
  return row?.state;
}

beforeAll(async () => {
  emulator = await startEmulator({ seed: 21, items: 30, brokenShare: 0 });
}, 30_000);
afterAll(async () => {
  await server?.close();
  await emulator?.close();
  work.cleanup();
});

it("checks the items Plex added while the server was stopped", async () => {
  server = await start();
  await saveSettings(server.db.kysely, { watch: { enabled: true, settleSeconds: 1 } });
  await server.watcher.reload();
  await waitFor("the first connection", () => server?.watcher.snapshot().connected === true);
  // The first start stores its mark and lists nothing older.
  expect(server.watcher.snapshot().events.caught_up).toBeUndefined();
  await server.close();
  server = undefined;

  const finished = emulator.addItem({ health: "no-poster", title: "Added While Stopped", processingMs: 50 });
  await finished.finished;
  const show = emulator.addItem({ type: "show", episodes: 2, health: "no-poster", processingMs: 6000 });

  const restarted = await start();
  server = restarted;
  await waitFor(
    "both to be fixed",
    async () =>
      (await state(restarted, finished.ratingKey)) === "fixed" &&
      (await state(restarted, show.ratingKey)) === "fixed",
  );
  const events = restarted.watcher.snapshot().events;
  // The movie, the show and its two episodes (seasons are not followed). The movie's "done" went
  // out while the server was down: it is checked 15 s after the catch-up at the latest.
  expect(events.caught_up).toBe(4);
  const history = await restarted.db.kysely
    .selectFrom("item_history")
    .select(["rating_key", "source", "outcome"])
    .where("rating_key", "in", [finished.ratingKey, show.ratingKey])
    .execute();
  expect(history).toHaveLength(2);
  expect(history.every((h) => h.source === "watch" && h.outcome === "fixed")).toBe(true);
}, 60_000);
