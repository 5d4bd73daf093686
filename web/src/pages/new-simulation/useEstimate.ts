import { useQuery } from '@tanstack/react-query';
import type { SpecDraft } from '#shared/science/spec/choices-for-step.js';
import type { RunEstimate, SimulationSpec } from '#schemas/generated/types.js';
import { describeApiError } from '../../api/client.js';
import { useApi } from '../../api/ApiContext.js';

/** POST /estimates for the draft (its instance options and their price ranges), when `enabled`. */
export function useEstimate(draft: SpecDraft, enabled: boolean) {
  const api = useApi();
  // The instance type is what we are choosing: estimate every option, not only the chosen one.
  const compute = { ...((draft['compute'] as Record<string, unknown> | undefined) ?? {}) };
  delete compute['instanceType'];
  const body = { ...draft, compute } as unknown as SimulationSpec;
  return useQuery<RunEstimate>({
    queryKey: ['estimate', body],
    enabled,
    queryFn: async () => {
      const { data, error, response } = await api.POST('/estimates', { body });
      if (!data) throw new Error(describeApiError(error, response.status));
      return data;
    },
  });
}
