// Import from the Python version over real HTTP: the Python version's files (the importer's
// fixtures) uploaded raw, checked on arrival, previewed (the same as `psr import --dry-run`) and
// imported in one transaction; limits, bad files (nothing changes), authentication and CSRF.
import { existsSync, readdirSync, readFileSync, readlinkSync, statSync } from "node:fs";
import { request as httpRequest } from "node:http";
import { join } from "node:path";
import { fileURLToPath } from "node:url";
import Sqlite from "better-sqlite3";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { IMPORT_LIMITS, IMPORT_REFUSALS } from "../../src/contracts/import.js";
import { importStagingDir } from "../../src/import/uploads.js";
import { runPsr } from "../helpers/cli.js";
import { startTestServer, type TestServer } from "../helpers/server.js";
import { tempDir } from "../helpers/tmp.js";
import { ORIGINAL_ITEMS, writeDamagedDb, writeOriginalDir } from "../import/legacy-fixture.js";

const KEY = "import-test-key-0123456789";
const WEB_I18N = fileURLToPath(new URL("../../web/src/i18n/", import.meta.url));
const PASSWORD = "import-test-password-1";
let t: TestServer;
let old: ReturnType<typeof tempDir>;
let files: { settings: Buffer; database: Buffer };

beforeAll(async () => {
  t = await startTestServer({ seed: 3, items: 20 }, { PSR_API_KEY: KEY, GUI_PASSWORD: PASSWORD });
  old = tempDir("psr-import-http-old-");
  writeOriginalDir(old.dir);
  files = {
    settings: readFileSync(join(old.dir, "settings.json")),
    database: readFileSync(join(old.dir, "refresh_state.db")),
  };
}, 60_000);
afterAll(async () => {
  await t?.close();
  old?.cleanup();
});

type Headers = Record<string, string>;
async function req(method: string, path: string, body?: Buffer | string | object, headers: Headers = {}) {
  const raw = Buffer.isBuffer(body) || typeof body === "string";
  const res = await fetch(t.server.url + path, {
    method,
    headers: {
      ...(body === undefined
        ? {}
        : { "Content-Type": raw ? "application/octet-stream" : "application/json" }),
      ...headers,
    },
    body:
      body === undefined
        ? undefined
        : typeof body === "string"
          ? body
          : Buffer.isBuffer(body)
            ? new Uint8Array(body)
            : JSON.stringify(body),
  });
  const text = await res.text();
  // biome-ignore lint/suspicious/noExplicitAny: response bodies of many shapes, checked by the assertions
  return { status: res.status, text, json: (text ? JSON.parse(text) : null) as any };
}
const api = (method: string, path: string, body?: Buffer | string | object) =>
  req(method, path, body, { "X-Api-Key": KEY });

async function newUpload(): Promise<string> {
  const res = await api("POST", "/api/import/uploads");
  expect(res.status).toBe(201);
  expect(res.json.id).toMatch(/^[0-9a-f]{32}$/);
  return res.json.id;
}

/** Everything an import could change, read with a plain connection. */
function snapshot() {
  const db = new Sqlite(join(t.dataDir, "psr.sqlite"), { readonly: true });
  try {
    return {
      settings: db.prepare("select key, value from settings where key not like 'state:%' order by key").all(),
      items: db.prepare("select * from items order by rating_key").all(),
      runs: db.prepare("select * from scan_runs order by id").all(),
    };
  } finally {
    db.close();
  }
}

/** A SQLite file built by `build`, as bytes. */
function sqliteFile(build: (db: Sqlite.Database) => void): Buffer {
  const dir = tempDir("psr-import-bad-");
  try {
    const path = join(dir.dir, "x.db");
    const db = new Sqlite(path);
    build(db);
    db.close();
    return readFileSync(path);
  } finally {
    dir.cleanup();
  }
}

/** A file from the importer's crafted fixtures, as bytes. */
function crafted(write: (dir: string) => string): Buffer {
  const dir = tempDir("psr-import-crafted-");
  try {
    return readFileSync(write(dir.dir));
  } finally {
    dir.cleanup();
  }
}

describe("import upload: access", () => {
  it("needs a login, and a session needs the CSRF token", async () => {
    expect((await req("POST", "/api/import/uploads")).status).toBe(401);
    expect((await req("PUT", `/api/import/uploads/${"a".repeat(32)}/settings`, files.settings)).status).toBe(
      401,
    );
    const cookie = await cookieOf(PASSWORD);
    const me = await req("GET", "/api/auth/me", undefined, { Cookie: cookie });
    expect(me.json.via).toBe("session");
    const session = { Cookie: cookie, Origin: t.server.url };
    const noToken = await req("POST", "/api/import/uploads", undefined, session);
    expect(noToken.status).toBe(403);
    expect(noToken.json.code).toBe("csrf_failed");
    const withToken = { ...session, "X-CSRF-Token": me.json.csrfToken };
    const created = await req("POST", "/api/import/uploads", undefined, withToken);
    expect(created.status).toBe(201);
    const id = created.json.id as string;
    // The upload itself: refused without the token, even with a valid session.
    const put = await req("PUT", `/api/import/uploads/${id}/settings`, files.settings, session);
    expect(put.status).toBe(403);
    expect(put.json.code).toBe("csrf_failed");
    expect((await api("GET", `/api/import/uploads/${id}`)).json.files.settings).toBeNull();
    const cross = await req("PUT", `/api/import/uploads/${id}/settings`, files.settings, {
      ...withToken,
      Origin: "https://evil.example",
    });
    expect(cross.status).toBe(403);
    const ok = await req("PUT", `/api/import/uploads/${id}/settings`, files.settings, withToken);
    expect(ok.status).toBe(200);
    expect(ok.json.files.settings).toEqual({ name: "settings.json", size: files.settings.length });
    expect((await req("DELETE", `/api/import/uploads/${id}`, undefined, withToken)).status).toBe(200);
  });

  it("takes no path from the client: ids and file kinds only", async () => {
    const bad = await api("PUT", "/api/import/uploads/..%2F..%2Fetc/settings", files.settings);
    expect(bad.status).toBe(400);
    const id = await newUpload();
    const kind = await api("PUT", `/api/import/uploads/${id}/passwd`, files.settings);
    expect(kind.status).toBe(400);
    expect(kind.json).toMatchObject({ code: "invalid_input", field: "file" });
    const unknown = await api("GET", `/api/import/uploads/${"0".repeat(32)}/preview`);
    expect(unknown.status).toBe(404);
    // JSON is not a file upload.
    const json = await api("PUT", `/api/import/uploads/${id}/settings`, { days: 3 });
    expect(json.status).toBe(415);
  });
});

async function cookieOf(password: string): Promise<string> {
  const res = await fetch(`${t.server.url}/api/auth/login`, {
    method: "POST",
    headers: { "Content-Type": "application/json" },
    body: JSON.stringify({ username: "admin", password }),
  });
  return (res.headers.get("set-cookie") ?? "").split(";")[0] ?? "";
}

describe("import upload: limits and bad files", () => {
  it("refuses a file over its cap before reading it, and keeps nothing", async () => {
    const id = await newUpload();
    const before = snapshot();
    // settings.json: 1 MB + 1 byte, sent in full.
    const big = Buffer.alloc(IMPORT_LIMITS.settings + 1, 0x20);
    const res = await api("PUT", `/api/import/uploads/${id}/settings`, big);
    expect(res.status).toBe(413);
    expect(res.json).toMatchObject({ code: "payload_too_large", reason: "too_large", field: "settings" });
    // Sent in chunks with no declared length: counted while it arrives, and cut off at the cap.
    const chunks = Array.from({ length: 9 }, () => Buffer.alloc(128 * 1024, 0x20));
    const streamed = await fetch(`${t.server.url}/api/import/uploads/${id}/settings`, {
      method: "PUT",
      headers: { "X-Api-Key": KEY, "Content-Type": "application/octet-stream" },
      body: new ReadableStream({
        pull(controller) {
          const next = chunks.shift();
          if (next) controller.enqueue(new Uint8Array(next));
          else controller.close();
        },
      }),
      duplex: "half",
    } as RequestInit);
    expect(streamed.status).toBe(413);
    // refresh_state.db: a declared 64 MB + 1 byte is refused at once, before the body arrives.
    const answer = await new Promise<{ status: number; body: string }>((resolve, reject) => {
      const url = new URL(`${t.server.url}/api/import/uploads/${id}/database`);
      const r = httpRequest(
        {
          host: url.hostname,
          port: url.port,
          path: url.pathname,
          method: "PUT",
          headers: {
            "X-Api-Key": KEY,
            "Content-Type": "application/octet-stream",
            "Content-Length": String(IMPORT_LIMITS.database + 1),
          },
        },
        (response) => {
          let body = "";
          response.on("data", (d) => {
            body += d;
          });
          response.on("end", () => resolve({ status: response.statusCode ?? 0, body }));
        },
      );
      r.on("error", reject);
      r.write(Buffer.alloc(1024));
    });
    expect(answer.status).toBe(413);
    expect(JSON.parse(answer.body)).toMatchObject({ reason: "too_large", field: "database" });
    const state = await api("GET", `/api/import/uploads/${id}`);
    expect(state.json.files).toEqual({ settings: null, database: null });
    expect(readdirSync(join(importStagingDir(t.dataDir), id))).toEqual([]);
    expect(snapshot()).toEqual(before);
  });

  const broken: [string, "settings" | "database", () => Buffer | string, string, RegExp][] = [
    ["not JSON", "settings", () => "{ days: 14", "not_json", /invalid JSON/],
    ["JSON but not an object", "settings", () => "[1, 2]", "not_object", /expected a JSON object/],
    ["a setting out of range", "settings", () => JSON.stringify({ days: 0 }), "invalid_settings", /days/],
    ["an empty file", "settings", () => "", "empty", /empty/],
    [
      "JSON nested deeper than validation can walk",
      "settings",
      () => `{"days": ${"[".repeat(100_000)}${"]".repeat(100_000)}}`,
      "invalid_settings",
      /nested more than 32 levels deep/,
    ],
    [
      "SQLite with a damaged page",
      "database",
      () => crafted(writeDamagedDb),
      "damaged",
      /the database is damaged \(quick_check/,
    ],
    ["not SQLite", "database", () => "SQLite? no, just text", "not_sqlite", /not a SQLite database/],
    [
      "SQLite without media_state",
      "database",
      () => sqliteFile((db) => db.exec("create table other(x)")),
      "wrong_tables",
      /media_state/,
    ],
    [
      "media_state without a state column",
      "database",
      () => sqliteFile((db) => db.exec("create table media_state(rating_key text, title text)")),
      "wrong_tables",
      /media_state\.state/,
    ],
  ];
  it("has every refusal reason translated for the page, in English and German", () => {
    for (const lang of ["en", "de"]) {
      const text = JSON.parse(readFileSync(join(WEB_I18N, `${lang}.json`), "utf8")).import.reason;
      for (const reason of IMPORT_REFUSALS) expect(text[reason], `${lang}: ${reason}`).toMatch(/\S/);
    }
  });

  it.each(broken)("refuses %s, says why and changes nothing", async (_name, file, content, reason, text) => {
    const id = await newUpload();
    const before = snapshot();
    const body = content();
    const res = await api("PUT", `/api/import/uploads/${id}/${file}`, Buffer.from(body));
    expect(res.status).toBe(400);
    expect(res.json).toMatchObject({ code: "invalid_input", reason, field: file });
    expect(res.json.error).toMatch(text);
    expect(res.json.issues[0].field).toBe(file);
    expect((await api("GET", `/api/import/uploads/${id}`)).json.files[file]).toBeNull();
    // Nothing to preview or import from it, and our database is as it was.
    expect((await api("POST", `/api/import/uploads/${id}/import`)).status).toBe(400);
    expect(snapshot()).toEqual(before);
  });
});

describe("import upload: preview and import", () => {
  it("previews exactly what psr import --dry-run reports", async () => {
    const id = await newUpload();
    expect((await api("PUT", `/api/import/uploads/${id}/settings`, files.settings)).status).toBe(200);
    expect((await api("PUT", `/api/import/uploads/${id}/database`, files.database)).status).toBe(200);
    const preview = await api("GET", `/api/import/uploads/${id}/preview`);
    expect(preview.status).toBe(200);

    const cli = await runPsr(
      ["import", old.dir, "--dry-run", "--json"],
      { PSR_DATA_DIR: t.dataDir },
      old.dir,
    );
    expect(cli.code, cli.stderr).toBe(0);
    const expected = JSON.parse(cli.stdout);
    // The same summary, with the original's file names where the CLI prints its paths.
    const named = (f: { file: string } | null) => f && { ...f, file: f.file.split("/").at(-1) };
    expect(preview.json.summary).toEqual({
      ...expected,
      dir: "upload",
      settings: named(expected.settings),
      items: named(expected.items),
      runs: named(expected.runs),
    });
    expect(preview.json.summary.items.imported).toBe(ORIGINAL_ITEMS.length - 1);
    await api("DELETE", `/api/import/uploads/${id}`);
    expect(existsSync(join(importStagingDir(t.dataDir), id))).toBe(false);
  }, 60_000);

  it("imports in one transaction: a failure half-way leaves everything as it was", async () => {
    const id = await newUpload();
    await api("PUT", `/api/import/uploads/${id}/settings`, files.settings);
    await api("PUT", `/api/import/uploads/${id}/database`, files.database);
    const before = snapshot();
    // The runs are written last: make that step fail inside the import's transaction.
    t.server.db.sqlite.exec(
      "create trigger fail_import before insert on scan_runs when new.source = 'import' begin select raise(abort, 'disk full (test)'); end",
    );
    try {
      const failed = await api("POST", `/api/import/uploads/${id}/import`);
      expect(failed.status).toBe(500);
      expect(snapshot()).toEqual(before);
    } finally {
      t.server.db.sqlite.exec("drop trigger fail_import");
    }
    // The upload is still there for another try, which works.
    const done = await api("POST", `/api/import/uploads/${id}/import`);
    expect(done.status).toBe(200);
    expect(done.json.summary).toMatchObject({ dryRun: false, dir: "upload", database: null });
    expect(done.json.summary.items.imported).toBe(ORIGINAL_ITEMS.length - 1);
    expect(done.json.summary.runs.imported).toBe(4);
    // Applied: the settings, the items and the runs, and the upload is gone.
    const settings = await api("GET", "/api/settings");
    expect(settings.json.settings).toMatchObject({ days: 14, maxItems: 200, libraries: ["Filme", "Serien"] });
    expect(settings.json.settings.schedule).toMatchObject({ enabled: true, time: "04:30" });
    expect(settings.json.scheduler.pattern).toMatch(/30 4/);
    const items = await api("GET", "/api/items?q=Metropolis");
    expect(items.json.items.map((i: { title: string; state: string }) => [i.title, i.state])).toEqual([
      ["Metropolis", "failed"],
    ]);
    expect(existsSync(join(importStagingDir(t.dataDir), id))).toBe(false);
    // A second import of the same files is harmless: runs are not doubled.
    const again = await newUpload();
    await api("PUT", `/api/import/uploads/${again}/database`, files.database);
    const twice = await api("POST", `/api/import/uploads/${again}/import`);
    expect(twice.json.summary.runs).toMatchObject({ imported: 0, alreadyImported: 4 });
  });

  it("keeps uploads private and lets them expire", async () => {
    const id = await newUpload();
    await api("PUT", `/api/import/uploads/${id}/settings`, files.settings);
    const dir = join(importStagingDir(t.dataDir), id);
    expect(statSync(dir).mode & 0o777).toBe(0o700);
    expect(statSync(join(dir, "settings.json")).mode & 0o777).toBe(0o600);
    const { ImportUploads } = await import("../../src/import/uploads.js");
    // Two hours later the upload has expired when the next one starts.
    new ImportUploads(t.dataDir, t.server.db.kysely, () => Date.now() + 2 * 3_600_000).create();
    expect(existsSync(dir)).toBe(false);
    expect((await api("GET", `/api/import/uploads/${id}/preview`)).status).toBe(404);
  });
});

// Audit finding 9: the cap of 4 uploads removed folders whose files were still arriving, and
// those writes went on into open, deleted files (608 MB held, invisible in data/import).
describe("import upload: writes in progress and the cap", () => {
  /** A PUT whose body arrives in pieces, for as long as the test wants. */
  function streamingPut(id: string, file: "settings" | "database") {
    const url = new URL(`${t.server.url}/api/import/uploads/${id}/${file}`);
    const r = httpRequest({
      host: url.hostname,
      port: url.port,
      path: url.pathname,
      method: "PUT",
      headers: { "X-Api-Key": KEY, "Content-Type": "application/octet-stream" },
    });
    const answer = new Promise<{ status: number; body: string }>((resolve, reject) => {
      r.on("response", (response) => {
        let body = "";
        response.on("data", (d) => {
          body += d;
        });
        response.on("end", () => resolve({ status: response.statusCode ?? 0, body }));
      });
      r.on("error", reject);
    });
    r.flushHeaders();
    return { write: (chunk: Buffer) => r.write(chunk), end: (chunk?: Buffer) => r.end(chunk), answer };
  }

  const staging = () => importStagingDir(t.dataDir);
  const uploadsOnDisk = () => readdirSync(staging()).sort();
  /** Bytes on disk in an upload's partial files (written but not yet complete). */
  const partialBytes = (id: string) =>
    existsSync(join(staging(), id))
      ? readdirSync(join(staging(), id))
          .filter((f) => f.endsWith(".part"))
          .reduce((sum, f) => sum + statSync(join(staging(), id, f)).size, 0)
      : 0;
  /** Files under the staging folder that this process (the server) holds open after deletion. */
  const heldDeleted = () =>
    readdirSync("/proc/self/fd")
      .map((fd) => {
        try {
          return readlinkSync(join("/proc/self/fd", fd));
        } catch {
          return "";
        }
      })
      .filter((target) => target.startsWith(staging()) && target.endsWith("(deleted)"));

  const MB = Buffer.alloc(1024 * 1024);
  const sqliteStart = () => Buffer.concat([files.database.subarray(0, 100), MB]);

  it("an upload being written counts against the cap: new uploads remove idle ones, not it", async () => {
    // From an empty staging folder: uploads left by the tests before would take places.
    for (const id of uploadsOnDisk()) await api("DELETE", `/api/import/uploads/${id}`);
    expect(uploadsOnDisk()).toEqual([]);
    const first = await newUpload();
    const put = streamingPut(first, "database");
    const half = Math.floor(files.database.length / 2);
    put.write(files.database.subarray(0, half));
    await expect.poll(() => partialBytes(first)).toBe(half);
    const later = [];
    for (let i = 0; i < 4; i++) {
      // Uploads are ordered by their folder's time, which the kernel keeps in ticks of a few
      // milliseconds: folders made within one tick tie. A person's uploads are seconds apart.
      await new Promise((r) => setTimeout(r, 30));
      later.push(await newUpload());
    }
    // Four uploads at most: the one being written and the three newest.
    expect(uploadsOnDisk()).toEqual([first, ...later.slice(1)].sort());
    put.end(files.database.subarray(half));
    const done = await put.answer;
    expect(done.status, done.body).toBe(200);
    expect(JSON.parse(done.body).files.database).toEqual({
      name: "refresh_state.db",
      size: files.database.length,
    });
  });

  it("a write whose upload is discarded is refused, and its bytes are released at once", async () => {
    // Four uploads, all being written: a fifth must discard one of them (the oldest).
    const ids = [];
    const puts = [];
    for (let i = 0; i < 4; i++) {
      await new Promise((r) => setTimeout(r, 30)); // each folder a clock tick newer (see above)
      const id = await newUpload();
      const put = streamingPut(id, "database");
      put.write(sqliteStart());
      await expect.poll(() => partialBytes(id)).toBe(sqliteStart().length);
      ids.push(id);
      puts.push(put);
    }
    const fifth = await newUpload();
    const refused = await puts[0]!.answer;
    expect(refused.status).toBe(404);
    expect(JSON.parse(refused.body)).toMatchObject({ code: "not_found" });
    expect(uploadsOnDisk()).toEqual([...ids.slice(1), fifth].sort());
    await expect.poll(heldDeleted).toEqual([]);

    // Cancelled while its file arrives: the same.
    expect((await api("DELETE", `/api/import/uploads/${ids[1]}`)).status).toBe(200);
    expect((await puts[1]!.answer).status).toBe(404);
    await expect.poll(heldDeleted).toEqual([]);

    // A second write of the same file replaces the first, which is refused.
    const again = streamingPut(ids[2]!, "database");
    expect((await puts[2]!.answer).status).toBe(409);
    again.end(files.database);
    expect((await again.answer).status).toBe(200);
    await expect.poll(heldDeleted).toEqual([]);
    // What stays on disk is what the folders show: the finished file and one partial write.
    expect(partialBytes(ids[2]!)).toBe(0);
    expect(partialBytes(ids[3]!)).toBe(sqliteStart().length);
    puts[3]!.end();
    expect((await puts[3]!.answer).status).toBe(400);
    for (const id of [...ids, fifth]) await api("DELETE", `/api/import/uploads/${id}`);
  });
});
