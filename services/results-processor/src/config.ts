import { tmpdir } from 'node:os';
import { EnvReader } from '#shared/kernel/config.js';

const env = new EnvReader();

/** Read once at module load; a missing variable fails the cold start, not a message or a request. */
export const config = {
  ...env.simulationsTable(),
  eventBusName: env.string('EVENT_BUS_NAME'),
  resultsBucket: env.string('RESULTS_BUCKET'),
  /**
   * Maps drawn per run when a request does not name species (the first N of the
   * main collection), and difference maps per comparison.
   */
  previewSpeciesCount: env.int('PREVIEW_SPECIES_COUNT', 4, { min: 0, max: 50 }),
  /** Where outputs are staged while read (Lambda's ephemeral storage). */
  tmpDir: env.string('RESULTS_TMP_DIR', tmpdir()),
  /** The queue's maxReceiveCount: on the last delivery a retryable error is recorded as FAILED. */
  maxReceiveCount: env.int('RESULTS_MAX_RECEIVE_COUNT', 3, { min: 1, max: 1000 }),
  /** compare?refresh=true: at most once per this many seconds per simulation (each is a long Lambda run). */
  compareRefreshIntervalSeconds: env.int('COMPARE_REFRESH_INTERVAL_SECONDS', 60, { min: 1, max: 86_400 }),
  /**
   * How long a PROCESSING mark is held (the function's timeout and a minute):
   * a delivery that finds it expired knows the run that set it died.
   */
  leaseSeconds: env.int('RESULTS_LEASE_SECONDS', 960, { min: 1, max: 43_200 }),
  /**
   * The results queue (processResults only): a delivery that finds a live run's
   * lease, and every run's watchdog, send the message back to it with a delay.
   */
  resultsQueueUrl: env.optionalString('RESULTS_QUEUE_URL'),
  /** Time kept back from the function's timeout to record FAILED and announce it when processing runs long. */
  deadlineMarginSeconds: env.int('RESULTS_DEADLINE_MARGIN_SECONDS', 60, { min: 0, max: 600 }),
  /** Lifetime of the presigned download URLs of GET /simulations/{id}/results/files/{key+}. */
  downloadUrlTtlSeconds: env.int('DOWNLOAD_URL_TTL_SECONDS', 300, { min: 1, max: 604_800 }),
};
env.done();
