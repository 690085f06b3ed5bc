// The unit tests `npm run mutate` (Stryker) runs against the core modules listed in
// stryker.config.mjs: each module group's own tests (see scripts/mutate.mjs for how one group is chosen).
// No e2e, deploy, emulator-driven engine or browser tests: they are slow and add no killing power
// for these modules, and Stryker re-runs the covering tests once per mutant.
import { defineConfig } from "vitest/config";

/** Every test file a group of stryker.config.mjs may name. */
const ALL = [
  "test/scan/triage.test.ts",
  "test/scan/fix.test.ts",
  "test/scan/policy.test.ts",
  "test/scan/detect.test.ts",
  "test/scan/wrong-match.test.ts",
  "test/scan/match-choice.test.ts",
  "test/auth/*.test.ts",
  "test/http/auth-guard*.test.ts",
  "test/jobs/retention*.test.ts",
  "test/jobs/recovery.test.ts",
  "test/jobs/job-store*.test.ts",
  "test/import/*.test.ts",
  "test/plex/pager.test.ts",
  "test/plex/parse.test.ts",
  "test/plex/listing-*.test.ts",
  "test/watch/decide.test.ts",
  "test/notify/schema*.test.ts",
];

export default defineConfig({
  test: {
    // One group's tests, set by scripts/mutate.mjs; all of them for a plain `npx stryker run`.
    include: process.env.PSR_MUTATE_TEST_FILES?.split(",") ?? ALL,
    testTimeout: 30_000,
    hookTimeout: 30_000,
    pool: "forks",
  },
});
