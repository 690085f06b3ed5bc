/** Server-level endpoints: /identity, /, /library, /activities, /system/agents. */

import { PMS_CONTAINER, type Route } from "../context.js";
import { el } from "../el.js";
import { sendContainer } from "../respond.js";

const ROOT_DIRECTORIES: [number, string][] = [
  [1, "activities"],
  [1, "butler"],
  [1, "channels"],
  [1, "clients"],
  [1, "devices"],
  [1, "diagnostics"],
  [1, "hubs"],
  [3, "library"],
  [3, "media"],
  [2, "metadata"],
  [1, "neighborhood"],
  [1, "playQueues"],
  [1, "player"],
  [1, "playlists"],
  [1, "resources"],
  [1, "search"],
  [1, "server"],
  [1, "servers"],
  [1, "statistics"],
  [1, "system"],
  [1, "transcode"],
  [1, "updater"],
  [1, "user"],
];

const AGENTS: { identifier: string; name: string; mediaTypes: number[]; primary: boolean }[] = [
  { identifier: "tv.plex.agents.movie", name: "Plex Movie", mediaTypes: [1], primary: true },
  { identifier: "tv.plex.agents.series", name: "Plex Series", mediaTypes: [2, 3, 4], primary: true },
  { identifier: "tv.plex.agents.music", name: "Plex Music", mediaTypes: [8, 9, 10], primary: true },
  { identifier: "com.plexapp.agents.imdb", name: "Plex Movie (Legacy)", mediaTypes: [1], primary: true },
  {
    identifier: "com.plexapp.agents.themoviedb",
    name: "The Movie Database",
    mediaTypes: [1, 2],
    primary: true,
  },
  { identifier: "com.plexapp.agents.thetvdb", name: "TheTVDB", mediaTypes: [2], primary: true },
  { identifier: "com.plexapp.agents.none", name: "Personal Media", mediaTypes: [1, 2, 8], primary: true },
];

export const serverRoutes: Route[] = [
  {
    method: "GET",
    name: "GET /identity",
    pattern: /^\/identity$/,
    handler: (ctx, { res, format }) =>
      sendContainer(res, format, {
        attrs: {
          size: 0,
          apiVersion: "1.1.1",
          claimed: true,
          machineIdentifier: ctx.store.lib.machineIdentifier,
          version: ctx.version,
        },
      }),
  },
  {
    method: "GET",
    name: "GET /",
    pattern: /^\/$/,
    handler: (ctx, { res, format }) =>
      sendContainer(res, format, {
        attrs: {
          size: ROOT_DIRECTORIES.length,
          allowCameraUpload: true,
          allowChannelAccess: true,
          allowMediaDeletion: true,
          allowSharing: true,
          allowSync: true,
          allowTuners: true,
          backgroundProcessing: true,
          certificate: true,
          companionProxy: true,
          countryCode: "deu",
          diagnostics: "logs,databases,streaminglogs",
          eventStream: true,
          friendlyName: ctx.serverName,
          hubSearch: true,
          itemClusters: true,
          livetv: 7,
          machineIdentifier: ctx.store.lib.machineIdentifier,
          mediaProviders: true,
          multiuser: true,
          myPlex: true,
          myPlexMappingState: "mapped",
          myPlexSigninState: "ok",
          myPlexSubscription: true,
          myPlexUsername: "emulator@example.com",
          offlineTranscode: 1,
          ownerFeatures:
            "collections,content_filter,hwtranscode,item_clusters,livetv,music_videos,pass,sync,trailers,webhooks",
          photoAutoTag: true,
          platform: "Linux",
          platformVersion: "6.1.0-emulated",
          pluginHost: true,
          pushNotifications: false,
          readOnlyLibraries: false,
          requestParametersInCookie: true,
          streamingBrainABRVersion: 3,
          streamingBrainVersion: 2,
          sync: true,
          transcoderActiveVideoSessions: 0,
          transcoderAudio: true,
          transcoderLyrics: true,
          transcoderPhoto: true,
          transcoderSubtitles: true,
          transcoderVideo: true,
          transcoderVideoBitrates: "64,96,208,320,720,1500,2000,3000,4000,8000,10000,12000,20000",
          transcoderVideoQualities: "0,1,2,3,4,5,6,7,8,9,10,11,12",
          transcoderVideoResolutions: "128,128,160,240,320,480,768,720,720,1080,1080,1080,1080",
          updatedAt: ctx.startedAt,
          updater: true,
          version: ctx.version,
          voiceSearch: true,
        },
        items: ROOT_DIRECTORIES.map(([count, key]) => el("Directory", { count, key, title: key })),
      }),
  },
  {
    method: "GET",
    name: "GET /library",
    pattern: /^\/library\/?$/,
    handler: (_ctx, { res, format }) =>
      sendContainer(res, format, {
        attrs: {
          size: 3,
          allowSync: false,
          art: "/:/resources/library-art.jpg",
          content: "",
          ...PMS_CONTAINER,
          title1: "Plex Library",
          title2: "",
        },
        items: [
          el("Directory", { key: "sections", title: "Library Sections" }),
          el("Directory", { key: "recentlyAdded", title: "Recently Added Content" }),
          el("Directory", { key: "onDeck", title: "On Deck Content" }),
        ],
      }),
  },
  {
    method: "GET",
    name: "GET /activities",
    pattern: /^\/activities$/,
    handler: (ctx, { res, format }) => {
      const acts = ctx.queue.activities();
      return sendContainer(res, format, {
        attrs: { size: acts.length },
        items: acts.map((a) => {
          const context = el("Context", { key: `/library/metadata/${a.rk}` });
          context.single = true;
          return el(
            "Activity",
            {
              uuid: a.uuid,
              cancellable: false,
              progress: a.progress,
              subtitle: a.title,
              title: "Refreshing",
              type: "library.refresh.items",
              userID: 1,
            },
            [context],
          );
        }),
      });
    },
  },
  {
    method: "GET",
    name: "GET /system/agents",
    pattern: /^\/system\/agents$/,
    handler: (_ctx, { res, format, query }) => {
      const mediaType = query.get("mediaType");
      const wanted = mediaType ? Number(mediaType) : undefined;
      const agents = AGENTS.filter((a) => wanted === undefined || a.mediaTypes.includes(wanted));
      return sendContainer(res, format, {
        attrs: { size: agents.length },
        items: agents.map((a) =>
          el(
            "Agent",
            {
              hasAttribution: a.identifier.startsWith("com."),
              hasPrefs: true,
              identifier: a.identifier,
              name: a.name,
              primary: a.primary,
            },
            wanted === undefined
              ? a.mediaTypes.map((t) =>
                  el("MediaType", { mediaType: t, name: a.name }, [el("Language", { code: "en" })]),
                )
              : [el("Language", { code: "en" }), el("Language", { code: "de" })],
          ),
        ),
      });
    },
  },
];
