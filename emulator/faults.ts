/**
 * Injected faults: added latency, a share of requests answered 500, and outages during
 * which every connection is reset. The error draw uses its own seeded PRNG, so a given seed
 * fails the same requests in the same order.
 */
import { Rng } from "./random.js";

export interface Faults {
  latencyMs?: number;
  /** 0..1 share of HTTP requests answered 500. */
  errorRate?: number;
}

export class FaultState {
  latencyMs = 0;
  errorRate = 0;
  private outageUntil = 0;
  private readonly rng: Rng;

  constructor(seed: number, faults: Faults | undefined) {
    this.rng = new Rng(seed ^ 0x5eed_fa17);
    this.set(faults ?? {});
  }

  set(f: Faults): void {
    this.latencyMs = Math.max(0, f.latencyMs ?? 0);
    this.errorRate = Math.min(1, Math.max(0, f.errorRate ?? 0));
  }

  startOutage(ms: number): void {
    this.outageUntil = Math.max(this.outageUntil, Date.now() + Math.max(0, ms));
  }

  inOutage(): boolean {
    return Date.now() < this.outageUntil;
  }

  /** Draws once per request. */
  shouldFail(): boolean {
    return this.errorRate > 0 && this.rng.next() < this.errorRate;
  }
}
