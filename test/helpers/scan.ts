// Runs the real scan engine against a real emulator with a real SQLite file.
import type { EmulatorHandle } from "../../emulator/index.js";
import { type ScanSettings, scanSettingsSchema } from "../../src/config/settings.js";
import { type Db, openDatabase } from "../../src/db/connection.js";
import { SqliteScanStore } from "../../src/jobs/item-store.js";
import { PlexClient } from "../../src/plex/index.js";
import { runScan, type ScanDeps } from "../../src/scan/engine.js";
import type { RunOutcome } from "../../src/scan/run-loop.js";
import type { ScanStats } from "../../src/scan/stats.js";
import { tempDir } from "./tmp.js";

export interface ScanHarness {
  db: Db;
  plex: PlexClient;
  lines: string[];
  scan(settings?: Partial<ScanSettings>, extra?: Partial<ScanDeps>): Promise<RunOutcome<ScanStats>>;
  states(): Promise<Map<string, { state: string; note: string | null; candidates: unknown[] | null }>>;
  close(): Promise<void>;
}

export async function scanHarness(
  emulator: EmulatorHandle,
  /** `baseUrl` points the client elsewhere (a fault proxy in front of the emulator). */
  plexOptions: { retries?: number; baseUrl?: string } = {},
): Promise<ScanHarness> {
  const dir = tempDir("psr-scan-");
  const db = await openDatabase(dir.dir);
  const plex = new PlexClient({
    baseUrl: emulator.url,
    token: emulator.token,
    timeoutMs: 5000,
    retryBaseMs: 50,
    ...plexOptions,
  });
  const lines: string[] = [];
  return {
    db,
    plex,
    lines,
    scan(settings = {}, extra = {}) {
      return runScan(scanSettingsSchema.parse({ all: true, ...settings }), {
        plex,
        store: new SqliteScanStore(db.kysely, null),
        signal: new AbortController().signal,
        reporter: { log: (level, message) => lines.push(`${level} ${message}`), progress: () => {} },
        pollIntervalMs: 200,
        ...extra,
      });
    },
    async states() {
      const rows = await db.kysely
        .selectFrom("items")
        .select(["rating_key", "state", "note", "candidates_json"])
        .execute();
      return new Map(
        rows.map((r) => [
          r.rating_key,
          {
            state: r.state,
            note: r.note,
            candidates: r.candidates_json ? (JSON.parse(r.candidates_json) as unknown[]) : null,
          },
        ]),
      );
    },
    async close() {
      await db.close();
      dir.cleanup();
    },
  };
}
