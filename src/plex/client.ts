// A thin typed client for the few Plex endpoints this app uses. Plex's protocol details and
// their sources are in the design documents' Plex API reference, plex-api/REFERENCE.md (the
// "REFERENCE §" section numbers below refer to it).
import { createHash } from "node:crypto";
import { hostname } from "node:os";
import { PlexNotFoundError, PlexResponseError } from "./errors.js";
import { decodeBody, type PlexRequestLogEvent, PlexTransport, type Query } from "./http.js";
import { PlexNotificationListener, type PlexNotificationListenerOptions } from "./listener.js";
import { splitListing } from "./listing-body.js";
import { collect, paginate } from "./pager.js";
import {
  EDITABLE_FIELDS,
  type EditableField,
  type ItemsPage,
  itemsPageOf,
  LISTING_EXCLUDE_ELEMENTS,
  LISTING_EXCLUDE_FIELDS,
  type PlexCustomizations,
  type PlexIdentity,
  type PlexItem,
  type PlexPoster,
  type PlexSearchResult,
  type PlexSection,
  type PlexServerInfo,
  parseCustomizations,
  parseIdentity,
  parseItemsPage,
  parsePosters,
  parseSearchResults,
  parseSections,
  parseServer,
} from "./parse.js";
import { nodeSender, type Send } from "./send.js";

export interface PlexClientOptions {
  /** PLEX_URL, e.g. `http://192.168.1.10:32400`. A query string in it is ignored. */
  baseUrl: string;
  token: string;
  /** Per-request timeout in milliseconds (PLEX_TIMEOUT is in seconds: the caller converts). */
  timeoutMs: number;
  /** Retries after the first attempt for transport errors and 5xx (GET/PUT only). Default 3. */
  retries?: number;
  /** First back-off delay; doubles per retry, with jitter. Default 250. */
  retryBaseMs?: number;
  /** Stable id of this installation; defaults to one derived from the host name. */
  clientIdentifier?: string;
  /** Default "Plex Smart Refresher". */
  product?: string;
  version?: string;
  /** Called once per HTTP attempt; the URL is sanitised. */
  log?: (event: PlexRequestLogEvent) => void;
  /** Also called once per attempt, for whoever tracks whether Plex answers (the app's health). */
  observe?: (event: PlexRequestLogEvent) => void;
  /** How requests go out; node:http(s) with keep-alive unless a test passes its own. */
  send?: Send;
}

export interface RequestOptions {
  signal?: AbortSignal;
}

export interface CountOptions extends RequestOptions {
  /** Metadata type number: movie 1, show 2, season 3, episode 4, artist 8, album 9, track 10. */
  type?: number;
  /** Only items added at or after this time (epoch seconds). */
  addedSince?: number;
}

export interface ListSectionOptions extends CountOptions {
  /** Default "addedAt:desc". */
  sort?: string;
  /** Rows asked for per request. Default 300. */
  pageSize?: number;
  /** Default true: each item carries its `Guid[]`. */
  includeGuids?: boolean;
}

export interface PagedOptions extends RequestOptions {
  pageSize?: number;
}

export interface MatchesOptions extends RequestOptions {
  title?: string;
  year?: number;
  /** Full agent identifier, e.g. `tv.plex.agents.movie`. */
  agent?: string;
  /** Section language, e.g. `en-US`. */
  language?: string;
}

export interface MatchTarget {
  guid: string;
  name: string;
  year?: number;
}

/** Posters are a few hundred KB; anything far larger is not an image we should hold in memory. */
export const MAX_IMAGE_BYTES = 10 * 1_048_576;

/** A path on this server (not absolute, not protocol-relative), the only kind a thumb may be. */
export function isServerPath(path: string): boolean {
  return path.startsWith("/") && !path.startsWith("//") && !path.includes("\\");
}

/** An http(s) image address on another host, as Plex gives for match candidates' posters. */
export function isRemoteImageUrl(source: string): boolean {
  try {
    const url = new URL(source);
    return (
      (url.protocol === "https:" || url.protocol === "http:") && url.username === "" && url.password === ""
    );
  } catch {
    return false;
  }
}

export interface ThumbOptions extends RequestOptions {
  /** Refuse a larger image (default MAX_IMAGE_BYTES). */
  maxBytes?: number;
  /** When given, Plex scales the image (`/photo/:/transcode`). */
  width?: number;
  height?: number;
}

export interface PlexImage {
  contentType: string;
  body: Uint8Array;
}

/** The item an edit addresses: Plex edits through its section, naming the item's type. */
export interface EditTarget {
  sectionId: string;
  ratingKey: string;
  /** movie, show, season, episode, artist, album or track. */
  type: string;
}

/** A field's new value (null: back to the agent's) and whether it is locked afterwards. */
export interface FieldEdit {
  value?: string | number | null;
  locked: boolean;
}

export interface UploadPosterOptions extends RequestOptions {
  /** Content type of the image bytes; default image/jpeg. */
  contentType?: string;
}

/** Plex metadata type numbers (python-plexapi utils.SEARCHTYPES). */
const TYPE_NUMBER: Readonly<Record<string, number>> = {
  movie: 1,
  show: 2,
  season: 3,
  episode: 4,
  artist: 8,
  album: 9,
  track: 10,
};
const EDITABLE: ReadonlySet<string> = new Set(EDITABLE_FIELDS);
type TagKind = "label" | "collection";
/** A tag name Plex would store: not empty, no control characters. */
const isTagName = (name: string): boolean => name !== "" && [...name].every((c) => c.charCodeAt(0) >= 0x20);

export const DEFAULT_PRODUCT = "Plex Smart Refresher";
const DEFAULT_PAGE_SIZE = 300;
const CHILDREN_PAGE_SIZE = 200;
/** Keys per `/library/metadata/1,2,3` request: keeps URLs far below common 8 KB limits. */
const METADATA_CHUNK = 50;

/** Plex lists every new client identifier as a device of the account: keep it stable per host. */
function defaultClientIdentifier(): string {
  return `psr-${createHash("sha256").update(`plex-smart-refresher:${hostname()}`).digest("hex").slice(0, 24)}`;
}

/** Header values must be Latin-1 for fetch; keep them plain ASCII. */
function headerValue(value: string): string {
  return value.replace(/[^\x20-\x7e]/g, "?");
}

function joinObservers(
  ...observers: (((event: PlexRequestLogEvent) => void) | undefined)[]
): ((event: PlexRequestLogEvent) => void) | undefined {
  const present = observers.filter((o) => o !== undefined);
  if (present.length <= 1) return present[0];
  return (event) => {
    for (const observer of present) {
      try {
        observer(event);
      } catch {
        // one broken observer must not silence the other
      }
    }
  };
}

/** Leaves out of every listing what the parser would drop anyway (see parse.ts). */
const LISTING_TRIM = {
  excludeElements: LISTING_EXCLUDE_ELEMENTS.join(","),
  excludeFields: LISTING_EXCLUDE_FIELDS.join(","),
};

function idPath(ratingKey: string): string {
  const key = String(ratingKey).trim();
  if (key === "") throw new TypeError("ratingKey must not be empty");
  return encodeURIComponent(key);
}

export class PlexClient {
  private readonly transport: PlexTransport;
  private readonly identityHeaders: Record<string, string>;
  private readonly token: string;

  constructor(options: PlexClientOptions) {
    if (!options.token) throw new TypeError("PLEX_TOKEN is empty");
    if (!(options.timeoutMs > 0)) throw new TypeError("timeoutMs must be a positive number of milliseconds");
    this.token = options.token;
    const product = options.product ?? DEFAULT_PRODUCT;
    this.identityHeaders = {
      "X-Plex-Client-Identifier": headerValue(options.clientIdentifier ?? defaultClientIdentifier()),
      "X-Plex-Product": headerValue(product),
      "X-Plex-Version": headerValue(options.version ?? "0.1.0"),
      "X-Plex-Platform": "Node.js",
      "X-Plex-Platform-Version": process.versions.node,
      "X-Plex-Device-Name": headerValue(product),
      "X-Plex-Provides": "controller",
    };
    this.transport = new PlexTransport({
      baseUrl: options.baseUrl,
      token: options.token,
      timeoutMs: options.timeoutMs,
      retries: Math.max(0, options.retries ?? 3),
      retryBaseMs: Math.max(0, options.retryBaseMs ?? 250),
      retryMaxMs: 10_000,
      headers: { Accept: "application/json", ...this.identityHeaders },
      log: joinObservers(options.log, options.observe),
      send: options.send ?? nodeSender(),
    });
  }

  /** The server URL without credentials, for messages. */
  get baseUrl(): string {
    return this.transport.displayUrl;
  }

  /** GET /identity: liveness and server id (needs no token, but we send it anyway). */
  async identity(opts: RequestOptions = {}): Promise<PlexIdentity> {
    const spec = { method: "GET", path: "/identity", signal: opts.signal } as const;
    const result = parseIdentity(await this.transport.json(spec));
    if (!result) throw this.notPlex(spec.path);
    return result;
  }

  /** GET /: server name, version, platform. */
  async server(opts: RequestOptions = {}): Promise<PlexServerInfo> {
    const spec = { method: "GET", path: "/", signal: opts.signal } as const;
    const result = parseServer(await this.transport.json(spec));
    if (!result) throw this.notPlex(spec.path);
    return result;
  }

  /** GET /library/sections. */
  async sections(opts: RequestOptions = {}): Promise<PlexSection[]> {
    return parseSections(
      await this.transport.json({ method: "GET", path: "/library/sections", signal: opts.signal }),
    );
  }

  /** Number of items in a section (X-Plex-Container-Size=0 returns only totalSize). */
  async count(sectionId: string, opts: CountOptions = {}): Promise<number> {
    const page = await this.fetchPage(
      `/library/sections/${idPath(sectionId)}/all`,
      { type: opts.type, ...addedSinceFilter(opts.addedSince) },
      0,
      0,
      opts.signal,
    );
    return page.totalSize ?? page.size ?? page.received;
  }

  /** Pages through a section, newest first by default; one array per page. */
  listSection(sectionId: string, opts: ListSectionOptions = {}): AsyncGenerator<PlexItem[], void, void> {
    const path = `/library/sections/${idPath(sectionId)}/all`;
    const query: Query = {
      type: opts.type,
      sort: opts.sort ?? "addedAt:desc",
      includeGuids: opts.includeGuids ?? true,
      ...addedSinceFilter(opts.addedSince),
      ...LISTING_TRIM,
    };
    return paginate(
      (start, size) => this.fetchPage(path, query, start, size, opts.signal),
      opts.pageSize ?? DEFAULT_PAGE_SIZE,
    );
  }

  /**
   * Several items by ratingKey, in chunks. Order is not guaranteed; missing keys are absent.
   * `skipRefresh=1` stops Plex from running a synchronous local refresh on read (§3.1).
   */
  async metadata(ratingKeys: readonly string[], opts: RequestOptions = {}): Promise<PlexItem[]> {
    const keys = [...new Set(ratingKeys.map((k) => String(k).trim()).filter((k) => k !== ""))];
    const out: PlexItem[] = [];
    for (let i = 0; i < keys.length; i += METADATA_CHUNK) {
      out.push(...(await this.metadataChunk(keys.slice(i, i + METADATA_CHUNK), opts.signal)));
    }
    return out;
  }

  /** Direct children: a show's seasons, a season's episodes, an artist's albums… */
  async children(ratingKey: string, opts: PagedOptions = {}): Promise<PlexItem[]> {
    const path = `/library/metadata/${idPath(ratingKey)}/children`;
    // excludeAllLeaves drops the "All episodes" pseudo-entry from a show's season list.
    return this.collectPaged(path, { includeGuids: true, excludeAllLeaves: true, ...LISTING_TRIM }, opts);
  }

  /** All leaves below an item: every episode of a show, every track of an artist. */
  async allLeaves(ratingKey: string, opts: PagedOptions = {}): Promise<PlexItem[]> {
    return this.collectPaged(
      `/library/metadata/${idPath(ratingKey)}/allLeaves`,
      { includeGuids: true, ...LISTING_TRIM },
      opts,
    );
  }

  /** PUT …/refresh: returns at once; Plex refreshes in the background (§3.3). */
  async refresh(ratingKey: string, opts: RequestOptions = {}): Promise<void> {
    await this.put(`/library/metadata/${idPath(ratingKey)}/refresh`, {}, opts.signal);
  }

  /**
   * GET …/matches?manual=1 — match candidates, best first. title/year/agent/language are sent
   * only when given (REFERENCE §3.5). Zero results → [].
   */
  async matches(ratingKey: string, opts: MatchesOptions = {}): Promise<PlexSearchResult[]> {
    const body = await this.transport.json({
      method: "GET",
      path: `/library/metadata/${idPath(ratingKey)}/matches`,
      query: { manual: 1, title: opts.title, year: opts.year, agent: opts.agent, language: opts.language },
      signal: opts.signal,
    });
    return parseSearchResults(body);
  }

  /** PUT …/match?guid=&name=[&year=]: applies a candidate from matches(). */
  async match(ratingKey: string, target: MatchTarget, opts: RequestOptions = {}): Promise<void> {
    if (!target.guid) throw new TypeError("match needs a guid");
    await this.put(
      `/library/metadata/${idPath(ratingKey)}/match`,
      { guid: target.guid, name: target.name, year: target.year },
      opts.signal,
    );
  }

  /** PUT …/unmatch. */
  async unmatch(ratingKey: string, opts: RequestOptions = {}): Promise<void> {
    await this.put(`/library/metadata/${idPath(ratingKey)}/unmatch`, {}, opts.signal);
  }

  /**
   * An image from this server (an item's `thumb`/`art` path) for the poster proxy. Only
   * server-relative paths are accepted, so the token can never be sent to another host.
   */
  async thumb(path: string, opts: ThumbOptions = {}): Promise<PlexImage> {
    if (!isServerPath(path)) {
      throw new TypeError("thumb path must be a server-relative path such as /library/metadata/1/thumb/123");
    }
    const scaled = opts.width !== undefined || opts.height !== undefined;
    const res = await this.transport.request({
      method: "GET",
      path: scaled ? "/photo/:/transcode" : path,
      query: scaled ? { width: opts.width, height: opts.height, minSize: 1, upscale: 1, url: path } : {},
      headers: { Accept: "image/*" },
      signal: opts.signal,
      maxBytes: opts.maxBytes ?? MAX_IMAGE_BYTES,
    });
    return { contentType: res.headers.get("content-type") ?? "application/octet-stream", body: res.bytes };
  }

  /**
   * A match candidate's poster: a path on this server as `thumb()`, or an http(s) address that
   * this server's photo transcoder fetches and scales. Either way the request (and the token)
   * goes only to the configured server; anything else is refused.
   */
  async photo(source: string, opts: ThumbOptions = {}): Promise<PlexImage> {
    if (isServerPath(source)) return this.thumb(source, opts);
    if (!isRemoteImageUrl(source)) throw new TypeError("a poster must be a server path or an http(s) URL");
    const res = await this.transport.request({
      method: "GET",
      path: "/photo/:/transcode",
      query: { width: opts.width ?? 225, height: opts.height ?? 336, minSize: 1, upscale: 1, url: source },
      headers: { Accept: "image/*" },
      signal: opts.signal,
      maxBytes: opts.maxBytes ?? MAX_IMAGE_BYTES,
    });
    return { contentType: res.headers.get("content-type") ?? "application/octet-stream", body: res.bytes };
  }

  // --- Customizations (issue 23), with the calls python-plexapi's edit mixins make ------------

  /**
   * Full items with what a person may have customised: every editable value, the locks, labels,
   * collections, the artwork shown. Missing keys are absent. Only asked for where needed, so
   * listings stay as lean as before.
   */
  async customizations(
    ratingKeys: readonly string[],
    opts: RequestOptions = {},
  ): Promise<PlexCustomizations[]> {
    const keys = [...new Set(ratingKeys.map((k) => String(k).trim()).filter((k) => k !== ""))];
    const out: PlexCustomizations[] = [];
    for (let i = 0; i < keys.length; i += METADATA_CHUNK) {
      const chunk = keys.slice(i, i + METADATA_CHUNK);
      out.push(
        ...(await this.chunked(chunk, async (part) =>
          parseCustomizations(
            await this.transport.json({
              method: "GET",
              path: `/library/metadata/${part.map(idPath).join(",")}`,
              query: { includeGuids: 0, skipRefresh: 1 },
              signal: opts.signal,
            }),
          ),
        )),
      );
    }
    return out;
  }

  /**
   * Edits fields, each with its lock (mixins.py EditFieldMixin.editField: `{field}.value` and
   * `{field}.locked`). A null value sends "" (Plex goes back to the agent's value).
   */
  async editFields(
    target: EditTarget,
    fields: Partial<Record<EditableField, FieldEdit>>,
    opts: RequestOptions = {},
  ): Promise<void> {
    const query: Query = {};
    for (const [name, edit] of Object.entries(fields)) {
      if (!EDITABLE.has(name)) throw new TypeError(`${name} is no editable field`);
      if (!edit) continue;
      if (edit.value !== undefined) query[`${name}.value`] = edit.value === null ? "" : String(edit.value);
      query[`${name}.locked`] = edit.locked ? 1 : 0;
    }
    if (Object.keys(query).length === 0) throw new TypeError("editFields needs at least one field");
    await this.edit(target, query, opts.signal);
  }

  /**
   * Adds labels. Plex replaces the tag list with the indexed one it is sent, so the labels the
   * item keeps go first, as mixins.py EditTagsMixin.editTags does.
   */
  async addLabels(
    target: EditTarget,
    labels: readonly string[],
    keep: readonly string[] = [],
    opts: RequestOptions = {},
  ) {
    await this.addTags(target, "label", labels, keep, opts);
  }

  async removeLabels(
    target: EditTarget,
    labels: readonly string[],
    opts: RequestOptions = {},
  ): Promise<void> {
    await this.removeTags(target, "label", labels, opts);
  }

  async addCollections(
    target: EditTarget,
    collections: readonly string[],
    keep: readonly string[] = [],
    opts: RequestOptions = {},
  ): Promise<void> {
    await this.addTags(target, "collection", collections, keep, opts);
  }

  async removeCollections(target: EditTarget, collections: readonly string[], opts: RequestOptions = {}) {
    await this.removeTags(target, "collection", collections, opts);
  }

  /** GET …/posters: the posters Plex offers for an item, the shown one `selected`. */
  async posters(ratingKey: string, opts: RequestOptions = {}): Promise<PlexPoster[]> {
    return parsePosters(
      await this.transport.json({
        method: "GET",
        path: `/library/metadata/${idPath(ratingKey)}/posters`,
        signal: opts.signal,
      }),
    );
  }

  /** PUT …/poster?url=<a poster's ratingKey> (media.py BaseResource.select). */
  async selectPoster(ratingKey: string, posterKey: string, opts: RequestOptions = {}): Promise<void> {
    if (!posterKey.trim()) throw new TypeError("selectPoster needs a poster ratingKey");
    await this.put(`/library/metadata/${idPath(ratingKey)}/poster`, { url: posterKey }, opts.signal);
  }

  /** POST …/posters with the image as the body (mixins.py PosterMixin.uploadPoster); Plex selects it. */
  async uploadPoster(ratingKey: string, image: Uint8Array, opts: UploadPosterOptions = {}): Promise<void> {
    if (image.length === 0) throw new TypeError("uploadPoster needs image bytes");
    if (image.length > MAX_IMAGE_BYTES)
      throw new TypeError(`a poster may have at most ${MAX_IMAGE_BYTES} bytes`);
    await this.transport.request({
      method: "POST",
      path: `/library/metadata/${idPath(ratingKey)}/posters`,
      headers: { "Content-Type": opts.contentType ?? "image/jpeg", "Content-Length": String(image.length) },
      body: image,
      signal: opts.signal,
    });
  }

  /** A notification listener for this server (not started: call `start()`). */
  notifications(
    opts: Partial<Omit<PlexNotificationListenerOptions, "baseUrl" | "token">> = {},
  ): PlexNotificationListener {
    return new PlexNotificationListener({
      ...opts,
      baseUrl: this.transport.baseUrl.href,
      token: this.token,
      headers: { ...this.identityHeaders, ...opts.headers },
    });
  }

  // -------------------------------------------------------------------------------------------

  private async fetchPage(
    path: string,
    query: Query,
    start: number,
    size: number,
    signal: AbortSignal | undefined,
  ): Promise<ItemsPage> {
    const res = await this.transport.request({
      method: "GET",
      path,
      query,
      headers: { "X-Plex-Container-Start": String(start), "X-Plex-Container-Size": String(size) },
      signal,
    });
    // A JSON page is parsed a few items at a time (listing-body.ts); anything else whole.
    const split = splitListing(res.bytes);
    if (!split) return parseItemsPage(decodeBody(res, res.details));
    try {
      return itemsPageOf(split.head, split.elements);
    } catch (error) {
      if (!(error instanceof SyntaxError)) throw error;
      throw new PlexResponseError("the body is neither JSON nor XML", res.details);
    }
  }

  private collectPaged(path: string, query: Query, opts: PagedOptions): Promise<PlexItem[]> {
    return collect(
      paginate(
        (start, size) => this.fetchPage(path, query, start, size, opts.signal),
        opts.pageSize ?? CHILDREN_PAGE_SIZE,
      ),
    );
  }

  /** A 404 for a batch may mean "none of these exist": split until single keys, which are simply absent. */
  private metadataChunk(keys: string[], signal: AbortSignal | undefined): Promise<PlexItem[]> {
    return this.chunked(keys, async (part) => {
      const body = await this.transport.json({
        method: "GET",
        path: `/library/metadata/${part.map(idPath).join(",")}`,
        query: { includeGuids: 1, skipRefresh: 1 },
        signal,
      });
      return parseItemsPage(body).items;
    });
  }

  /** PUT /library/sections/{id}/all?type=&id=&… — how Plex takes every edit (library.py _edit). */
  private async edit(target: EditTarget, query: Query, signal: AbortSignal | undefined): Promise<void> {
    const type = TYPE_NUMBER[target.type];
    if (type === undefined) throw new TypeError(`items of type ${target.type} cannot be edited`);
    await this.put(
      `/library/sections/${idPath(target.sectionId)}/all`,
      { type, id: String(target.ratingKey).trim(), ...query },
      signal,
    );
  }

  private async addTags(
    target: EditTarget,
    kind: TagKind,
    names: readonly string[],
    keep: readonly string[],
    opts: RequestOptions,
  ): Promise<void> {
    const all = [...new Set([...keep, ...names].map((n) => n.trim()))];
    if (names.length === 0 || !all.every(isTagName)) throw new TypeError(`bad ${kind} names`);
    const query: Query = {};
    all.forEach((name, i) => {
      query[`${kind}[${i}].tag.tag`] = name;
    });
    query[`${kind}.locked`] = 1;
    await this.edit(target, query, opts.signal);
  }

  /** `{kind}[].tag.tag-=a,b`: each name quoted, then joined, as mixins.py _tagHelper does. */
  private async removeTags(
    target: EditTarget,
    kind: TagKind,
    names: readonly string[],
    opts: RequestOptions,
  ) {
    const clean = names.map((n) => n.trim());
    if (clean.length === 0 || !clean.every(isTagName)) throw new TypeError(`bad ${kind} names`);
    await this.edit(
      target,
      { [`${kind}[].tag.tag-`]: clean.map(encodeURIComponent).join(","), [`${kind}.locked`]: 1 },
      opts.signal,
    );
  }

  /** Runs `load` on a batch; a 404 splits it until single keys, which are then simply absent. */
  private async chunked<T>(keys: string[], load: (keys: string[]) => Promise<T[]>): Promise<T[]> {
    try {
      return await load(keys);
    } catch (error) {
      if (!(error instanceof PlexNotFoundError)) throw error;
      if (keys.length <= 1) return [];
      const half = Math.ceil(keys.length / 2);
      return [
        ...(await this.chunked(keys.slice(0, half), load)),
        ...(await this.chunked(keys.slice(half), load)),
      ];
    }
  }

  private async put(path: string, query: Query, signal: AbortSignal | undefined): Promise<void> {
    // The body of a PUT action is empty or HTML: never parsed.
    await this.transport.request({ method: "PUT", path, query, signal });
  }

  private notPlex(path: string): PlexResponseError {
    return new PlexResponseError("no machineIdentifier, this does not look like Plex: check PLEX_URL", {
      url: this.transport.buildUrl(path).href,
      method: "GET",
    });
  }
}

/** `addedAt>>=<epoch>` (Plex's "after" operator for dates, REFERENCE §2.4). */
function addedSinceFilter(addedSince: number | undefined): Query {
  if (addedSince === undefined) return {};
  if (!Number.isFinite(addedSince)) throw new TypeError("addedSince must be epoch seconds");
  return { "addedAt>>": Math.floor(addedSince) };
}
