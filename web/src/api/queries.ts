// Server state: one hook per resource, all through TanStack Query.
import { keepPreviousData, useMutation, useQuery, useQueryClient } from "@tanstack/react-query";
import type { ApplyStarted } from "../../../src/contracts/bulk";
import type {
  ItemPage,
  LibrariesResponse,
  ScanOverrides,
  ScanPage,
  ScanResource,
  ScanStarted,
  SettingsResponse,
  StatsHistory,
  StatsPeriod,
  StatsResponse,
} from "../../../src/contracts/schemas";
import { apiState, type ItemFilters } from "../lib/itemFilters";
import { api, queryString } from "./client";

export const ITEMS_PAGE_SIZE = 50;
export const JOBS_PAGE_SIZE = 25;

export const keys = {
  me: ["me"] as const,
  scans: (page: number) => ["scans", page] as const,
  scan: (id: number) => ["scan", id] as const,
  items: (f: ItemFilters) => ["items", f] as const,
  stats: ["stats"] as const,
  statsHistory: (days: number) => ["stats", "history", days] as const,
  settings: ["settings"] as const,
  libraries: ["libraries"] as const,
};

export function useScans(page: number, live = false) {
  return useQuery({
    queryKey: keys.scans(page),
    refetchInterval: live ? 3_000 : false,
    queryFn: ({ signal }) =>
      api<ScanPage>(`/api/scans${queryString({ page, pageSize: JOBS_PAGE_SIZE })}`, { signal }),
    placeholderData: keepPreviousData,
  });
}

export function useScan(id: number, enabled = true) {
  return useQuery({
    queryKey: keys.scan(id),
    enabled,
    queryFn: ({ signal }) => api<ScanResource>(`/api/scans/${id}`, { signal }),
  });
}

export function useItems(filters: ItemFilters) {
  return useQuery({
    queryKey: keys.items(filters),
    queryFn: ({ signal }) =>
      api<ItemPage>(
        `/api/items${queryString({
          state: apiState(filters.state),
          problem: filters.problem,
          library: filters.library,
          q: filters.q,
          page: filters.page,
          pageSize: ITEMS_PAGE_SIZE,
        })}`,
        { signal },
      ),
    placeholderData: keepPreviousData,
  });
}

export function useStats() {
  return useQuery({
    queryKey: keys.stats,
    queryFn: ({ signal }) => api<StatsResponse>("/api/stats", { signal }),
  });
}

/** Everything the Statistics page shows, in one call; the last period stays on screen while the next loads. */
export function useStatsHistory(days: StatsPeriod) {
  return useQuery({
    queryKey: keys.statsHistory(days),
    queryFn: ({ signal }) => api<StatsHistory>(`/api/stats/history${queryString({ days })}`, { signal }),
    placeholderData: keepPreviousData,
  });
}

export function useSettings() {
  return useQuery({
    queryKey: keys.settings,
    queryFn: ({ signal }) => api<SettingsResponse>("/api/settings", { signal }),
  });
}

export function useLibraries(enabled = true) {
  return useQuery({
    queryKey: keys.libraries,
    queryFn: ({ signal }) => api<LibrariesResponse>("/api/plex/libraries", { signal }),
    enabled,
    staleTime: 5 * 60_000,
    retry: false,
  });
}

export function useStartScan() {
  const client = useQueryClient();
  return useMutation({
    mutationFn: (overrides: ScanOverrides) =>
      api<ScanStarted>("/api/scans", { method: "POST", body: overrides }),
    onSettled: () => client.invalidateQueries({ queryKey: ["scans"] }),
  });
}

/** "Apply these N fixes": dry run `id`'s proposals as a real job (POST /api/scans/:id/apply). */
export function useApplyFixes() {
  const client = useQueryClient();
  return useMutation({
    mutationFn: (id: number) => api<ApplyStarted>(`/api/scans/${id}/apply`, { method: "POST" }),
    onSettled: () => {
      void client.invalidateQueries({ queryKey: ["scans"] });
      void client.invalidateQueries({ queryKey: keys.stats });
    },
  });
}

export function useCancelScan() {
  const client = useQueryClient();
  return useMutation({
    mutationFn: (id: number) => api<ScanResource>(`/api/scans/${id}/cancel`, { method: "POST" }),
    onSettled: (_data, _error, id) => {
      void client.invalidateQueries({ queryKey: ["scans"] });
      void client.invalidateQueries({ queryKey: keys.scan(id) });
    },
  });
}
