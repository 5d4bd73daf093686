import { outputsPrefix, restartsPrefix, statusKey } from '#shared/kernel/storage/bucket-layout.js';
import { attemptsRun } from '#shared/kernel/compute/attempts.js';
import { storedSpec } from '#shared/science/spec/validate-spec.js';
import type { JobEnvironment, Simulation } from '#schemas/generated/types.js';

export interface JobEnvironmentSettings {
  resultsBucket: string;
  /** Wall time of the local demo workload (seconds), for `local` jobs. */
  demoWallSeconds: number;
}

/**
 * The environment a new job starts with (schemas/job/job-environment.schema.json):
 * its simulation, its stored spec, where its outputs, restarts and status
 * file go, and, for a paused simulation resumed as a new job, the attempts
 * its earlier jobs ran (the backend's attempt counter starts at 1 again; the
 * job's attempt is the simulation's next, so it resumes from its latest restart).
 */
export function jobEnvironment(
  simulation: Simulation,
  settings: JobEnvironmentSettings,
): JobEnvironment & Record<string, string> {
  return {
    GCR_SIMULATION_ID: simulation.id,
    GCR_SPEC: JSON.stringify(storedSpec(simulation)),
    GCR_OUTPUT_S3_URI: `s3://${settings.resultsBucket}/${outputsPrefix(simulation.id)}`,
    GCR_STATUS_S3_URI: `s3://${settings.resultsBucket}/${statusKey(simulation.id)}`,
    GCR_RESTARTS_S3_URI: `s3://${settings.resultsBucket}/${restartsPrefix(simulation.id)}`,
    ...(attemptsRun(simulation.job) > 0 ? { GCR_EARLIER_ATTEMPTS: String(attemptsRun(simulation.job)) } : {}),
    ...(simulation.backend === 'local' ? { GCR_DEMO_WALL_SECONDS: String(settings.demoWallSeconds) } : {}),
  };
}
