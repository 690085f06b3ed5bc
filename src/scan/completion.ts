// Knowing when Plex has really finished an item. The notification websocket says so within
// milliseconds (REFERENCE §4.5); when it is unavailable, a batched poll compares each waiting
// item with its state before the refresh. A per-item timeout bounds both.
import { PlexAuthError, type PlexItem, type PlexNotificationListener } from "../plex/index.js";
import { abortError } from "./limits.js";

export type Completion = "event" | "poll" | "timeout";

interface Waiter {
  key: string;
  before: PlexItem | undefined;
  /** Sends the request again; used when completion events may have been lost. */
  resend: (() => Promise<void>) | undefined;
  done: (how: Completion) => void;
  /** Ends the wait with an error that waiting longer cannot cure. */
  fail: (error: unknown) => void;
}

/** Has a re-read item changed since before the refresh? */
export function changedSince(before: PlexItem | undefined, after: PlexItem): boolean {
  if (!before) return true;
  return (
    (after.updatedAt ?? 0) > (before.updatedAt ?? 0) ||
    after.thumb !== before.thumb ||
    after.summary !== before.summary ||
    after.guid !== before.guid ||
    after.guids.length !== before.guids.length
  );
}

export class CompletionTracker {
  private readonly waiters = new Map<string, Set<Waiter>>();
  private pollTimer: NodeJS.Timeout | undefined;
  private polling = false;
  private readonly onFinished = (ratingKey: string) => this.settle(ratingKey, "event");
  private disconnected = false;
  private readonly onClose = () => {
    this.disconnected = true;
  };
  // Events sent while the socket was down are lost: catch up once it is back.
  private readonly onOpen = () => {
    if (!this.disconnected) return;
    this.disconnected = false;
    void this.catchUp();
  };

  constructor(
    private readonly listener: PlexNotificationListener | undefined,
    private readonly read: (keys: string[]) => Promise<PlexItem[]>,
    private readonly pollIntervalMs = 2000,
  ) {
    listener?.on("finished", this.onFinished);
    listener?.on("close", this.onClose);
    listener?.on("open", this.onOpen);
  }

  /** True while completion events can be trusted to arrive. */
  get live(): boolean {
    return this.listener?.connected ?? false;
  }

  /** Call before sending the request, so an instant completion is not missed. */
  expect(
    ratingKey: string,
    before: PlexItem | undefined,
    resend?: () => Promise<void>,
  ): { wait: (timeoutMs: number, signal: AbortSignal) => Promise<Completion> } {
    this.listener?.forget(ratingKey); // an earlier "finished" for this item must not be de-duplicated away
    let settled: Completion | undefined;
    let failed: { error: unknown } | undefined;
    let resolveWait: ((how: Completion) => void) | undefined;
    let rejectWait: ((error: unknown) => void) | undefined;
    const waiter: Waiter = {
      key: ratingKey,
      before,
      resend,
      done: (how) => {
        if (settled || failed) return;
        settled = how;
        this.remove(waiter);
        resolveWait?.(how);
      },
      fail: (error) => {
        if (settled || failed) return;
        failed = { error };
        this.remove(waiter);
        rejectWait?.(error);
      },
    };
    const set = this.waiters.get(ratingKey) ?? new Set();
    set.add(waiter);
    this.waiters.set(ratingKey, set);
    this.schedulePoll();
    return {
      wait: (timeoutMs, signal) =>
        new Promise<Completion>((resolve, reject) => {
          if (settled) return resolve(settled);
          if (failed) return reject(failed.error);
          if (signal.aborted) {
            this.remove(waiter);
            return reject(abortError(signal));
          }
          const timer = setTimeout(() => waiter.done("timeout"), timeoutMs);
          const onAbort = () => {
            clearTimeout(timer);
            this.remove(waiter);
            reject(abortError(signal));
          };
          signal.addEventListener("abort", onAbort, { once: true });
          resolveWait = (how) => {
            clearTimeout(timer);
            signal.removeEventListener("abort", onAbort);
            resolve(how);
          };
          rejectWait = (error) => {
            clearTimeout(timer);
            signal.removeEventListener("abort", onAbort);
            reject(error);
          };
        }),
    };
  }

  close(): void {
    this.listener?.off("finished", this.onFinished);
    this.listener?.off("close", this.onClose);
    this.listener?.off("open", this.onOpen);
    clearTimeout(this.pollTimer);
    this.pollTimer = undefined;
  }

  private settle(ratingKey: string, how: Completion): void {
    const set = this.waiters.get(ratingKey);
    if (!set) return;
    for (const w of [...set]) w.done(how);
  }

  private remove(waiter: Waiter): void {
    const set = this.waiters.get(waiter.key);
    if (!set) return;
    set.delete(waiter);
    if (set.size === 0) this.waiters.delete(waiter.key);
  }

  private schedulePoll(): void {
    if (this.pollTimer || this.waiters.size === 0) return;
    this.pollTimer = setTimeout(() => {
      this.pollTimer = undefined;
      void this.poll().finally(() => this.schedulePoll());
    }, this.pollIntervalMs);
    this.pollTimer.unref?.();
  }

  /**
   * After a reconnect: items that changed meanwhile are done; the others are sent again (a
   * refresh or match is idempotent, and Plex de-duplicates queued work), so a completion
   * lost in the gap turns into a fresh one instead of a timeout.
   */
  private async catchUp(): Promise<void> {
    const keys = [...this.waiters.keys()];
    if (keys.length === 0) return;
    let items: PlexItem[];
    try {
      items = await this.read(keys);
    } catch {
      return; // Plex is not answering yet; the per-item timeout still bounds the wait
    }
    const byKey = new Map(items.map((i) => [i.ratingKey, i]));
    for (const key of keys) {
      const item = byKey.get(key);
      for (const w of [...(this.waiters.get(key) ?? [])]) {
        if (item && changedSince(w.before, item)) w.done("poll");
        else w.resend?.().catch(() => {});
      }
    }
  }

  /** Only while events are unavailable: re-read every waiting item in one batched call. */
  private async poll(): Promise<void> {
    if (this.live || this.polling || this.waiters.size === 0) return;
    this.polling = true;
    try {
      const items = await this.read([...this.waiters.keys()]);
      for (const item of items) {
        for (const w of [...(this.waiters.get(item.ratingKey) ?? [])]) {
          if (changedSince(w.before, item)) w.done("poll");
        }
      }
    } catch (error) {
      // A rejected token does not come back by waiting: every waiter learns it now, not at its
      // timeout. Other failures are retried at the next tick; the per-item timeout bounds them.
      if (error instanceof PlexAuthError)
        for (const set of [...this.waiters.values()]) for (const w of [...set]) w.fail(error);
    } finally {
      this.polling = false;
    }
  }
}
