// GET /metrics for Prometheus. Public as far as the session/API-key guard goes: its own check is
// the metrics token (src/metrics/access.ts), which in turn opens no other route.
import type { FastifyInstance } from "fastify";
import { type MetricsAccess, metricsVerdict } from "../../metrics/access.js";
import type { PsrMetrics } from "../../metrics/registry.js";
import { HttpError } from "../errors.js";

export async function metricsRoutes(
  app: FastifyInstance,
  deps: { access: MetricsAccess; metrics: () => PsrMetrics },
): Promise<void> {
  app.get("/metrics", { config: { public: true } }, async (request, reply) => {
    const auth = request.headers.authorization;
    const verdict = metricsVerdict(deps.access, typeof auth === "string" ? auth : undefined);
    // Off looks like any unknown path, so a scan of the server learns nothing.
    if (verdict === "off") throw new HttpError(404, "Not found: GET /metrics");
    if (verdict !== "allowed") {
      reply.header("WWW-Authenticate", 'Bearer realm="metrics"');
      throw new HttpError(
        401,
        verdict === "missing"
          ? "Authentication required: send the metrics token as a bearer token"
          : "Authentication required: the metrics token is not valid",
      );
    }
    const metrics = deps.metrics();
    const body = await metrics.scrape();
    return reply.header("Content-Type", metrics.contentType).header("Cache-Control", "no-store").send(body);
  });
}
