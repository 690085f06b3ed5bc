/**
 * Wrong matches, planted after a library is generated: healthy movies and shows re-pointed at
 * another work of the same title, far from the right year (Plex's "The Thing (1982)" matched
 * to "The Thing (2011)"), and healthy decoys whose file year is only 1 or 2 off. The folder and
 * file names follow Plex's naming guide: `Title (Year) {tmdb-…}`. The wrong work joins the agent's
 * catalogue, so a match and an undo can both resolve it; the right one is already there.
 *
 * A separate random stream is used, so profiles without wrong matches (standard) draw exactly
 * as before and every calibrated seed keeps its items.
 */
import type { GeneratedLibrary, Item, Section, Work } from "./model.js";
import { hash32, Rng } from "./random.js";
import { pathSafe } from "./text.js";

export interface WrongMatchCounts {
  /** The name carries the right work's ID; Plex holds another work's IDs (certain). */
  id: number;
  /** The name's year is far from the matched work's; a search offers the right year (likely). */
  year: number;
  /** Healthy items whose name year is 1 or 2 off the match (routine, never evidence). */
  decoys: number;
}

export const NO_WRONG_MATCHES: WrongMatchCounts = { id: 0, year: 0, decoys: 0 };

export interface WrongMatchFact {
  rk: number;
  kind: "id" | "year" | "decoy";
  /** The work the files really are. */
  right: Work;
  /** The work Plex matched instead (id and year kinds). */
  wrong?: Work;
  /** The year in the folder and file names. */
  pathYear: number;
}

const DAY = 86_400;

export function plantWrongMatches(
  lib: Pick<GeneratedLibrary, "items" | "works" | "hidden" | "sections" | "seed" | "now">,
  counts: WrongMatchCounts,
  recentDays: number,
): WrongMatchFact[] {
  if (counts.id + counts.year + counts.decoys <= 0) return [];
  const rng = new Rng(hash32("wrong-matches", lib.seed));
  const pools = (["movie", "show"] as const).map((type) => candidates(lib, type, rng, recentDays));
  const facts: WrongMatchFact[] = [];
  const take = (kind: WrongMatchFact["kind"], n: number) => {
    // About a third shows: their IDs sit in the show's folder and are checked at show level.
    const shows = Math.floor(n / 3);
    for (const [pool, count] of [
      [pools[0]!, n - shows],
      [pools[1]!, shows],
    ] as const) {
      for (let i = 0; i < count; i++) {
        const item = pool.shift();
        if (item) facts.push(plant(lib, item, kind, rng));
      }
    }
  };
  take("id", counts.id);
  take("year", counts.year);
  take("decoy", counts.decoys);
  return facts;
}

/** Healthy, matched items of the new-agent sections, the recently added ones first. */
function candidates(
  lib: Pick<GeneratedLibrary, "items" | "hidden" | "sections" | "now">,
  type: "movie" | "show",
  rng: Rng,
  recentDays: number,
): Item[] {
  const section = lib.sections.find((s) => s.kind === "new" && s.type === type);
  const rks = section?.byType.get(type) ?? [];
  const healthy = rks
    .map((rk) => lib.items[rk])
    .filter((i): i is Item => i !== undefined && i.work !== undefined && !lib.hidden.has(i.rk));
  const recent = (i: Item) => lib.now - i.addedAt < recentDays * DAY;
  return [...rng.shuffle(healthy.filter(recent)), ...rng.shuffle(healthy.filter((i) => !recent(i)))];
}

function plant(
  lib: Pick<GeneratedLibrary, "items" | "works" | "sections">,
  item: Item,
  kind: WrongMatchFact["kind"],
  rng: Rng,
): WrongMatchFact {
  const right = item.work as Work;
  const section = lib.sections.find((s) => s.id === item.sectionId) as Section;
  if (kind === "decoy") {
    // 1 off mostly, sometimes 2; every other decoy also names its (right) ID.
    const pathYear = right.year + (rng.chance(0.5) ? 1 : -1) * (rng.chance(0.75) ? 1 : 2);
    rename(item, section, right, pathYear, rng.chance(0.5) ? idToken(right, item.type, rng) : "");
    return { rk: item.rk, kind, right, pathYear };
  }
  const wrong = remake(lib.works, right, rng);
  item.work = wrong;
  item.guid = wrong.guid;
  item.year = wrong.year;
  rename(item, section, right, right.year, kind === "id" ? idToken(right, item.type, rng) : "");
  return { rk: item.rk, kind, right, wrong, pathYear: right.year };
}

/** Another work of the same title, 4 to 25 years away: what the agent wrongly picked. */
function remake(works: Work[], like: Work, rng: Rng): Work {
  const id = works.length + 1;
  const distance = rng.int(4, 25);
  const year = like.year + distance <= 2025 ? like.year + distance : like.year - distance;
  const work: Work = {
    ...like,
    id,
    guid: `plex://${like.type}/${rng.hex(24)}`,
    year,
    imdb: `tt${String(((id * 7919) % 9_000_000) + 100_000).padStart(7, "0")}`,
    tmdb: ((id * 104_729) % 900_000) + 10_000,
    tvdb: ((id * 15_485_863) % 900_000) + 70_000,
    originallyAvailableAt: `${year}${like.originallyAvailableAt.slice(4)}`,
  };
  works.push(work);
  return work;
}

function idToken(work: Work, type: Item["type"], rng: Rng): string {
  if (type === "show") return ` {tvdb-${work.tvdb}}`;
  return rng.chance(0.5) ? ` {tmdb-${work.tmdb}}` : ` {imdb-${work.imdb}}`;
}

/** Folder (and, for movies, file) named `Title (Year) {id}`, as Plex's naming guide has it. */
function rename(item: Item, section: Section, work: Work, year: number, id: string): void {
  const name = `${pathSafe(work.title)} (${year})${id}`;
  if (item.type === "show") {
    item.path = `${section.location}/${name}`;
    return;
  }
  const ext = item.path?.slice(item.path.lastIndexOf(".") + 1) ?? "mkv";
  item.path = `${section.location}/${name}/${name}.${ext}`;
}
