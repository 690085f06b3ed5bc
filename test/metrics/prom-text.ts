// A small reader for Prometheus' text exposition format, enough for the tests to look up a
// series by name and labels and to list the metric families a scrape declares.

export interface Sample {
  name: string;
  labels: Record<string, string>;
  value: number;
}

export interface Scrape {
  samples: Sample[];
  /** Family name → type, from the `# TYPE` lines. */
  types: Map<string, string>;
}

const SAMPLE = /^([a-zA-Z_:][a-zA-Z0-9_:]*)(?:\{(.*)\})?\s+(\S+)$/;
const LABEL = /([a-zA-Z_][a-zA-Z0-9_]*)="((?:[^"\\]|\\.)*)"/g;

export function parseScrape(text: string): Scrape {
  const samples: Sample[] = [];
  const types = new Map<string, string>();
  for (const line of text.split("\n")) {
    if (line.trim() === "") continue;
    const type = /^# TYPE (\S+) (\S+)$/.exec(line);
    if (type) {
      types.set(type[1]!, type[2]!);
      continue;
    }
    if (line.startsWith("#")) continue;
    const m = SAMPLE.exec(line);
    if (!m) throw new Error(`not a sample line: ${line}`);
    const labels: Record<string, string> = {};
    for (const l of (m[2] ?? "").matchAll(LABEL)) labels[l[1]!] = l[2]!.replace(/\\(.)/g, "$1");
    const raw = m[3]!;
    // Prometheus reads NaN in any case (prom-client writes "Nan").
    const value = /^nan$/i.test(raw) ? Number.NaN : Number(raw.replace(/^([+-])?Inf$/, "$1Infinity"));
    if (Number.isNaN(value) && !/^nan$/i.test(raw)) throw new Error(`bad value in: ${line}`);
    samples.push({ name: m[1]!, labels, value });
  }
  return { samples, types };
}

/** The samples of one series name whose labels include `labels`. */
export function series(scrape: Scrape, name: string, labels: Record<string, string> = {}): Sample[] {
  return scrape.samples.filter(
    (s) => s.name === name && Object.entries(labels).every(([k, v]) => s.labels[k] === v),
  );
}

/** The sum over matching series (0 when there are none). */
export function total(scrape: Scrape, name: string, labels: Record<string, string> = {}): number {
  return series(scrape, name, labels).reduce((sum, s) => sum + s.value, 0);
}

/** The one value of a series without labels; throws when it is missing. */
export function single(scrape: Scrape, name: string): number {
  const found = series(scrape, name);
  if (found.length !== 1) throw new Error(`${name}: expected one series, found ${found.length}`);
  return found[0]!.value;
}

/** The family a series belongs to: histograms and summaries add _bucket, _sum and _count. */
export function familyOf(scrape: Scrape, seriesName: string): string | undefined {
  if (scrape.types.has(seriesName)) return seriesName;
  const base = seriesName.replace(/_(bucket|sum|count)$/, "");
  return scrape.types.has(base) ? base : undefined;
}
