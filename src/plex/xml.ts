// Plex answers XML unless asked for JSON, and some servers/proxies do so anyway. This converts
// Plex XML into the shape Plex's JSON has, so one set of schemas reads both:
//   <MediaContainer a="1"> → { MediaContainer: { a: "1", … } }
//   item elements (<Video>, <Track>, <Photo>, <Episode>, and <Directory> that has a ratingKey)
//     → MediaContainer.Metadata[] (document order kept)
//   other elements (<Directory> in section lists, <SearchResult>, <Activity>…) keep their name
//   nested child tags (<Guid>, <Media>, <Part>, <Field>, <Location>…) → arrays under their name
// Attribute values stay strings; the lenient schemas coerce them.
import { XMLParser } from "fast-xml-parser";

const ITEM_TAGS = new Set(["Video", "Track", "Photo", "Episode", "Movie"]);

const parser = new XMLParser({
  ignoreAttributes: false,
  attributeNamePrefix: "",
  preserveOrder: true,
  parseAttributeValue: false,
  parseTagValue: false,
  htmlEntities: true,
  processEntities: true,
  ignoreDeclaration: true,
  ignorePiTags: true,
});

type OrderedNode = Record<string, unknown>;
export type XmlObject = { [key: string]: string | XmlObject[] };

function attributesOf(node: OrderedNode): Record<string, string> {
  const attrs = node[":@"];
  const out: Record<string, string> = {};
  if (attrs !== null && typeof attrs === "object") {
    for (const [name, value] of Object.entries(attrs)) out[name] = String(value);
  }
  return out;
}

function tagOf(node: OrderedNode): string | undefined {
  return Object.keys(node).find((k) => k !== ":@" && !k.startsWith("#") && !k.startsWith("?"));
}

function convert(node: OrderedNode, tag: string, topLevel: boolean): [string, XmlObject] {
  const obj: XmlObject = attributesOf(node);
  const children = node[tag];
  if (Array.isArray(children)) {
    for (const child of children as OrderedNode[]) {
      const childTag = tagOf(child);
      if (childTag === undefined) continue;
      const [name, value] = convert(child, childTag, false);
      const existing = obj[name];
      if (Array.isArray(existing)) existing.push(value);
      else obj[name] = [value];
    }
  }
  if (topLevel) return [tag, obj];
  const isItem = ITEM_TAGS.has(tag) || (tag === "Directory" && "ratingKey" in obj);
  return [isItem ? "Metadata" : tag, obj];
}

/**
 * Parses Plex XML into Plex's JSON shape. Throws a plain Error when the text is not XML.
 * Item tags are renamed to `Metadata` at every depth, as in JSON (`Extras.Metadata`, `Hub.Metadata`).
 */
export function xmlToJson(xml: string): Record<string, XmlObject> {
  const nodes = parser.parse(xml) as OrderedNode[];
  const root = nodes.find((n) => tagOf(n) !== undefined);
  const rootTag = root && tagOf(root);
  if (!root || !rootTag) throw new Error("no XML root element");
  const [, value] = convert(root, rootTag, true);
  return { [rootTag]: value };
}
