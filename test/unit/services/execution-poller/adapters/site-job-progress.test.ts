import { describe, expect, it } from '@jest/globals';
import { siteJobProgressReader } from '#services/execution-poller/src/adapters/site-job-progress.js';
import { memorySiteJobs } from '#test/helpers/sites.js';
import { aSimulation, storedDemoSpec } from '#test/helpers/simulations.js';

describe('the progress of a Slurm site job', () => {
  it("is the model time the agent reported for the current attempt, as a share of the spec's period", async () => {
    const siteJobs = memorySiteJobs();
    const simulation = aSimulation({
      backend: 'slurm',
      spec: storedDemoSpec({ compute: { backend: 'slurm', site: 'cannon' } }),
    });
    const reader = siteJobProgressReader(siteJobs);
    expect(await reader.read(simulation)).toBeUndefined();
    const { period } = simulation.spec as { period: { start: string; end: string } };
    const quarter = new Date(
      Date.parse(period.start) + (Date.parse(period.end) - Date.parse(period.start)) / 4,
    ).toISOString();
    siteJobs.map.set(simulation.id, {
      simulationId: simulation.id,
      site: 'cannon',
      jobId: `gcr-${simulation.id}`,
      attempt: 1,
      maxAttempts: 1,
      submittedAt: period.start,
      job: { partition: 'debug', timeMinutes: 60, cpus: 1, memoryMiB: 2048 },
      spec: {},
      attempts: {
        '1': {
          jobName: `gcr-${simulation.id}-a1`,
          status: 'RUNNING',
          reason: 'running',
          observedAt: period.start,
          progress: { modelTime: quarter },
        },
      },
      version: 1,
    });
    expect(await reader.read(simulation)).toEqual({ percent: 25, simulatedTime: quarter });
  });
});
