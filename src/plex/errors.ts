// Errors the Plex client throws. Every message is one line a CLI can print as is, says what
// happened and what to do, and every `url` is already sanitised (no token).
import { oneLine, sanitizeUrl } from "./sanitize.js";

export interface PlexErrorDetails {
  /** The request URL; sanitised before it is stored. */
  url: string;
  method?: string;
  cause?: unknown;
}

export class PlexError extends Error {
  override name = "PlexError";
  /** The request URL without any token. */
  readonly url: string;
  readonly method: string | undefined;

  constructor(message: string, details: PlexErrorDetails) {
    super(oneLine(message), details.cause === undefined ? undefined : { cause: details.cause });
    this.url = sanitizeUrl(details.url);
    this.method = details.method;
  }
}

/** DNS failure, connection refused or reset, TLS failure, or no answer in time. */
export class PlexUnreachableError extends PlexError {
  override name = "PlexUnreachableError";
  /** Short technical reason, e.g. `connect ECONNREFUSED` or `no answer within 30 s`. */
  readonly reason: string;
  /** The system error code when there was one (ECONNREFUSED, ENOTFOUND, …) or `ETIMEDOUT`. */
  readonly code: string | undefined;

  constructor(baseUrl: string, reason: string, details: PlexErrorDetails & { code?: string }) {
    super(
      isCertificateCode(details.code)
        ? `Plex at ${sanitizeUrl(baseUrl)} presents a certificate this machine does not trust (${reason}): ` +
            "use http:// inside your network, or trust the certificate with NODE_EXTRA_CA_CERTS"
        : `Plex is unreachable at ${sanitizeUrl(baseUrl)} (${reason}): check PLEX_URL and that Plex is running`,
      details,
    );
    this.reason = reason;
    this.code = details.code;
  }
}

/** TLS verification failures (self-signed, wrong name, expired, unknown issuer). */
function isCertificateCode(code: string | undefined): boolean {
  return code !== undefined && /CERT|SELF_SIGNED|UNABLE_TO_VERIFY|UNABLE_TO_GET_ISSUER/.test(code);
}

/** 401: the token is wrong, expired or missing. */
export class PlexAuthError extends PlexError {
  override name = "PlexAuthError";
  readonly status = 401;

  constructor(details: PlexErrorDetails) {
    super("Plex rejected the token (401): check PLEX_TOKEN", details);
  }
}

/** 404: no such item (ratingKey) or path. */
export class PlexNotFoundError extends PlexError {
  override name = "PlexNotFoundError";
  readonly status = 404;

  constructor(details: PlexErrorDetails) {
    super(`Plex has no such item or path (404): ${describe(details)}`, details);
  }
}

/** Any other unexpected HTTP status. */
export class PlexHttpError extends PlexError {
  override name = "PlexHttpError";
  readonly status: number;

  constructor(status: number, statusText: string, details: PlexErrorDetails) {
    const text = statusText ? ` ${statusText}` : "";
    const hint =
      status === 403
        ? ": the token may not belong to an admin of this server"
        : status >= 500
          ? ": Plex may be overloaded, try again later"
          : "";
    super(`Plex answered ${status}${text} to ${describe(details)}${hint}`, details);
    this.status = status;
  }
}

/** A 2xx answer whose body is neither JSON nor XML, or lacks what the call needs. */
export class PlexResponseError extends PlexError {
  override name = "PlexResponseError";

  constructor(problem: string, details: PlexErrorDetails) {
    super(`Plex sent an unexpected response to ${describe(details)}: ${problem}`, details);
  }
}

/**
 * An answer larger than the request's cap (declared, received or once decompressed). The
 * socket is gone by the time this is thrown; `code` lets a caller say it in the user's language.
 */
export class PlexAnswerTooLargeError extends PlexResponseError {
  override name = "PlexAnswerTooLargeError";
  readonly code = "plex_answer_too_large";
  readonly limitBytes: number;

  constructor(limitBytes: number, details: PlexErrorDetails) {
    super(`the answer is larger than ${Math.round(limitBytes / 1_048_576)} MB`, details);
    this.limitBytes = limitBytes;
  }
}

function describe(details: PlexErrorDetails): string {
  const url = sanitizeUrl(details.url);
  let path = url;
  try {
    const parsed = new URL(url);
    path = parsed.pathname + parsed.search;
  } catch {
    // not a URL: keep it as it is
  }
  return details.method ? `${details.method} ${path}` : path;
}
