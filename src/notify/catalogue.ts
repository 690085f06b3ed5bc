// The words of a notification, in the language chosen under Settings → Appearance. The server
// sends these itself, so it words them itself: English and German here, in one place. A job's
// error travels as a code (Reason); English takes the server's one English rendering of it,
// German words the job codes here.
import type { DefaultLanguage } from "../contracts/appearance.js";
import type { Reason } from "../contracts/reasons.js";
import { reasonText } from "../scan/reason-text.js";

export const NOTIFY_LANGUAGES = ["en", "de"] as const;
export type NotifyLanguage = (typeof NOTIFY_LANGUAGES)[number];

/** The language of notifications: "browser" has no browser to ask, so it is English. */
export function notifyLanguage(setting: DefaultLanguage | undefined): NotifyLanguage {
  return setting === "de" ? "de" : "en";
}

export interface NotifyCatalogue {
  testText: (app: string) => string;
  headline: {
    test: string;
    finished: string;
    finishedDry: string;
    failed: string;
    interrupted: string;
    review: (n: number) => string;
  };
  label: {
    job: string;
    checked: string;
    fixed: string;
    wouldFix: string;
    failed: string;
    needsReview: string;
    locked: string;
    errors: string;
    duration: string;
    error: string;
  };
  /** "7 (matched 2)". */
  fixedValue: (fixed: number, matched: number) => string;
  /** Who started the job; an unknown source shows as it is. */
  source: Partial<Record<string, string>>;
  interruptedUnknown: string;
  failedUnknown: string;
  dryRunNothingChanged: string;
  open: (app: string) => string;
  jobError: (reason: Reason) => string;
}

const en: NotifyCatalogue = {
  testText: (app) => `This is a test from ${app}. If you can read this, notifications work.`,
  headline: {
    test: "test notification",
    finished: "scan finished",
    finishedDry: "scan finished (dry run)",
    failed: "scan failed",
    interrupted: "scan interrupted",
    review: (n) => `${n} ${n === 1 ? "item needs" : "items need"} review`,
  },
  label: {
    job: "Job",
    checked: "Checked",
    fixed: "Fixed",
    wouldFix: "Would fix",
    failed: "Failed",
    needsReview: "Needs review",
    locked: "Locked",
    errors: "Errors",
    duration: "Duration",
    error: "Error",
  },
  fixedValue: (fixed, matched) => `${fixed} (matched ${matched})`,
  source: {},
  interruptedUnknown: "the app stopped while the scan was running",
  failedUnknown: "unknown error (see the job log)",
  dryRunNothingChanged: "Dry run: nothing was changed.",
  open: (app) => `Open ${app}`,
  jobError: reasonText,
};

const PLEX_KIND_DE: Record<string, string> = {
  auth: "Plex hat das Token abgelehnt",
  unreachable: "Plex war nicht erreichbar",
  http: "Plex hat mit einem Fehler geantwortet",
  plex: "Plex hat unerwartet geantwortet",
};

function jobErrorDe(r: Reason): string {
  const p = r.params ?? {};
  const s = (name: string) => String(p[name] ?? "");
  switch (r.code) {
    case "server_shutdown":
      return "Der Server wurde beendet, während der Auftrag lief";
    case "server_restarted":
      return "Der Server wurde neu gestartet, während der Auftrag lief";
    case "job_never_started":
      return "Der Auftrag hat nie begonnen: Der Prozess, der ihn eingereiht hat, läuft nicht mehr";
    case "job_process_gone":
      return `Der Prozess, der den Auftrag ausgeführt hat (PID ${s("pid")}), läuft nicht mehr`;
    case "job_heartbeat_lost":
      return `Seit ${s("minutes")} Minuten kein Lebenszeichen vom Auftrag (Grenze ${s("limit")})`;
    case "plex_outage":
      return `Plex war nach ${s("seconds")} s immer noch nicht erreichbar`;
    case "plex_error":
      return PLEX_KIND_DE[s("kind")] ?? "Plex-Fehler (Details im Auftragsprotokoll)";
    case "library_not_found":
      return `Es gibt keine Mediathek namens „${s("name")}“`;
    case "library_not_scannable":
      return `„${s("name")}“ ist eine Mediathek vom Typ ${s("type")}; nur Film- und Serien-Mediatheken können gescannt werden`;
    default:
      // internal_error, and any code a job does not end on: the details are in the log.
      return "Interner Fehler (Details im Auftragsprotokoll)";
  }
}

const de: NotifyCatalogue = {
  testText: (app) => `Dies ist ein Test von ${app}. Wenn du das liest, funktionieren Benachrichtigungen.`,
  headline: {
    test: "Test-Benachrichtigung",
    finished: "Scan beendet",
    finishedDry: "Scan beendet (Probelauf)",
    failed: "Scan fehlgeschlagen",
    interrupted: "Scan unterbrochen",
    review: (n) => `${n} ${n === 1 ? "Eintrag ist" : "Einträge sind"} zu prüfen`,
  },
  label: {
    job: "Auftrag",
    checked: "Geprüft",
    fixed: "Repariert",
    wouldFix: "Würde reparieren",
    failed: "Fehlgeschlagen",
    needsReview: "Zu prüfen",
    locked: "Gesperrt",
    errors: "Fehler",
    duration: "Dauer",
    error: "Fehler",
  },
  fixedValue: (fixed, matched) => `${fixed} (davon zugeordnet ${matched})`,
  source: {
    manual: "manuell",
    scheduler: "Zeitplan",
    schedule: "Zeitplan",
    api: "API",
    cli: "Kommandozeile",
    bulk: "Sammelaktion",
    test: "Test",
  },
  interruptedUnknown: "Die App wurde beendet, während der Scan lief",
  failedUnknown: "Unbekannter Fehler (siehe Auftragsprotokoll)",
  dryRunNothingChanged: "Probelauf: Nichts wurde geändert.",
  open: (app) => `${app} öffnen`,
  jobError: jobErrorDe,
};

const CATALOGUES: Record<NotifyLanguage, NotifyCatalogue> = { en, de };

export function catalogue(language: NotifyLanguage | undefined): NotifyCatalogue {
  return CATALOGUES[language ?? "en"];
}
