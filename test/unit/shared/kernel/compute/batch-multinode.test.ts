/**
 * GCHP's SubmitJob: a multi-node parallel job on the architecture's multinode
 * queue and GCHP job definition, with nodeOverrides for every node, and the
 * same retry rules (host failures and the runner's transient exit code).
 */
import { beforeEach, describe, expect, it } from '@jest/globals';
import { BatchClient, SubmitJobCommand } from '@aws-sdk/client-batch';
import { mockClient } from 'aws-sdk-client-mock';
import type { SubmitJobRequest } from '#shared/kernel/compute/backend.js';
import {
  RETRY_EVALUATE_ON_EXIT,
  createBatchBackend,
  submitJobInput,
  type BatchBackendConfig,
} from '#shared/kernel/compute/batch-backend.js';
import { EXIT_CODES, RETRYABLE_EXIT_CODES } from '#shared/kernel/compute/exit-codes.js';
import { jobEnvironmentProblems } from '#shared/kernel/compute/job-environment.js';
import { jobEnvironmentSchema } from '#schemas/generated/schemas.js';
import { validatorFor } from '#schemas/validator.js';

const batch = mockClient(BatchClient);
const validateEnvironment = validatorFor(jobEnvironmentSchema.$id);

const config: BatchBackendConfig = {
  jobQueues: {
    arm64: { spot: 'gcr-test-arm64-spot', 'on-demand': 'gcr-test-arm64-on-demand' },
    x86_64: { spot: 'gcr-test-x86_64-spot', 'on-demand': 'gcr-test-x86_64-on-demand' },
  },
  jobDefinitions: { arm64: 'gcr-test-gcclassic-arm64', x86_64: 'gcr-test-gcclassic-x86_64' },
  multiNode: {
    jobQueues: { arm64: 'gcr-test-arm64-multinode', x86_64: 'gcr-test-x86_64-multinode' },
    jobDefinitions: {
      arm64: 'arn:aws:batch:us-east-1:123456789012:job-definition/gcr-test-gchp-arm64',
      x86_64: 'arn:aws:batch:us-east-1:123456789012:job-definition/gcr-test-gchp-x86_64',
    },
  },
};

const SIM = 'sim_0123456789abcdefghjkmnpqrs';

function gchpRequest(overrides: Partial<SubmitJobRequest> = {}): SubmitJobRequest {
  return {
    simulationId: SIM,
    jobName: `gcr-${SIM}`,
    architecture: 'x86_64',
    purchase: 'on-demand',
    vcpus: 72,
    memoryMiB: 176128,
    instanceType: 'c5n.18xlarge',
    spotRetries: 3,
    maxRuntimeSeconds: 86400,
    multiNode: { nodes: 3, mpiProcesses: 96 },
    environment: { GCR_SIMULATION_ID: SIM },
    tags: { 'gcr:simulation-id': SIM },
    ...overrides,
  };
}

beforeEach(() => {
  batch.reset();
});

describe('Batch backend: multi-node (GCHP) submit', () => {
  it('sends a multi-node SubmitJob: multinode queue and GCHP definition, nodeOverrides for nodes 0:, retries', async () => {
    batch.on(SubmitJobCommand).resolves({ jobId: 'mnp-1' });

    const result = await createBatchBackend(new BatchClient({ region: 'us-east-1' }), config).submit(
      gchpRequest(),
    );

    expect(result).toEqual({ jobId: 'mnp-1' });
    const [call] = batch.commandCalls(SubmitJobCommand);
    expect(call!.args[0].input).toEqual({
      jobName: `gcr-${SIM}`,
      jobQueue: 'gcr-test-x86_64-multinode',
      jobDefinition: 'arn:aws:batch:us-east-1:123456789012:job-definition/gcr-test-gchp-x86_64',
      nodeOverrides: {
        numNodes: 3,
        nodePropertyOverrides: [
          {
            targetNodes: '0:',
            containerOverrides: {
              instanceType: 'c5n.18xlarge',
              resourceRequirements: [
                { type: 'VCPU', value: '72' },
                { type: 'MEMORY', value: '176128' },
              ],
              environment: [
                { name: 'GCR_SIMULATION_ID', value: SIM },
                { name: 'SIMULATION_ID', value: SIM },
                { name: 'GCR_LAUNCH_MODE', value: 'mpi' },
                { name: 'GCR_MPI_PROCESSES', value: '96' },
                { name: 'GCR_MPI_PROCESSES_PER_NODE', value: '32' },
                { name: 'GCR_NUM_NODES', value: '3' },
              ],
            },
          },
        ],
      },
      retryStrategy: {
        attempts: 4,
        evaluateOnExit: [
          { onStatusReason: 'Host EC2*', action: 'RETRY' },
          { onExitCode: '75', action: 'RETRY' },
          { onReason: '*', action: 'EXIT' },
        ],
      },
      timeout: { attemptDurationSeconds: 86400 },
      tags: { 'gcr:simulation-id': SIM },
      propagateTags: true,
    });
    // A multi-node job takes its container settings from nodeOverrides only.
    expect(call!.args[0].input).not.toHaveProperty('containerOverrides');
  });

  it("hands every node an environment of the job contract (schemas/job/job-environment.schema.json) on top of the poller's", () => {
    const pollers = {
      GCR_SIMULATION_ID: SIM,
      GCR_SPEC: '{"name":"gchp"}',
      GCR_OUTPUT_S3_URI: `s3://gcr-results/simulations/${SIM}/outputs/`,
      GCR_STATUS_S3_URI: `s3://gcr-results/simulations/${SIM}/status.json`,
    };
    const input = submitJobInput(gchpRequest({ environment: pollers }), config);
    const [node] = input.nodeOverrides!.nodePropertyOverrides!;
    const env = Object.fromEntries(
      node!.containerOverrides!.environment!.map(({ name, value }) => [name!, value!]),
    );
    expect(env).toMatchObject(pollers);
    expect([validateEnvironment(env), validateEnvironment.errors ?? []]).toEqual([true, []]);
    expect(jobEnvironmentProblems(env)).toEqual([]);
    expect(Object.keys(env).filter((name) => !(name in jobEnvironmentSchema.properties))).toEqual([]);
  });

  it('uses the arm64 multinode queue and definition for arm64', () => {
    const input = submitJobInput(
      gchpRequest({ architecture: 'arm64', instanceType: 'hpc7g.16xlarge' }),
      config,
    );
    expect(input.jobQueue).toBe('gcr-test-arm64-multinode');
    expect(input.jobDefinition).toMatch(/gcr-test-gchp-arm64$/);
  });

  it('refuses spot: multi-node parallel jobs do not run on Spot capacity', () => {
    expect(() => submitJobInput(gchpRequest({ purchase: 'spot' }), config)).toThrow(/do not run on Spot/);
  });

  it('refuses a multi-node job when no multinode queue is configured', () => {
    const { multiNode: _ignored, ...singleNodeOnly } = config;
    expect(() => submitJobInput(gchpRequest(), singleNodeOnly)).toThrow(/no multi-node job queue/);
  });

  it('refuses node counts Batch or the spec cannot take', () => {
    expect(() =>
      submitJobInput(gchpRequest({ multiNode: { nodes: 33, mpiProcesses: 1200 } }), config),
    ).toThrow(/1 to 32 nodes/);
    expect(() => submitJobInput(gchpRequest({ multiNode: { nodes: 4, mpiProcesses: 3 } }), config)).toThrow(
      /at least one MPI process per node/,
    );
  });
});

describe('retry rules', () => {
  it('retry host failures and exactly the runner exit codes exit-codes.ts calls retryable, and exit otherwise', () => {
    expect(RETRYABLE_EXIT_CODES).toEqual([EXIT_CODES.transientInfrastructure]);
    expect(RETRY_EVALUATE_ON_EXIT).toEqual([
      { onStatusReason: 'Host EC2*', action: 'RETRY' },
      { onExitCode: String(EXIT_CODES.transientInfrastructure), action: 'RETRY' },
      { onReason: '*', action: 'EXIT' },
    ]);
  });

  it('keep single-node GC Classic jobs on containerOverrides with the same rules', () => {
    const input = submitJobInput(
      { ...gchpRequest(), multiNode: undefined, purchase: 'spot', instanceType: undefined },
      config,
    );
    expect(input.jobQueue).toBe('gcr-test-x86_64-spot');
    expect(input.containerOverrides).toBeDefined();
    expect(input.nodeOverrides).toBeUndefined();
    expect(input.retryStrategy?.evaluateOnExit).toEqual(RETRY_EVALUATE_ON_EXIT);
  });
});
