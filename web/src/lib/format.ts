// Dates, times, numbers and durations with Intl, in the chosen language.

const UNITS: [Intl.RelativeTimeFormatUnit, number][] = [
  ["year", 365 * 24 * 3600],
  ["month", 30 * 24 * 3600],
  ["week", 7 * 24 * 3600],
  ["day", 24 * 3600],
  ["hour", 3600],
  ["minute", 60],
  ["second", 1],
];

/** "in 3 hours", "vor 2 Minuten": the largest unit that fits, rounded. */
export function formatRelative(target: Date | string | number, now: number, lang: string): string {
  const at = new Date(target).getTime();
  const diffSeconds = (at - now) / 1000;
  const abs = Math.abs(diffSeconds);
  const rtf = new Intl.RelativeTimeFormat(lang, { numeric: "auto" });
  for (const [unit, seconds] of UNITS) {
    if (abs >= seconds || unit === "second") {
      const value = Math.round(diffSeconds / seconds);
      if (unit === "second" && Math.abs(value) < 10) return rtf.format(0, "second");
      return rtf.format(value, unit);
    }
  }
  return rtf.format(0, "second");
}

export function formatDateTime(value: Date | string | number, lang: string): string {
  return new Intl.DateTimeFormat(lang, { dateStyle: "medium", timeStyle: "short" }).format(new Date(value));
}

export function formatNumber(value: number, lang: string, options?: Intl.NumberFormatOptions): string {
  return new Intl.NumberFormat(lang, options).format(value);
}

/** A duration as "12 s", "3 min 5 s", "1 h 4 min" (units from Intl, so they read in the language). */
export function formatDuration(ms: number, lang: string): string {
  const total = Math.max(0, Math.round(ms / 1000));
  const unit = (value: number, u: "hour" | "minute" | "second") =>
    new Intl.NumberFormat(lang, { style: "unit", unit: u, unitDisplay: "narrow" }).format(value);
  const h = Math.floor(total / 3600);
  const m = Math.floor((total % 3600) / 60);
  const s = total % 60;
  if (h > 0) return `${unit(h, "hour")} ${unit(m, "minute")}`;
  if (m > 0) return `${unit(m, "minute")} ${unit(s, "second")}`;
  return unit(s, "second");
}

/** Percent with one decimal at most, e.g. "83.3 %" / "83,3 %". */
export function formatPercent(ratio: number, lang: string): string {
  return new Intl.NumberFormat(lang, { style: "percent", maximumFractionDigits: 1 }).format(ratio);
}
