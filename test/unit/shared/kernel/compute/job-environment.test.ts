import { describe, expect, it } from '@jest/globals';
import { JOB_ENVIRONMENT_RULES, jobEnvironmentProblems } from '#shared/kernel/compute/job-environment.js';
import { jobEnvironmentSchema } from '#schemas/generated/schemas.js';
import { validatorFor } from '#schemas/validator.js';

const validate = validatorFor(jobEnvironmentSchema.$id);

/** Values each contract variable must accept and refuse. */
const SAMPLES: Record<string, { good: string[]; bad: string[] }> = {
  GCR_SIMULATION_ID: {
    good: ['sim_01JC3Z8W5VQ4T6N2X7K9M1B3D5', 'a', 'x.y-z_1'],
    bad: ['../etc', '_x', 'a b', 'x'.repeat(129)],
  },
  SIMULATION_ID: { good: ['sim_2'], bad: ['sim/2', '-x'] },
  GCR_SPEC: { good: ['{}', '{"name":"demo"}'], bad: ['{'] },
  GCR_OUTPUT_S3_URI: {
    good: ['s3://gcr-dev-results/simulations/sim_1/outputs/', 's3://bucket', 's3://my.bucket/x'],
    bad: ['https://bucket/x', 's3://Bucket/x', 's3://ab/x', 's3:/bucket/x'],
  },
  GCR_ARRAY_MEMBERS_S3_URI: {
    good: ['s3://gcr-dev-results/ensembles/ens_1/arrays/gcr-ens_1-a1/'],
    bad: ['ensembles/ens_1/arrays/gcr-ens_1-a1/'],
  },
  GCR_EARLIER_ATTEMPTS: {
    good: ['0', '1', '12'],
    bad: ['-1', 'one'],
  },
  GCR_RESTARTS_S3_URI: {
    good: ['s3://gcr-dev-results/simulations/sim_1/restarts/'],
    bad: ['simulations/sim_1/restarts/'],
  },
  GCR_STATUS_S3_URI: {
    good: ['s3://gcr-dev-results/simulations/sim_1/status.json'],
    bad: ['/tmp/status.json'],
  },
  GCR_DEMO_WALL_SECONDS: { good: ['0', '20', '2.5'], bad: ['-1', '1e3', 'ten', '.5'] },
  RESULTS_BUCKET: { good: ['gcr-results', 'a.b.c'], bad: ['b', 'Results', 'bucket/'] },
  GCR_LAUNCH_MODE: { good: ['omp', 'mpi'], bad: ['slurm', 'OMP'] },
  GCR_MPI_PROCESSES: { good: ['1', '96'], bad: ['0', '-2', '1.5', '08'] },
  GCR_MPI_PROCESSES_PER_NODE: { good: ['48'], bad: ['0'] },
  GCR_NUM_NODES: { good: ['2'], bad: ['two'] },
};

const REQUIRED = {
  GCR_SIMULATION_ID: 'sim_1',
  GCR_SPEC: '{}',
  GCR_OUTPUT_S3_URI: 's3://gcr-results/simulations/sim_1/outputs/',
  GCR_STATUS_S3_URI: 's3://gcr-results/simulations/sim_1/status.json',
};

describe('job environment check (schemas/job/job-environment.schema.json, without Ajv)', () => {
  it('knows every keyword the schema uses for a variable, so none goes unchecked', () => {
    const known = new Set([
      'type',
      'description',
      'pattern',
      'enum',
      'minLength',
      'contentMediaType',
      'examples',
    ]);
    for (const [name, rule] of Object.entries(jobEnvironmentSchema.properties)) {
      expect([name, Object.keys(rule).filter((keyword) => !known.has(keyword))]).toEqual([name, []]);
      expect([name, rule.type]).toEqual([name, 'string']);
    }
    expect(Object.keys(JOB_ENVIRONMENT_RULES).sort()).toEqual(Object.keys(SAMPLES).sort());
  });

  it.each(Object.entries(SAMPLES))('agrees with Ajv on %s', (name, { good, bad }) => {
    for (const value of good) {
      expect([value, jobEnvironmentProblems({ [name]: value })]).toEqual([value, []]);
      expect([value, validate({ ...REQUIRED, [name]: value })]).toEqual([value, true]);
    }
    for (const value of bad) {
      const problems = jobEnvironmentProblems({ [name]: value });
      expect([value, problems.length]).toEqual([value, 1]);
      expect(problems[0]).toMatch(new RegExp(`^${name} (must|is not JSON)`));
      // Ajv treats contentMediaType as an annotation: only the hand check parses the JSON.
      if (name !== 'GCR_SPEC')
        expect([value, validate({ ...REQUIRED, [name]: value })]).toEqual([value, false]);
    }
  });

  it('names every malformed variable, and leaves blank and unknown ones alone', () => {
    expect(
      jobEnvironmentProblems({
        GCR_SIMULATION_ID: '../x',
        GCR_LAUNCH_MODE: 'slurm',
        GCR_STATUS_S3_URI: '   ',
        GCR_SPEC: '',
        GCR_WORK_DIR: '?',
        PATH: '/bin',
      }),
    ).toEqual([
      'GCR_SIMULATION_ID must look like sim_01JC3Z8W5VQ4T6N2X7K9M1B3D5 (pattern ^[A-Za-z0-9][A-Za-z0-9_.-]{0,127}$), got "../x"',
      'GCR_LAUNCH_MODE must be "omp" or "mpi", got "slurm"',
    ]);
  });

  it('ignores surrounding blanks, as the jobs read the variables, and shortens long values in messages', () => {
    expect(jobEnvironmentProblems({ GCR_LAUNCH_MODE: ' mpi\n' })).toEqual([]);
    const [problem] = jobEnvironmentProblems({ GCR_OUTPUT_S3_URI: `x${'y'.repeat(500)}` });
    expect(problem).not.toContain('y'.repeat(100));
    expect(problem).toMatch(/…"$/);
  });
});
