/**
 * Which top-level items are generated broken, how, and (for the demo) whether they were added
 * recently. Decided before any item is built, so the requested shares hold exactly.
 */
import type { BrokenKind, Section } from "./model.js";
import type { KindWeights, Profile, UnmatchedNaming } from "./profiles.js";
import type { Rng } from "./random.js";

export interface Slot {
  section: Section;
  /** Top-level items the section gets. */
  n: number;
  /** null: the section's items are never broken (personal media). */
  kinds: KindWeights | null;
}

export interface Planned {
  kinds: BrokenKind[];
  /** Added within the profile's recent window; undefined leaves it to chance. */
  recent?: boolean;
  /** Unmatched items: how they can be matched; undefined leaves it to chance. */
  naming?: UnmatchedNaming;
}

/** Per slot: item index → its plan. Items without an entry are healthy. */
export type Plan = Map<number, Planned>[];

const FIXABLE: BrokenKind[] = ["no-poster", "no-summary", "no-guids"];

/** The primary kind, and sometimes a second one, as real libraries have items broken twice. */
function withExtra(rng: Rng, primary: BrokenKind, section: Section): BrokenKind[] {
  const kinds: BrokenKind[] = [primary];
  if (primary !== "unmatched" && rng.chance(0.2)) {
    const options = FIXABLE.filter((k) => k !== primary && (section.kind === "new" || k !== "no-guids"));
    const extra = rng.pick(options);
    if (!(primary === "locked" || primary === "unfixable") || extra !== "no-poster") kinds.push(extra);
  }
  return kinds;
}

/**
 * Standard profile: a share of all eligible items, drawn at random across sections, each with a
 * kind drawn by weight. The order of draws is part of every seed's meaning: do not reorder.
 */
export function planByDraw(rng: Rng, slots: readonly Slot[], total: number, brokenShare: number): Plan {
  const eligible: [number, number][] = [];
  slots.forEach((s, si) => {
    if (s.kinds) for (let i = 0; i < s.n; i++) eligible.push([si, i]);
  });
  rng.shuffle(eligible);
  const brokenCount = Math.min(eligible.length, Math.round(total * brokenShare));
  const plan: Plan = slots.map(() => new Map());
  for (let b = 0; b < brokenCount; b++) {
    const [si, i] = eligible[b] as [number, number];
    const slot = slots[si];
    if (!slot?.kinds) continue;
    const primary = rng.weighted(slot.kinds as Record<string, number>) as BrokenKind;
    plan[si]?.set(i, { kinds: withExtra(rng, primary, slot.section) });
  }
  return plan;
}

/**
 * Demo profile: each section gets its share of broken items, each kind its weight (largest
 * remainder), and within each kind `brokenRecentShare` of the items are placed in the recent
 * window; unmatched items take the profile's ways of matching in turn. A small library still
 * shows every kind, and a default dry run sees most of them.
 */
export function planExactly(
  rng: Rng,
  slots: readonly Slot[],
  brokenShare: number,
  profile: Pick<Profile, "brokenRecentShare" | "unmatchedCycle">,
): Plan {
  const cycle = profile.unmatchedCycle;
  return slots.map((slot) => {
    const plan = new Map<number, Planned>();
    if (!slot.kinds) return plan;
    const count = Math.min(slot.n, Math.round(slot.n * brokenShare));
    const entries: (Omit<Planned, "kinds"> & { kind: BrokenKind })[] = [];
    for (const [kind, n] of apportion(slot.kinds, count)) {
      const recent = Math.ceil(n * profile.brokenRecentShare);
      for (let j = 0; j < n; j++) {
        const naming = kind === "unmatched" && cycle.length > 0 ? cycle[j % cycle.length] : undefined;
        entries.push(naming ? { kind, recent: j < recent, naming } : { kind, recent: j < recent });
      }
    }
    rng.shuffle(entries);
    const indices = rng.shuffle(Array.from({ length: slot.n }, (_, i) => i));
    entries.forEach(({ kind, ...rest }, b) => {
      plan.set(indices[b] as number, { kinds: withExtra(rng, kind, slot.section), ...rest });
    });
    return plan;
  });
}

/** Splits `count` over the weights in proportion, rounding by largest remainder (ties: key order). */
export function apportion(weights: KindWeights, count: number): [BrokenKind, number][] {
  const entries = Object.entries(weights) as [BrokenKind, number][];
  const total = entries.reduce((n, [, w]) => n + w, 0);
  if (total <= 0 || count <= 0) return entries.map(([k]) => [k, 0]);
  const shares = entries.map(([k, w], order) => {
    const exact = (count * w) / total;
    return { k, n: Math.floor(exact), rest: exact - Math.floor(exact), order };
  });
  let left = count - shares.reduce((n, s) => n + s.n, 0);
  for (const s of [...shares].sort((a, b) => b.rest - a.rest || a.order - b.order)) {
    if (left-- <= 0) break;
    s.n++;
  }
  return shares.map((s) => [s.k, s.n]);
}
