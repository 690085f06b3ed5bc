#!/usr/bin/env node
// Entry point for the `psr` command. It runs the compiled JavaScript in dist/ (`npm run build`)
// when that is current, which starts twice as fast; in a checkout whose sources changed since
// the last build it runs the TypeScript sources through tsx instead, so a stale build is never
// used. Deployments can also run `node dist/src/cli.js` directly.
import { existsSync } from "node:fs";
import { dirname, join } from "node:path";
import { fileURLToPath, pathToFileURL } from "node:url";

const root = join(dirname(fileURLToPath(import.meta.url)), "..");
const source = join(root, "src", "cli.ts");
const compiled = join(root, "dist", "src", "cli.js");

let useSource = existsSync(source);
if (useSource && existsSync(compiled)) {
  const { staleParts } = await import(pathToFileURL(join(root, "scripts", "build-state.mjs")).href);
  useSource = staleParts(root).server;
}
if (useSource) {
  const { register } = await import("tsx/esm/api");
  register();
  await import(pathToFileURL(source).href);
} else {
  await import(pathToFileURL(compiled).href);
}
