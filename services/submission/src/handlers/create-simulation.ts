import { callerFrom } from '#shared/kernel/http/identity.js';
import { httpHandler } from '#shared/kernel/http/handler.js';
import { header, jsonBody } from '#shared/kernel/http/request.js';
import { json } from '#shared/kernel/http/responses.js';
import { logger, metrics } from '#shared/kernel/powertools.js';
import { MetricUnit } from '@aws-lambda-powertools/metrics';
import { config } from '../config.js';
import { createSimulation } from '../domain/create-simulation.js';
import { budgets, publisher, repository, runDirectoryStore, sites } from '../wiring.js';

/** POST /simulations: 201 with the new simulation, 200 when an Idempotency-Key replays an earlier one. */
export const handler = httpHandler(async (event) => {
  const caller = callerFrom(event);
  const body = jsonBody(event);
  const result = await createSimulation(
    {
      repository: repository(),
      publisher: publisher(),
      objects: runDirectoryStore(),
      budgets: budgets(),
      sites: sites(),
      now: () => new Date(),
      onPublishFailure: (err, simulationId) => {
        logger.error('Simulation Submitted not published; the finder will pick the simulation up', {
          simulationId,
          error: err as Error,
        });
        metrics.addMetric('SubmittedEventPublishFailures', MetricUnit.Count, 1);
      },
    },
    { maxActivePerOwner: config.maxActivePerOwner, localBackendEnabled: config.localBackendEnabled },
    { caller, body, idempotencyKey: header(event, 'idempotency-key') },
  );
  const headers: Record<string, string> = { location: `/simulations/${result.simulation.id}` };
  if (result.replayed) headers['idempotent-replayed'] = 'true';
  return json(result.replayed ? 200 : 201, result.simulation, headers);
});
