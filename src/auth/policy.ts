// Pure security decisions: login lock-out and same-origin checks. Table-tested.

export interface FailureWindow {
  count: number;
  oldest: number | null;
}

/**
 * Milliseconds until another login may be tried, or 0. Each key (client IP, user name) may
 * fail `max` times within the window; reaching the limit on any key locks it.
 */
export function lockoutRemaining(
  windows: readonly FailureWindow[],
  max: number,
  windowMs: number,
  now: number,
): number {
  let wait = 0;
  for (const w of windows) {
    if (w.count >= max && w.oldest !== null) wait = Math.max(wait, w.oldest + windowMs - now);
  }
  return Math.max(0, wait);
}

export interface OriginHeaders {
  origin?: string | undefined;
  secFetchSite?: string | undefined;
}

/**
 * Whether a state-changing request comes from our own pages. Browsers send Sec-Fetch-Site
 * and Origin; a request with neither is not a browser request from our origin.
 */
export function sameOriginVerdict(
  h: OriginHeaders,
  ownOrigin: string,
): { ok: true } | { ok: false; reason: string } {
  if (h.secFetchSite !== undefined && h.secFetchSite !== "same-origin") {
    return { ok: false, reason: `cross-site request (Sec-Fetch-Site: ${h.secFetchSite})` };
  }
  if (h.origin !== undefined) {
    return h.origin === ownOrigin ? { ok: true } : { ok: false, reason: "request from another origin" };
  }
  if (h.secFetchSite === "same-origin") return { ok: true };
  return { ok: false, reason: "missing Origin header" };
}

/** GET, HEAD and OPTIONS change nothing; everything else needs the CSRF checks. */
export function isUnsafeMethod(method: string): boolean {
  return !["GET", "HEAD", "OPTIONS"].includes(method.toUpperCase());
}
