// Mutation score for the core modules (issue 25): `npm run mutate` (scripts/mutate.mjs) runs
// Stryker once per group below, each with the module's OWN tests only, so a guard that only
// another module's tests notice counts as a survivor. Not part of `npm test` or CI: run it
// before closing an issue that changes one of these modules and give the score per module.
// Survivors that no test can kill are listed, with the reason, in stryker-equivalents.md.

/** Module groups: the files mutated and the test files that are theirs. */
export const mutationGroups = [
  {
    name: "scan",
    mutate: [
      "src/scan/triage.ts",
      "src/scan/policy.ts",
      "src/scan/fix.ts",
      "src/scan/detect.ts",
      "src/scan/wrong-match.ts",
      "src/scan/match-choice.ts",
    ],
    testFiles: [
      "test/scan/triage.test.ts",
      "test/scan/policy.test.ts",
      "test/scan/fix.test.ts",
      "test/scan/detect.test.ts",
      "test/scan/wrong-match.test.ts",
      "test/scan/match-choice.test.ts",
    ],
  },
  {
    name: "auth",
    mutate: ["src/auth/*.ts", "src/http/auth-guard.ts"],
    // Its own tests only: the app-level test/security/auth.test.ts (a whole server) and
    // passwd.test.ts (checks in child processes, which no mutant reaches) would make each of the
    // group's static mutants (scrypt's parameters, the renewal interval) cost half a minute.
    testFiles: ["test/auth/*.test.ts", "test/http/auth-guard*.test.ts"],
  },
  {
    name: "jobs",
    // The job store whole: its cancel flag (heartbeat, requestCancel) and the single scan slot.
    mutate: ["src/jobs/retention.ts", "src/jobs/recovery.ts", "src/jobs/job-store.ts"],
    testFiles: ["test/jobs/retention*.test.ts", "test/jobs/recovery.test.ts", "test/jobs/job-store*.test.ts"],
  },
  // The reader and the limits it reads within (crafted files, the read budget).
  {
    name: "import",
    mutate: ["src/import/read.ts", "src/import/db-guard.ts"],
    testFiles: ["test/import/*.test.ts"],
  },
  {
    name: "plex",
    mutate: ["src/plex/pager.ts", "src/plex/parse.ts"],
    testFiles: ["test/plex/pager.test.ts", "test/plex/parse.test.ts", "test/plex/listing-*.test.ts"],
  },
  { name: "watch", mutate: ["src/watch/decide.ts"], testFiles: ["test/watch/decide.test.ts"] },
  // Masked notification secrets stay bound to their destination.
  { name: "notify", mutate: ["src/notify/schema.ts"], testFiles: ["test/notify/schema*.test.ts"] },
];

/** @type {import("@stryker-mutator/api/core").PartialStrykerOptions} */
export default {
  testRunner: "vitest",
  // Lists every test file a group may name; a group's run is limited to its own by testFiles.
  vitest: { configFile: "vitest.mutate.config.ts", related: false },
  // Each mutant runs only the tests that reach it: what keeps a run short on 2 cores.
  coverageAnalysis: "perTest",
  concurrency: 2,
  // A plain `npx stryker run` mutates every group's files against all listed tests (slower).
  mutate: mutationGroups.flatMap((g) => g.mutate),
  // The sandbox copy needs only what the tests load.
  ignorePatterns: ["dist", "web", "docs", "deploy", "bench", "data", "coverage", "reports", "test/e2e"],
  reporters: ["clear-text", "html", "json"],
  clearTextReporter: { reportTests: false, reportMutants: true, reportScoreTable: true },
  htmlReporter: { fileName: "reports/mutation/index.html" },
  jsonReporter: { fileName: "reports/mutation/mutation.json" },
  tempDirName: ".stryker-tmp",
  cleanTempDir: "always",
  thresholds: { high: 90, low: 85, break: null },
  timeoutMS: 10_000,
};
