import { ValidationError } from '#shared/kernel/errors.js';
import type { Caller } from '#shared/kernel/http/identity.js';
import { issuesFromAjv, ajv } from '#schemas/validator.js';
import type {
  ListSimulationsQuery,
  ListSimulationsResponse,
  Simulation,
  SimulationSummary,
} from '#schemas/generated/types.js';
import { estimateRun } from '#shared/science/estimate/estimate-run.js';
import type { SubmissionPorts } from './ports.js';

const validateQuery = ajv.getSchema<ListSimulationsQuery>(
  'https://gcr.dev/schemas/api/list-simulations-query.schema.json',
)!;

/** Query strings are text: turn numeric fields into numbers before validating. */
export function parseListQuery(raw: Record<string, string | undefined>): ListSimulationsQuery {
  const query: Record<string, unknown> = {};
  for (const [key, value] of Object.entries(raw)) {
    if (value === undefined) continue;
    query[key] = key === 'limit' && /^-?\d+$/.test(value) ? Number(value) : value;
  }
  if (!validateQuery(query)) {
    throw new ValidationError('query string is invalid', issuesFromAjv(validateQuery.errors, 'query'));
  }
  return query as ListSimulationsQuery;
}

/**
 * What an AWS Batch run is expected to cost: the estimate of POST /estimates
 * for its spec (its own instance type, else the recommended one). Pure
 * arithmetic on the spec, no read. A spec the estimate cannot price has none.
 */
function estimatedCostUsd(simulation: Simulation): SimulationSummary['estimatedCostUsd'] {
  if (simulation.backend !== 'aws-batch') return undefined;
  try {
    const estimate = estimateRun(simulation.spec as Parameters<typeof estimateRun>[0]);
    const option =
      estimate.options.find((candidate) => candidate.fromSpec) ??
      estimate.options.find((candidate) => candidate.instanceType === estimate.recommended.instanceType);
    return option?.costUsd;
  } catch {
    return undefined;
  }
}

export function toSummary(simulation: Simulation): SimulationSummary {
  const estimate = estimatedCostUsd(simulation);
  const tags = simulation.spec.tags;
  return {
    id: simulation.id,
    owner: simulation.owner,
    name: simulation.name,
    status: simulation.status,
    createdAt: simulation.createdAt,
    updatedAt: simulation.updatedAt,
    simulationType: simulation.spec.simulation.type,
    resolution: simulation.spec.grid.resolution,
    backend: simulation.backend,
    ...(simulation.progress ? { progress: simulation.progress.percent } : {}),
    ...(simulation.cost ? { cost: simulation.cost } : {}),
    ...(estimate ? { estimatedCostUsd: estimate } : {}),
    ...(tags && Object.keys(tags).length > 0 ? { tags } : {}),
  };
}

export async function listSimulations(
  ports: Pick<SubmissionPorts, 'repository'>,
  caller: Caller,
  query: ListSimulationsQuery,
): Promise<ListSimulationsResponse> {
  const limit = query.limit ?? 20;
  const tagAt = query.tag?.indexOf('=') ?? -1;
  const options = {
    limit,
    cursor: query.cursor,
    status: query.status,
    ...(query.tag ? { tag: { key: query.tag.slice(0, tagAt), value: query.tag.slice(tagAt + 1) } } : {}),
    ...(query.type ? { simulationType: query.type } : {}),
    ...(query.createdFrom ? { createdFrom: new Date(query.createdFrom).toISOString() } : {}),
    ...(query.createdTo ? { createdTo: new Date(query.createdTo).toISOString() } : {}),
  };
  if (query.owner !== undefined && !caller.isAdmin && query.owner !== caller.userId) {
    throw new ValidationError('only admins may list another owner', [
      {
        field: 'query.owner',
        message: 'is only for members of the admin group; leave it out to list your own',
      },
    ]);
  }
  const page =
    caller.isAdmin && query.owner === undefined
      ? await ports.repository.listAll(options)
      : await ports.repository.listByOwner(query.owner ?? caller.userId, options);
  return { items: page.items.map(toSummary), ...(page.nextCursor ? { nextCursor: page.nextCursor } : {}) };
}
