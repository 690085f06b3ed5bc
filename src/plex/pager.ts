// Walks a paged Plex listing. Plex may return fewer rows than asked (forced pagination), so the
// next start is the old start plus the rows ACTUALLY returned, never plus the size asked for;
// otherwise rows are silently skipped. Rows already seen (a listing that shifts while we read it,
// e.g. new items added at the top of addedAt:desc) are not yielded twice.
import type { ItemsPage, PlexItem } from "./parse.js";

export type FetchPage = (start: number, size: number) => Promise<ItemsPage>;

/**
 * A ratingKey in the smallest form for a Set: numeric keys (all real ones) as numbers, which
 * take far less memory than strings when a listing holds hundreds of thousands of items.
 */
export function compactKey(ratingKey: string): string | number {
  return /^\d{1,15}$/.test(ratingKey) ? Number(ratingKey) : ratingKey;
}

/** Upper bound on requests per listing, against a server that never reports an end. */
const MAX_PAGES = 100_000;

/**
 * Yields one page of items at a time. Stops on an empty page, when start ≥ totalSize, or when a
 * page without totalSize returned fewer rows than asked. Breaking out of the loop sends no
 * further request.
 */
export async function* paginate(
  fetchPage: FetchPage,
  pageSize: number,
): AsyncGenerator<PlexItem[], void, void> {
  const size = Math.max(1, Math.floor(pageSize));
  const seen = new Set<string | number>();
  let start = 0;
  for (let pageNo = 0; pageNo < MAX_PAGES; pageNo++) {
    const page = await fetchPage(start, size);
    if (page.received === 0) return;
    const fresh = page.items.filter((item) => {
      const key = compactKey(item.ratingKey);
      if (seen.has(key)) return false;
      seen.add(key);
      return true;
    });
    start += page.received;
    if (fresh.length > 0) yield fresh;
    if (page.totalSize !== undefined ? start >= page.totalSize : page.received < size) return;
  }
}

/** Collects every page into one array (for children/allLeaves, which are small). */
export async function collect(pages: AsyncIterable<PlexItem[]>): Promise<PlexItem[]> {
  const all: PlexItem[] = [];
  for await (const page of pages) all.push(...page);
  return all;
}
