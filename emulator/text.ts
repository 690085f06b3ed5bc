/** Texts derived on demand (summaries, episode titles, paths) and title normalisation. */
import type { Item, Work } from "./model.js";
import { ADJECTIVES, NOUNS, SCENE_JUNK, SUMMARY_ENDINGS, SUMMARY_OPENERS } from "./names.js";
import { hash32 } from "./random.js";

const FOLD: Record<string, string> = {
  æ: "ae",
  Æ: "AE",
  ø: "o",
  Ø: "O",
  ß: "ss",
  ł: "l",
  Ł: "L",
  œ: "oe",
  Œ: "OE",
};

/** Removes diacritics the way a file name written on an ASCII keyboard would. */
export function asciiFold(s: string): string {
  return s
    .normalize("NFD")
    .replace(/[\u0300-\u036f]/g, "")
    .replace(/[æÆøØßłŁœŒ]/g, (c) => FOLD[c] ?? c);
}

const JUNK = new Set(SCENE_JUNK.map((j) => j.toLowerCase()));
const STOP = new Set(["the", "a", "an", "of", "and", "der", "die", "das", "le", "la", "les", "el"]);

/** Normalised form used by the simulated agent to compare titles. */
export function normalizeTitle(s: string): string {
  return asciiFold(s)
    .toLowerCase()
    .replace(/[^\p{L}\p{N}]+/gu, " ")
    .split(" ")
    .filter((w) => w && !JUNK.has(w))
    .join(" ");
}

/** Significant tokens of a normalised title (for the agent's candidate index). */
export function titleTokens(normalized: string): string[] {
  const words = normalized.split(" ").filter(Boolean);
  const significant = words.filter((w) => !STOP.has(w));
  return significant.length > 0 ? significant : words;
}

export function workSummary(work: Work): string {
  const h = hash32("summary", work.id);
  const opener = SUMMARY_OPENERS[h % SUMMARY_OPENERS.length];
  const ending = SUMMARY_ENDINGS[(h >>> 8) % SUMMARY_ENDINGS.length];
  return `${opener} ${ending} ${work.title} (${work.year}).`;
}

export function episodeSummary(item: Item, showTitle: string): string {
  const h = hash32("ep", item.rk);
  const ending = SUMMARY_ENDINGS[h % SUMMARY_ENDINGS.length];
  return `${showTitle}: "${item.title}" – ${ending}`;
}

const EPISODE_TITLES: string[] = [];
for (const a of ADJECTIVES) for (const n of NOUNS.slice(0, 8)) EPISODE_TITLES.push(`The ${a} ${n}`);

/** Episode titles come from a shared pool, so 100,000s of episodes allocate no strings. */
export function episodeTitle(seed: number): string {
  return EPISODE_TITLES[seed % EPISODE_TITLES.length] as string;
}

/** Characters a file system or Plex naming would not keep in a folder name. */
export function pathSafe(s: string): string {
  return s.replace(/[/\\:*?"<>|]/g, "").trim();
}

export function sortTitle(title: string): string | undefined {
  const m = /^(The|A|An|Der|Die|Das|Le|La|Les|El) (.+)$/.exec(title);
  return m ? m[2] : undefined;
}
