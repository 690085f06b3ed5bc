/**
 * A neutral element tree that both serializers understand. Plex's JSON is a mechanical
 * mapping of its XML (REFERENCE §1.4), so routes build one tree and the serializer decides.
 */
export type AttrValue = string | number | boolean | undefined;

export interface El {
  /** XML element name (Video, Directory, Guid…). */
  tag: string;
  /** JSON array key when it differs from the tag (items become "Metadata"). */
  json?: string;
  /** Rendered as a JSON object instead of an array element (Meta, Activity.Context). */
  single?: boolean;
  attrs: Record<string, AttrValue>;
  children?: El[];
}

export function el(tag: string, attrs: Record<string, AttrValue>, children?: El[], json?: string): El {
  const e: El = { tag, attrs };
  if (children && children.length > 0) e.children = children;
  if (json) e.json = json;
  return e;
}
