// Rides out Plex outages. The client already retries a few times; when a call still fails with
// a transport error or 5xx, every worker pauses here while one probe checks /identity once a
// second. Work resumes when Plex answers; only after `maxWaitMs` does the scan give up. A Plex
// outage therefore never turns into "failed" items.
import { errorMessage } from "../error-message.js";
import { PlexAuthError, PlexHttpError, PlexUnreachableError } from "../plex/index.js";
import { abortError, sleep } from "./limits.js";

export function isTransportError(error: unknown): boolean {
  return error instanceof PlexUnreachableError || (error instanceof PlexHttpError && error.status >= 500);
}

/**
 * No item's fault, and no use going on: Plex refuses the token, or stayed away past the outage
 * limit. A scan or bulk job ends on it; watch mode waits and tries the items again later.
 */
export function isFatalPlexError(error: unknown): boolean {
  return error instanceof PlexAuthError || error instanceof PlexOutageError;
}

export class PlexOutageError extends Error {
  constructor(
    readonly waitedMs: number,
    override readonly cause: unknown,
  ) {
    super(`Plex did not come back within ${Math.round(waitedMs / 1000)} s (${errorMessage(cause)})`);
    this.name = "PlexOutageError";
  }
}

export class PlexGate {
  private recovery: Promise<void> | undefined;
  /** Calls that hit a transport error and waited for recovery. */
  outages = 0;

  constructor(
    private readonly probe: (signal: AbortSignal) => Promise<unknown>,
    private readonly maxWaitMs: number,
    private readonly onOutage: (message: string) => void = () => {},
    private readonly probeIntervalMs = 1000,
    private readonly maxAttempts = 6,
  ) {}

  /** Runs `fn`, waiting out outages between attempts. Other errors pass straight through. */
  async call<T>(fn: () => Promise<T>, signal: AbortSignal): Promise<T> {
    for (let attempt = 1; ; attempt++) {
      if (this.recovery) await this.recovery;
      if (signal.aborted) throw abortError(signal);
      try {
        return await fn();
      } catch (error) {
        if (signal.aborted || !isTransportError(error) || attempt >= this.maxAttempts) throw error;
        await this.waitForRecovery(error, signal);
      }
    }
  }

  private waitForRecovery(cause: unknown, signal: AbortSignal): Promise<void> {
    this.recovery ??= this.recover(cause, signal).finally(() => {
      this.recovery = undefined;
    });
    return this.recovery;
  }

  private async recover(cause: unknown, signal: AbortSignal): Promise<void> {
    this.outages++;
    const started = Date.now();
    this.onOutage(`Plex is not answering (${errorMessage(cause)}); pausing until it is back`);
    for (;;) {
      await sleep(this.probeIntervalMs, signal);
      try {
        await this.probe(signal);
        this.onOutage(`Plex is back after ${((Date.now() - started) / 1000).toFixed(1)} s; resuming`);
        return;
      } catch (error) {
        if (signal.aborted) throw abortError(signal);
        if (Date.now() - started >= this.maxWaitMs) throw new PlexOutageError(Date.now() - started, error);
      }
    }
  }
}
