// The rules of the house (DESIGN §3) are enforced by Biome's noRestrictedImports in biome.json.
// This proves each rule bites: a forbidden import fails the lint, an allowed one passes. The
// probes live in a temp copy of the layout, so the repository is never touched.
import { execFileSync } from "node:child_process";
import { mkdirSync, readFileSync, writeFileSync } from "node:fs";
import { dirname, join } from "node:path";
import { describe, expect, it } from "vitest";
import { tempDir } from "./helpers/tmp.js";

const root = join(import.meta.dirname, "..");
const biome = join(root, "node_modules", ".bin", "biome");

function lint(file: string, source: string): { ok: boolean; output: string } {
  const { dir, cleanup } = tempDir();
  try {
    const config = JSON.parse(readFileSync(join(root, "biome.json"), "utf8")) as Record<string, unknown>;
    delete config.$schema;
    delete config.vcs;
    writeFileSync(join(dir, "biome.json"), JSON.stringify(config));
    mkdirSync(dirname(join(dir, file)), { recursive: true });
    writeFileSync(join(dir, file), `${source}\nexport const probe = a;\n`);
    try {
      const output = execFileSync(biome, ["lint", file], { cwd: dir, encoding: "utf8", stdio: "pipe" });
      return { ok: true, output };
    } catch (error) {
      const e = error as { stdout?: string; stderr?: string };
      return { ok: false, output: `${e.stdout ?? ""}${e.stderr ?? ""}` };
    }
  } finally {
    cleanup();
  }
}

describe("layering", () => {
  it.each([
    ["src/plex/probe.ts", 'import { a } from "../config/env.js";', 'import { a } from "./errors.js";'],
    ["emulator/probe.ts", 'import { a } from "../src/config/env.js";', 'import { a } from "./store.js";'],
    [
      "src/scan/probe.ts",
      'import { a } from "../jobs/job-store.js";',
      'import { a } from "../plex/index.js";',
    ],
    ["src/scan/probe.ts", 'import { a } from "kysely";', 'import { a } from "./policy.js";'],
    ["src/http/probe.ts", 'import { a } from "node:fs";', 'import { a } from "../jobs/job-store.js";'],
    ["src/http/routes/probe.ts", 'import { a } from "kysely";', 'import { a } from "../errors.js";'],
    ["src/contracts/probe.ts", 'import { a } from "../scan/policy.js";', 'import { a } from "zod";'],
    [
      "web/src/pages/probe.ts",
      'import { a } from "../../../src/http/app.js";',
      'import { a } from "../../../src/contracts/schemas";',
    ],
  ])("%s: %s is refused, %s allowed", (file, forbidden, allowed) => {
    const refused = lint(file, forbidden);
    expect(refused.ok, refused.output).toBe(false);
    expect(refused.output).toContain("noRestrictedImports");
    const passed = lint(file, allowed);
    expect(passed.ok, passed.output).toBe(true);
  });
});
