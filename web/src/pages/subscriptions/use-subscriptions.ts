/** The subscriptions page's data: the list (the caller's or the team's) and the changes to it. */
import { useMutation, useQuery, useQueryClient } from '@tanstack/react-query';
import type { SubscriptionRequest } from '#schemas/generated/types.js';
import { useApi } from '../../api/ApiContext.js';
import { dataOrThrow } from '../../api/api-request-error.js';

export type SubscriptionScope = 'owner' | 'team';

export function useSubscriptions(scope: SubscriptionScope) {
  const api = useApi();
  return useQuery({
    queryKey: ['subscriptions', scope],
    queryFn: async () => dataOrThrow(await api.GET('/subscriptions', { params: { query: { scope } } })),
  });
}

function useSubscriptionChange<In, Out>(call: (input: In) => Promise<Out>) {
  const queryClient = useQueryClient();
  return useMutation({
    mutationFn: call,
    onSuccess: () => queryClient.invalidateQueries({ queryKey: ['subscriptions'] }),
  });
}

export function useCreateSubscription() {
  const api = useApi();
  return useSubscriptionChange(async (body: SubscriptionRequest) =>
    dataOrThrow(await api.POST('/subscriptions', { body })),
  );
}

export function useDeleteSubscription() {
  const api = useApi();
  return useSubscriptionChange(async (id: string) =>
    dataOrThrow(await api.DELETE('/subscriptions/{id}', { params: { path: { id } } })),
  );
}

export function useRotateSecret() {
  const api = useApi();
  return useSubscriptionChange(async (id: string) =>
    dataOrThrow(await api.POST('/subscriptions/{id}/secret', { params: { path: { id } } })),
  );
}

export function useSendTest() {
  const api = useApi();
  return useMutation({
    mutationFn: async (id: string) =>
      dataOrThrow(await api.POST('/subscriptions/{id}/test', { params: { path: { id } } })),
  });
}
