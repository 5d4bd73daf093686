import { ValidationError } from '#shared/kernel/errors.js';
import type { Caller } from '#shared/kernel/http/identity.js';
import { issuesFromAjv, ajv } from '#schemas/validator.js';
import type {
  ListSimulationsQuery,
  ListSimulationsResponse,
  Simulation,
  SimulationSummary,
} from '#schemas/generated/types.js';
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

export function toSummary(simulation: Simulation): SimulationSummary {
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
  };
}

export async function listSimulations(
  ports: Pick<SubmissionPorts, 'repository'>,
  caller: Caller,
  query: ListSimulationsQuery,
): Promise<ListSimulationsResponse> {
  const limit = query.limit ?? 20;
  const options = { limit, cursor: query.cursor, status: query.status };
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
