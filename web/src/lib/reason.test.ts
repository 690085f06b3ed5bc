import i18next from "i18next";
import { beforeAll, describe, expect, it } from "vitest";
import { REASON_CODES, type Reason } from "../../../src/contracts/reasons";
import { initI18n } from "../i18n";
import { jobErrorText, reasonOrNote, reasonText } from "./reason";

/** One reason per code, with the parameters the server sends for it. */
const SAMPLES: Record<(typeof REASON_CODES)[number], Reason["params"]> = {
  ignored_by_hand: undefined,
  show_ignored_by_hand: undefined,
  personal_media: undefined,
  healthy_on_recheck: undefined,
  show_not_matched: undefined,
  locked_fields: { locked: ["no_poster"] },
  backoff: { until: "2026-12-08T10:00:00.000Z" },
  matching_off: undefined,
  waiting_upstream: { until: "2026-12-08T06:00:00.000Z" },
  waiting_upstream_manual: undefined,
  match_undone_by_person: undefined,
  would_refresh: { problems: ["no_poster", "no_summary"] },
  would_match: { to: "Heat (1995)", guid: "plex://movie/1", by: { code: "exact_title_near_year" } },
  would_rematch: {
    evidence: { code: "id_conflict", params: { pathId: "tmdb-1", matchedId: "tmdb-2" } },
    to: "Heat (1995)",
    guid: "plex://movie/1",
  },
  fixed: { cleared: ["no_poster"] },
  fixed_locked: { cleared: ["no_summary"], locked: ["no_poster"] },
  still_broken: { remaining: ["no_summary"], cleared: ["no_poster"] },
  matched: {
    to: "Heat (1995)",
    by: { code: "score_clear", params: { score: 95, runnerUp: 60 } },
    verdict: { code: "fixed", params: { cleared: ["unmatched"] } },
  },
  match_not_taken: { to: "Heat (1995)", late: true },
  undo_done: { to: null, was: "Heat (1995)" },
  undo_not_taken: { still: "Heat (1995)", late: false },
  no_match_found: { why: { code: "no_candidates" } },
  match_review: { why: { code: "shared_title_year", params: { count: 2 } } },
  wrong_match_review: {
    evidence: { code: "id_conflict", params: { pathId: "tmdb-1", matchedId: "tmdb-2" } },
    why: { code: "person_decides_matching_off" },
  },
  id_conflict: { pathId: "tmdb-1091", matchedId: "tmdb-60935" },
  year_conflict: { pathYear: 1982, matchedYear: 2011 },
  id_no_result: { id: "imdb-tt1" },
  id_from_filename: { id: "imdb-tt1" },
  id_several: { count: 3, id: "imdb-tt1" },
  id_from_path: { id: "tmdb-1", had: "tmdb-2" },
  id_resolves_to_current: { id: "tmdb-1" },
  no_usable_title: undefined,
  no_candidates: undefined,
  score_clear: { score: 95, runnerUp: null },
  score_inconclusive: { score: 80, runnerUp: 75 },
  exact_title_near_year: undefined,
  exact_title_only_exact_year: undefined,
  shared_title_year: { count: 2 },
  no_same_title_year: undefined,
  person_decides_matching_off: { why: { code: "score_clear", params: { score: 99, runnerUp: 50 } } },
  person_decides_match_undone: undefined,
  chosen_by_hand: undefined,
  top_candidate_by_hand: undefined,
  deleted_while_scanning: undefined,
  plex_error: { kind: "unreachable", message: "Plex is unreachable at http://plex:32400 (ECONNREFUSED)" },
  already_ignored: undefined,
  not_ignored: undefined,
  ignored_unignore_first: undefined,
  not_in_review: { state: "fixed" },
  no_stored_candidate: undefined,
  top_candidate_tied: { count: 2 },
  top_candidate_unclear: { why: { code: "no_same_title_year" } },
  no_longer_recorded: undefined,
  no_longer_in_plex: undefined,
  server_shutdown: undefined,
  server_restarted: undefined,
  job_never_started: undefined,
  job_process_gone: { pid: "4242" },
  job_heartbeat_lost: { minutes: 45, limit: 30 },
  plex_outage: { seconds: 120 },
  library_not_found: { name: "Filme" },
  library_not_scannable: { name: "Musik", type: "artist" },
  internal_error: undefined,
};

beforeAll(() => {
  initI18n("en");
});

describe("reasons in the reader's language", () => {
  it.each(REASON_CODES.map((code) => ({ code })))(
    "$code is worded in English and German",
    async ({ code }) => {
      const reason: Reason = SAMPLES[code] === undefined ? { code } : { code, params: SAMPLES[code] };
      await i18next.changeLanguage("en");
      const en = reasonText(i18next.t, "en", reason);
      await i18next.changeLanguage("de");
      const de = reasonText(i18next.t, "de", reason);
      for (const text of [en, de]) {
        expect(text).not.toBe(code);
        expect(text).not.toMatch(/\{\{|reason\.|undefined|null/);
      }
      expect(de).not.toBe(en);
    },
  );

  it.each([
    {
      name: "a nested reason and problem codes",
      reason: { code: "no_match_found", params: { why: { code: "no_candidates" } } } as Reason,
      de: "Nicht zugeordnet; keine Zuordnung gefunden (Plex hat keine Kandidaten gefunden)",
    },
    {
      name: "a verdict with nothing listed takes its short form",
      reason: { code: "fixed", params: { cleared: [] } } as Reason,
      de: "Repariert: keine Probleme mehr",
    },
    {
      name: "a missed completion is said",
      reason: {
        code: "still_broken",
        params: { remaining: ["no_summary"], cleared: [], late: true },
      } as Reason,
      de: "Nach der Aktualisierung noch: keine Beschreibung (Plex hat den Abschluss nicht rechtzeitig gemeldet)",
    },
    {
      name: "years are not grouped like numbers",
      reason: { code: "year_conflict", params: { pathYear: 1982, matchedYear: 2011 } } as Reason,
      de: "Möglicherweise falsche Zuordnung: Der Pfad nennt 1982, Plex hat 2011 zugeordnet",
    },
    {
      name: "an undo back to no match names it",
      reason: { code: "undo_done", params: { to: null, was: "Heat (1995)" } } as Reason,
      de: "Zuordnung rückgängig gemacht: wieder nicht zugeordnet (vorher Heat (1995))",
    },
  ])("German: $name", async ({ reason, de }) => {
    await i18next.changeLanguage("de");
    expect(reasonText(i18next.t, "de", reason)).toBe(de);
  });

  it("shows the stored note of a row from before codes", () => {
    expect(reasonOrNote(i18next.t, "en", { reason: null, note: "fixed: no poster" })).toBe(
      "fixed: no poster",
    );
    expect(reasonOrNote(i18next.t, "en", { note: null })).toBe("");
  });
});

describe("a job's error", () => {
  it("is worded from its code, never from the server's English", async () => {
    await i18next.changeLanguage("de");
    const job = {
      error: "Interrupted: the server received SIGTERM",
      errorReason: { code: "server_shutdown" } as Reason,
    };
    expect(jobErrorText(i18next.t, "de", job)).toBe("Der Server wurde beendet, während der Auftrag lief.");
    expect(jobErrorText(i18next.t, "de", { error: "boom", errorReason: null })).toBe(
      "Der Auftrag endete mit einem Fehler; die Details stehen in seinem Protokoll.",
    );
    expect(jobErrorText(i18next.t, "de", { error: null })).toBe("");
  });

  it("keeps a PID as it is, not grouped like a number", async () => {
    await i18next.changeLanguage("de");
    const job = { errorReason: { code: "job_process_gone", params: { pid: "12345" } } as Reason };
    expect(jobErrorText(i18next.t, "de", job)).toContain("(PID 12345)");
  });
});
