// scratch: fingerprint of the standard datasets, to prove they do not change
import { createHash } from "node:crypto";
import { generateLibrary } from "./emulator/index.js";
const cases: [number, number, number][] = [[1, 300, 0.1], [1, 500, 0.1], [7, 300, 0.1], [42, 500, 0.2], [9, 2000, 0.3], [2026, 2000, 0.1], [4, 80, 0.1], [7, 400, 0.4], [7, 600, 0.5], [3, 100000, 0.1]];
for (const [seed, items, brokenShare] of cases) {
  const lib = generateLibrary({ seed, items, brokenShare, now: 1_750_000_000 });
  const h = createHash("sha256");
  h.update(JSON.stringify(lib.items, (_k, v) => (v instanceof Map ? [...v] : v)));
  h.update(JSON.stringify([...lib.hidden]));
  h.update(JSON.stringify(lib.works));
  h.update(JSON.stringify(lib.sections, (_k, v) => (v instanceof Map ? [...v] : v)));
  h.update(lib.machineIdentifier + lib.topLevelCount);
  console.log(seed, items, brokenShare, h.digest("hex").slice(0, 16));
}
