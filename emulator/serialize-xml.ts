/** XML serialization in PMS's style: one element per line, flags as 1/0, escaped attributes. */
import type { AttrValue, El } from "./el.js";

const ESCAPES: Record<string, string> = {
  "&": "&amp;",
  "<": "&lt;",
  ">": "&gt;",
  '"': "&quot;",
  "'": "&#39;",
  "\n": "&#10;",
  "\r": "&#13;",
  "\t": "&#9;",
};

/** XML 1.0 forbids control characters other than tab/newline/return: drop them. */
function stripControl(s: string): string {
  let out = "";
  for (let i = 0; i < s.length; i++) {
    const c = s.charCodeAt(i);
    if (c >= 0x20 || c === 0x09 || c === 0x0a || c === 0x0d) out += s[i];
  }
  return out;
}

const NEEDS_ESCAPE = /[&<>"'\n\r\t]/;

export function escapeXml(s: string): string {
  let v = s;
  for (let i = 0; i < v.length; i++) {
    if (v.charCodeAt(i) < 0x20 && v[i] !== "\t" && v[i] !== "\n" && v[i] !== "\r") {
      v = stripControl(v);
      break;
    }
  }
  return NEEDS_ESCAPE.test(v) ? v.replace(/[&<>"'\n\r\t]/g, (c) => ESCAPES[c] as string) : v;
}

function attrText(v: AttrValue): string {
  if (typeof v === "boolean") return v ? "1" : "0";
  return escapeXml(String(v));
}

export function openTag(e: El, selfClose: boolean): string {
  let s = `<${e.tag}`;
  for (const key in e.attrs) {
    const v = e.attrs[key];
    if (v === undefined) continue;
    s += ` ${key}="${attrText(v)}"`;
  }
  return selfClose ? `${s} />` : `${s}>`;
}

export function elementToXml(e: El): string {
  if (!e.children || e.children.length === 0) return `${openTag(e, true)}\n`;
  let s = `${openTag(e, false)}\n`;
  for (const c of e.children) s += elementToXml(c);
  return `${s}</${e.tag}>\n`;
}

export const XML_PROLOG = '<?xml version="1.0" encoding="UTF-8"?>\n';
