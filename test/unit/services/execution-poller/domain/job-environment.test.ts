import { describe, expect, it } from '@jest/globals';
import { jobEnvironment } from '#services/execution-poller/src/domain/job-environment.js';
import { jobEnvironmentProblems } from '#shared/kernel/compute/job-environment.js';
import { validateSimulationSpec } from '#shared/science/spec/validate-spec.js';
import { jobEnvironmentSchema } from '#schemas/generated/schemas.js';
import { validatorFor } from '#schemas/validator.js';
import { aSimulation } from '#test/helpers/simulations.js';

const validate = validatorFor(jobEnvironmentSchema.$id);
const SETTINGS = { resultsBucket: 'gcr-dev-resultsbucket-1a2b3c', demoWallSeconds: 20 };

describe('the environment the poller hands a job', () => {
  it.each(['local', 'aws-batch'] as const)(
    'satisfies schemas/job/job-environment.schema.json for a simulation of the %s backend, as Ajv and the jobs check it',
    (backend) => {
      const env = jobEnvironment(aSimulation({ backend }), SETTINGS);
      expect([validate(env), validate.errors ?? []]).toEqual([true, []]);
      expect(jobEnvironmentProblems(env)).toEqual([]);
      expect(Object.keys(env).filter((name) => !(name in jobEnvironmentSchema.properties))).toEqual([]);
    },
  );

  it('names the simulation, its outputs and restarts prefixes and status file in the results bucket, and carries the stored spec', () => {
    const simulation = aSimulation({ backend: 'aws-batch' });
    const env = jobEnvironment(simulation, SETTINGS);
    expect(env).toEqual({
      GCR_SIMULATION_ID: simulation.id,
      GCR_SPEC: expect.any(String),
      GCR_OUTPUT_S3_URI: `s3://${SETTINGS.resultsBucket}/simulations/${simulation.id}/outputs/`,
      GCR_RESTARTS_S3_URI: `s3://${SETTINGS.resultsBucket}/simulations/${simulation.id}/restarts/`,
      GCR_STATUS_S3_URI: `s3://${SETTINGS.resultsBucket}/simulations/${simulation.id}/status.json`,
    });
    const spec = JSON.parse(env.GCR_SPEC);
    expect(spec).toEqual(simulation.spec);
    expect(validateSimulationSpec(spec).ok).toBe(true);
  });

  it("gives the local backend's demo model its wall time", () => {
    expect(jobEnvironment(aSimulation({ backend: 'local' }), SETTINGS).GCR_DEMO_WALL_SECONDS).toBe('20');
  });
});
