// Bounds the password checks that run at once. scrypt is deliberately expensive: a burst of logins
// must queue (and, past a short queue, be turned away) instead of starving the scan of CPU.

export class GateFullError extends Error {
  constructor() {
    super("Too many logins at once: try again in a moment");
    this.name = "GateFullError";
  }
}

export class CheckGate {
  private active = 0;
  private readonly waiting: (() => void)[] = [];

  constructor(
    private readonly limit = 1,
    private readonly maxWaiting = 8,
  ) {}

  /** Runs `task` when a slot is free; throws GateFullError at once when the queue is full. */
  async run<T>(task: () => Promise<T>): Promise<T> {
    if (this.active >= this.limit) {
      if (this.waiting.length >= this.maxWaiting) throw new GateFullError();
      await new Promise<void>((resolve) => this.waiting.push(resolve));
    } else {
      this.active++;
    }
    try {
      return await task();
    } finally {
      // Hand the slot straight to the next in line, or free it.
      const next = this.waiting.shift();
      if (next) next();
      else this.active--;
    }
  }
}
