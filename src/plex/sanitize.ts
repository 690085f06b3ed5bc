// The Plex token is a password to the whole server. It travels only in the X-Plex-Token header;
// these helpers make sure nothing we print (errors, logs, URLs) can carry it, even when a user
// pasted a URL with `?X-Plex-Token=…` into PLEX_URL or Plex echoed it back in a message.

export const REDACTED = "REDACTED";

/** Matches `X-Plex-Token=value` in any case, in a query string or free text. */
const TOKEN_PARAM = /(x-plex-token=)[^&#\s"'<>]*/gi;
/** Matches the password part of `scheme://user:password@host`. */
const USERINFO_PASSWORD = /(\/\/[^/@\s:]*:)[^/@\s]*@/g;

/**
 * Masks the `X-Plex-Token` query parameter (any case) and any `user:password@` part of a URL.
 * Works on strings that are not valid URLs too; everything else is left exactly as it was.
 */
export function sanitizeUrl(url: string | URL): string {
  const text = typeof url === "string" ? url : url.href;
  return text.replace(TOKEN_PARAM, `$1${REDACTED}`).replace(USERINFO_PASSWORD, `$1${REDACTED}@`);
}

/**
 * Removes every occurrence of the given secrets (raw and URL-encoded) and of any
 * `X-Plex-Token=` parameter from arbitrary text, e.g. an error message before it is logged.
 */
export function redactSecrets(text: string, secrets: ReadonlyArray<string | undefined> = []): string {
  let out = sanitizeUrl(text);
  for (const secret of secrets) {
    if (!secret) continue;
    for (const form of new Set([secret, encodeURIComponent(secret)])) {
      out = out.split(form).join(REDACTED);
    }
  }
  return out;
}

/** One line, no control characters: error messages end up in a CLI and in log lines. */
export function oneLine(text: string, max = 300): string {
  // biome-ignore lint/suspicious/noControlCharactersInRegex: stripping control characters is the point
  const flat = text.replace(/[\u0000-\u001f\u007f]+/g, " ").trim();
  return flat.length > max ? `${flat.slice(0, max - 1)}…` : flat;
}
