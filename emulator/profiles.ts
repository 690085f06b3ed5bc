/**
 * Dataset profiles: what a generated library looks like beyond its size and seed.
 * - "standard" is the library every test and benchmark is calibrated on. Its random draws must
 *   never change, or the seeds those tests use would stop producing the items they expect.
 * - "demo" is built for `psr demo`: a first dry run with the app's default settings (items
 *   added in the last 30 days) should show every kind of problem the app handles, while most of
 *   the library, and of that window, stays healthy.
 */
import type { BrokenKind, UnmatchedForm } from "./model.js";
import { NO_WRONG_MATCHES, type WrongMatchCounts } from "./wrong-matches.js";

/** How an unmatched item can be matched: ID in the file name, clean title, or ambiguous title. */
export type UnmatchedNaming = "id" | "title" | "ambiguous";

export type DatasetProfile = "standard" | "demo";
export const DATASET_PROFILES: readonly DatasetProfile[] = ["standard", "demo"];

export type KindWeights = Readonly<Partial<Record<BrokenKind, number>>>;

export interface Profile {
  /** Share of top-level items generated broken when the caller does not choose one. */
  brokenShare: number;
  /** Relative weights of the primary broken kind, per section kind. Key order matters (draws). */
  kinds: { movie: KindWeights; show: KindWeights; legacy: KindWeights };
  /**
   * How broken items are chosen: "draw" picks items and kinds at random across the library
   * (standard); "exact" gives each section its share and each kind its weight exactly, so even
   * a small library shows every kind.
   */
  planning: "draw" | "exact";
  /** Share of items added within the last `recentDays` days; the rest are older than `olderDays`. */
  recentShare: number;
  /** "exact" planning: share of each kind's broken items placed in that recent window. */
  brokenRecentShare: number;
  recentDays: number;
  olderDays: number;
  /**
   * "exact" planning: how the n-th unmatched item of a section can be matched, in turn: an ID in
   * the file name, a clean title and year, or a title the agent has twice (needs review). The
   * recent items are the first ones, so a default dry run sees every way.
   */
  unmatchedCycle: readonly UnmatchedNaming[];
  /**
   * A broken season has one or two broken episodes, each missing its thumbnail, its summary or
   * both; standard: one episode, missing its summary.
   */
  variedEpisodes: boolean;
  /** Share of "locked" items whose missing summary is locked as well as the poster. */
  lockedSummaryShare: number;
  /** Healthy items turned into wrong matches (and decoys), from their own random stream. */
  wrongMatches: WrongMatchCounts;
  /**
   * The guid of unmatched items in the new-agent libraries: `local://` (servers before the
   * change), `tv.plex.agents.none://<ratingKey>` (current servers, Kometa-Team/Kometa#3561), or
   * both, alternating. Legacy-agent libraries always use `local://`.
   */
  unmatchedForm: UnmatchedForm;
}

const STANDARD: Profile = {
  brokenShare: 0.1,
  kinds: {
    movie: { "no-poster": 26, "no-guids": 16, "no-summary": 16, unmatched: 22, locked: 8, unfixable: 12 },
    show: {
      "no-poster": 26,
      "no-guids": 16,
      "no-summary": 16,
      unmatched: 22,
      locked: 8,
      unfixable: 12,
      "broken-children": 12,
    },
    legacy: { "no-poster": 40, "no-summary": 30, locked: 15, unfixable: 15 },
  },
  planning: "draw",
  recentShare: 0.1,
  brokenRecentShare: 0.1,
  recentDays: 30,
  olderDays: 30,
  unmatchedCycle: [],
  variedEpisodes: false,
  lockedSummaryShare: 0,
  wrongMatches: NO_WRONG_MATCHES,
  // The calibrated library keeps the old form; tests ask for the new one by option.
  unmatchedForm: "local",
};

const DEMO: Profile = {
  brokenShare: 0.14,
  kinds: {
    movie: { "no-poster": 20, "no-guids": 16, "no-summary": 16, unmatched: 28, locked: 12, unfixable: 8 },
    // Seasons and episodes come from here, so broken children weigh more. Few unmatched shows:
    // each one brings a dozen children that wait for the show's match and would crowd the view.
    show: {
      "no-poster": 12,
      "no-guids": 12,
      "no-summary": 10,
      unmatched: 12,
      locked: 8,
      unfixable: 4,
      "broken-children": 42,
    },
    legacy: { "no-poster": 40, "no-summary": 30, locked: 15, unfixable: 15 },
  },
  planning: "exact",
  recentShare: 0.25,
  brokenRecentShare: 0.75,
  // The app's window runs from its own clock, up to a day ahead of the emulator's (start of the
  // UTC day): 28 days keeps the recent items inside a 30-day window for the first days of a demo.
  recentDays: 28,
  olderDays: 31,
  unmatchedCycle: ["title", "ambiguous", "id", "title", "ambiguous"],
  variedEpisodes: true,
  lockedSummaryShare: 0.35,
  // Both kinds of wrong match, and healthy items whose file year is 1 or 2 off, in the window.
  wrongMatches: { id: 5, year: 5, decoys: 8 },
  // Both forms a user meets: items unmatched before and after Plex's change.
  unmatchedForm: "mixed",
};

export const PROFILES: Readonly<Record<DatasetProfile, Profile>> = { standard: STANDARD, demo: DEMO };
