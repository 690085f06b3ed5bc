// Whether the compiled app (dist/) is older than its sources. Shared by bin/psr.js (run the
// compiled JavaScript when it is current, the TypeScript sources otherwise) and ensure-build.mjs.
import { existsSync, readdirSync, statSync } from "node:fs";
import { join } from "node:path";

/** The newest modification time of the files under `dir` (0 when it does not exist). */
export function newestMtime(dir) {
  if (!existsSync(dir)) return 0;
  let newest = 0;
  for (const entry of readdirSync(dir, { withFileTypes: true })) {
    const path = join(dir, entry.name);
    const t = entry.isDirectory() ? newestMtime(path) : statSync(path).mtimeMs;
    if (t > newest) newest = t;
  }
  return newest;
}

function mtime(path) {
  return existsSync(path) ? statSync(path).mtimeMs : -1;
}

/** Which parts need building: the server (src/, emulator/) and the web UI (web/). */
export function staleParts(root) {
  const server = mtime(join(root, "dist", "src", "cli.js"));
  const web = mtime(join(root, "dist", "web", "index.html"));
  const hasSources = existsSync(join(root, "src"));
  return {
    server:
      hasSources && server < Math.max(newestMtime(join(root, "src")), newestMtime(join(root, "emulator"))),
    web: existsSync(join(root, "web")) && web < newestMtime(join(root, "web")),
  };
}
