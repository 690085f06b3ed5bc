/**
 * "A library scan adds an item", as PMS announces it on the notification websocket (REFERENCE
 * §4.3–4.4, python-plexapi alert.py, Tautulli activity_handler.py): the section scan activity
 * `library.update.section` starts; each new item arrives as a timeline entry with state 0 and
 * metadataState "created" (title still empty); processing frames follow (metadataState
 * "loading", then state 5 with mediaState "analyzing" while Plex thumbnails it); "done" is
 * state 5 with neither; the activity ends. Plex may repeat "done" many times for one item
 * (one tool measured two per second for over an hour), which `repeatDone` reproduces.
 */
import { randomUUID } from "node:crypto";
import type { EmulatorContext } from "./context.js";
import { type Item, type Section, TYPE_NUMBER, type Work } from "./model.js";
import { hash32, hex24 } from "./random.js";

export type NewItemHealth = "healthy" | "no-poster" | "no-summary" | "unfixable-poster";

export interface AddItemOptions {
  /** "movie" (default) or "show" (with one season of `episodes` episodes). */
  type?: "movie" | "show";
  /** The section id; default the first movie or show library with the new Plex agent. */
  sectionId?: number;
  title?: string;
  year?: number;
  /** What is wrong with the new item's metadata; default healthy. */
  health?: NewItemHealth;
  /** Episodes of a new show; default 3. */
  episodes?: number;
  /** Time from "created" to "done"; default 400 ms. */
  processingMs?: number;
  /** Extra "done" frames after the first, `repeatEveryMs` apart; default 0. */
  repeatDone?: number;
  repeatEveryMs?: number;
  /**
   * A show's last `count` episodes arrive as placeholders (model.ts Placeholder): titled
   * "Episode N" (or `title`, e.g. "TBA"), no summary or thumbnail, aired `airDate` (default
   * today, UTC); their data is upstream `arrivesInMs` after the add.
   */
  placeholders?: { count: number; arrivesInMs: number; title?: string; airDate?: string };
}

export interface AddedItem {
  /** The new movie or show. */
  ratingKey: string;
  /** Every new item (the show, its season and episodes). */
  ratingKeys: string[];
  /** Epoch seconds, as listings show it. */
  addedAt: number;
  /** Epoch milliseconds when the "created" frame went out. */
  createdAt: number;
  /** Resolves after the last "done" frame (repeats included). */
  finished: Promise<void>;
}

function newWork(ctx: EmulatorContext, type: "movie" | "show", title: string, year: number): Work {
  const id = 900_000 + ctx.store.nextRk();
  const h = hash32("added", id);
  return {
    id,
    type,
    guid: `plex://${type}/${hex24("added-work", id)}`,
    title,
    year,
    imdb: `tt${String(9_000_000 + (h % 999_999)).padStart(7, "0")}`,
    tmdb: 800_000 + (h % 99_999),
    tvdb: 700_000 + (h % 99_999),
    studio: "Emulator Pictures",
    contentRating: "PG-13",
    rating: 7.1,
    genres: ["Drama"],
    originallyAvailableAt: `${year}-06-01`,
  };
}

function pickSection(ctx: EmulatorContext, type: "movie" | "show", id: number | undefined): Section {
  const section =
    id !== undefined
      ? ctx.store.section(id)
      : ctx.store.sections.find((s) => s.type === type && s.kind === "new");
  if (!section || section.type !== type)
    throw new Error(`no ${type} library${id !== undefined ? ` ${id}` : ""}`);
  return section;
}

export function addLibraryItem(ctx: EmulatorContext, opts: AddItemOptions = {}): AddedItem {
  const type = opts.type ?? "movie";
  const section = pickSection(ctx, type, opts.sectionId);
  const { store } = ctx;
  const now = Math.floor(Date.now() / 1000);
  const rk = store.nextRk();
  const title = opts.title ?? `New Arrival ${rk}`;
  const year = opts.year ?? 2024;
  const work = newWork(ctx, type, title, year);
  const health = opts.health ?? "healthy";
  const folder = `${title.replace(/[/\\:*?"<>|]/g, "")} (${year})`;
  const top: Item = {
    rk,
    type,
    sectionId: section.id,
    title,
    year,
    guid: work.guid,
    work,
    thumb: health !== "no-poster" && health !== "unfixable-poster",
    summary: health !== "no-summary",
    addedAt: now,
    updatedAt: now,
    thumbAt: now,
    duration: (type === "movie" ? 110 : 45) * 60_000,
    path: type === "movie" ? `${section.location}/${folder}/${folder}.mkv` : `${section.location}/${folder}`,
  };
  if (type === "show") {
    top.index = 1;
    top.childRks = [];
  }
  store.addItem(top);
  const added: Item[] = [top];
  if (health !== "healthy") {
    const kind = health === "no-summary" ? "no-summary" : "no-poster";
    store.lib.hidden.set(rk, {
      kinds: [kind],
      ...(health === "unfixable-poster" ? { unfixable: true } : {}),
    });
  }
  if (type === "show") {
    const seasonRk = store.nextRk();
    const season: Item = {
      rk: seasonRk,
      type: "season",
      sectionId: section.id,
      parentRk: rk,
      title: "Season 1",
      index: 1,
      guid: `plex://season/${hex24("added-season", work.id)}`,
      thumb: true,
      summary: false,
      addedAt: now,
      updatedAt: now,
      thumbAt: now,
      duration: 0,
      childRks: [],
    };
    store.addItem(season);
    top.childRks?.push(seasonRk);
    added.push(season);
    const episodes = opts.episodes ?? 3;
    const ph = opts.placeholders;
    const firstPlaceholder = ph ? episodes - Math.min(episodes, ph.count) + 1 : episodes + 1;
    for (let e = 1; e <= episodes; e++) {
      const epRk = store.nextRk();
      const episode: Item = {
        rk: epRk,
        type: "episode",
        sectionId: section.id,
        parentRk: seasonRk,
        title: `Episode ${e}`,
        index: e,
        year,
        guid: `plex://episode/${hex24("added-episode", work.id, e)}`,
        thumb: true,
        summary: true,
        addedAt: now,
        updatedAt: now,
        thumbAt: now,
        duration: top.duration,
      };
      if (ph && e >= firstPlaceholder) {
        episode.placeholder = { title: `${title}: Chapter ${e}`, arrivesAt: Date.now() + ph.arrivesInMs };
        if (ph.title !== undefined) episode.title = ph.title;
        episode.summary = false;
        episode.thumb = false;
        episode.airDate = ph.airDate ?? new Date(now * 1000).toISOString().slice(0, 10);
      }
      store.addItem(episode);
      season.childRks?.push(epRk);
      added.push(episode);
    }
  }
  section.contentChangedAt = now;
  const { createdAt, finished } = announceAdded(ctx, section, added, {
    processingMs: opts.processingMs,
    repeatDone: opts.repeatDone,
    repeatEveryMs: opts.repeatEveryMs,
  });
  return {
    ratingKey: String(rk),
    ratingKeys: added.map((i) => String(i.rk)),
    addedAt: now,
    createdAt,
    finished,
  };
}

export interface AnnounceOptions {
  processingMs?: number | undefined;
  repeatDone?: number | undefined;
  repeatEveryMs?: number | undefined;
  /** Runs when the agent's data comes in, before the "loading" frames (a replaced file's match). */
  onMatch?: () => void;
}

/** The scan activity and timeline frames for new items (the first is the top item). */
export function announceAdded(
  ctx: EmulatorContext,
  section: Section,
  added: Item[],
  opts: AnnounceOptions,
): { createdAt: number; finished: Promise<void> } {
  const { store, hub } = ctx;
  const entry = (item: Item, state: number, extra: Record<string, unknown> = {}, named = true) => {
    const e: Record<string, unknown> = {
      identifier: "com.plexapp.plugins.library",
      sectionID: String(item.sectionId),
      itemID: String(item.rk),
    };
    const parent = store.parent(item);
    if (parent) {
      e.parentItemID = String(parent.rk);
      e.rootItemID = String(store.root(item).rk);
    }
    e.type = TYPE_NUMBER[item.type];
    e.title = named ? item.title : "";
    e.state = state;
    Object.assign(e, extra);
    e.updatedAt = item.updatedAt;
    return e;
  };
  const uuid = randomUUID();
  const activity = (event: "started" | "ended", progress: number) =>
    hub.publish("activity", [
      {
        event,
        uuid,
        Activity: {
          uuid,
          type: "library.update.section",
          cancellable: true,
          userID: 1,
          title: `Scanning ${section.title}`,
          subtitle: event === "ended" ? "" : "Scanning files",
          progress,
          Context: { librarySectionID: String(section.id) },
        },
      },
    ]);

  activity("started", 0);
  const createdAt = Date.now();
  hub.publish(
    "timeline",
    added.map((i) => entry(i, 0, { metadataState: "created" }, false)),
  );
  const processingMs = Math.max(0, opts.processingMs ?? 400);
  const repeats = Math.max(0, opts.repeatDone ?? 0);
  const every = Math.max(1, opts.repeatEveryMs ?? 500);
  const finished = new Promise<void>((resolve) => {
    setTimeout(() => {
      opts.onMatch?.();
      hub.publish(
        "timeline",
        added.map((i) => entry(i, 3, { metadataState: "loading" })),
      );
      hub.publish(
        "timeline",
        added.map((i) => entry(i, 5, { mediaState: "analyzing" })),
      );
    }, processingMs / 2).unref?.();
    setTimeout(() => {
      hub.publish(
        "timeline",
        added.map((i) => entry(i, 5)),
      );
      activity("ended", 100);
      let sent = 0;
      const repeat = () => {
        if (sent >= repeats) return resolve();
        sent++;
        // Thumbnailing a large file: Plex sends "done" for the top item again and again.
        hub.publish("timeline", [entry(added[0] as Item, 5)]);
        setTimeout(repeat, every).unref?.();
      };
      repeat();
    }, processingMs).unref?.();
  });
  return { createdAt, finished };
}
