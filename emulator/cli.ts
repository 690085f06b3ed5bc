/** Entry for `psr emulator`: start, announce the URL and token, stop cleanly on a signal. */
import { type DatasetProfile, type EmulatorHandle, startEmulator } from "./index.js";

export interface CliOptions {
  host?: string;
  port?: number;
  token?: string;
  seed?: number;
  items?: number;
  brokenShare?: number;
  profile?: DatasetProfile;
  latency?: number;
  errorRate?: number;
  workers?: number;
  minMs?: number;
  maxMs?: number;
  serverName?: string;
}

export async function startEmulatorFromCli(
  opts: CliOptions = {},
  io: { log: (line: string) => void; exit: (code: number) => void } = {
    log: (line) => console.log(line),
    exit: (code) => process.exit(code),
  },
): Promise<EmulatorHandle> {
  const refresh: { workers?: number; minMs?: number; maxMs?: number } = {};
  if (opts.workers !== undefined) refresh.workers = opts.workers;
  if (opts.minMs !== undefined) refresh.minMs = opts.minMs;
  if (opts.maxMs !== undefined) refresh.maxMs = opts.maxMs;
  const handle = await startEmulator({
    port: opts.port ?? 32400,
    ...(opts.host !== undefined ? { host: opts.host } : {}),
    ...(opts.token !== undefined ? { token: opts.token } : {}),
    ...(opts.seed !== undefined ? { seed: opts.seed } : {}),
    ...(opts.items !== undefined ? { items: opts.items } : {}),
    ...(opts.brokenShare !== undefined ? { brokenShare: opts.brokenShare } : {}),
    ...(opts.profile !== undefined ? { profile: opts.profile } : {}),
    ...(opts.serverName !== undefined ? { serverName: opts.serverName } : {}),
    refresh,
    faults: { latencyMs: opts.latency ?? 0, errorRate: opts.errorRate ?? 0 },
  });
  io.log(`Plex emulator listening on ${handle.url}`);
  io.log(`Use token: ${handle.token} (X-Plex-Token header or query parameter)`);
  let stopping = false;
  const stop = () => {
    if (stopping) return;
    stopping = true;
    process.off("SIGINT", stop);
    process.off("SIGTERM", stop);
    handle.close().then(
      () => io.exit(0),
      () => io.exit(1),
    );
  };
  process.on("SIGINT", stop);
  process.on("SIGTERM", stop);
  return handle;
}
