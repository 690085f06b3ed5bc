// The Items page's filters live in the URL (/items?state=failed&library=Movies&q=alien&page=2).
// Without a state the page shows what needs attention; `state=all` shows every item.
import {
  ATTENTION_FILTER,
  ITEM_STATE_FILTERS,
  type ItemStateFilter,
  PROBLEM_CODES,
  type ProblemCode,
} from "../../../src/contracts/constants";

/** The state filter of the page: a state, the "attention" group, or every item. */
export type StateChoice = ItemStateFilter | typeof ALL_STATES;
export const ALL_STATES = "all";
/** What the page shows when the URL names no state. */
export const DEFAULT_STATE: StateChoice = ATTENTION_FILTER;

export interface ItemFilters {
  state: StateChoice;
  problem?: ProblemCode;
  library?: string;
  q?: string;
  page: number;
}

const MAX_TEXT = 200;

function text(value: string | null): string | undefined {
  const v = value?.trim();
  return v ? v.slice(0, MAX_TEXT) : undefined;
}

function stateOf(value: string | null): StateChoice {
  if (value === ALL_STATES) return ALL_STATES;
  return (ITEM_STATE_FILTERS as readonly string[]).includes(value ?? "")
    ? (value as ItemStateFilter)
    : DEFAULT_STATE;
}

/** Reads the filters; unknown states, problems and bad pages are dropped rather than sent to the API. */
export function parseItemFilters(params: URLSearchParams): ItemFilters {
  const problem = params.get("problem");
  const page = Number(params.get("page"));
  return {
    state: stateOf(params.get("state")),
    problem: (PROBLEM_CODES as readonly string[]).includes(problem ?? "")
      ? (problem as ProblemCode)
      : undefined,
    library: text(params.get("library")),
    q: text(params.get("q")),
    page: Number.isInteger(page) && page >= 1 && page <= 100_000 ? page : 1,
  };
}

/** The search params for filters; the default state, empty values and page 1 are left out so links stay short. */
export function itemFiltersToParams(filters: ItemFilters): URLSearchParams {
  const params = new URLSearchParams();
  if (filters.state !== DEFAULT_STATE) params.set("state", filters.state);
  if (filters.problem) params.set("problem", filters.problem);
  if (filters.library) params.set("library", filters.library);
  if (filters.q) params.set("q", filters.q);
  if (filters.page > 1) params.set("page", String(filters.page));
  return params;
}

/** The API's state filter: none for "all". */
export function apiState(state: StateChoice): ItemStateFilter | undefined {
  return state === ALL_STATES ? undefined : state;
}

/** Whether the list is narrowed beyond every item (the default "attention" narrows it too). */
export function hasActiveFilters(filters: ItemFilters): boolean {
  return Boolean(filters.state !== ALL_STATES || filters.problem || filters.library || filters.q);
}
