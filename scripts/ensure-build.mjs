// Builds what is out of date before `npm run demo` (and the update path): the first start of a
// fresh clone builds the server and the web UI once; later starts find both current and go on.
import { spawnSync } from "node:child_process";
import { dirname, join } from "node:path";
import { fileURLToPath } from "node:url";
import { staleParts } from "./build-state.mjs";

const root = join(dirname(fileURLToPath(import.meta.url)), "..");
const stale = staleParts(root);
const steps = [];
if (stale.server) steps.push("build:server");
if (stale.web) steps.push("build:web");
for (const step of steps) {
  process.stderr.write(
    `Building ${step === "build:web" ? "the web UI" : "the server"} (only when its sources changed)…\n`,
  );
  const started = Date.now();
  // The compiler's and Vite's own output (a list of every chunk) only matters when a build fails.
  const result = spawnSync("npm", ["run", "--silent", step], { cwd: root, encoding: "utf8" });
  if (result.status !== 0) {
    process.stderr.write(`${result.stdout ?? ""}${result.stderr ?? ""}`);
    process.stderr.write(`npm run ${step} failed (exit ${result.status}); see the messages above.\n`);
    process.exit(result.status ?? 1);
  }
  process.stderr.write(`  done in ${((Date.now() - started) / 1000).toFixed(1)} s\n`);
}
