// The open event streams of each login session. A stream checks the session only when it opens,
// so without this a logged-out browser (or a stolen cookie) would keep receiving events until it
// disconnects. Ending a session here ends its streams at once; sessions that end elsewhere
// (`psr passwd` in another process, expiry) are caught by a recheck while streams are open.

export type SessionEnded = { sessionId: string } | "all";

export class SessionStreams {
  private readonly open = new Map<string, Set<() => void>>();
  /** Streams opened without a session (an API key): ended only when the server stops. */
  private readonly unbound = new Set<() => void>();
  private timer: NodeJS.Timeout | undefined;

  constructor(
    /** Whether a session still exists (read from the database). */
    private readonly alive: (sessionId: string) => Promise<boolean>,
    private readonly recheckMs = 5_000,
  ) {}

  /** Notes a session's stream (null: no session); `end` closes it. Returns the call that forgets it. */
  add(sessionId: string | null, end: () => void): () => void {
    if (sessionId === null) {
      this.unbound.add(end);
      return () => this.unbound.delete(end);
    }
    let ends = this.open.get(sessionId);
    if (!ends) {
      ends = new Set();
      this.open.set(sessionId, ends);
    }
    ends.add(end);
    this.timer ??= setInterval(() => void this.recheck(), this.recheckMs).unref();
    return () => {
      const current = this.open.get(sessionId);
      current?.delete(end);
      if (current?.size === 0) this.open.delete(sessionId);
      if (this.open.size === 0) this.stopTimer();
    };
  }

  /** Ends the streams of one session, or of every session. */
  ended(which: SessionEnded): void {
    const ids = which === "all" ? [...this.open.keys()] : [which.sessionId];
    for (const id of ids) {
      const ends = this.open.get(id);
      this.open.delete(id);
      for (const end of ends ?? []) end();
    }
    if (this.open.size === 0) this.stopTimer();
  }

  /**
   * Ends every stream, with or without a session: the server is stopping, and an open stream
   * would otherwise keep it waiting until the browser lets go.
   */
  endAll(): void {
    this.ended("all");
    for (const end of [...this.unbound]) end();
    this.unbound.clear();
  }

  /** How many streams are open (for tests and diagnostics). */
  get size(): number {
    let n = this.unbound.size;
    for (const ends of this.open.values()) n += ends.size;
    return n;
  }

  stop(): void {
    this.stopTimer();
  }

  private async recheck(): Promise<void> {
    for (const id of [...this.open.keys()]) {
      let live = true;
      try {
        live = await this.alive(id);
      } catch {
        // the database is busy or closing: try again at the next recheck
      }
      if (!live) this.ended({ sessionId: id });
    }
  }

  private stopTimer(): void {
    clearInterval(this.timer);
    this.timer = undefined;
  }
}
