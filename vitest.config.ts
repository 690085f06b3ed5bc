import react from "@vitejs/plugin-react";
import { defineConfig } from "vitest/config";

export default defineConfig({
  plugins: [react()],
  test: {
    // Server tests in node; the SPA's component tests (web/**/*.test.tsx) pick happy-dom
    // with a `// @vitest-environment happy-dom` comment at their top.
    include: ["test/**/*.test.ts", "web/**/*.test.{ts,tsx}"],
    testTimeout: 30_000,
    hookTimeout: 30_000,
    pool: "forks",
  },
});
