// Which frames mean "this item's refresh/match finished" (REFERENCE §4.5).
import { describe, expect, it } from "vitest";
import { finishedEvents, finishedItems } from "../../src/plex/index.js";

const timeline = (...entries: unknown[]) => ({
  NotificationContainer: { type: "timeline", size: entries.length, TimelineEntry: entries },
});
const activity = (...items: unknown[]) => ({
  NotificationContainer: { type: "activity", size: items.length, ActivityNotification: items },
});
const entry = (extra: Record<string, unknown>) => ({
  identifier: "com.plexapp.plugins.library",
  sectionID: "8",
  itemID: "40010",
  type: 4,
  title: "",
  state: 5,
  updatedAt: 1669339641,
  ...extra,
});
const refresh = (event: string, key: unknown, type = "library.refresh.items") => ({
  event,
  uuid: "u",
  Activity: {
    uuid: "u",
    type,
    cancellable: false,
    userID: 1,
    title: "Refreshing",
    progress: 100,
    Context: { key },
  },
});

const cases: Array<[string, unknown, string[]]> = [
  ["timeline state 5, no states", timeline(entry({})), ["40010"]],
  ["timeline itemID as number", timeline(entry({ itemID: 40011 })), ["40011"]],
  ["timeline state as string", timeline(entry({ state: "5" })), ["40010"]],
  ["timeline state 5 + metadataState queued", timeline(entry({ metadataState: "queued" })), []],
  ["timeline state 5 + metadataState processing", timeline(entry({ metadataState: "processing" })), []],
  ["timeline state 5 + mediaState analyzing", timeline(entry({ mediaState: "analyzing" })), []],
  ["timeline state 0 created", timeline(entry({ state: 0, metadataState: "created" })), []],
  ["timeline state 9 deleted", timeline(entry({ state: 9, metadataState: "deleted" })), []],
  ["timeline type -1", timeline(entry({ type: -1 })), []],
  ["timeline other identifier", timeline(entry({ identifier: "tv.plex.providers.epg" })), []],
  ["timeline itemID missing", timeline(entry({ itemID: undefined })), []],
  ["timeline itemID object", timeline(entry({ itemID: { id: 1 } })), []],
  ["timeline itemID empty", timeline(entry({ itemID: "" })), []],
  ["timeline state true", timeline(entry({ state: true })), []],
  [
    "timeline two entries, one done",
    timeline(entry({ itemID: "1" }), entry({ itemID: "2", metadataState: "queued" })),
    ["1"],
  ],
  ["timeline entry as a single object", { NotificationContainer: { TimelineEntry: entry({}) } }, ["40010"]],
  ["activity ended refresh", activity(refresh("ended", "/library/metadata/8201")), ["8201"]],
  ["activity ended /children", activity(refresh("ended", "/library/metadata/8201/children")), ["8201"]],
  ["activity ended with query", activity(refresh("ended", "/library/metadata/8201?lang=en")), ["8201"]],
  [
    "activity ended /children with query",
    activity(refresh("ended", "/library/metadata/8201/children?x=1")),
    ["8201"],
  ],
  ["activity updated", activity(refresh("updated", "/library/metadata/8201")), []],
  ["activity started", activity(refresh("started", "/library/metadata/8201")), []],
  ["activity other type", activity(refresh("ended", "/library/metadata/8201", "library.update.section")), []],
  ["activity section key", activity(refresh("ended", "/library/sections/1")), []],
  ["activity collection key", activity(refresh("ended", "/library/collections/204922/children")), []],
  ["activity allLeaves key", activity(refresh("ended", "/library/metadata/8201/allLeaves")), []],
  ["activity key not a string", activity(refresh("ended", 8201)), []],
  ["activity without Context", activity({ event: "ended", Activity: { type: "library.refresh.items" } }), []],
  ["activity several keys", activity(refresh("ended", "/library/metadata/1,2")), ["1", "2"]],
  ["bare container (no envelope)", { type: "timeline", TimelineEntry: [entry({})] }, ["40010"]],
  ["raw JSON text", JSON.stringify(timeline(entry({}))), ["40010"]],
  ["same item twice in a frame", timeline(entry({}), entry({})), ["40010"]],
  ["status frame", { NotificationContainer: { type: "status", StatusNotification: [{ title: "x" }] } }, []],
  ["garbage text", "{not json", []],
  ["null", null, []],
  ["number", 42, []],
  ["array", [timeline(entry({}))], []],
  ["TimelineEntry not a list", { NotificationContainer: { TimelineEntry: "x" } }, []],
  [
    "entries of wrong types",
    { NotificationContainer: { TimelineEntry: [null, 1, "x", []], ActivityNotification: [null, 2] } },
    [],
  ],
];

describe("finishedItems", () => {
  it.each(cases)("%s", (_name, frame, expected) => {
    expect(finishedItems(frame)).toEqual(expected);
  });

  it("reports the source", () => {
    expect(finishedEvents(timeline(entry({ itemID: "7" })))).toEqual([
      { ratingKey: "7", source: "timeline" },
    ]);
    expect(finishedEvents(activity(refresh("ended", "/library/metadata/7")))).toEqual([
      { ratingKey: "7", source: "activity" },
    ]);
  });
});
