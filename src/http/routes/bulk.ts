// POST /api/bulk: a bulk action on items as a background job. The job is a scan run like any
// other (GET /api/scans/:id, its log, its events, POST /api/scans/:id/cancel).
// POST /api/bulk/preview: the same request answered with what each item will get; runs nothing.
import type { FastifyInstance } from "fastify";
import { BULK_MAX_ITEMS, type BulkPreview, type BulkStarted, bulkBodySchema } from "../../contracts/bulk.js";
import { BulkSelectionError, BulkUnknownItemsError } from "../../jobs/bulk-job.js";
import { ScanAlreadyRunningError } from "../../jobs/job-store.js";
import type { ScanService } from "../../jobs/scan-service.js";
import { HttpError, parseInput } from "../errors.js";

export async function bulkRoutes(app: FastifyInstance, deps: { scans: ScanService }): Promise<void> {
  app.post("/api/bulk", async (request, reply) => {
    const body = parseInput(bulkBodySchema, request.body, "body");
    try {
      const { job, total } = await deps.scans.startBulk(body);
      const started: BulkStarted = { id: job.id, action: body.action, total };
      return reply.status(202).send(started);
    } catch (error) {
      if (error instanceof ScanAlreadyRunningError)
        throw new HttpError(409, error.message, { code: "scan_running", runningJobId: error.runningJobId });
      throw selectionError(error);
    }
  });

  app.post("/api/bulk/preview", async (request): Promise<BulkPreview> => {
    const body = parseInput(bulkBodySchema, request.body, "body");
    try {
      return await deps.scans.previewBulk(body);
    } catch (error) {
      throw selectionError(error);
    }
  });
}

/** A selection the request cannot make: 404 for unknown items, 400 for too many or none. */
function selectionError(error: unknown): unknown {
  if (error instanceof BulkUnknownItemsError)
    return new HttpError(404, error.message, { code: "not_found", ratingKeys: error.ratingKeys });
  if (error instanceof BulkSelectionError)
    return new HttpError(400, `Invalid body: ${error.field}: ${error.message}`, {
      field: error.field,
      issues: [{ field: error.field, message: error.message }],
      limit: BULK_MAX_ITEMS,
      total: error.total,
    });
  return error;
}
