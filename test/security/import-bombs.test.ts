// Audit finding 2: small crafted refresh_state.db files that killed the server with a heap
// out-of-memory error. Each is built here for real, uploaded to a real `psr serve` that runs
// with the systemd unit's 160 MB heap, and imported with `psr import` under the same heap:
// refused with the file's name and a reason, the server stays up, and nothing is imported.
import { existsSync, mkdirSync, readFileSync } from "node:fs";
import { join } from "node:path";
import Sqlite from "better-sqlite3";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { DB_FILE_NAME } from "../../src/db/connection.js";
import { READ_LIMITS } from "../../src/import/db-guard.js";
import { runPsr, type StartedProcess, startPsr } from "../helpers/cli.js";
import { tempDir } from "../helpers/tmp.js";
import {
  writeDefaultBombDb,
  writeFts5Db,
  writeGeneratedBombDb,
  writeOriginalDir,
} from "../import/legacy-fixture.js";

const KEY = "import-bomb-test-key-0123456789";
/** The heap of deploy/systemd's unit (--max-old-space-size=160). */
const HEAP = { NODE_OPTIONS: "--max-old-space-size=160" };

const BOMBS: [string, (dir: string) => string, string, RegExp][] = [
  [
    "100,000 rows with a 4 MB default added afterwards",
    (dir) => writeDefaultBombDb(dir),
    "unsupported_schema",
    /media_state\.note has a default value of 4194306 bytes/,
  ],
  [
    "a 50 MB virtual generated column on 2,000 rows",
    writeGeneratedBombDb,
    "unsupported_schema",
    /media_state\.note is a generated or hidden column/,
  ],
  ["an FTS5 media_state", writeFts5Db, "unsupported_schema", /media_state is a virtual table/],
  [
    "10,000 rows with a default at the cap (40 MB of notes)",
    (dir) => writeDefaultBombDb(dir, 10_000, READ_LIMITS.defaultBytes - 2),
    "too_much_data",
    /more than 32 MB to import/,
  ],
];

let work: ReturnType<typeof tempDir>;
let server: StartedProcess;
let base: string;
/** Each crafted file in a folder of its own, as `psr import` reads it. */
const folders = new Map<string, string>();

beforeAll(async () => {
  work = tempDir("psr-import-bombs-");
  for (const [name, craft] of BOMBS) {
    const dir = join(work.dir, `old-${folders.size}`);
    mkdirSync(dir);
    craft(dir);
    folders.set(name, dir);
  }
  const data = join(work.dir, "data");
  mkdirSync(data);
  server = await startPsr(
    ["serve"],
    { PSR_DATA_DIR: data, PSR_PORT: "0", PSR_API_KEY: KEY, PSR_LOG_LEVEL: "warn", ...HEAP },
    work.dir,
    /listening on (http:\/\/\S+)\n/,
  );
  base = server.match[1]!;
}, 120_000);

afterAll(async () => {
  await server?.stop("SIGKILL");
  work?.cleanup();
});

async function api(method: string, path: string, body?: Buffer) {
  const res = await fetch(base + path, {
    method,
    headers: { "X-Api-Key": KEY, ...(body ? { "Content-Type": "application/octet-stream" } : {}) },
    body: body ? new Uint8Array(body) : undefined,
  });
  const text = await res.text();
  // biome-ignore lint/suspicious/noExplicitAny: response bodies of several shapes, checked below
  return { status: res.status, json: (text ? JSON.parse(text) : null) as any };
}

/** Items and runs in a database folder; null when there is no database at all. */
function imported(dataDir: string): { items: number; runs: number } | null {
  const path = join(dataDir, DB_FILE_NAME);
  if (!existsSync(path)) return null;
  const db = new Sqlite(path, { readonly: true });
  try {
    const count = (table: string) =>
      (db.prepare(`select count(*) as n from ${table}`).get() as { n: number }).n;
    return { items: count("items"), runs: count("scan_runs") };
  } finally {
    db.close();
  }
}

describe("crafted refresh_state.db uploads (audit finding 2), server with a 160 MB heap", () => {
  it.each(BOMBS)(
    "%s: 400 naming the file and why; the server stays up; nothing imported",
    async (name, _c, reason, text) => {
      const created = await api("POST", "/api/import/uploads");
      expect(created.status).toBe(201);
      const id = created.json.id as string;
      const file = readFileSync(join(folders.get(name)!, "refresh_state.db"));
      const started = Date.now();
      const res = await api("PUT", `/api/import/uploads/${id}/database`, file);
      expect(res.status, JSON.stringify(res.json)).toBe(400);
      expect(res.json).toMatchObject({
        code: "invalid_input",
        reason,
        field: "database",
        fileName: "refresh_state.db",
      });
      expect(res.json.error).toMatch(/^refresh_state\.db: /);
      expect(res.json.error).toMatch(text);
      // Refused at once, not after minutes of work.
      expect(Date.now() - started).toBeLessThan(10_000);
      expect((await api("GET", "/api/health")).status).toBe(200);
      expect((await api("GET", `/api/import/uploads/${id}`)).json.files.database).toBeNull();
      expect((await api("POST", `/api/import/uploads/${id}/import`)).status).toBe(400);
      expect(imported(join(work.dir, "data"))).toEqual({ items: 0, runs: 0 });
      expect(server.child.exitCode).toBeNull();
    },
    30_000,
  );

  it("still imports the original's own files afterwards", async () => {
    const dir = join(work.dir, "good");
    mkdirSync(dir);
    writeOriginalDir(dir);
    const id = (await api("POST", "/api/import/uploads")).json.id as string;
    const put = await api(
      "PUT",
      `/api/import/uploads/${id}/database`,
      readFileSync(join(dir, "refresh_state.db")),
    );
    expect(put.status).toBe(200);
    const done = await api("POST", `/api/import/uploads/${id}/import`);
    expect(done.status).toBe(200);
    expect(imported(join(work.dir, "data"))).toEqual({ items: 6, runs: 4 });
  }, 30_000);
});

describe("psr import of the same files, with a 160 MB heap", () => {
  it.each(BOMBS)(
    "%s: exits 2 naming the file and why; no database is created",
    async (name, _c, _reason, text) => {
      const data = tempDir("psr-import-bombs-cli-");
      try {
        const r = await runPsr(
          ["import", folders.get(name)!],
          { PSR_DATA_DIR: data.dir, ...HEAP },
          data.dir,
          60_000,
        );
        expect(r.stderr).not.toMatch(/heap out of memory/i);
        expect(r.code, r.stderr).toBe(2);
        expect(r.stderr).toMatch(/refresh_state\.db: /);
        expect(r.stderr).toMatch(text);
        expect(imported(data.dir)).toBeNull();
      } finally {
        data.cleanup();
      }
    },
    60_000,
  );
});
