// Mutation score for the core modules (issue 25): `npm run mutate`. Not part of `npm test` or CI;
// run it before closing an issue that changes one of these modules and give the score per module.
// Survivors that no test can kill are listed, with the reason, in stryker-equivalents.md.
/** @type {import("@stryker-mutator/api/core").PartialStrykerOptions} */
export default {
  testRunner: "vitest",
  vitest: { configFile: "vitest.mutate.config.ts", related: false },
  // Each mutant runs only the tests that reach it: what keeps a full run under 30 minutes on 2 cores.
  coverageAnalysis: "perTest",
  concurrency: 2,
  mutate: [
    // Scan decisions and the fix.
    "src/scan/triage.ts",
    "src/scan/policy.ts",
    "src/scan/fix.ts",
    // Authentication and the guard in front of the API.
    "src/auth/*.ts",
    "src/http/auth-guard.ts",
    // Jobs: retention, start-up recovery, and the cancel flag (heartbeat and requestCancel).
    "src/jobs/retention.ts",
    "src/jobs/recovery.ts",
    "src/jobs/job-store.ts:135-153",
    // The import reader.
    "src/import/read.ts",
    // The Plex pager and parsing.
    "src/plex/pager.ts",
    "src/plex/parse.ts",
    // Watch decisions.
    "src/watch/decide.ts",
    // Notification secrets: masks bound to their destination.
    "src/notify/schema.ts",
  ],
  // The sandbox copy needs only what the tests above load.
  ignorePatterns: ["dist", "web", "docs", "deploy", "bench", "data", "coverage", "reports", "test/e2e"],
  reporters: ["clear-text", "progress", "html", "json"],
  htmlReporter: { fileName: "reports/mutation/index.html" },
  jsonReporter: { fileName: "reports/mutation/mutation.json" },
  tempDirName: ".stryker-tmp",
  cleanTempDir: "always",
  thresholds: { high: 90, low: 85, break: null },
  timeoutMS: 10_000,
};
