import { EnvReader } from '#shared/kernel/config.js';

const env = new EnvReader();

/** Read once at module load. */
export const config = {
  ...env.simulationsTable(),
  eventBusName: env.string('EVENT_BUS_NAME'),
  maxSimulationsPerRun: env.int('FINDER_MAX_SIMULATIONS_PER_RUN', 20_000, { min: 1, max: 1_000_000 }),
  queryConcurrency: env.int('FINDER_QUERY_CONCURRENCY', 16, { min: 1, max: 256 }),
  /** A WAITING campaign stage is checked this often (its predecessor's end event may be lost). */
  waitingCheckSeconds: env.int('FINDER_WAITING_CHECK_SECONDS', 300, { min: 1, max: 86_400 }),
};
env.done();
