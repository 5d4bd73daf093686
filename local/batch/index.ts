/**
 * The local platform's AWS Batch emulator: what platform.ts wires in.
 * See local-batch.ts (states, persistence, restart) and batch-endpoint.ts (the API).
 */
export {
  LocalBatch,
  ATTEMPT_TIMEOUT_REASON,
  ESSENTIAL_CONTAINER_EXITED,
  HOST_LOSS_REASON,
  HOST_RESTARTED_REASON,
  type LocalBatchOptions,
} from './local-batch.js';
export { batchEndpoint, batchJobStateChangeEntry, listenBatchEndpoint } from './batch-endpoint.js';
export { jobArn, jobDefinitionArn, jobQueueArn, type LocalJobDefinition } from './job-definitions.js';
export {
  BatchClientError,
  type BatchJobDetail,
  type BatchJobStatus,
  type BatchJobSummary,
  type SubmitJobInput,
} from './types.js';
