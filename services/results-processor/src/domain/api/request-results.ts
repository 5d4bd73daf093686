/**
 * POST /simulations/{id}/results: asks the results processor to process a
 * finished simulation's outputs again (a new manifest, metrics and previews),
 * optionally naming the species to draw.
 */
import { randomUUID } from 'node:crypto';
import { ConflictError, StaleVersionError, ValidationError } from '#shared/kernel/errors.js';
import { simulationResultsRequested } from '#shared/kernel/events/catalog.js';
import type { EventPublisher } from '#shared/kernel/events/publisher.js';
import type { Caller } from '#shared/kernel/http/identity.js';
import type { SimulationRepository } from '#shared/kernel/repository/simulations.js';
import { loadVisibleSimulation } from '#shared/kernel/repository/visible-simulation.js';
import type {
  Simulation,
  SimulationResultsRequest,
  SimulationResultsStatus,
} from '#schemas/generated/types.js';

export interface RequestResultsPorts {
  repository: Pick<SimulationRepository, 'get' | 'update'>;
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

/**
 * How long a queued request or a processing under way refuses new requests.
 * Past it, the request or its processing is taken as lost (a crash between
 * recording and publishing the request, a processor that died) and a new
 * request is accepted: longer than a delivery can wait and run (the results
 * queue's 90-minute visibility timeout plus the function's 15 minutes).
 */
export const RESULTS_BUSY_MS = 2 * 3600 * 1000;
/** What a refused request is told to wait before asking again (Retry-After). */
export const RESULTS_BUSY_RETRY_AFTER_SECONDS = 60;
const WRITE_ATTEMPTS = 5;

/** What the simulation's results are busy with, if anything recent: the refusal's reason. */
function busyWith(simulation: Simulation, nowMs: number): string | undefined {
  const recent = (at: string | undefined) => at !== undefined && nowMs - Date.parse(at) < RESULTS_BUSY_MS;
  const request = simulation.resultsRequest;
  const results = simulation.results;
  if (request && results?.trigger !== `request:${request.requestId}` && recent(request.requestedAt)) {
    return `a reprocessing requested by ${request.requestedBy} at ${request.requestedAt} is queued`;
  }
  if (results?.status === 'PROCESSING' && recent(results.updatedAt)) {
    return `its results are being processed (since ${results.updatedAt})`;
  }
  const succeededAt = simulation.history.findLast((entry) => entry.to === 'SUCCEEDED')?.at;
  if (!results && !request && recent(succeededAt)) {
    return 'its results are queued for their first processing';
  }
  return undefined;
}

/**
 * Records the request on the simulation (a conditional write: of parallel
 * requests exactly one is accepted), then publishes it. Refused with 409 and
 * Retry-After while another is queued or processing: each is a long Lambda run
 * over every output, and one more queued behind the first would redo the same
 * work. 409, not 429: the refusal comes from the simulation's state (its
 * results are busy), not from how often this caller asks, and it lasts until
 * that processing ends, whoever asks.
 */
export async function requestResults(
  ports: RequestResultsPorts,
  caller: Caller,
  id: string,
  body: ResultsRequestBody,
): Promise<ResultsRequestAccepted> {
  const requestId = (ports.newRequestId ?? randomUUID)();
  for (let attempt = 1; ; attempt++) {
    const simulation = await loadVisibleSimulation(ports.repository, caller, id);
    if (simulation.status !== 'SUCCEEDED') {
      throw new ConflictError(
        `simulation ${id} is ${simulation.status}; results are processed only for SUCCEEDED simulations`,
      );
    }
    const now = ports.now();
    const busy = busyWith(simulation, now.getTime());
    if (busy) {
      throw new ConflictError(
        `results of simulation ${id} are not reprocessed now: ${busy}. Ask again once they are READY or FAILED (GET /simulations/${id}/results)`,
        RESULTS_BUSY_RETRY_AFTER_SECONDS,
      );
    }
    const request: SimulationResultsRequest = {
      requestId,
      requestedAt: now.toISOString(),
      requestedBy: caller.username ?? caller.userId,
    };
    let recorded: Simulation;
    try {
      recorded = await ports.repository.update({
        id,
        expectedVersion: simulation.version,
        status: 'SUCCEEDED',
        at: now,
        set: { resultsRequest: request },
      });
    } catch (err) {
      // The processor (or a parallel request) wrote meanwhile: read again and decide afresh.
      if (err instanceof StaleVersionError && attempt < WRITE_ATTEMPTS) continue;
      throw err;
    }
    try {
      await ports.publisher.publish([
        simulationResultsRequested({
          simulationId: id,
          owner: simulation.owner,
          requestedBy: request.requestedBy,
          requestedAt: request.requestedAt,
          requestId,
          ...(body.species ? { species: body.species } : {}),
        }),
      ]);
    } catch (err) {
      await withdraw(ports, recorded, simulation.resultsRequest);
      throw err;
    }
    return {
      simulationId: id,
      requestId,
      requestedAt: request.requestedAt,
      ...(simulation.results ? { results: simulation.results } : {}),
    };
  }
}

/** An unpublished request gives way, so that asking again works at once; a later write wins instead. */
async function withdraw(
  ports: RequestResultsPorts,
  recorded: Simulation,
  previous: SimulationResultsRequest | undefined,
): Promise<void> {
  await ports.repository
    .update({
      id: recorded.id,
      expectedVersion: recorded.version,
      status: 'SUCCEEDED',
      set: previous ? { resultsRequest: previous } : {},
      ...(previous ? {} : { remove: ['resultsRequest'] }),
    })
    .catch(() => undefined);
}
