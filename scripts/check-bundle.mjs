#!/usr/bin/env node
// Bundle budget: the JavaScript a browser loads before the first page renders (the entry chunk
// plus the chunks it preloads or statically imports) must stay within 250 KB gzip.
// Usage: node scripts/check-bundle.mjs [dist/web]
import { existsSync, readFileSync } from "node:fs";
import { join, posix, resolve } from "node:path";
import { gzipSync } from "node:zlib";

const BUDGET_KB = 250;
const root = resolve(process.argv[2] ?? "dist/web");
const indexPath = join(root, "index.html");
if (!existsSync(indexPath)) {
  console.error(`check-bundle: ${indexPath} not found; run "npm run build:web" first`);
  process.exit(2);
}
const html = readFileSync(indexPath, "utf8");

const attr = (tag, name) => new RegExp(`\\b${name}\\s*=\\s*["']([^"']+)["']`).exec(tag)?.[1];
const entries = [];
for (const tag of html.match(/<script\b[^>]*>/g) ?? []) {
  if (/type\s*=\s*["']module["']/.test(tag) && attr(tag, "src")) entries.push(attr(tag, "src"));
}
for (const tag of html.match(/<link\b[^>]*>/g) ?? []) {
  if (/rel\s*=\s*["']modulepreload["']/.test(tag) && attr(tag, "href")) entries.push(attr(tag, "href"));
}
if (entries.length === 0) {
  console.error("check-bundle: no module script in index.html");
  process.exit(2);
}

// Static imports of a chunk load before it runs, so they count too (dynamic import() does not).
const seen = new Set();
const queue = entries.map((src) => posix.normalize(src.replace(/^\//, "")));
let total = 0;
const rows = [];
while (queue.length > 0) {
  const rel = queue.shift();
  if (seen.has(rel)) continue;
  seen.add(rel);
  const code = readFileSync(join(root, rel));
  const gz = gzipSync(code).length;
  total += gz;
  rows.push([rel, gz]);
  const text = code.toString("utf8");
  const staticImport =
    /(?:^|[;\s}])(?:import|export)\s*(?:[\w*{}\s,$]*?\bfrom\s*)?["'](\.{1,2}\/[^"']+\.js)["']/g;
  for (const m of text.matchAll(staticImport)) queue.push(posix.join(posix.dirname(rel), m[1]));
}

const kb = (bytes) => (bytes / 1000).toFixed(1);
for (const [rel, gz] of rows.sort((a, b) => b[1] - a[1])) console.log(`  ${kb(gz).padStart(7)} KB  ${rel}`);
console.log(`initial JS: ${kb(total)} KB gzip (budget ${BUDGET_KB} KB)`);
if (total > BUDGET_KB * 1000) {
  console.error(`check-bundle: over budget by ${kb(total - BUDGET_KB * 1000)} KB; load more pages lazily`);
  process.exit(1);
}
