// The Items page's filters live in the URL (/items?state=failed&library=Movies&q=alien&page=2).
import { ITEM_STATES, type ItemState } from "../../../src/contracts/constants";

export interface ItemFilters {
  state?: ItemState;
  library?: string;
  q?: string;
  page: number;
}

const MAX_TEXT = 200;

function text(value: string | null): string | undefined {
  const v = value?.trim();
  return v ? v.slice(0, MAX_TEXT) : undefined;
}

/** Reads the filters; unknown states and bad pages are dropped rather than sent to the API. */
export function parseItemFilters(params: URLSearchParams): ItemFilters {
  const state = params.get("state");
  const page = Number(params.get("page"));
  return {
    state: (ITEM_STATES as readonly string[]).includes(state ?? "") ? (state as ItemState) : undefined,
    library: text(params.get("library")),
    q: text(params.get("q")),
    page: Number.isInteger(page) && page >= 1 && page <= 100_000 ? page : 1,
  };
}

/** The search params for filters; empty values and page 1 are left out so links stay short. */
export function itemFiltersToParams(filters: ItemFilters): URLSearchParams {
  const params = new URLSearchParams();
  if (filters.state) params.set("state", filters.state);
  if (filters.library) params.set("library", filters.library);
  if (filters.q) params.set("q", filters.q);
  if (filters.page > 1) params.set("page", String(filters.page));
  return params;
}

export function hasActiveFilters(filters: ItemFilters): boolean {
  return Boolean(filters.state || filters.library || filters.q);
}
