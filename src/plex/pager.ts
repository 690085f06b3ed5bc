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

/** Numeric ratingKeys below this go into KeySet's bitmap (at most 8 MB); larger ones into a Set. */
const BITMAP_KEY_LIMIT = 2 ** 26;

/**
 * A set of ratingKeys. Real keys are small sequential integers, so those live in a bitmap that
 * grows to the largest key seen: one bit per possible key, where a Set spends some 20 bytes per
 * entry (a 450,000-item scan: about 70 KB instead of 10 MB, which the heap then multiplies by
 * its growth factor). Any other key (non-numeric, huge) goes into an ordinary Set.
 */
export class KeySet {
  private bits = new Uint8Array(0);
  private readonly others = new Set<string | number>();

  private static slot(ratingKey: string): number {
    const key = compactKey(ratingKey);
    return typeof key === "number" && Number.isInteger(key) && key < BITMAP_KEY_LIMIT ? key : -1;
  }

  has(ratingKey: string): boolean {
    const n = KeySet.slot(ratingKey);
    if (n < 0) return this.others.has(compactKey(ratingKey));
    const byte = n >>> 3;
    return byte < this.bits.length && (this.bits[byte]! & (1 << (n & 7))) !== 0;
  }

  add(ratingKey: string): void {
    const n = KeySet.slot(ratingKey);
    if (n < 0) {
      this.others.add(compactKey(ratingKey));
      return;
    }
    const byte = n >>> 3;
    if (byte >= this.bits.length) {
      const grown = new Uint8Array(Math.max(byte + 1, this.bits.length * 2, 1024));
      grown.set(this.bits);
      this.bits = grown;
    }
    this.bits[byte]! |= 1 << (n & 7);
  }
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
  const seen = new KeySet();
  let start = 0;
  for (let pageNo = 0; pageNo < MAX_PAGES; pageNo++) {
    const page = await fetchPage(start, size);
    if (page.received === 0) return;
    const fresh = page.items.filter((item) => {
      if (seen.has(item.ratingKey)) return false;
      seen.add(item.ratingKey);
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
