// `psr demo`: the bundled Plex emulator and `psr serve` wired together, so the app can be tried
// without a Plex server. Data goes to its own folder so a demo never touches real state.
import { randomBytes } from "node:crypto";
import { join } from "node:path";
import { DATASET_PROFILES, startEmulator } from "../../emulator/index.js";
import { AuthStore } from "../auth/store.js";
import type { Config } from "../config/env.js";
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

  // For scripts and curl, the demo also gets an API key.
  const apiKey = config.auth.apiKey ?? `demo-${randomBytes(12).toString("hex")}`;
  const demoPassword = config.auth.initialPassword ?? "demo-password";
  const demoConfig: Config = {
    ...config,
    auth: { ...config.auth, apiKey, initialPassword: demoPassword },
    plex: { ...config.plex, url: emulator.url, token: emulator.token },
    dataDir: env.PSR_DATA_DIR ? config.dataDir : join(config.dataDir, "demo"),
    // Keep the demo's console readable unless a log level was asked for.
    logLevel: env.PSR_LOG_LEVEL ? config.logLevel : "warn",
  };
  let server: Awaited<ReturnType<typeof startServer>>;
  try {
    server = await startServer(demoConfig);
  } catch (error) {
    await emulator.close();
    throw error;
  }
  // The demo has its own data folder and a known login, set on every start.
  await new AuthStore(server.db.kysely).setPassword(demoPassword);
  process.stdout.write(
    [
      "",
      `Plex Smart Refresher demo running at ${server.url}`,
      `  Open it in a browser and log in as ${config.auth.username} / ${demoPassword}`,
      `  Plex:  the bundled emulator (${emulator.url})`,
      `  Data:  ${demoConfig.dataDir}`,
      `  API:   send "X-Api-Key: ${apiKey}", e.g. curl -H "X-Api-Key: ${apiKey}" ${server.url}/api/stats`,
      "Press Ctrl+C to stop.",
      "",
    ].join("\n"),
  );
  // Plex "adds" a movie every three minutes, every other one without a poster, so watch mode has
  // something to show on the dashboard.
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
