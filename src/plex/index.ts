// The Plex client's public surface. Nothing here imports from the rest of the app.
export {
  type CountOptions,
  DEFAULT_PRODUCT,
  type EditTarget,
  type FieldEdit,
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
  type UploadPosterOptions,
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
  EDITABLE_FIELDS,
  type EditableField,
  type ItemsPage,
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
export { redactSecrets, sanitizeUrl } from "./sanitize.js";
export { xmlToJson } from "./xml.js";
