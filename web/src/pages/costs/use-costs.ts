/** The costs page's data: the month's report, the budgets, and the budget changes. */
import { useMutation, useQuery, useQueryClient } from '@tanstack/react-query';
import type { BudgetRequest } from '#schemas/generated/types.js';
import { useApi } from '../../api/ApiContext.js';
import { dataOrThrow } from '../../api/api-request-error.js';
import type { CostQuery } from './cost-format.js';

export function useCostReport(query: CostQuery) {
  const api = useApi();
  return useQuery({
    queryKey: ['costs', query.month, query.groupBy, query.owner ?? ''],
    queryFn: async () =>
      dataOrThrow(
        await api.GET('/costs', {
          params: {
            query: {
              month: query.month,
              groupBy: query.groupBy,
              ...(query.owner ? { owner: query.owner } : {}),
            },
          },
        }),
      ),
  });
}

export function useBudgets(month: string) {
  const api = useApi();
  return useQuery({
    queryKey: ['budgets', month],
    queryFn: async () => dataOrThrow(await api.GET('/budgets', { params: { query: { month } } })),
  });
}

export function usePutBudget() {
  const api = useApi();
  const queryClient = useQueryClient();
  return useMutation({
    mutationFn: async (body: BudgetRequest) => dataOrThrow(await api.PUT('/budgets', { body })),
    onSuccess: () => queryClient.invalidateQueries({ queryKey: ['budgets'] }),
  });
}

export function useDeleteBudget() {
  const api = useApi();
  const queryClient = useQueryClient();
  return useMutation({
    mutationFn: async (which: { tag?: string; owner?: string }) =>
      dataOrThrow(await api.DELETE('/budgets', { params: { query: which } })),
    onSuccess: () => queryClient.invalidateQueries({ queryKey: ['budgets'] }),
  });
}
