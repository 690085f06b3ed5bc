#!/usr/bin/env node
// Checks of the SPA's sources that neither Biome nor tsc make:
//  1. the en and de catalogues have the same keys and the same {{placeholders}} per key;
//  2. every literal t("key") names a key of the English catalogue;
//  3. no hard-coded user-visible text in web/src/**/*.tsx: JSX text with letters, and string
//     literals with letters in props such as label=, title=, placeholder=, aria-label=;
//  4. web/src imports nothing from the server's sources except src/contracts/.
// Exit 1 with one line per problem.
import { readdirSync, readFileSync, statSync } from "node:fs";
import { dirname, join, relative, resolve, sep } from "node:path";
import ts from "typescript";

const repo = resolve(import.meta.dirname, "..");
const webSrc = join(repo, "web", "src");
const contracts = join(repo, "src", "contracts");
const problems = [];
const report = (file, node, sf, message) => {
  const { line, character } = sf.getLineAndCharacterOfPosition(node.getStart(sf));
  problems.push(`${relative(repo, file)}:${line + 1}:${character + 1} ${message}`);
};

// ---- 1. catalogues ------------------------------------------------------------------------
function flatten(obj, prefix = "", out = new Map()) {
  for (const [k, v] of Object.entries(obj)) {
    const key = prefix ? `${prefix}.${k}` : k;
    if (v && typeof v === "object") flatten(v, key, out);
    else out.set(key, String(v));
  }
  return out;
}
const placeholders = (text) =>
  [...text.matchAll(/\{\{\s*([\w.]+)\s*(?:,[^}]*)?\}\}/g)].map((m) => m[1]).sort();
const catalogues = {};
for (const lang of ["en", "de"]) {
  catalogues[lang] = flatten(JSON.parse(readFileSync(join(webSrc, "i18n", `${lang}.json`), "utf8")));
}
const { en, de } = catalogues;
for (const key of en.keys())
  if (!de.has(key)) problems.push(`i18n: key "${key}" is in en.json but not in de.json`);
for (const key of de.keys())
  if (!en.has(key)) problems.push(`i18n: key "${key}" is in de.json but not in en.json`);
for (const [key, text] of en) {
  if (!de.has(key)) continue;
  const a = placeholders(text).join(",");
  const b = placeholders(de.get(key)).join(",");
  if (a !== b) problems.push(`i18n: key "${key}" has placeholders {${a}} in en but {${b}} in de`);
}
// The German glossary (web/src/i18n/GLOSSARY.md): "du", never "Sie", and one word per term.
const FORMAL = /\b(Sie|Ihnen|Ihre?[mnrs]?)\b/;
const NOT_OURS = /(\w*[Bb]ibliothek\w*|\bDashboard\b|\b[Bb]ehoben\w*|\bTestlauf\b)/;
for (const [key, text] of de) {
  if (FORMAL.test(text))
    problems.push(`i18n: de "${key}" addresses the reader as "Sie"; the glossary says "du"`);
  const term = text.match(NOT_OURS);
  if (term) problems.push(`i18n: de "${key}" says "${term[0]}"; see web/src/i18n/GLOSSARY.md`);
}
const PLURAL = /_(zero|one|two|few|many|other)$/;
const baseKeys = new Set([...en.keys()].map((k) => k.replace(PLURAL, "")));
const keyPrefixes = new Set();
for (const k of en.keys()) {
  const parts = k.split(".");
  for (let i = 1; i < parts.length; i++) keyPrefixes.add(parts.slice(0, i).join("."));
}

// ---- 2-4. sources -------------------------------------------------------------------------
const TEXT_PROPS = new Set([
  "label",
  "title",
  "placeholder",
  "aria-label",
  "aria-description",
  "description",
  "alt",
  "confirmLabel",
  "nothingFoundMessage",
  "error",
  "message",
]);
/** Text that may stay as it is: the product name, and symbols without letters. */
const ALLOWED_TEXT = new Set(["Plex Smart Refresher"]);
const hasLetters = (s) => /\p{L}/u.test(s);

function walk(dir) {
  const out = [];
  for (const name of readdirSync(dir)) {
    const path = join(dir, name);
    if (statSync(path).isDirectory()) out.push(...walk(path));
    else if (/\.(ts|tsx)$/.test(name)) out.push(path);
  }
  return out;
}

function checkImport(file, spec, node, sf) {
  if (!spec.startsWith(".")) return;
  const target = resolve(dirname(file), spec);
  const inWeb = target.startsWith(join(repo, "web") + sep);
  const inContracts = target === contracts || target.startsWith(contracts + sep);
  if (!inWeb && !inContracts) {
    report(
      file,
      node,
      sf,
      `imports "${spec}": the SPA may import only src/contracts from the server's sources`,
    );
  }
}

function stringOf(expr) {
  if (!expr) return undefined;
  if (ts.isStringLiteral(expr) || ts.isNoSubstitutionTemplateLiteral(expr)) return expr.text;
  if (ts.isTemplateExpression(expr))
    return expr.head.text + expr.templateSpans.map((s) => s.literal.text).join("");
  if (ts.isConditionalExpression(expr))
    return [stringOf(expr.whenTrue), stringOf(expr.whenFalse)].filter(Boolean).join(" ");
  if (ts.isParenthesizedExpression(expr)) return stringOf(expr.expression);
  return undefined;
}

for (const file of walk(webSrc)) {
  const isTest = /\.test\.tsx?$/.test(file);
  const source = readFileSync(file, "utf8");
  const sf = ts.createSourceFile(
    file,
    source,
    ts.ScriptTarget.Latest,
    true,
    file.endsWith(".tsx") ? ts.ScriptKind.TSX : ts.ScriptKind.TS,
  );
  const visit = (node) => {
    // imports (static, re-exports, dynamic)
    if (
      (ts.isImportDeclaration(node) || ts.isExportDeclaration(node)) &&
      node.moduleSpecifier &&
      ts.isStringLiteral(node.moduleSpecifier)
    ) {
      checkImport(file, node.moduleSpecifier.text, node, sf);
    }
    if (ts.isCallExpression(node) && node.expression.kind === ts.SyntaxKind.ImportKeyword) {
      const arg = node.arguments[0];
      if (arg && ts.isStringLiteral(arg)) checkImport(file, arg.text, node, sf);
    }
    // t("key") names a catalogue key
    if (ts.isCallExpression(node) && ts.isIdentifier(node.expression) && node.expression.text === "t") {
      const arg = node.arguments[0];
      if (arg && ts.isStringLiteral(arg) && !baseKeys.has(arg.text)) {
        report(file, node, sf, `t("${arg.text}"): no such key in en.json`);
      }
      if (arg && ts.isTemplateExpression(arg)) {
        const prefix = arg.head.text.replace(/\.$/, "");
        if (prefix && !keyPrefixes.has(prefix))
          report(file, node, sf, `t(\`${arg.head.text}…\`): no keys under "${prefix}"`);
      }
    }
    if (!isTest && file.endsWith(".tsx")) {
      if (ts.isJsxText(node)) {
        const text = node.text.trim();
        if (text && hasLetters(text) && !ALLOWED_TEXT.has(text))
          report(file, node, sf, `hard-coded JSX text "${text}": use t()`);
      }
      if (
        ts.isJsxExpression(node) &&
        node.expression &&
        (ts.isJsxElement(node.parent) || ts.isJsxFragment(node.parent))
      ) {
        const text = stringOf(node.expression);
        if (text && hasLetters(text.trim()) && !ALLOWED_TEXT.has(text.trim())) {
          report(file, node, sf, `hard-coded JSX text "${text.trim()}": use t()`);
        }
      }
      if (ts.isJsxAttribute(node) && TEXT_PROPS.has(node.name.getText(sf))) {
        const init = node.initializer;
        const text =
          init &&
          (ts.isStringLiteral(init)
            ? init.text
            : ts.isJsxExpression(init)
              ? stringOf(init.expression)
              : undefined);
        if (text && hasLetters(text) && !ALLOWED_TEXT.has(text.trim())) {
          report(file, node, sf, `hard-coded ${node.name.getText(sf)}="${text}": use t()`);
        }
      }
    }
    ts.forEachChild(node, visit);
  };
  visit(sf);
}

if (problems.length > 0) {
  for (const p of problems) console.error(p);
  console.error(`check-web: ${problems.length} problem(s)`);
  process.exit(1);
}
console.log(`check-web: catalogues en/de match (${en.size} keys); no hard-coded text; imports ok`);
