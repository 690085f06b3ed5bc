#!/usr/bin/env node
// Entry point for the `psr` command. A checkout runs the TypeScript sources through tsx, so
// `npm ci && npm run demo` needs no build step; a package without sources runs the compiled
// dist/ (npm run build). Deployments can also run `node dist/src/cli.js` directly.
import { existsSync } from "node:fs";
import { dirname, join } from "node:path";
import { fileURLToPath, pathToFileURL } from "node:url";

const root = join(dirname(fileURLToPath(import.meta.url)), "..");
const source = join(root, "src", "cli.ts");
if (existsSync(source)) {
  const { register } = await import("tsx/esm/api");
  register();
  await import(pathToFileURL(source).href);
} else {
  await import(pathToFileURL(join(root, "dist", "src", "cli.js")).href);
}
