// Small async primitives the engine uses to stay gentle on Plex and quick to cancel.

/** Rejects with the signal's reason; used so every wait in a scan ends when it is cancelled. */
export function abortError(signal: AbortSignal): Error {
  return signal.reason instanceof Error
    ? signal.reason
    : new DOMException("The scan was cancelled", "AbortError");
}

export function isAbort(error: unknown, signal: AbortSignal): boolean {
  return signal.aborted && (error === signal.reason || (error as { name?: string })?.name === "AbortError");
}

/** Resolves after `ms`, or rejects as soon as the signal aborts. */
export function sleep(ms: number, signal: AbortSignal): Promise<void> {
  if (signal.aborted) return Promise.reject(abortError(signal));
  return new Promise((resolve, reject) => {
    const timer = setTimeout(() => {
      signal.removeEventListener("abort", onAbort);
      resolve();
    }, ms);
    const onAbort = () => {
      clearTimeout(timer);
      reject(abortError(signal));
    };
    signal.addEventListener("abort", onAbort, { once: true });
  });
}

/** Spaces out calls by at least `gapMs` (the optional per-request delay). */
export class Pacer {
  private next = 0;

  constructor(
    private readonly gapMs: number,
    private readonly now: () => number = Date.now,
  ) {}

  async wait(signal: AbortSignal): Promise<void> {
    if (this.gapMs <= 0) return;
    const t = this.now();
    const at = Math.max(t, this.next);
    this.next = at + this.gapMs;
    if (at > t) await sleep(at - t, signal);
  }
}

/**
 * Collects keys for a short moment and resolves them with one call, so verifying many items
 * after their refresh costs a few batch reads instead of one request each.
 */
export class Batcher<V> {
  private pending = new Map<
    string,
    { resolve: (v: V | undefined) => void; reject: (e: unknown) => void }[]
  >();
  private timer: NodeJS.Timeout | undefined;

  constructor(
    private readonly load: (keys: string[]) => Promise<Map<string, V>>,
    private readonly maxKeys = 50,
    private readonly delayMs = 40,
  ) {}

  get(key: string): Promise<V | undefined> {
    return new Promise((resolve, reject) => {
      const list = this.pending.get(key) ?? [];
      list.push({ resolve, reject });
      this.pending.set(key, list);
      if (this.pending.size >= this.maxKeys) this.flush();
      else this.timer ??= setTimeout(() => this.flush(), this.delayMs);
    });
  }

  private flush(): void {
    clearTimeout(this.timer);
    this.timer = undefined;
    const batch = this.pending;
    this.pending = new Map();
    if (batch.size === 0) return;
    this.load([...batch.keys()]).then(
      (values) => {
        for (const [key, waiters] of batch) for (const w of waiters) w.resolve(values.get(key));
      },
      (error: unknown) => {
        for (const waiters of batch.values()) for (const w of waiters) w.reject(error);
      },
    );
  }
}

/**
 * A FIFO between the collector and the workers; `next` waits for work or for `close`. With a
 * capacity, a producer that awaits `room` before each push keeps at most that many items
 * waiting (a whole-library scan once held thousands of listed items here for seconds, enough
 * to carry them all into the old generation). `push` itself never refuses an item.
 */
export class WorkQueue<T> {
  private readonly items: T[] = [];
  private readonly takers: ((item: T | undefined) => void)[] = [];
  private readonly roomWaiters: ((value: undefined) => void)[] = [];
  private closed = false;

  constructor(private readonly capacity = Number.POSITIVE_INFINITY) {}

  push(item: T): void {
    const taker = this.takers.shift();
    if (taker) taker(item);
    else this.items.push(item);
  }

  /** No more items will come: idle takers get `undefined`. */
  close(): void {
    this.closed = true;
    for (const taker of this.takers.splice(0)) taker(undefined);
  }

  get size(): number {
    return this.items.length;
  }

  /** Resolves once fewer than `capacity` items wait; rejects when `signal` aborts first. */
  async room(signal: AbortSignal): Promise<void> {
    if (this.items.length < this.capacity) return;
    await park(this.roomWaiters, signal);
  }

  next(signal: AbortSignal): Promise<T | undefined> {
    if (this.items.length > 0) {
      const item = this.items.shift();
      if (this.items.length < this.capacity) this.roomWaiters.shift()?.(undefined);
      return Promise.resolve(item);
    }
    if (this.closed) return Promise.resolve(undefined);
    return park(this.takers, signal);
  }
}

/** Parks a caller in `waiters` until one of them is called, or rejects when `signal` aborts. */
function park<T>(waiters: ((value: T) => void)[], signal: AbortSignal): Promise<T> {
  if (signal.aborted) return Promise.reject(abortError(signal));
  return new Promise((resolve, reject) => {
    const waiter = (value: T) => {
      signal.removeEventListener("abort", onAbort);
      resolve(value);
    };
    const onAbort = () => {
      const i = waiters.indexOf(waiter);
      if (i >= 0) waiters.splice(i, 1);
      reject(abortError(signal));
    };
    waiters.push(waiter);
    signal.addEventListener("abort", onAbort, { once: true });
  });
}
