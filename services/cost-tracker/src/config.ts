import { EnvReader } from '#shared/kernel/config.js';

const env = new EnvReader();

/** Read once at module load; a missing variable fails the cold start, not a message or a request. */
export const config = {
  ...env.simulationsTable(),
  eventBusName: env.string('EVENT_BUS_NAME'),
  /** The cost tracker's own table (costs per simulation and attempt). */
  costsTable: env.string('COSTS_TABLE'),
  /** Partitions of the AccruingIndex, read one after another by the hourly accrual. */
  accruingShards: env.int('COST_ACCRUING_SHARDS', 16, { min: 1, max: 256 }),
  /** GiB of each instance's root EBS volume (the Batch ECS AMI's 30 unless a launch template changes it). */
  rootVolumeGiB: env.int('COST_ROOT_VOLUME_GIB', 30, { min: 1, max: 16_384 }),
  /** The zone a job the backend cannot place (local) is priced in; the spot fixture's zone. */
  standInAvailabilityZone: env.string('COST_STAND_IN_AVAILABILITY_ZONE', 'us-east-1a'),
  /** Simulations the hourly accrual prices at once. */
  accrualConcurrency: env.int('COST_ACCRUAL_CONCURRENCY', 8, { min: 1, max: 64 }),
  /** The CUR 2.0 export's bucket and the prefix of its data (ending in `data/`), for the reconciliation. */
  curBucket: env.string('COST_CUR_BUCKET', ''),
  curPrefix: env.string('COST_CUR_PREFIX', ''),
};
env.done();
