// The addresses of the drawer's and the picker's posters (server routes in
// src/http/routes/item-actions.ts). Pure.
import type { ItemEvidence } from "../../../../src/contracts/schemas";

const base = (ratingKey: string) => `/api/items/${encodeURIComponent(ratingKey)}`;

/**
 * The item's poster: null when Plex says it has none (the placeholder, nothing asked); with the
 * thumb's version when known, so the browser keeps it for good and a new poster is a new address.
 */
export function itemPosterSrc(
  ratingKey: string,
  plex: ItemEvidence | null | undefined,
  width = 240,
): string | null {
  if (plex && !plex.hasPoster) return null;
  const version = plex?.posterVersion ? `&v=${plex.posterVersion}` : "";
  return `${base(ratingKey)}/poster?width=${width}${version}`;
}

/** A candidate's poster by its guid, from the picker's search or the candidates the scan stored. */
export function candidatePosterSrc(
  ratingKey: string,
  guid: string,
  opts: { width: number; search?: string },
): string {
  const query = new URLSearchParams({ guid, width: String(opts.width) });
  if (opts.search) query.set("search", opts.search);
  return `${base(ratingKey)}/candidates/poster?${query.toString()}`;
}
