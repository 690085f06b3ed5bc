// `npm run mutate [group…]`: Stryker once per module group of stryker.config.mjs, each against
// the module's own tests, then one score table per file. Reports: reports/mutation/<group>.*
import { Stryker } from "@stryker-mutator/core";
import { mutationGroups } from "../stryker.config.mjs";

// `--concurrency N` overrides the config's 2 workers (e.g. 1 on a machine shared with others).
const args = process.argv.slice(2);
const flag = args.indexOf("--concurrency");
const concurrency = flag === -1 ? undefined : Number(args[flag + 1]);
if (concurrency !== undefined && !(Number.isInteger(concurrency) && concurrency >= 1)) {
  console.error("--concurrency needs a whole number of at least 1");
  process.exit(2);
}
const wanted = flag === -1 ? args : args.filter((_, i) => i !== flag && i !== flag + 1);
const unknown = wanted.filter((name) => !mutationGroups.some((g) => g.name === name));
if (unknown.length > 0) {
  console.error(
    `Unknown group ${unknown.join(", ")}; groups: ${mutationGroups.map((g) => g.name).join(", ")}`,
  );
  process.exit(2);
}
const groups = wanted.length > 0 ? mutationGroups.filter((g) => wanted.includes(g.name)) : mutationGroups;

const KILLED = new Set(["Killed", "Timeout"]);
const COUNTED = new Set(["Killed", "Timeout", "Survived", "NoCoverage"]);
const rows = [];
const started = Date.now();
for (const group of groups) {
  const t0 = Date.now();
  // The group's tests reach vitest through its config (vitest.mutate.config.ts), not Stryker's
  // `testFiles`: with `testFiles`, Stryker 9.6 activates static mutants (module-level values)
  // only after the module was loaded, so they survive whatever the tests check
  // (stryker-js#6144). The test runner processes inherit this variable.
  process.env.PSR_MUTATE_TEST_FILES = group.testFiles.join(",");
  const results = await new Stryker({
    mutate: group.mutate,
    ...(concurrency === undefined ? {} : { concurrency }),
    htmlReporter: { fileName: `reports/mutation/${group.name}.html` },
    jsonReporter: { fileName: `reports/mutation/${group.name}.json` },
  }).runMutationTest();
  const byFile = new Map();
  for (const r of results.filter((m) => COUNTED.has(m.status))) {
    byFile.set(r.fileName, [...(byFile.get(r.fileName) ?? []), r]);
  }
  for (const [file, mutants] of byFile) {
    const killed = mutants.filter((m) => KILLED.has(m.status)).length;
    rows.push({
      group: group.name,
      file,
      mutants: mutants.length,
      killed,
      survived: mutants.length - killed,
    });
  }
  console.log(`${group.name}: ${Math.round((Date.now() - t0) / 1000)} s`);
}

const pct = (k, n) => (n === 0 ? "-" : `${((100 * k) / n).toFixed(1)}%`);
console.log("\nMutation score (killed or timed out / mutants; survivors include no-coverage):");
for (const r of rows)
  console.log(`  ${r.file.padEnd(28)} ${pct(r.killed, r.mutants).padStart(6)}  ${r.killed}/${r.mutants}`);
const all = rows.reduce((a, r) => ({ k: a.k + r.killed, n: a.n + r.mutants }), { k: 0, n: 0 });
console.log(`  ${"all".padEnd(28)} ${pct(all.k, all.n).padStart(6)}  ${all.k}/${all.n}`);
console.log(`Done in ${Math.round((Date.now() - started) / 60_000)} min.`);
