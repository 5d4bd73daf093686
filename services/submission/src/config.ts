import { EnvReader } from '#shared/kernel/config.js';

const env = new EnvReader();

/** Read once at module load; a missing variable fails the cold start, not a request. */
export const config = {
  ...env.simulationsTable(),
  eventBusName: env.string('EVENT_BUS_NAME'),
  /** Where each simulation's run directory is stored at submission (`simulations/<id>/rundir/`). */
  resultsBucket: env.string('RESULTS_BUCKET'),
  /** At most 2,000: the owner's slots are one item (an id and a time each), under DynamoDB's 400 KB. */
  maxActivePerOwner: env.int('MAX_ACTIVE_SIMULATIONS_PER_OWNER', 20, { min: 1, max: 2_000 }),
  stage: env.string('STAGE', 'dev'),
  localBackendEnabled: env.string('LOCAL_BACKEND_ENABLED', 'false') === 'true',
  /** Where Batch jobs log (awslogs); on the local platform, the local Batch emulator's logs. */
  jobLogGroup: env.string('JOB_LOG_GROUP', '/aws/batch/job'),
};
env.done();
