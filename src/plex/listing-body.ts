// Reads a listing page's JSON body in small pieces. Decoding a 300-item page (some 300 KB) into
// one string and parsing it whole made a large young string and a large tree that were still
// being built when the young generation filled, so V8 moved them to the old generation: in a
// whole-library scan that was most of what filled the heap between full collections (issue 10
// §6). Here the bytes are split at the item boundaries first, and each group of items is
// decoded and parsed on its own, so every string and tree stays small and short-lived.
// Anything not shaped like `{"MediaContainer":{…,"Metadata":[{…},…]}}` is left to the caller,
// which parses the body whole (XML, an error page, an unexpected layout).

/** Items are parsed in groups of about this many bytes of JSON. */
const GROUP_BYTES = 32 * 1024;

const QUOTE = 0x22;
const BACKSLASH = 0x5c;
const COMMA = 0x2c;
const COLON = 0x3a;
const OPEN_OBJECT = 0x7b;
const CLOSE_OBJECT = 0x7d;
const OPEN_ARRAY = 0x5b;
const CLOSE_ARRAY = 0x5d;
const METADATA_KEY = new TextEncoder().encode('"Metadata"');

export interface SplitListing {
  /** The body with an empty Metadata array: `{"MediaContainer":{…,"Metadata":[]}}`. */
  head: unknown;
  /** The Metadata elements, parsed a group at a time as the caller iterates. */
  elements: Iterable<unknown>;
  /** How many elements the array holds. */
  count: number;
}

function isWhitespace(b: number): boolean {
  return b === 0x20 || b === 0x0a || b === 0x0d || b === 0x09;
}

/** True when exactly one `separator`, with only whitespace around it, lies in [from, to). */
function justSeparator(bytes: Uint8Array, from: number, to: number, separator: number): boolean {
  let seen = 0;
  for (let i = from; i < to; i++) {
    const b = bytes[i]!;
    if (b === separator) seen++;
    else if (!isWhitespace(b)) return false;
  }
  return seen === 1;
}

function isMetadataKey(bytes: Uint8Array, start: number, end: number): boolean {
  if (end - start !== METADATA_KEY.length) return false;
  for (let i = 0; i < METADATA_KEY.length; i++) if (bytes[start + i] !== METADATA_KEY[i]) return false;
  return true;
}

/** Index of the quote that closes the string opening at `open`, or -1. */
function stringEnd(bytes: Uint8Array, open: number): number {
  let i = open;
  for (;;) {
    i = bytes.indexOf(QUOTE, i + 1);
    if (i < 0) return -1;
    let backslashes = 0;
    while (bytes[i - 1 - backslashes] === BACKSLASH) backslashes++;
    if (backslashes % 2 === 0) return i;
  }
}

/**
 * Splits a listing body, or answers undefined when it is not a JSON MediaContainer with one
 * Metadata array of objects (the caller then decodes it as before). Structural characters are
 * ASCII and never part of a multi-byte UTF-8 sequence, so the split works on the raw bytes.
 */
export function splitListing(bytes: Uint8Array): SplitListing | undefined {
  let from = 0;
  if (bytes[0] === 0xef && bytes[1] === 0xbb && bytes[2] === 0xbf) from = 3; // byte order mark
  while (from < bytes.length && isWhitespace(bytes[from]!)) from++;
  if (bytes[from] !== OPEN_OBJECT) return undefined;

  let depth = 0;
  let lastString = -1;
  let lastStringEnd = -1;
  let arrayOpen = -1;
  let arrayClose = -1;
  const starts: number[] = [];
  const ends: number[] = [];
  for (let i = from; i < bytes.length; i++) {
    const b = bytes[i]!;
    if (b === QUOTE) {
      if (depth === 3 && arrayOpen >= 0 && arrayClose < 0) return undefined; // a string as an item
      const end = stringEnd(bytes, i);
      if (end < 0) return undefined;
      lastString = i;
      lastStringEnd = end + 1;
      i = end;
    } else if (b === OPEN_OBJECT || b === OPEN_ARRAY) {
      const inArray = arrayOpen >= 0 && arrayClose < 0;
      if (inArray && depth === 3) {
        if (b !== OPEN_OBJECT) return undefined; // only objects are items
        starts.push(i);
      } else if (b === OPEN_ARRAY && depth === 2 && isMetadataKey(bytes, lastString, lastStringEnd)) {
        if (arrayOpen >= 0 || !justSeparator(bytes, lastStringEnd, i, COLON)) return undefined;
        arrayOpen = i;
      }
      depth++;
    } else if (b === CLOSE_OBJECT || b === CLOSE_ARRAY) {
      depth--;
      if (depth < 0) return undefined;
      if (arrayOpen >= 0 && arrayClose < 0) {
        if (depth === 3) ends.push(i + 1);
        else if (depth === 2) arrayClose = i;
      }
    } else if (depth === 3 && arrayOpen >= 0 && arrayClose < 0 && !isWhitespace(b) && b !== COMMA) {
      return undefined; // a number, string or literal as an item
    }
  }
  if (depth !== 0 || arrayOpen < 0 || arrayClose < 0 || starts.length !== ends.length) return undefined;
  // Between items: whitespace and exactly the commas JSON needs.
  for (let k = 1; k < starts.length; k++)
    if (!justSeparator(bytes, ends[k - 1]!, starts[k]!, COMMA)) return undefined;

  const decoder = new TextDecoder();
  let head: unknown;
  try {
    head = JSON.parse(
      decoder.decode(bytes.subarray(from, arrayOpen + 1)) + decoder.decode(bytes.subarray(arrayClose)),
    );
  } catch {
    return undefined;
  }
  return { head, elements: parseGroups(bytes, starts, ends, decoder), count: starts.length };
}

/** Yields the items, decoding and parsing about GROUP_BYTES of them at a time. */
function* parseGroups(
  bytes: Uint8Array,
  starts: readonly number[],
  ends: readonly number[],
  decoder: { decode(bytes: Uint8Array): string },
): Generator<unknown> {
  let first = 0;
  while (first < starts.length) {
    let last = first;
    while (last + 1 < starts.length && ends[last + 1]! - starts[first]! <= GROUP_BYTES) last++;
    const group = JSON.parse(`[${decoder.decode(bytes.subarray(starts[first], ends[last]))}]`) as unknown[];
    yield* group;
    first = last + 1;
  }
}
