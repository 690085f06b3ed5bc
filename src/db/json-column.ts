// The one way a JSON text column is read back: a value, or null when the column is empty or
// unreadable (a damaged row shows as missing data, never as a crash of the page that lists it).

export function readJsonColumn(text: string | null | undefined): unknown {
  if (text === null || text === undefined) return null;
  try {
    return JSON.parse(text) as unknown;
  } catch {
    return null;
  }
}

/** The column as an array, or null when it holds anything else. */
export function readJsonArray(text: string | null | undefined): unknown[] | null {
  const value = readJsonColumn(text);
  return Array.isArray(value) ? value : null;
}
