/**
 * The <Meta> element a listing carries with includeMeta=1. python-plexapi reads it to
 * validate sorts and filters (LibrarySection._loadFilters): Type elements with Filter, Sort
 * and Field children, and FieldType elements listing the operators per data type.
 */
import { type El, el } from "./el.js";
import { type ItemType, type Section, TYPE_NUMBER } from "./model.js";

const TYPE_TITLES: Record<string, string> = {
  movie: "Movies",
  show: "TV Shows",
  season: "Seasons",
  episode: "Episodes",
  artist: "Artists",
  album: "Albums",
  track: "Tracks",
  collection: "Collections",
};

const SECTION_TYPES: Record<Section["type"], ItemType[]> = {
  movie: ["movie"],
  show: ["show", "season", "episode"],
  artist: ["artist", "album", "track"],
};

type SortDef = [key: string, title: string, defaultDirection: "asc" | "desc"];
const SORTS: SortDef[] = [
  ["titleSort", "Title", "asc"],
  ["year", "Year", "desc"],
  ["originallyAvailableAt", "Release Date", "desc"],
  ["rating", "Critic Rating", "desc"],
  ["addedAt", "Date Added", "desc"],
  ["duration", "Duration", "desc"],
];

type FieldDef = [key: string, title: string, type: string];
const FIELDS: FieldDef[] = [
  ["title", "Title", "string"],
  ["studio", "Studio", "string"],
  ["year", "Year", "integer"],
  ["genre", "Genre", "tag"],
  ["contentRating", "Content Rating", "tag"],
  ["addedAt", "Date Added", "date"],
  ["unmatched", "Unmatched", "boolean"],
  ["unwatched", "Unplayed", "boolean"],
  ["duplicate", "Duplicate", "boolean"],
];

const FIELD_TYPES: [type: string, ops: [string, string][]][] = [
  [
    "tag",
    [
      ["=", "is"],
      ["!=", "is not"],
    ],
  ],
  [
    "integer",
    [
      ["=", "is"],
      ["!=", "is not"],
      [">>=", "is greater than"],
      ["<<=", "is less than"],
    ],
  ],
  [
    "string",
    [
      ["=", "contains"],
      ["!=", "does not contain"],
      ["==", "is"],
      ["!==", "is not"],
      ["<=", "begins with"],
      [">=", "ends with"],
    ],
  ],
  [
    "boolean",
    [
      ["=", "is true"],
      ["!=", "is false"],
    ],
  ],
  [
    "date",
    [
      ["<<=", "is before"],
      [">>=", "is after"],
      ["=", "is"],
      ["!=", "is not"],
    ],
  ],
];

function typeElement(section: Section, type: string, active: boolean): El {
  const num = type === "collection" ? 18 : TYPE_NUMBER[type as ItemType];
  // python-plexapi expects main-type fields unprefixed for movies and prefixed otherwise.
  const prefix = type === "movie" ? "" : `${type}.`;
  const base = `/library/sections/${section.id}`;
  const children: El[] = [
    el("Filter", {
      filter: "genre",
      filterType: "string",
      key: `${base}/genre?type=${num}`,
      title: "Genre",
      type: "filter",
    }),
    el("Filter", {
      filter: "year",
      filterType: "integer",
      key: `${base}/year?type=${num}`,
      title: "Year",
      type: "filter",
    }),
    el("Filter", {
      filter: "unmatched",
      filterType: "boolean",
      key: `${base}/unmatched?type=${num}`,
      title: "Unmatched",
      type: "filter",
    }),
  ];
  for (const [key, title, dir] of SORTS) {
    children.push(
      el("Sort", {
        active: key === "titleSort" ? true : undefined,
        activeDirection: key === "titleSort" ? "asc" : undefined,
        default: key === "titleSort" ? "asc" : undefined,
        defaultDirection: dir,
        descKey: `${key}:desc`,
        firstCharacterKey: key === "titleSort" ? `${base}/firstCharacter` : undefined,
        key,
        title,
      }),
    );
  }
  for (const [key, title, fieldType] of FIELDS)
    children.push(el("Field", { key: `${prefix}${key}`, title, type: fieldType }));
  return el("Type", { key: `${base}/all?type=${num}`, type, title: TYPE_TITLES[type], active }, children);
}

/** Meta for /library/sections/{id}/all (section types) or …/collections (collection type). */
export function metaElement(section: Section, forCollections: boolean): El {
  const types = forCollections ? ["collection"] : SECTION_TYPES[section.type];
  const children: El[] = types.map((t, i) => typeElement(section, t, i === 0));
  for (const [type, ops] of FIELD_TYPES) {
    children.push(
      el(
        "FieldType",
        { type },
        ops.map(([key, title]) => el("Operator", { key, title })),
      ),
    );
  }
  const meta = el("Meta", {}, children);
  meta.single = true;
  return meta;
}
