// scratch
import { generateLibrary } from "./emulator/index.js";
const lib = generateLibrary({ seed: Number(process.argv[2] ?? 1), items: 500, profile: "demo" });
for (const [rk, h] of lib.hidden) {
  if (!h.kinds.includes("unmatched")) continue;
  const it = lib.items[rk]!;
  const recent = it.addedAt > lib.now - 30 * 86400;
  console.log(rk, it.type, recent ? "RECENT" : "old", h.ambiguous ? "AMBIG" : "-", h.fileId ? h.fileId.text : "-", JSON.stringify(it.title), it.year, it.path);
}
