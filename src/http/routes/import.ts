// /api/import/uploads: the Python version's files imported in the browser. Each file is sent
// raw (application/octet-stream) to its own upload route, where a larger body than the API's
// 64 KB is accepted (1 MB for settings.json, 64 MB for refresh_state.db, streamed to the
// staging folder, never held in memory). Authentication and CSRF come from the guard like every
// other route; the client names uploads by id and file kind only, never by a path.
import type { Readable } from "node:stream";
import type { FastifyInstance, FastifyReply } from "fastify";
import { IMPORT_FILE_NAMES, importFileParamsSchema, importUploadIdSchema } from "../../contracts/import.js";
import { ImportUploadError, type ImportUploads } from "../../import/uploads.js";
import { HttpError, parseInput } from "../errors.js";

export interface ImportRouteDeps {
  uploads: ImportUploads;
  /** Settings may have changed (the schedule): the scheduler reloads. */
  onImported?: () => void | Promise<void>;
}

function refused(error: unknown, reply: FastifyReply): unknown {
  if (!(error instanceof ImportUploadError)) return error;
  // The rest of a refused body is not read: the connection closes after the answer.
  if (error.status === 413) reply.header("connection", "close");
  // 404: no such upload (any more); 409: a newer upload of the same file replaced this one.
  if (error.status === 404 || error.status === 409) return new HttpError(error.status, error.message);
  const field = error.file ?? "upload";
  return new HttpError(error.status, error.message, {
    code: error.status === 413 ? "payload_too_large" : "invalid_input",
    reason: error.reason,
    field,
    ...(error.file ? { fileName: IMPORT_FILE_NAMES[error.file] } : {}),
    issues: (error.problems.length > 0 ? error.problems : [{ field: null, message: error.message }]).map(
      (p) => ({ field, message: p.field ? `${p.field}: ${p.message}` : p.message }),
    ),
  });
}

export async function importRoutes(app: FastifyInstance, deps: ImportRouteDeps): Promise<void> {
  // Uploads left behind by an earlier run (a closed tab, a restart) go once they have expired.
  deps.uploads.expire();
  // Its own scope: only these routes take raw bodies, and they read them as a stream.
  await app.register(async (scope) => {
    scope.addContentTypeParser("application/octet-stream", (_request, payload, done) => done(null, payload));

    scope.post("/api/import/uploads", async (_request, reply) => {
      reply.status(201);
      return deps.uploads.create();
    });

    scope.get("/api/import/uploads/:id", async (request, reply) => {
      const { id } = parseInput(importUploadIdSchema, request.params, "params");
      try {
        return deps.uploads.describe(id);
      } catch (error) {
        throw refused(error, reply);
      }
    });

    scope.put("/api/import/uploads/:id/:file", async (request, reply) => {
      const { id, file } = parseInput(importFileParamsSchema, request.params, "params");
      const body = request.body as Readable | undefined;
      if (!body || typeof (body as Readable).pipe !== "function") {
        throw new HttpError(415, "Send the file as application/octet-stream", {
          code: "unsupported_media_type",
        });
      }
      const length = Number(request.headers["content-length"]);
      try {
        return await deps.uploads.put(id, file, body, Number.isFinite(length) ? length : undefined);
      } catch (error) {
        // A write stopped half-way (its upload discarded or replaced): the rest is not read.
        if (!body.readableEnded) reply.header("connection", "close");
        throw refused(error, reply);
      }
    });

    scope.get("/api/import/uploads/:id/preview", async (request, reply) => {
      const { id } = parseInput(importUploadIdSchema, request.params, "params");
      try {
        return { summary: deps.uploads.preview(id) };
      } catch (error) {
        throw refused(error, reply);
      }
    });

    scope.post("/api/import/uploads/:id/import", async (request, reply) => {
      const { id } = parseInput(importUploadIdSchema, request.params, "params");
      let summary: Awaited<ReturnType<ImportUploads["apply"]>>;
      try {
        summary = await deps.uploads.apply(id);
      } catch (error) {
        throw refused(error, reply);
      }
      await deps.onImported?.();
      return { summary };
    });

    scope.delete("/api/import/uploads/:id", async (request) => {
      const { id } = parseInput(importUploadIdSchema, request.params, "params");
      deps.uploads.remove(id);
      return { ok: true };
    });
  });
}
