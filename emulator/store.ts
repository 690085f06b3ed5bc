/**
 * The live library: lookups, parent chains, pre-sorted listing indexes and the mutation
 * counters that tell those indexes when to rebuild.
 */
import type { GeneratedLibrary, Item, ItemType, Section } from "./model.js";
import { normalizeTitle } from "./text.js";

export type SortField =
  | "addedAt"
  | "updatedAt"
  | "titleSort"
  | "title"
  | "year"
  | "originallyAvailableAt"
  | "rating"
  | "id"
  | "duration"
  | "index";

export interface SortKey {
  field: SortField;
  desc: boolean;
}

export const SORT_FIELDS: ReadonlySet<string> = new Set<SortField>([
  "addedAt",
  "updatedAt",
  "titleSort",
  "title",
  "year",
  "originallyAvailableAt",
  "rating",
  "id",
  "duration",
  "index",
]);

/** Fields whose values change when metadata is refreshed or matched. */
const VOLATILE: Partial<Record<SortField, "meta" | "updated">> = {
  updatedAt: "updated",
  titleSort: "meta",
  title: "meta",
  year: "meta",
  originallyAvailableAt: "meta",
  rating: "meta",
};

export class Store {
  readonly sections: Section[];
  private readonly byId = new Map<number, Section>();
  private metaVersion = 0;
  private updatedVersion = 0;
  /** Bumped when an item is added: every cached listing is stale then. */
  private itemsVersion = 0;
  private readonly sortCache = new Map<string, { version: string; rks: number[] }>();

  constructor(readonly lib: GeneratedLibrary) {
    this.sections = lib.sections;
    for (const s of lib.sections) this.byId.set(s.id, s);
  }

  section(id: number): Section | undefined {
    return this.byId.get(id);
  }

  get(rk: number): Item | undefined {
    return Number.isInteger(rk) && rk > 0 ? this.lib.items[rk] : undefined;
  }

  parent(item: Item): Item | undefined {
    return item.parentRk === undefined ? undefined : this.lib.items[item.parentRk];
  }

  /** The show of an episode/season, the artist of a track/album, or the item itself. */
  root(item: Item): Item {
    let cur = item;
    for (let p = this.parent(cur); p; p = this.parent(cur)) cur = p;
    return cur;
  }

  children(item: Item): Item[] {
    return (item.childRks ?? []).map((rk) => this.lib.items[rk]).filter((i): i is Item => i !== undefined);
  }

  /** Leaves below an item (episodes of a show, tracks of an artist). */
  leaves(item: Item): Item[] {
    const out: Item[] = [];
    const walk = (i: Item) => {
      if (!i.childRks) {
        if (i !== item) out.push(i);
        return;
      }
      for (const c of this.children(i)) walk(c);
    };
    walk(item);
    return out;
  }

  /** Called after title/year/guid changes (match, unmatch). */
  touchMeta(): void {
    this.metaVersion++;
  }

  /** Called after updatedAt changes (refresh). */
  touchUpdated(): void {
    this.updatedVersion++;
  }

  /** A library scan found a new item: it joins its section's listings (library-scan.ts). */
  addItem(item: Item): void {
    const section = this.byId.get(item.sectionId);
    if (!section) throw new Error(`no section ${item.sectionId}`);
    this.lib.items[item.rk] = item;
    let list = section.byType.get(item.type);
    if (!list) {
      list = [];
      section.byType.set(item.type, list);
    }
    list.push(item.rk);
    this.itemsVersion++;
  }

  /** A deleted item (a replaced file): gone from lookups and listings. Leaves only. */
  removeItem(rk: number): void {
    const item = this.get(rk);
    if (!item) return;
    if (item.childRks?.length) throw new Error(`item ${rk} has children`);
    const list = this.byId.get(item.sectionId)?.byType.get(item.type);
    const at = list?.indexOf(rk) ?? -1;
    if (list && at >= 0) list.splice(at, 1);
    const parent = this.parent(item);
    if (parent?.childRks) parent.childRks = parent.childRks.filter((c) => c !== rk);
    this.lib.items[rk] = undefined;
    this.lib.hidden.delete(rk);
    this.lib.wrongMatches = this.lib.wrongMatches.filter((f) => f.rk !== rk);
    this.itemsVersion++;
  }

  /** The ratingKey the next added item gets. */
  nextRk(): number {
    return this.lib.items.length;
  }

  /** ratingKeys of one type in a section, sorted; cached until a relevant field changes. */
  sorted(section: Section, type: ItemType, keys: SortKey[]): number[] {
    const base = section.byType.get(type) ?? [];
    if (keys.length === 0) return base;
    const cacheKey = `${section.id}|${type}|${keys.map((k) => `${k.field}:${k.desc ? "d" : "a"}`).join(",")}`;
    const version = keys
      .map((k) => {
        const v = VOLATILE[k.field];
        return v === "meta" ? this.metaVersion : v === "updated" ? this.updatedVersion : 0;
      })
      .join(".")
      .concat(`|${this.itemsVersion}`);
    const hit = this.sortCache.get(cacheKey);
    if (hit && hit.version === version) return hit.rks;
    const rks = this.sortList(base, keys);
    this.sortCache.set(cacheKey, { version, rks });
    return rks;
  }

  sortList(base: readonly number[], keys: SortKey[]): number[] {
    const items = this.lib.items;
    // Extract sort keys once; comparing extracted primitives keeps a 100k sort fast.
    const columns = keys.map((k) => base.map((rk) => sortValue(items[rk] as Item, k.field)));
    const order = base.map((_, i) => i);
    const desc = keys[0]?.desc ?? false;
    order.sort((a, b) => {
      for (let k = 0; k < keys.length; k++) {
        const col = columns[k] as (string | number)[];
        const va = col[a] as string | number;
        const vb = col[b] as string | number;
        if (va !== vb) {
          const r = va < vb ? -1 : 1;
          return keys[k]?.desc ? -r : r;
        }
      }
      const r = (base[a] as number) - (base[b] as number);
      return desc ? -r : r;
    });
    return order.map((i) => base[i] as number);
  }
}

function sortValue(item: Item, field: SortField): string | number {
  switch (field) {
    case "addedAt":
      return item.addedAt;
    case "updatedAt":
      return item.updatedAt;
    case "titleSort":
      return normalizeTitle(item.edits?.titleSort ?? item.titleSort ?? item.edits?.title ?? item.title);
    case "title":
      return normalizeTitle(item.edits?.title ?? item.title);
    case "year":
      return Number(item.edits?.year ?? item.year ?? 0);
    case "originallyAvailableAt":
      return item.work?.originallyAvailableAt ?? "";
    case "rating":
      return item.work?.rating ?? 0;
    case "id":
      return item.rk;
    case "duration":
      return item.duration;
    case "index":
      return item.index ?? 0;
  }
}
