/** JSON serialization following the XML→JSON mapping PMS uses (REFERENCE §1.4). */
import type { El } from "./el.js";

export function elementToJson(e: El): Record<string, unknown> {
  const out: Record<string, unknown> = {};
  for (const key in e.attrs) {
    const v = e.attrs[key];
    if (v !== undefined) out[key] = v;
  }
  if (e.children) {
    for (const c of e.children) {
      const key = c.json ?? c.tag;
      if (c.single) {
        out[key] = elementToJson(c);
        continue;
      }
      const existing = out[key];
      if (Array.isArray(existing)) existing.push(elementToJson(c));
      else out[key] = [elementToJson(c)];
    }
  }
  return out;
}
