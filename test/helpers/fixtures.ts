// The real Plex responses in ../shared/plex-api/fixtures (beside the repository, also in CI).
import path from "node:path";
import { fileURLToPath } from "node:url";

export const repoRoot = path.resolve(path.dirname(fileURLToPath(import.meta.url)), "../..");
export const FIXTURES = path.resolve(repoRoot, "../shared/plex-api/fixtures");
