// Server state of the item actions (detail drawer, match picker, ignore). Imported only by the
// Items page, so it lands in that page's lazily loaded chunk.
import { useMutation, useQuery, useQueryClient } from "@tanstack/react-query";
import type { Reason } from "../../../src/contracts/reasons";
import type { ItemDetail, ItemResource, MatchBody, MatchesResponse } from "../../../src/contracts/schemas";
import { api, queryString } from "./client";

/** What a refresh or match recorded (the server's item result). */
export interface ActionResult {
  ratingKey: string;
  title: string;
  state: ItemResource["state"];
  note: string;
  reason?: Reason | null;
  problems: string[];
}

const path = (ratingKey: string) => `/api/items/${encodeURIComponent(ratingKey)}`;

export const itemKeys = {
  detail: (ratingKey: string) => ["item", ratingKey] as const,
  matches: (ratingKey: string, query: { title?: string; year?: number }) =>
    ["matches", ratingKey, query] as const,
};

export function useItemDetail(ratingKey: string | null) {
  return useQuery({
    queryKey: itemKeys.detail(ratingKey ?? ""),
    queryFn: ({ signal }) => api<ItemDetail>(path(ratingKey ?? ""), { signal }),
    enabled: ratingKey !== null,
  });
}

/** Candidates from Plex for the typed search (or, with no query, the item's own title). */
export function useMatchSearch(
  ratingKey: string,
  query: { title?: string; year?: number },
  enabled: boolean,
) {
  return useQuery({
    queryKey: itemKeys.matches(ratingKey, query),
    queryFn: ({ signal }) =>
      api<MatchesResponse>(`${path(ratingKey)}/matches${queryString(query)}`, { signal }),
    enabled,
    // A search result is only good for the picker that asked; the poster ids expire with it.
    gcTime: 0,
    retry: false,
  });
}

/**
 * After an action the item (its title, poster version, evidence), the list and the counts may all
 * have changed; a search answered before it names the old match as the current one.
 */
function useInvalidate(ratingKey: string) {
  const client = useQueryClient();
  return () => {
    client.removeQueries({ queryKey: ["matches", ratingKey] });
    return Promise.all([
      client.invalidateQueries({ queryKey: itemKeys.detail(ratingKey) }),
      client.invalidateQueries({ queryKey: ["items"] }),
      client.invalidateQueries({ queryKey: ["stats"] }),
    ]);
  };
}

export function useRefreshItem(ratingKey: string) {
  const invalidate = useInvalidate(ratingKey);
  return useMutation({
    mutationKey: ["refresh", ratingKey],
    mutationFn: () => api<ActionResult>(`${path(ratingKey)}/refresh`, { method: "POST" }),
    onSettled: invalidate,
  });
}

export function useApplyMatch(ratingKey: string) {
  const invalidate = useInvalidate(ratingKey);
  return useMutation({
    mutationKey: ["match", ratingKey],
    mutationFn: (body: MatchBody) => api<ActionResult>(`${path(ratingKey)}/match`, { method: "POST", body }),
    onSettled: invalidate,
  });
}

export function useSetIgnored(ratingKey: string) {
  const invalidate = useInvalidate(ratingKey);
  return useMutation({
    mutationFn: (ignore: { reason: string } | null) =>
      ignore
        ? api<ItemResource>(`${path(ratingKey)}/ignore`, {
            method: "POST",
            body: ignore.reason ? { reason: ignore.reason } : {},
          })
        : api<ItemResource>(`${path(ratingKey)}/ignore`, { method: "DELETE" }),
    onSettled: invalidate,
  });
}

/** POST …/undo-match: restores what the app's last match replaced, verified by the server. */
export function useUndoMatch(ratingKey: string) {
  const invalidate = useInvalidate(ratingKey);
  return useMutation({
    mutationKey: ["undo-match", ratingKey],
    mutationFn: () => api<ActionResult>(`${path(ratingKey)}/undo-match`, { method: "POST" }),
    onSettled: invalidate,
  });
}
