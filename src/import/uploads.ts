// The browser's import: uploads of the original's two files to a staging folder in the data
// folder, checked on arrival with the same reader and validation as `psr import`, then a dry-run
// preview and the import itself (importer.ts: one transaction). The client names an upload only
// by a random id and a file kind; the server picks every path. Uploads are private (0700/0600),
// removed after the import, when cancelled, and an hour after their last change. At most
// MAX_UPLOADS exist, counting those still being written: a write whose upload is discarded is
// stopped and its partial file removed, so no bytes stay held in an open, deleted file.
import { randomBytes } from "node:crypto";
import {
  closeSync,
  createWriteStream,
  existsSync,
  mkdirSync,
  openSync,
  readdirSync,
  readSync,
  renameSync,
  rmSync,
  statSync,
} from "node:fs";
import { basename, join } from "node:path";
import type { Readable } from "node:stream";
import { pipeline } from "node:stream/promises";
import type { Kysely } from "kysely";
import {
  IMPORT_FILE_NAMES,
  IMPORT_LIMITS,
  IMPORT_UPLOAD_TTL_MS,
  type ImportFile,
  type ImportRefusal,
  type ImportSummaryView,
  type ImportUpload,
} from "../contracts/import.js";
import { ensurePrivateDir } from "../db/private-files.js";
import type { Database } from "../db/schema.js";
import { ImportInputError } from "./errors.js";
import { applyImport, dryRunSummary, type ImportSummary, planImport } from "./importer.js";
import { readLegacyDir, SETTINGS_FILE, STATE_DB_FILE } from "./read.js";

/** At most this many uploads exist at once; the least recently changed goes when a new one starts. */
const MAX_UPLOADS = 4;
const ID = /^[0-9a-f]{32}$/;
const DISK_NAMES: Record<ImportFile, string> = { settings: SETTINGS_FILE, database: STATE_DB_FILE };
const SQLITE_MAGIC = Buffer.from("SQLite format 3\0", "latin1");

/** A refused upload or step: the HTTP layer turns it into a 400/404/409/413 with `reason`. */
export class ImportUploadError extends Error {
  constructor(
    readonly status: 400 | 404 | 409 | 413,
    readonly reason: ImportRefusal | "not_found",
    message: string,
    readonly file: ImportFile | null = null,
    readonly problems: { field: string | null; message: string }[] = [],
  ) {
    super(message);
    this.name = "ImportUploadError";
  }
}

class TooLarge extends Error {}

/** Whether a file starts with `magic`; reads only that much. */
function startsWith(path: string, magic: Buffer): boolean {
  const fd = openSync(path, "r");
  try {
    const head = Buffer.alloc(magic.length);
    return readSync(fd, head, 0, head.length, 0) === head.length && head.equals(magic);
  } finally {
    closeSync(fd);
  }
}

export function importStagingDir(dataDir: string): string {
  return join(dataDir, "import");
}

/** Which of our two files a path from the importer names. */
function fileKind(path: string): ImportFile | null {
  const name = basename(path);
  return name === SETTINGS_FILE ? "settings" : name === STATE_DB_FILE ? "database" : null;
}

/** The importer's summary with the original's file names in place of paths in the staging folder. */
export function publicSummary(summary: ImportSummary): ImportSummaryView {
  const name = (path: string) => basename(path);
  return {
    ...summary,
    dir: "upload",
    database: null,
    settings: summary.settings && { ...summary.settings, file: name(summary.settings.file) },
    items: summary.items && { ...summary.items, file: name(summary.items.file) },
    runs: summary.runs && { ...summary.runs, file: name(summary.runs.file) },
  } as ImportSummaryView;
}

/** The importer's ImportInputError as a refusal naming our file kind; anything else as it is. */
function refusal(error: unknown): unknown {
  if (!(error instanceof ImportInputError)) return error;
  const file = fileKind(error.file);
  const first = error.problems[0];
  const what = first ? (first.field ? `${first.field}: ${first.message}` : first.message) : error.message;
  const name = file ? IMPORT_FILE_NAMES[file] : "upload";
  return new ImportUploadError(400, error.reason, `${name}: ${what}`, file, error.problems);
}

export class ImportUploads {
  private readonly root: string;
  /** Writes in progress by upload id and file: how to stop each one. */
  private readonly writing = new Map<string, Map<ImportFile, AbortController>>();

  constructor(
    dataDir: string,
    private readonly db: Kysely<Database>,
    private readonly now: () => number = Date.now,
  ) {
    this.root = importStagingDir(dataDir);
  }

  private dir(id: string): string {
    if (!ID.test(id)) throw new ImportUploadError(404, "not_found", "No such upload (it may have expired)");
    return join(this.root, id);
  }

  private existing(id: string): string {
    const dir = this.dir(id);
    if (!existsSync(dir))
      throw new ImportUploadError(404, "not_found", "No such upload (it may have expired)");
    return dir;
  }

  /**
   * Removes uploads idle for longer than the time-to-live, and beyond the cap (leaving room for
   * one more) the least recently changed, where an upload being written counts as the newest.
   */
  expire(): void {
    if (!existsSync(this.root)) return;
    const now = this.now();
    const uploads = readdirSync(this.root)
      .map((name) => {
        try {
          const changed = statSync(join(this.root, name)).mtimeMs;
          return { name, changed, writing: this.writing.has(name), ok: ID.test(name) };
        } catch {
          return null;
        }
      })
      .filter((u) => u !== null)
      // Uploads being written first (a file arriving does not touch its folder's time), then newest.
      .sort((a, b) => Number(b.writing) - Number(a.writing) || b.changed - a.changed);
    for (const [i, u] of uploads.entries()) {
      const idle = !u.writing && now - u.changed > IMPORT_UPLOAD_TTL_MS;
      if (!u.ok || idle || i >= MAX_UPLOADS - 1) this.discard(u.name);
    }
  }

  /** Stops the upload's writes in progress (each is refused) and removes its folder. */
  private discard(name: string): void {
    for (const write of this.writing.get(name)?.values() ?? [])
      write.abort(new ImportUploadError(404, "not_found", "The upload was removed while this file arrived"));
    this.writing.delete(name);
    rmSync(join(this.root, name), { recursive: true, force: true });
  }

  create(): ImportUpload {
    this.expire();
    ensurePrivateDir(this.root);
    const id = randomBytes(16).toString("hex");
    const dir = join(this.root, id);
    mkdirSync(dir, { mode: 0o700 });
    return this.describe(id);
  }

  describe(id: string): ImportUpload {
    const dir = this.existing(id);
    const info = (file: ImportFile) => {
      const path = join(dir, DISK_NAMES[file]);
      return existsSync(path) ? { name: IMPORT_FILE_NAMES[file], size: statSync(path).size } : null;
    };
    return {
      id,
      expiresAt: new Date(statSync(dir).mtimeMs + IMPORT_UPLOAD_TTL_MS).toISOString(),
      files: { settings: info("settings"), database: info("database") },
    };
  }

  /**
   * Stores one file of an upload (replacing an earlier one of the same kind) and checks it at
   * once with the importer's own reader and validation. A refused file is removed again.
   */
  async put(
    id: string,
    file: ImportFile,
    body: Readable,
    declaredLength: number | undefined,
  ): Promise<ImportUpload> {
    const dir = this.existing(id);
    const limit = IMPORT_LIMITS[file];
    const tooLarge = () =>
      new ImportUploadError(
        413,
        "too_large",
        `${IMPORT_FILE_NAMES[file]} is larger than the limit of ${limit / 1024 / 1024} MB`,
        file,
      );
    if (declaredLength !== undefined && declaredLength > limit) throw tooLarge();
    const path = join(dir, DISK_NAMES[file]);
    // Its own partial file: a write it replaces may still be cleaning up its own.
    const partial = `${path}.${randomBytes(4).toString("hex")}.part`;
    const stop = this.startWrite(id, file);
    let size = 0;
    try {
      await pipeline(
        body,
        async function* (source: AsyncIterable<Buffer>) {
          for await (const chunk of source) {
            size += chunk.length;
            if (size > limit) throw new TooLarge();
            yield chunk;
          }
        },
        createWriteStream(partial, { mode: 0o600, flags: "wx" }),
        { signal: stop.signal },
      );
      stop.signal.throwIfAborted();
    } catch (error) {
      rmSync(partial, { force: true });
      if (stop.signal.aborted && stop.signal.reason instanceof ImportUploadError) throw stop.signal.reason;
      if (error instanceof TooLarge) throw tooLarge();
      // The folder went while the file was opened (removed by another process or instance).
      if ((error as NodeJS.ErrnoException).code === "ENOENT")
        throw new ImportUploadError(404, "not_found", "No such upload (it may have expired)");
      throw error;
    } finally {
      this.endWrite(id, file, stop);
    }
    rmSync(path, { force: true });
    if (size === 0) {
      rmSync(partial, { force: true });
      throw new ImportUploadError(400, "empty", `${IMPORT_FILE_NAMES[file]} is empty`, file);
    }
    if (file === "database" && !startsWith(partial, SQLITE_MAGIC)) {
      rmSync(partial, { force: true });
      throw new ImportUploadError(
        400,
        "not_sqlite",
        `${IMPORT_FILE_NAMES[file]} is not a SQLite database`,
        file,
      );
    }
    // The name the reader looks for, only once the whole file is there.
    renameSync(partial, path);
    try {
      this.plan(dir);
    } catch (error) {
      // Kept only when the other file is at fault; a file that broke the reader goes too.
      if (!(error instanceof ImportUploadError && error.file !== file)) rmSync(path, { force: true });
      throw error;
    }
    return this.describe(id);
  }

  /** Registers a write; a write of the same file still in progress is replaced (and refused). */
  private startWrite(id: string, file: ImportFile): AbortController {
    const writes = this.writing.get(id) ?? new Map<ImportFile, AbortController>();
    this.writing.set(id, writes);
    writes
      .get(file)
      ?.abort(
        new ImportUploadError(
          409,
          "not_found",
          `A newer upload of ${IMPORT_FILE_NAMES[file]} replaced this one`,
        ),
      );
    const stop = new AbortController();
    writes.set(file, stop);
    return stop;
  }

  private endWrite(id: string, file: ImportFile, stop: AbortController): void {
    const writes = this.writing.get(id);
    if (writes?.get(file) !== stop) return;
    writes.delete(file);
    if (writes.size === 0) this.writing.delete(id);
  }

  /** The importer's plan of an upload; its problems as ImportUploadError naming the file. */
  private plan(dir: string) {
    try {
      return planImport(readLegacyDir(dir));
    } catch (error) {
      throw refusal(error);
    }
  }

  /** The dry run: what `psr import --dry-run` reports for these files. */
  preview(id: string): ImportSummaryView {
    return publicSummary(dryRunSummary(this.plan(this.existing(id))));
  }

  /** The import, in one transaction; the upload is removed once it succeeded. */
  async apply(id: string): Promise<ImportSummaryView> {
    const dir = this.existing(id);
    const plan = this.plan(dir);
    const summary = await applyImport(this.db, plan, this.now()).catch((error: unknown) => {
      throw refusal(error);
    });
    this.discard(id);
    return publicSummary(summary);
  }

  remove(id: string): void {
    this.dir(id);
    this.discard(id);
  }
}
