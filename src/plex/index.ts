// The Plex client's public surface. Nothing here imports from the rest of the app.
export {
  type CountOptions,
  DEFAULT_PRODUCT,
  isRemoteImageUrl,
  isServerPath,
  type ListSectionOptions,
  MAX_IMAGE_BYTES,
  type MatchesOptions,
  type MatchTarget,
  type PagedOptions,
  PlexClient,
  type PlexClientOptions,
  type PlexImage,
  type RequestOptions,
  type ThumbOptions,
} from "./client.js";
export {
  PlexAnswerTooLargeError,
  PlexAuthError,
  PlexError,
  PlexHttpError,
  PlexNotFoundError,
  PlexResponseError,
  PlexUnreachableError,
} from "./errors.js";
export { MAX_ANSWER_BYTES, type PlexRequestLogEvent } from "./http.js";
export {
  type MalformedFrame,
  type PlexNotificationEvents,
  PlexNotificationListener,
  type PlexNotificationListenerOptions,
} from "./listener.js";
export {
  type FinishedEvent,
  type FinishedSource,
  finishedEvents,
  finishedItems,
  ratingKeysFromKey,
} from "./notifications.js";
export { compactKey, KeySet } from "./pager.js";
export {
  type ItemsPage,
  type PlexIdentity,
  type PlexItem,
  type PlexSearchResult,
  type PlexSection,
  type PlexServerInfo,
  parseIdentity,
  parseItemsPage,
  parseSearchResults,
  parseSections,
  parseServer,
} from "./parse.js";
export { redactSecrets, sanitizeUrl } from "./sanitize.js";
export { xmlToJson } from "./xml.js";
