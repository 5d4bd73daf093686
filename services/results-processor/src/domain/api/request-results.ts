/**
 * POST /simulations/{id}/results: asks the results processor to process a
 * finished simulation's outputs again (a new manifest, metrics and previews),
 * optionally naming the species to draw.
 */
import { randomUUID } from 'node:crypto';
import { ConflictError, ValidationError } from '#shared/kernel/errors.js';
import { simulationResultsRequested } from '#shared/kernel/events/catalog.js';
import type { EventPublisher } from '#shared/kernel/events/publisher.js';
import type { Caller } from '#shared/kernel/http/identity.js';
import type { SimulationRepository } from '#shared/kernel/repository/simulations.js';
import { loadVisibleSimulation } from '#shared/kernel/repository/visible-simulation.js';
import type { SimulationResultsStatus } from '#schemas/generated/types.js';

export interface RequestResultsPorts {
  repository: Pick<SimulationRepository, 'get'>;
  publisher: EventPublisher;
  now: () => Date;
  newRequestId?: () => string;
}

export interface ResultsRequestBody {
  species?: string[];
}

export interface ResultsRequestAccepted {
  simulationId: string;
  requestId: string;
  requestedAt: string;
  /** The results as last recorded (absent before the first processing). */
  results?: SimulationResultsStatus;
}

const SPECIES = /^[A-Za-z0-9_]{1,64}$/;
const MAX_SPECIES = 50;

/** The optional body: nothing, `{}` or `{"species": ["O3", "CO"]}`. */
export function parseResultsRequest(text: string): ResultsRequestBody {
  if (text.trim() === '') return {};
  let body: unknown;
  try {
    body = JSON.parse(text);
  } catch (err) {
    throw new ValidationError('request body is not valid JSON', [
      { field: 'body', message: `is not valid JSON: ${(err as Error).message}` },
    ]);
  }
  if (typeof body !== 'object' || body === null || Array.isArray(body)) {
    throw new ValidationError('request body must be a JSON object', [
      { field: 'body', message: 'must be an object such as {"species": ["O3"]}' },
    ]);
  }
  const unknown = Object.keys(body).filter((key) => key !== 'species');
  if (unknown.length > 0) {
    throw new ValidationError('request body has unknown fields', [
      ...unknown.map((key) => ({ field: key, message: 'is not a field of this request (only "species")' })),
    ]);
  }
  const species = (body as { species?: unknown }).species;
  if (species === undefined) return {};
  if (!Array.isArray(species) || species.length === 0 || species.length > MAX_SPECIES) {
    throw new ValidationError('species must be a list of species names', [
      {
        field: 'species',
        message: `must be an array of 1 to ${MAX_SPECIES} species names, e.g. ["O3", "CO"]`,
      },
    ]);
  }
  const issues = species.flatMap((name, i) =>
    typeof name === 'string' && SPECIES.test(name)
      ? []
      : [{ field: `species[${i}]`, message: 'must be a species name of letters, digits and _ (1 to 64)' }],
  );
  if (new Set(species).size !== species.length) {
    issues.push({ field: 'species', message: 'names a species more than once' });
  }
  if (issues.length > 0) throw new ValidationError('species is not valid', issues);
  return { species: species as string[] };
}

export async function requestResults(
  ports: RequestResultsPorts,
  caller: Caller,
  id: string,
  body: ResultsRequestBody,
): Promise<ResultsRequestAccepted> {
  const simulation = await loadVisibleSimulation(ports.repository, caller, id);
  if (simulation.status !== 'SUCCEEDED') {
    throw new ConflictError(
      `simulation ${id} is ${simulation.status}; results are processed only for SUCCEEDED simulations`,
    );
  }
  const requestId = (ports.newRequestId ?? randomUUID)();
  const requestedAt = ports.now().toISOString();
  await ports.publisher.publish([
    simulationResultsRequested({
      simulationId: id,
      owner: simulation.owner,
      requestedBy: caller.username ?? caller.userId,
      requestedAt,
      requestId,
      ...(body.species ? { species: body.species } : {}),
    }),
  ]);
  return {
    simulationId: id,
    requestId,
    requestedAt,
    ...(simulation.results ? { results: simulation.results } : {}),
  };
}
