/**
 * The simulations list's filters and sort, held in the URL's query string so
 * they survive a reload, back/forward and a shared link:
 * `?status=RUNNING&tag=project=ozone&type=fullchem&from=2026-12-01&to=2026-12-07&sort=cost-desc`.
 * Dates are whole days in UTC. Status, tag, type and dates go to the API
 * (GET /simulations filters them); the sort is applied to the loaded rows
 * (the API lists newest first, and sorting by cost or progress would need an
 * index per column).
 */
import type { ListSimulationsQuery, SimulationStatus } from '#schemas/generated/types.js';
import { simulationStatusSchema } from '#schemas/generated/schemas.js';

/** Every status, in the order of the schema (the status filter's choices). */
export const STATUSES: readonly SimulationStatus[] = simulationStatusSchema.enum;

export const SORTS = {
  'created-desc': 'Newest first',
  'created-asc': 'Oldest first',
  name: 'Name',
  status: 'Status',
  'progress-desc': 'Most progress',
  'cost-desc': 'Highest cost',
  'elapsed-desc': 'Longest running',
} as const;
export type SortKey = keyof typeof SORTS;
export const DEFAULT_SORT: SortKey = 'created-desc';

export interface ListFilters {
  status?: SimulationStatus;
  /** key=value of spec.tags. */
  tag?: string;
  type?: string;
  /** YYYY-MM-DD (UTC), inclusive. */
  from?: string;
  to?: string;
  sort: SortKey;
}

const DAY = /^\d{4}-\d{2}-\d{2}$/;

/** The filters a query string holds; anything malformed is left out rather than sent to the API. */
export function filtersFromSearch(search: URLSearchParams): ListFilters {
  const status = search.get('status');
  const tag = search.get('tag');
  const type = search.get('type')?.trim();
  const from = search.get('from');
  const to = search.get('to');
  const sort = search.get('sort');
  return {
    ...(status && (STATUSES as string[]).includes(status) ? { status: status as SimulationStatus } : {}),
    ...(tag && /^[^=]+=/.test(tag) ? { tag } : {}),
    ...(type ? { type } : {}),
    ...(from && DAY.test(from) ? { from } : {}),
    ...(to && DAY.test(to) ? { to } : {}),
    sort: sort && sort in SORTS ? (sort as SortKey) : DEFAULT_SORT,
  };
}

/** The query string of these filters (the default sort left out, so the plain list has a plain URL). */
export function searchFromFilters(filters: ListFilters): URLSearchParams {
  const search = new URLSearchParams();
  if (filters.status) search.set('status', filters.status);
  if (filters.tag) search.set('tag', filters.tag);
  if (filters.type) search.set('type', filters.type);
  if (filters.from) search.set('from', filters.from);
  if (filters.to) search.set('to', filters.to);
  if (filters.sort !== DEFAULT_SORT) search.set('sort', filters.sort);
  return search;
}

/** What GET /simulations is asked (the sort stays in the browser). */
export function apiQueryFromFilters(filters: ListFilters): ListSimulationsQuery {
  return {
    ...(filters.status ? { status: filters.status } : {}),
    ...(filters.tag ? { tag: filters.tag } : {}),
    ...(filters.type ? { type: filters.type } : {}),
    ...(filters.from ? { createdFrom: `${filters.from}T00:00:00.000Z` } : {}),
    ...(filters.to ? { createdTo: `${filters.to}T23:59:59.999Z` } : {}),
  };
}
