// `psr emulator`: the bundled Plex Media Server stand-in, for demos and tests.
import { DATASET_PROFILES, startEmulatorFromCli } from "../../emulator/index.js";
import { choiceOption, intOption, numberOption, parseCommandArgs } from "./args.js";

export const EMULATOR_OPTIONS = {
  host: { type: "string" },
  port: { type: "string" },
  token: { type: "string" },
  seed: { type: "string" },
  items: { type: "string" },
  broken: { type: "string" },
  profile: { type: "string" },
  workers: { type: "string" },
  "min-ms": { type: "string" },
  "max-ms": { type: "string" },
  latency: { type: "string" },
  "error-rate": { type: "string" },
} as const;

export async function emulatorCommand(argv: string[]): Promise<number> {
  const { values: v } = parseCommandArgs(argv, EMULATOR_OPTIONS);
  const minMs = intOption("min-ms", v["min-ms"], { min: 0, max: 600_000 });
  const maxMs = intOption("max-ms", v["max-ms"], { min: 0, max: 600_000 });
  await startEmulatorFromCli({
    host: v.host ?? "127.0.0.1",
    port: intOption("port", v.port, { min: 0, max: 65_535 }) ?? 32400,
    token: v.token,
    seed: intOption("seed", v.seed, { min: 0, max: 2 ** 31 - 1 }),
    items: intOption("items", v.items, { min: 1, max: 100_000 }),
    brokenShare: numberOption("broken", v.broken, { min: 0, max: 1 }),
    profile: choiceOption("profile", v.profile, DATASET_PROFILES),
    workers: intOption("workers", v.workers, { min: 1, max: 64 }),
    minMs,
    maxMs,
    latency: intOption("latency", v.latency, { min: 0, max: 60_000 }),
    errorRate: numberOption("error-rate", v["error-rate"], { min: 0, max: 1 }),
  });
  return new Promise(() => {}); // runs until a signal; the emulator handles SIGINT/SIGTERM
}
