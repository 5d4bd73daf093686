/**
 * The simulation page's data, each from its public API route through the
 * generated client. The simulation refetches every second while the tab is
 * visible and the run can still change; a 304 (If-None-Match on its ETag)
 * keeps what the cache has.
 */
import { useRef } from 'react';
import { keepPreviousData, useMutation, useQuery, useQueryClient } from '@tanstack/react-query';
import type { ApiClient } from '../../api/client.js';
import { useApi } from '../../api/ApiContext.js';
import type { Simulation } from '#schemas/generated/types.js';
import { apiRequestError, unwrap } from './api-errors.js';
import { isTerminal } from './status.js';

export const LIVE_REFRESH_MS = 1000;

export const simulationKey = (id: string) => ['simulation', id] as const;

export function useSimulation(id: string) {
  const api = useApi();
  const queryClient = useQueryClient();
  const etag = useRef<{ id: string; value: string } | undefined>(undefined);
  return useQuery({
    queryKey: simulationKey(id),
    queryFn: async (): Promise<Simulation> => {
      const known = etag.current?.id === id ? etag.current.value : undefined;
      const { data, error, response } = await api.GET('/simulations/{id}', {
        params: { path: { id } },
        ...(known ? { headers: { 'If-None-Match': known } } : {}),
      });
      const cached = queryClient.getQueryData<Simulation>(simulationKey(id));
      if (response.status === 304 && cached) return cached;
      if (!data) throw apiRequestError(error, response);
      const tag = response.headers.get('ETag');
      etag.current = tag ? { id, value: tag } : undefined;
      return data;
    },
    refetchInterval: (query) =>
      query.state.data && isTerminal(query.state.data.status) ? false : LIVE_REFRESH_MS,
    refetchIntervalInBackground: false,
    retry: false,
  });
}

/** The cost record, or null until the cost tracker has priced the run (the route answers 404 until then). */
export function useSimulationCost(id: string, live: boolean) {
  const api = useApi();
  return useQuery({
    queryKey: ['simulation', id, 'cost'],
    queryFn: async () => {
      const { data, error, response } = await api.GET('/simulations/{id}/cost', { params: { path: { id } } });
      if (response.status === 404) return null;
      if (!data) throw apiRequestError(error, response);
      return data;
    },
    refetchInterval: live ? 10_000 : false,
    retry: false,
  });
}

export function useSimulationResults(id: string, enabled: boolean) {
  const api = useApi();
  return useQuery({
    queryKey: ['simulation', id, 'results'],
    queryFn: async () => {
      return unwrap(
        await api.GET('/simulations/{id}/results', {
          params: { path: { id } },
        }),
      );
    },
    enabled,
    // Processing takes a little while after SUCCEEDED: look again until it settles.
    refetchInterval: (query) =>
      query.state.data && ['PENDING', 'PROCESSING'].includes(query.state.data.status) ? 3000 : false,
    retry: false,
  });
}

/** The caller's runs, to pick one to compare with. */
export function useOwnSimulations() {
  const api = useApi();
  return useQuery({
    queryKey: ['simulations', 'own', 'SUCCEEDED'],
    queryFn: async () => {
      const page = unwrap(
        await api.GET('/simulations', { params: { query: { status: 'SUCCEEDED', limit: 100 } } }),
      );
      return page.items;
    },
    retry: false,
  });
}

export function useComparison(id: string, otherId: string | undefined) {
  const api = useApi();
  return useQuery({
    queryKey: ['simulation', id, 'compare', otherId],
    queryFn: async () => {
      return unwrap(
        await api.POST('/simulations/{id}/compare/{otherId}', {
          params: { path: { id, otherId: otherId ?? '' } },
        }),
      );
    },
    enabled: otherId !== undefined,
    placeholderData: keepPreviousData,
    retry: false,
  });
}

/** Path keys keep their slashes (the route is {key+}); each segment is encoded. */
export async function resultFileLink(api: ApiClient, id: string, key: string): Promise<string> {
  const link = unwrap(
    await api.GET('/simulations/{id}/results/files/{key}', {
      params: { path: { id, key } },
      pathSerializer: (template: string) =>
        template
          .replace('{id}', encodeURIComponent(id))
          .replace('{key}', key.split('/').map(encodeURIComponent).join('/')),
    }),
  );
  return link.url;
}

/** A presigned link for an image (previews, difference maps); links last an hour, refetched before. */
export function useResultFileLink(id: string, key: string) {
  const api = useApi();
  return useQuery({
    queryKey: ['simulation', id, 'file', key],
    queryFn: () => resultFileLink(api, id, key),
    staleTime: 30 * 60 * 1000,
    retry: false,
  });
}

export function useCancelSimulation(id: string) {
  const api = useApi();
  const queryClient = useQueryClient();
  return useMutation({
    mutationFn: async () => {
      return unwrap(
        await api.POST('/simulations/{id}/cancel', {
          params: { path: { id } },
        }),
      );
    },
    onSuccess: (simulation) => queryClient.setQueryData(simulationKey(id), simulation),
  });
}
