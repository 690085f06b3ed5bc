// The HTTP API's payloads come from src/contracts (shared with the SPA); this module gives them
// the names the routes use and adds the one formatting helper the routes share.
export {
  type ItemResource,
  itemsQuerySchema as itemsQuery,
  jobIdParamsSchema as jobIdParams,
  logQuerySchema as logQuery,
  matchBodySchema as matchBody,
  pageQuerySchema as pageQuery,
  ratingKeyParamsSchema as ratingKeyParams,
  type ScanResource,
  scanOverridesSchema,
} from "../contracts/index.js";

/** Epoch milliseconds as the API's ISO 8601 text (null stays null). */
export function isoTime(ms: number | null): string | null {
  return ms === null ? null : new Date(ms).toISOString();
}
