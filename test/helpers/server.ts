// An in-process `psr serve` against an emulator, with its own data folder: what most HTTP-level
// tests start in beforeAll. `close` stops the server and the emulator and removes the folder.
import { type EmulatorHandle, type EmulatorOptions, startEmulator } from "../../emulator/index.js";
import { type RunningServer, type ServerOptions, startServer } from "../../src/cli/serve.js";
import { loadConfig } from "../../src/config/env.js";
import { tempDir } from "./tmp.js";

export interface TestServer {
  emulator: EmulatorHandle;
  server: RunningServer;
  dataDir: string;
  close(): Promise<void>;
}

export async function startTestServer(
  emulatorOptions: EmulatorOptions,
  env: Record<string, string> = {},
  serverOptions: ServerOptions = {},
): Promise<TestServer> {
  const emulator = await startEmulator(emulatorOptions);
  const work = tempDir();
  try {
    const config = loadConfig(
      {
        PLEX_URL: emulator.url,
        PLEX_TOKEN: emulator.token,
        PSR_DATA_DIR: work.dir,
        PSR_PORT: "0",
        PSR_LOG_LEVEL: "silent",
        ...env,
      },
      work.dir,
    );
    const server = await startServer(config, serverOptions);
    return {
      emulator,
      server,
      dataDir: work.dir,
      async close() {
        await server.close();
        await emulator.close();
        work.cleanup();
      },
    };
  } catch (error) {
    await emulator.close();
    work.cleanup();
    throw error;
  }
}
