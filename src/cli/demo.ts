// `psr demo`: the bundled Plex emulator and `psr serve` wired together, so the app can be tried
// without a Plex server. Data goes to its own folder so a demo never touches real state.
import { randomBytes } from "node:crypto";
import { readFileSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import pino from "pino";
import { DATASET_PROFILES, startEmulator } from "../../emulator/index.js";
import { verifyPassword } from "../auth/crypto.js";
import { AuthStore } from "../auth/store.js";
import type { Config } from "../config/env.js";
import { ensurePrivateDir } from "../db/private-files.js";
import { choiceOption, intOption, parseCommandArgs } from "./args.js";
import { DEMO_DATASET } from "./demo-dataset.js";
import { startServer, untilSignal } from "./serve.js";

export async function demoCommand(argv: string[], config: Config, env: NodeJS.ProcessEnv): Promise<number> {
  const { values } = parseCommandArgs(argv, {
    items: { type: "string" },
    seed: { type: "string" },
    profile: { type: "string" },
    "plex-port": { type: "string" },
  });
  const emulator = await startEmulator({
    port: intOption("plex-port", values["plex-port"], { min: 0, max: 65_535 }) ?? 0,
    items: intOption("items", values.items, { min: 1, max: 100_000 }) ?? DEMO_DATASET.items,
    seed: intOption("seed", values.seed, { min: 0, max: 2 ** 31 - 1 }) ?? DEMO_DATASET.seed,
    profile: choiceOption("profile", values.profile, DATASET_PROFILES) ?? DEMO_DATASET.profile,
    token: "demo-token",
  });
  process.stdout.write(`Plex emulator listening on ${emulator.url}\n`);

  const dataDir = env.PSR_DATA_DIR ? config.dataDir : join(config.dataDir, "demo");
  // For scripts and curl, the demo also gets an API key: the same one on every start.
  const apiKey = config.auth.apiKey ?? demoApiKey(dataDir);
  const demoPassword = config.auth.initialPassword ?? "demo-password";
  const demoConfig: Config = {
    ...config,
    auth: { ...config.auth, apiKey, initialPassword: demoPassword },
    plex: { ...config.plex, url: emulator.url, token: emulator.token },
    dataDir,
  };
  // The console is for people: the banner and the emulator's address. The server's JSON log
  // lines go to a file in the demo's data folder.
  ensurePrivateDir(dataDir);
  const logFile = join(dataDir, "server.log");
  const logDestination = pino.destination({ dest: logFile, sync: true });
  let server: Awaited<ReturnType<typeof startServer>>;
  try {
    server = await startServer(demoConfig, { logDestination });
  } catch (error) {
    await emulator.close();
    throw error;
  }
  // The demo's login is made on its first start; a restart keeps it (and every browser's session),
  // so a password changed in the demo stays changed.
  const user = await new AuthStore(server.db.kysely).user();
  const stillDemoPassword = user ? await verifyPassword(demoPassword, user.passwordHash) : true;
  const login = stillDemoPassword
    ? `log in as ${config.auth.username} / ${demoPassword}`
    : `log in as ${config.auth.username} with the password you set in the demo`;
  process.stdout.write(
    [
      "",
      `Plex Smart Refresher demo running at ${server.url}`,
      `  Open it in a browser and ${login}`,
      `  Plex:  the bundled emulator (${emulator.url})`,
      `  Data:  ${demoConfig.dataDir} (server log: ${logFile})`,
      `  API:   send "X-Api-Key: ${apiKey}", e.g. curl -H "X-Api-Key: ${apiKey}" ${server.url}/api/stats`,
      "Press Ctrl+C to stop.",
      "",
    ].join("\n"),
  );
  // Plex "adds" a movie every three minutes, every other one without a poster, so watch mode has
  // something to show on the dashboard.
  // A new show whose last two episodes are placeholders ("Episode 3", no summary, no thumbnail):
  // their data appears upstream after 20 minutes, so the demo shows them waiting, then fixed.
  emulator.addItem({ type: "show", episodes: 4, placeholders: { count: 2, arrivesInMs: 20 * 60_000 } });
  let arrivals = 0;
  const arrivalTimer = setInterval(() => {
    arrivals++;
    emulator.addItem({ health: arrivals % 2 === 1 ? "no-poster" : "healthy" });
  }, 180_000);
  arrivalTimer.unref();
  return untilSignal(async () => {
    clearInterval(arrivalTimer);
    await server.close();
    await emulator.close();
  });
}

/** The demo's API key, made once and kept in its data folder (readable by its user only). */
function demoApiKey(dataDir: string): string {
  const file = join(dataDir, "demo-api-key");
  try {
    const kept = readFileSync(file, "utf8").trim();
    if (/^demo-[0-9a-f]{24}$/.test(kept)) return kept;
  } catch {
    // first start: no key yet
  }
  ensurePrivateDir(dataDir);
  const key = `demo-${randomBytes(12).toString("hex")}`;
  writeFileSync(file, `${key}\n`, { mode: 0o600 });
  return key;
}
