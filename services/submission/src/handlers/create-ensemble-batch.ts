import { sqsBatchHandler } from '#shared/kernel/events/event-queue-handler.js';
import { logger } from '#shared/kernel/powertools.js';
import { issuesFromAjv, validatorFor } from '#schemas/validator.js';
import type { EnsembleCreationBatch } from '#schemas/generated/types.js';
import {
  CREATION_MAX_RECEIVES,
  recordCreationFailure,
  writeCreationBatch,
} from '../domain/ensemble-creation.js';
import { ensembleCreation, ensemblePorts } from '../wiring.js';

const validateBatch = validatorFor<EnsembleCreationBatch>(
  'https://gcr.dev/schemas/queue/ensemble-creation-batch.schema.json',
);

/**
 * The creation queue (docs/CAMPAIGNS.md, "Creation in batches"): each message
 * writes one batch of a large ensemble's members; the batch that completes
 * the ensemble releases them all. Each message fails alone
 * (ReportBatchItemFailures); on its last receive its failure is recorded on
 * the ensemble (CREATION_FAILED, with the reason) before it goes to the DLQ.
 */
export const handler = sqsBatchHandler(async (record) => {
  const message: unknown = JSON.parse(record.body);
  if (!validateBatch(message)) {
    const issues = issuesFromAjv(validateBatch.errors).map((i) => `${i.field} ${i.message}`);
    logger.error('creation batch message is invalid; it goes to the dead-letter queue', { issues });
    throw new Error(`invalid creation batch message: ${issues.join('; ')}`);
  }
  const ports = {
    ...ensemblePorts((err, simulationId) =>
      logger.error('Simulation Submitted not published; the finder will pick the member up', {
        simulationId,
        error: err as Error,
      }),
    ),
    creation: ensembleCreation(),
  };
  try {
    const outcome = await writeCreationBatch(ports, message);
    logger.info('creation batch', { ...message, outcome });
  } catch (err) {
    const receives = Number(record.attributes.ApproximateReceiveCount ?? '1');
    logger.warn('creation batch failed; it will be retried', { ...message, receives, error: err as Error });
    if (receives >= CREATION_MAX_RECEIVES) await recordCreationFailure(ports, message, err);
    throw err;
  }
});
