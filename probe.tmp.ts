// scratch: not part of the change
import { startEmulator } from "./emulator/index.js";
import { scanHarness } from "./test/helpers/scan.js";

const profile = process.argv[2];
const items = Number(process.argv[3] ?? 500);
const seed = Number(process.argv[4] ?? 1);
const emulator = await startEmulator({ items, seed, ...(profile && profile !== "none" ? { profile } : {}) } as never);
const h = await scanHarness(emulator);
const out = await h.scan({ all: false, dryRun: true });
const states = await h.states();
const rows = await h.db.kysely.selectFrom("items").select(["type", "state", "problems_json", "note"]).execute().catch(async () =>
  h.db.kysely.selectFrom("items").selectAll().execute());
const byState: Record<string, number> = {};
const byProblem: Record<string, number> = {};
const byType: Record<string, number> = {};
let matchWould = 0;
for (const r of rows as Record<string, unknown>[]) {
  byState[String(r.state)] = (byState[String(r.state)] ?? 0) + 1;
  byType[String(r.type)] = (byType[String(r.type)] ?? 0) + 1;
  for (const p of JSON.parse(String(r.problems_json ?? "[]"))) byProblem[p] = (byProblem[p] ?? 0) + 1;
  if (String(r.note).startsWith("would match")) matchWould++;
}
console.log(JSON.stringify({ stats: out.stats, rows: rows.length, byState, byProblem, byType, matchWould, states: states.size }, null, 1));
const notes: Record<string, number> = {};
for (const r of rows as Record<string, unknown>[]) { const n = String(r.note).replace(/\d+|\(.*|\[.*|to .*/g, "#"); notes[n] = (notes[n] ?? 0) + 1; }
console.log(notes);
await h.close();
await emulator.close();
