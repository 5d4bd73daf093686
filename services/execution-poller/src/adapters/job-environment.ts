import { storedSpec } from '#shared/science/spec/validate-spec.js';
import type { JobEnvironment, Simulation } from '#schemas/generated/types.js';
import { statusKey } from './s3-progress.js';

export interface JobEnvironmentSettings {
  resultsBucket: string;
  /** The demo model's wall time, for jobs of the local backend. */
  demoWallSeconds: number;
}

/**
 * The environment the poller hands a new job (schemas/job/job-environment.schema.json):
 * which simulation, its stored spec, and where its outputs and status file go.
 */
export function jobEnvironment(
  simulation: Simulation,
  settings: JobEnvironmentSettings,
): JobEnvironment & Record<string, string> {
  return {
    GCR_SIMULATION_ID: simulation.id,
    GCR_SPEC: JSON.stringify(storedSpec(simulation)),
    GCR_OUTPUT_S3_URI: `s3://${settings.resultsBucket}/simulations/${simulation.id}/outputs/`,
    GCR_STATUS_S3_URI: `s3://${settings.resultsBucket}/${statusKey(simulation.id)}`,
    ...(simulation.backend === 'local' ? { GCR_DEMO_WALL_SECONDS: String(settings.demoWallSeconds) } : {}),
  };
}
