import { useMemo } from 'react';
import { useInfiniteQuery } from '@tanstack/react-query';
import type { ListSimulationsQuery, ListSimulationsResponse } from '#schemas/generated/types.js';
import { useApi } from '../../api/ApiContext.js';
import { ApiRequestError, describeApiError } from '../../api/client.js';
import { etagMemory } from '../../api/etag-memory.js';

/** How often the list is polled while the tab is visible: a change shows within about a second. */
export const LIST_POLL_MS = 1000;

/**
 * The caller's simulations matching `query`, a page at a time (the API's
 * cursor; fetchNextPage is "Load more"), polled every second with
 * If-None-Match while the tab is visible (react-query pauses the interval in
 * a hidden tab): an unchanged page is a 304 and no re-render.
 */
export function useSimulationsList(query: ListSimulationsQuery) {
  const api = useApi();
  const memory = useMemo(() => etagMemory<ListSimulationsResponse>(), []);
  return useInfiniteQuery({
    queryKey: ['simulations', 'list', query],
    initialPageParam: undefined as string | undefined,
    queryFn: async ({ pageParam }) => {
      const key = JSON.stringify([query, pageParam ?? null]);
      const { data, error, response } = await api.GET('/simulations', {
        params: {
          query: { ...query, ...(pageParam ? { cursor: pageParam } : {}) },
          header: memory.ifNoneMatch(key),
        },
      });
      const page = memory.settle(key, response, data);
      if (!page) throw new ApiRequestError(describeApiError(error, response.status), response.status);
      return page;
    },
    getNextPageParam: (last) => last.nextCursor,
    refetchInterval: LIST_POLL_MS,
    refetchIntervalInBackground: false,
  });
}
