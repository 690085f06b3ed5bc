// The unit tests `npm run mutate` (Stryker) runs against the core modules listed in
// stryker.config.mjs: each module's own tests plus the few that exercise it through HTTP.
// No e2e, deploy, emulator-driven engine or browser tests: they are slow and add no killing power
// for these modules, and Stryker re-runs the covering tests once per mutant.
import { defineConfig } from "vitest/config";

export default defineConfig({
  test: {
    include: [
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
      "test/notify/schema.test.ts",
    ],
    testTimeout: 30_000,
    hookTimeout: 30_000,
    pool: "forks",
  },
});
