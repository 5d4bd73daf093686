import { EnvReader } from '#shared/kernel/config.js';

const env = new EnvReader();

/** Read once at module load; a missing variable fails the cold start, not a message. */
export const config = {
  ...env.simulationsTable(),
  /** The deployment stage: every job is tagged with it (`gcr:stage`), and IAM lets this stage stop only its own. */
  stage: env.string('STAGE'),
  eventBusName: env.string('EVENT_BUS_NAME'),
  resultsBucket: env.string('RESULTS_BUCKET'),
  jobQueues: {
    arm64: { spot: env.string('JOB_QUEUE_ARM64_SPOT'), 'on-demand': env.string('JOB_QUEUE_ARM64_ON_DEMAND') },
    x86_64: {
      spot: env.string('JOB_QUEUE_X86_64_SPOT'),
      'on-demand': env.string('JOB_QUEUE_X86_64_ON_DEMAND'),
    },
  },
  jobDefinitions: { arm64: env.string('JOB_DEFINITION_ARM64'), x86_64: env.string('JOB_DEFINITION_X86_64') },
  /** GCHP: multi-node parallel jobs, on-demand queues only (they do not run on Spot). */
  multiNode: {
    jobQueues: {
      arm64: env.string('JOB_QUEUE_ARM64_MULTINODE'),
      x86_64: env.string('JOB_QUEUE_X86_64_MULTINODE'),
    },
    jobDefinitions: {
      arm64: env.string('JOB_DEFINITION_GCHP_ARM64'),
      x86_64: env.string('JOB_DEFINITION_GCHP_X86_64'),
    },
  },
  /** AWS Batch allows 50 SubmitJob/DescribeJobs/... requests per second per account. */
  batchRatePerSecond: env.int('BATCH_REQUESTS_PER_SECOND', 50, { min: 1, max: 1000 }),
  /** The `local` backend exists only where the local platform runs jobs on this machine. */
  localBackendEnabled: env.string('LOCAL_BACKEND_ENABLED', 'false') === 'true',
  /** Wall time of the local demo workload (seconds). */
  demoWallSeconds: env.int('DEMO_WALL_SECONDS', 20, { min: 0, max: 86_400 }),
  /** How often a Slurm site's agent reports (the submission service tells it the same). */
  siteHeartbeatSeconds: env.int('SITE_HEARTBEAT_SECONDS', 60, { min: 5, max: 3600 }),
  /** Heartbeats missed before a site is silent: its simulations wait for it, and the alarm counts it. */
  siteSilentAfterHeartbeats: env.int('SITE_SILENT_AFTER_HEARTBEATS', 3, { min: 1, max: 100 }),
};
env.done();
