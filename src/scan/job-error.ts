// Why a job's work ended in failure, as a code the SPA words: the English message stays in the
// job's `error` for logs and the CLI, so no parameter here carries English text of our own.
import type { Reason } from "../contracts/reasons.js";
import { PlexError } from "../plex/index.js";
import { LibrarySelectionError } from "./collect.js";
import { plexErrorReason } from "./fix.js";
import { PlexOutageError } from "./plex-gate.js";

export function jobErrorReason(error: unknown): Reason {
  if (error instanceof PlexOutageError)
    return { code: "plex_outage", params: { seconds: Math.round(error.waitedMs / 1000) } };
  if (error instanceof PlexError) return plexErrorReason(error);
  if (error instanceof LibrarySelectionError) return error.reason;
  return { code: "internal_error" };
}
