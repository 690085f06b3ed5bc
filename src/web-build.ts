// Where the built web UI lives and its page, read once at start (the build does not change under
// a running server: an update restarts it).
import { existsSync, readFileSync } from "node:fs";
import { join } from "node:path";
import { PROJECT_ROOT } from "./version.js";

/** Where `npm run build` writes the SPA. */
export const DEFAULT_WEB_DIR = join(PROJECT_ROOT, "dist", "web");

/** The build's index.html, or undefined when the UI has not been built. */
export function readWebIndex(webDir: string): Buffer | undefined {
  const path = join(webDir, "index.html");
  return existsSync(path) ? readFileSync(path) : undefined;
}
