import { describe, expect, it } from '@jest/globals';
import { jobEnvironment } from '#services/execution-poller/src/domain/job-environment.js';
import { storedDemoSpec, aSimulation } from '#test/helpers/simulations.js';

const settings = { resultsBucket: 'gcr-dev-results', demoWallSeconds: 7 };

describe('jobEnvironment', () => {
  it('tells the job its simulation, its spec, and where its outputs and status go in the results bucket', () => {
    const simulation = aSimulation({
      backend: 'aws-batch',
      spec: storedDemoSpec({ compute: { backend: 'aws-batch' } }),
    });
    const env = jobEnvironment(simulation, settings);
    expect(env).toEqual({
      GCR_SIMULATION_ID: simulation.id,
      GCR_SPEC: expect.any(String),
      GCR_OUTPUT_S3_URI: `s3://gcr-dev-results/simulations/${simulation.id}/outputs/`,
      GCR_STATUS_S3_URI: `s3://gcr-dev-results/simulations/${simulation.id}/status.json`,
    });
    expect(JSON.parse(env['GCR_SPEC']!)).toMatchObject({ name: simulation.spec.name });
  });

  it('gives local demo jobs their wall time', () => {
    expect(jobEnvironment(aSimulation({ backend: 'local' }), settings)['GCR_DEMO_WALL_SECONDS']).toBe('7');
  });
});
