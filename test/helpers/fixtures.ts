// The real Plex responses recorded in test/fixtures/plex (provenance in its SOURCES.md).
import path from "node:path";
import { fileURLToPath } from "node:url";

export const repoRoot = path.resolve(path.dirname(fileURLToPath(import.meta.url)), "../..");
export const FIXTURES = path.join(repoRoot, "test/fixtures/plex");
