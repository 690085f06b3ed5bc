// Whether the server answers. A dropped event stream or a failed request only raises the
// question; /api/health answers it, probed with a growing pause until the server is back.
// `ok` is required: behind nginx a stopped app answers 502, which is not "reachable".

/** Pauses between probes while the server is away: quick at first, then every 10 s. */
export const PROBE_DELAYS_MS = [1_000, 2_000, 4_000, 8_000, 10_000] as const;

export type Probe = () => Promise<boolean>;

export const healthProbe: Probe = async () => {
  try {
    const response = await fetch("/api/health", { cache: "no-store", credentials: "same-origin" });
    return response.ok;
  } catch {
    return false;
  }
};

export class Reachability {
  private reachable = true;
  private probing = false;
  private attempt = 0;
  private timer: ReturnType<typeof setTimeout> | undefined;
  private stopped = false;

  constructor(
    private readonly onChange: (reachable: boolean) => void,
    private readonly probe: Probe = healthProbe,
  ) {}

  get isReachable(): boolean {
    return this.reachable;
  }

  /** Something failed to reach the server: find out whether it is gone (at most one probe loop). */
  suspect(): void {
    if (this.probing || this.stopped) return;
    this.probing = true;
    this.attempt = 0;
    void this.check();
  }

  /** Something reached the server (the stream opened): it is back, whatever a probe said. */
  confirm(): void {
    clearTimeout(this.timer);
    this.probing = false;
    this.set(true);
  }

  start(): void {
    this.stopped = false;
  }

  stop(): void {
    this.stopped = true;
    clearTimeout(this.timer);
    this.probing = false;
  }

  private async check(): Promise<void> {
    const ok = await this.probe();
    if (this.stopped || !this.probing) return;
    if (ok) {
      this.probing = false;
      this.set(true);
      return;
    }
    this.set(false);
    const delay = PROBE_DELAYS_MS[Math.min(this.attempt, PROBE_DELAYS_MS.length - 1)];
    this.attempt++;
    this.timer = setTimeout(() => void this.check(), delay);
  }

  private set(reachable: boolean): void {
    if (reachable === this.reachable) return;
    this.reachable = reachable;
    this.onChange(reachable);
  }
}
