// Reading the live state: each hook subscribes to the one store and selects its part.
import { createContext, useContext, useEffect, useSyncExternalStore } from "react";
import type { ScanLog } from "../../../src/contracts/schemas";
import { api, queryString } from "../api/client";
import type { LiveState, LiveStore } from "./store";

export const LiveContext = createContext<LiveStore | null>(null);

function useStore(): LiveStore {
  const store = useContext(LiveContext);
  if (!store) throw new Error("useLive* must be used inside <LiveProvider>");
  return store;
}

export function useLive<T>(select: (state: LiveState) => T): T {
  const store = useStore();
  return useSyncExternalStore(store.subscribe, () => select(store.getState()));
}

const selectStatus = (s: LiveState) => s;

/** False while the server cannot be reached. */
export function useReachable(): boolean {
  return useLive((s) => s.reachable);
}

/** The running scan and the last finished one. */
export function useScanStatus(): Pick<LiveState, "running" | "lastFinished" | "statusKnown" | "connected"> {
  return useLive(selectStatus);
}

export function useLiveScheduler() {
  return useLive((s) => s.scheduler);
}

const LOG_POLL_MS = 3_000;

/** The live log of the running job; seeded from REST, then fed by the stream (or polled without it). */
export function useLiveLog(jobId: number | null, live: boolean): string[] {
  const store = useStore();
  const log = useLive((s) => s.log);
  const connected = useLive((s) => s.connected);
  useEffect(() => {
    if (jobId === null) return;
    let cancelled = false;
    const load = async () => {
      try {
        const res = await api<ScanLog>(`/api/scans/${jobId}/log${queryString({ tail: 1000 })}`);
        if (!cancelled) store.seedLog(jobId, res.lines, res.end);
      } catch {
        // the log may not exist yet
      }
    };
    void load();
    if (connected || !live)
      return () => {
        cancelled = true;
      };
    const timer = setInterval(load, LOG_POLL_MS);
    return () => {
      cancelled = true;
      clearInterval(timer);
    };
  }, [jobId, live, connected, store]);
  return log.jobId === jobId ? log.lines : EMPTY;
}

const EMPTY: string[] = [];
