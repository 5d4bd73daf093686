import { beforeEach, describe, expect, it } from '@jest/globals';
import { readFileSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import {
  BatchClient,
  BatchServiceException,
  ClientException,
  DescribeJobsCommand,
  ListJobsCommand,
  ServerException,
  SubmitJobCommand,
  TerminateJobCommand,
  type JobDetail,
} from '@aws-sdk/client-batch';
import { mockClient } from 'aws-sdk-client-mock';
import type { SubmitJobRequest } from '#shared/kernel/compute/backend.js';
import { MalformedEventError } from '#shared/kernel/errors.js';
import {
  BatchResponseError,
  createBatchBackend,
  createJobQueueFilter,
  submitJobInput,
  isThrottling,
  isTransientBatchError,
  jobDescriptionFromBatchEvent,
  type BatchBackendConfig,
} from '#shared/kernel/compute/batch-backend.js';

const fixtures = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../../../../fixtures/aws_batch');
const fixture = (name: string): any => JSON.parse(readFileSync(path.join(fixtures, name), 'utf8'));

const batch = mockClient(BatchClient);

const config: BatchBackendConfig = {
  jobQueues: {
    arm64: { spot: 'gcr-test-gcclassic-arm64-spot', 'on-demand': 'gcr-test-gcclassic-arm64-on-demand' },
    x86_64: { spot: 'gcr-test-gcclassic-x86_64-spot', 'on-demand': 'gcr-test-gcclassic-x86_64-on-demand' },
  },
  jobDefinitions: {
    arm64: 'arn:aws:batch:us-east-1:123456789012:job-definition/gcr-test-gcclassic-arm64',
    x86_64: 'arn:aws:batch:us-east-1:123456789012:job-definition/gcr-test-gcclassic-x86_64',
  },
};

function backend() {
  return createBatchBackend(new BatchClient({ region: 'us-east-1' }), config);
}

function request(overrides: Partial<SubmitJobRequest> = {}): SubmitJobRequest {
  return {
    simulationId: 'sim_0123456789abcdefghjkmnpqrs',
    jobName: 'gcr-sim_0123456789abcdefghjkmnpqrs',
    architecture: 'arm64',
    purchase: 'spot',
    vcpus: 16,
    memoryMiB: 30720,
    spotRetries: 2,
    maxRuntimeSeconds: 36000,
    environment: {
      GCR_SIMULATION_ID: 'sim_0123456789abcdefghjkmnpqrs',
      GCR_OUTPUT_PREFIX: 's3://results/simulations/sim_0123456789abcdefghjkmnpqrs/',
    },
    tags: { app: 'gcr', simulationId: 'sim_0123456789abcdefghjkmnpqrs', owner: 'alice' },
    ...overrides,
  };
}

/** A minimal JobDetail as DescribeJobs returns it. */
function job(jobId: string, extra: Partial<JobDetail> = {}): JobDetail {
  return {
    jobId,
    jobName: `gcr-${jobId}`,
    jobQueue: 'arn:aws:batch:us-east-1:123456789012:job-queue/gcr-test-gcclassic-arm64-spot',
    jobDefinition: config.jobDefinitions.arm64,
    status: 'RUNNING',
    startedAt: 1_700_000_100_000,
    createdAt: 1_700_000_000_000,
    ...extra,
  } as JobDetail;
}

beforeEach(() => {
  batch.reset();
});

describe('Batch backend: submit', () => {
  it('sends SubmitJob with the queue and definition of the architecture, overrides, retry, timeout and tags', async () => {
    batch.on(SubmitJobCommand).resolves({ jobId: 'job-1', jobName: 'gcr-sim_0123456789abcdefghjkmnpqrs' });

    const result = await backend().submit(request());

    expect(result).toEqual({ jobId: 'job-1' });
    const calls = batch.commandCalls(SubmitJobCommand);
    expect(calls).toHaveLength(1);
    expect(calls[0]!.args[0].input).toEqual({
      jobName: 'gcr-sim_0123456789abcdefghjkmnpqrs',
      jobQueue: 'gcr-test-gcclassic-arm64-spot',
      jobDefinition: 'arn:aws:batch:us-east-1:123456789012:job-definition/gcr-test-gcclassic-arm64',
      containerOverrides: {
        resourceRequirements: [
          { type: 'VCPU', value: '16' },
          { type: 'MEMORY', value: '30720' },
        ],
        environment: [
          { name: 'GCR_SIMULATION_ID', value: 'sim_0123456789abcdefghjkmnpqrs' },
          {
            name: 'GCR_OUTPUT_PREFIX',
            value: 's3://results/simulations/sim_0123456789abcdefghjkmnpqrs/',
          },
        ],
      },
      retryStrategy: {
        attempts: 3,
        evaluateOnExit: [
          { onStatusReason: 'Host EC2*', action: 'RETRY' },
          { onExitCode: '75', action: 'RETRY' },
          { onReason: '*', action: 'EXIT' },
        ],
      },
      timeout: { attemptDurationSeconds: 36000 },
      tags: { app: 'gcr', simulationId: 'sim_0123456789abcdefghjkmnpqrs', owner: 'alice' },
      propagateTags: true,
    });
  });

  it('picks the queue by architecture and purchase, and the job definition by architecture', async () => {
    batch.on(SubmitJobCommand).resolves({ jobId: 'job-x' });
    const b = backend();
    for (const architecture of ['arm64', 'x86_64'] as const) {
      for (const purchase of ['spot', 'on-demand'] as const) {
        await b.submit(request({ architecture, purchase }));
      }
    }
    expect(
      batch
        .commandCalls(SubmitJobCommand)
        .map((c) => [c.args[0].input.jobQueue, c.args[0].input.jobDefinition]),
    ).toEqual([
      ['gcr-test-gcclassic-arm64-spot', config.jobDefinitions.arm64],
      ['gcr-test-gcclassic-arm64-on-demand', config.jobDefinitions.arm64],
      ['gcr-test-gcclassic-x86_64-spot', config.jobDefinitions.x86_64],
      ['gcr-test-gcclassic-x86_64-on-demand', config.jobDefinitions.x86_64],
    ]);
  });

  it('never sends containerOverrides.instanceType (valid only for multi-node jobs), even with a hint', async () => {
    batch.on(SubmitJobCommand).resolves({ jobId: 'job-1' });
    await backend().submit(request({ instanceType: 'c7g.4xlarge' }));
    const input = batch.commandCalls(SubmitJobCommand)[0]!.args[0].input;
    expect(input.containerOverrides).not.toHaveProperty('instanceType');
    expect(input).not.toHaveProperty('nodeOverrides');
  });

  it('raises the attempt timeout to Batch minimum of 60 s and rounds it up to whole seconds', async () => {
    batch.on(SubmitJobCommand).resolves({ jobId: 'job-1' });
    const b = backend();
    await b.submit(request({ maxRuntimeSeconds: 5 }));
    await b.submit(request({ maxRuntimeSeconds: 3600.2 }));
    expect(batch.commandCalls(SubmitJobCommand).map((c) => c.args[0].input.timeout)).toEqual([
      { attemptDurationSeconds: 60 },
      { attemptDurationSeconds: 3601 },
    ]);
  });

  it('maps spotRetries 0 to a single attempt', async () => {
    batch.on(SubmitJobCommand).resolves({ jobId: 'job-1' });
    await backend().submit(request({ spotRetries: 0 }));
    expect(batch.commandCalls(SubmitJobCommand)[0]!.args[0].input.retryStrategy?.attempts).toBe(1);
  });

  it('refuses, before calling Batch, retries beyond 10 attempts and AWS_BATCH* environment names', async () => {
    const b = backend();
    await expect(b.submit(request({ spotRetries: 10 }))).rejects.toThrow(/spotRetries/);
    await expect(b.submit(request({ spotRetries: -1 }))).rejects.toThrow(/spotRetries/);
    await expect(b.submit(request({ environment: { AWS_BATCH_JOB_ID: 'x' } }))).rejects.toThrow(/AWS_BATCH/);
    expect(batch.commandCalls(SubmitJobCommand)).toHaveLength(0);
  });

  it('lets a ClientException from SubmitJob propagate unchanged (not transient, not throttling)', async () => {
    const error = new ClientException({
      $metadata: { httpStatusCode: 400 },
      message: 'JobQueue does not exist',
    });
    batch.on(SubmitJobCommand).rejects(error);
    await expect(backend().submit(request())).rejects.toBe(error);
    expect(isThrottling(error)).toBe(false);
    expect(isTransientBatchError(error)).toBe(false);
  });
});

describe('Batch backend: describe', () => {
  it('describes 250 ids in three DescribeJobs calls of 100, 100 and 50 ids, in order', async () => {
    batch.on(DescribeJobsCommand).callsFake((input: { jobs: string[] }) => ({
      jobs: input.jobs.map((id) => job(id)),
    }));
    const ids = Array.from({ length: 250 }, (_, i) => `job-${String(i).padStart(3, '0')}`);

    const described = await backend().describe(ids);

    const calls = batch.commandCalls(DescribeJobsCommand).map((c) => c.args[0].input.jobs ?? []);
    expect(calls.map((jobs) => jobs.length)).toEqual([100, 100, 50]);
    expect(calls.flat()).toEqual(ids);
    expect(described.map((d) => d.jobId)).toEqual(ids);
  });

  it('makes no call for no ids, and asks for a repeated id once', async () => {
    batch.on(DescribeJobsCommand).callsFake((input: { jobs: string[] }) => ({
      jobs: input.jobs.map((id) => job(id)),
    }));
    const b = backend();
    expect(await b.describe([])).toEqual([]);
    expect(batch.commandCalls(DescribeJobsCommand)).toHaveLength(0);
    await b.describe(['a', 'b', 'a']);
    expect(batch.commandCalls(DescribeJobsCommand)[0]!.args[0].input.jobs).toEqual(['a', 'b']);
  });

  it('leaves out ids Batch does not know', async () => {
    batch.on(DescribeJobsCommand).resolves({ jobs: [job('known')] });
    const described = await backend().describe(['known', 'gone']);
    expect(described.map((d) => d.jobId)).toEqual(['known']);
  });

  it('maps the documented DescribeJobs answer for a SUCCEEDED job (botocore example)', async () => {
    const { request: req, response } = fixture('botocore_describe_jobs_SUCCEEDED.json');
    batch.on(DescribeJobsCommand, { jobs: req.jobs }).resolves(response);

    const [described] = await backend().describe(req.jobs);

    expect(described).toEqual({
      jobId: '24fa2d7a-64c4-49d2-8b47-f8da4fbde8e9',
      jobName: 'example',
      jobQueue: 'arn:aws:batch:us-east-1:012345678910:job-queue/HighPriority',
      state: 'SUCCEEDED',
      exitCode: 0,
      createdAt: 1480460782010,
      startedAt: 1480460816500,
      stoppedAt: 1480460880699,
      attempts: [],
    });
  });

  it('maps the documented DescribeJobs answer for a SUBMITTED job (AWS CLI example)', async () => {
    const { request: req, response } = fixture('awscli_describe_jobs_SUBMITTED.json');
    batch.on(DescribeJobsCommand, { jobs: req.jobs }).resolves(response);

    const [described] = await backend().describe(req.jobs);

    expect(described).toEqual({
      jobId: 'bcf0b186-a532-4122-842e-2ccab8d54efb',
      jobName: 'example',
      jobQueue: 'arn:aws:batch:us-east-1:012345678910:job-queue/HighPriority',
      state: 'SUBMITTED',
      createdAt: 1480483387803,
      attempts: [],
    });
  });

  it('maps attempts: exit code, reasons (Batch first, container second), log stream, times', async () => {
    // Built from the AttemptDetail/ContainerDetail shapes of the Batch API model:
    // a spot reclaim, then a model failure killed for memory.
    batch.on(DescribeJobsCommand).resolves({
      jobs: [
        job('j1', {
          status: 'FAILED',
          statusReason: 'Essential container in task exited',
          stoppedAt: 1_700_000_900_000,
          container: { exitCode: 137, logStreamName: 'gcclassic/default/task-2', reason: 'OutOfMemoryError' },
          tags: { simulationId: 'sim_1' },
          attempts: [
            {
              startedAt: 1_700_000_100_000,
              stoppedAt: 1_700_000_200_000,
              statusReason: 'Host EC2 (instance i-0abc) terminated.',
              container: { logStreamName: 'gcclassic/default/task-1', taskArn: 'arn:task/1' },
            },
            {
              startedAt: 1_700_000_300_000,
              stoppedAt: 1_700_000_900_000,
              statusReason: 'Essential container in task exited',
              container: {
                exitCode: 137,
                reason: 'OutOfMemoryError: Container killed due to memory usage',
                logStreamName: 'gcclassic/default/task-2',
              },
            },
          ],
        }),
      ],
    });

    const [described] = await backend().describe(['j1']);

    expect(described).toEqual({
      jobId: 'j1',
      jobName: 'gcr-j1',
      jobQueue: 'arn:aws:batch:us-east-1:123456789012:job-queue/gcr-test-gcclassic-arm64-spot',
      state: 'FAILED',
      statusReason: 'Essential container in task exited',
      exitCode: 137,
      createdAt: 1_700_000_000_000,
      startedAt: 1_700_000_100_000,
      stoppedAt: 1_700_000_900_000,
      logStreamName: 'gcclassic/default/task-2',
      tags: { simulationId: 'sim_1' },
      attempts: [
        {
          statusReason: 'Host EC2 (instance i-0abc) terminated.',
          startedAt: 1_700_000_100_000,
          stoppedAt: 1_700_000_200_000,
          logStreamName: 'gcclassic/default/task-1',
        },
        {
          exitCode: 137,
          statusReason:
            'Essential container in task exited (OutOfMemoryError: Container killed due to memory usage)',
          startedAt: 1_700_000_300_000,
          stoppedAt: 1_700_000_900_000,
          logStreamName: 'gcclassic/default/task-2',
        },
      ],
    });
  });

  it('takes the exit code and log stream of the last attempt when the job container has none, and the instance type when Batch reports it', async () => {
    batch.on(DescribeJobsCommand).resolves({
      jobs: [
        job('j2', {
          status: 'SUCCEEDED',
          container: { instanceType: 'c7gn.16xlarge' },
          attempts: [{ container: { exitCode: 0, logStreamName: 'stream-a' } }],
        }),
      ],
    });
    const [described] = await backend().describe(['j2']);
    expect(described).toMatchObject({
      exitCode: 0,
      logStreamName: 'stream-a',
      attempts: [{ exitCode: 0, logStreamName: 'stream-a', instanceType: 'c7gn.16xlarge' }],
    });
  });

  it('refuses a job status the port does not know with a BatchResponseError', async () => {
    batch.on(DescribeJobsCommand).resolves({ jobs: [job('j3', { status: 'PAUSED' as never })] });
    await expect(backend().describe(['j3'])).rejects.toBeInstanceOf(BatchResponseError);
  });
});

describe('Batch backend: findJobByName', () => {
  it('lists every queue with the JOB_NAME filter, follows nextToken, and describes the newest exact match', async () => {
    const name = 'gcr-sim_0123456789abcdefghjkmnpqrs';
    batch.on(ListJobsCommand).resolves({ jobSummaryList: [] });
    batch
      .on(ListJobsCommand, { jobQueue: 'gcr-test-gcclassic-arm64-spot' })
      .resolvesOnce({
        jobSummaryList: [{ jobId: 'old', jobName: name, createdAt: 1_000, status: 'FAILED' }],
        nextToken: 'page-2',
      })
      .resolvesOnce({
        // JOB_NAME matches case-insensitively: this one is another job.
        jobSummaryList: [{ jobId: 'other-case', jobName: name.toUpperCase(), createdAt: 9_000 }],
      });
    batch.on(ListJobsCommand, { jobQueue: 'gcr-test-gcclassic-arm64-on-demand' }).resolves({
      jobSummaryList: [{ jobId: 'newest', jobName: name, createdAt: 5_000, status: 'RUNNING' }],
    });
    batch.on(DescribeJobsCommand).callsFake((input: { jobs: string[] }) => ({
      jobs: input.jobs.map((id) => job(id, { jobName: name, createdAt: 5_000 })),
    }));

    const found = await backend().findJobByName(name);

    expect(found).toMatchObject({ jobId: 'newest', jobName: name, state: 'RUNNING', createdAt: 5_000 });
    const lists = batch.commandCalls(ListJobsCommand).map((c) => c.args[0].input);
    expect(lists.map((i) => [i.jobQueue, i.nextToken])).toEqual([
      ['gcr-test-gcclassic-arm64-spot', undefined],
      ['gcr-test-gcclassic-arm64-spot', 'page-2'],
      ['gcr-test-gcclassic-arm64-on-demand', undefined],
      ['gcr-test-gcclassic-x86_64-spot', undefined],
      ['gcr-test-gcclassic-x86_64-on-demand', undefined],
    ]);
    for (const input of lists) expect(input.filters).toEqual([{ name: 'JOB_NAME', values: [name] }]);
    expect(batch.commandCalls(DescribeJobsCommand).map((c) => c.args[0].input.jobs)).toEqual([['newest']]);
  });

  it('answers undefined when no queue has a job of that name, without calling DescribeJobs', async () => {
    batch.on(ListJobsCommand).resolves({ jobSummaryList: [] });
    expect(await backend().findJobByName('gcr-sim_missing')).toBeUndefined();
    expect(batch.commandCalls(DescribeJobsCommand)).toHaveLength(0);
  });

  it('Untracked Batch jobs: findJobsByName answers every exact match of every queue, any status, newest first, described in one call', async () => {
    const name = 'gcr-sim_0123456789abcdefghjkmnpqrs';
    batch.on(ListJobsCommand).resolves({ jobSummaryList: [] });
    batch.on(ListJobsCommand, { jobQueue: 'gcr-test-gcclassic-arm64-spot' }).resolves({
      jobSummaryList: [
        { jobId: 'first', jobName: name, createdAt: 1_000, status: 'RUNNING' },
        { jobId: 'other-case', jobName: name.toUpperCase(), createdAt: 9_000, status: 'RUNNING' },
      ],
    });
    batch.on(ListJobsCommand, { jobQueue: 'gcr-test-gcclassic-x86_64-spot' }).resolves({
      jobSummaryList: [{ jobId: 'second', jobName: name, createdAt: 5_000, status: 'RUNNABLE' }],
    });
    batch.on(DescribeJobsCommand).callsFake((input: { jobs: string[] }) => ({
      jobs: input.jobs.map((id) =>
        job(id, { jobName: name, status: id === 'first' ? 'RUNNING' : 'RUNNABLE' }),
      ),
    }));

    const found = await backend().findJobsByName(name);

    expect(found.map((j) => [j.jobId, j.state])).toEqual([
      ['second', 'RUNNABLE'],
      ['first', 'RUNNING'],
    ]);
    expect(batch.commandCalls(DescribeJobsCommand).map((c) => c.args[0].input.jobs)).toEqual([
      ['second', 'first'],
    ]);
    expect(
      await createBatchBackend(new BatchClient({ region: 'us-east-1' }), config).findJobsByName('gcr-none'),
    ).toEqual([]);
  });

  it('lists a queue shared by two purchase options once', async () => {
    batch.on(ListJobsCommand).resolves({ jobSummaryList: [] });
    const shared = createBatchBackend(new BatchClient({ region: 'us-east-1' }), {
      ...config,
      jobQueues: { arm64: { spot: 'q', 'on-demand': 'q' }, x86_64: { spot: 'q', 'on-demand': 'q2' } },
    });
    await shared.findJobByName('gcr-x');
    expect(batch.commandCalls(ListJobsCommand).map((c) => c.args[0].input.jobQueue)).toEqual(['q', 'q2']);
  });
});

describe('Batch backend: terminate', () => {
  it('sends TerminateJob with the id and reason, cut to the 1024 characters Batch accepts', async () => {
    batch.on(TerminateJobCommand).resolves({});
    const b = backend();
    await b.terminate('job-1', 'cancelled by alice');
    await b.terminate('job-2', 'x'.repeat(2000));
    const inputs = batch.commandCalls(TerminateJobCommand).map((c) => c.args[0].input);
    expect(inputs[0]).toEqual({ jobId: 'job-1', reason: 'cancelled by alice' });
    expect(inputs[1]!.reason).toHaveLength(1024);
  });
});

describe('Batch backend: errors', () => {
  it('lets a TooManyRequestsException propagate after one call, recognised by isThrottling', async () => {
    const throttled = new BatchServiceException({
      name: 'TooManyRequestsException',
      $fault: 'client',
      $metadata: { httpStatusCode: 429 },
      message: 'Too Many Requests',
    });
    batch.on(DescribeJobsCommand).rejects(throttled);

    const error = await backend()
      .describe(['a'])
      .then(
        () => undefined,
        (err: unknown) => err,
      );

    expect(error).toBe(throttled);
    expect(isThrottling(error)).toBe(true);
    expect(isTransientBatchError(error)).toBe(false);
    expect(batch.commandCalls(DescribeJobsCommand)).toHaveLength(1);
  });

  it('recognises throttling by HTTP 429 or the SDK throttling trait alone', () => {
    expect(isThrottling({ name: 'Unknown', $metadata: { httpStatusCode: 429 } })).toBe(true);
    expect(isThrottling({ name: 'Unknown', $retryable: { throttling: true } })).toBe(true);
    expect(isThrottling(new Error('boom'))).toBe(false);
    expect(isThrottling(undefined)).toBe(false);
    expect(isThrottling('TooManyRequestsException')).toBe(false);
  });

  it('treats ServerException, other 5xx, timeouts and network errors as transient', () => {
    expect(
      isTransientBatchError(new ServerException({ $metadata: { httpStatusCode: 500 }, message: 'x' })),
    ).toBe(true);
    expect(isTransientBatchError({ name: 'InternalFailure', $metadata: { httpStatusCode: 503 } })).toBe(true);
    expect(isTransientBatchError({ name: 'TimeoutError' })).toBe(true);
    expect(isTransientBatchError(Object.assign(new Error('socket hang up'), { code: 'ECONNRESET' }))).toBe(
      true,
    );
    expect(isTransientBatchError(Object.assign(new Error('getaddrinfo'), { code: 'EAI_AGAIN' }))).toBe(true);
    expect(isTransientBatchError(new Error('a bug'))).toBe(false);
    expect(isTransientBatchError(null)).toBe(false);
  });
});

describe('jobDescriptionFromBatchEvent', () => {
  const expected = {
    jobId: '4c7599ae-0a82-49aa-ba5a-4727fcce14a8',
    jobName: 'event-test',
    state: 'RUNNABLE',
    attempts: [],
  };

  it('maps the 2018 Batch Job State Change detail', () => {
    const event = fixture('batch_job_state_change_RUNNABLE_2018.json');
    expect(event['detail-type']).toBe('Batch Job State Change');
    expect(jobDescriptionFromBatchEvent(event.detail)).toEqual({
      ...expected,
      jobQueue: 'arn:aws:batch:us-east-1:aws_account_id:job-queue/HighPriority',
      createdAt: 1508781340401,
    });
  });

  it('maps the 2022 Batch Job State Change detail, with its tags', () => {
    const event = fixture('batch_job_state_change_RUNNABLE_2022.json');
    expect(jobDescriptionFromBatchEvent(event.detail)).toEqual({
      ...expected,
      jobQueue: 'arn:aws:batch:us-east-1:123456789012:job-queue/PexjEHappyPathCanary2JobQueue',
      createdAt: 1641944200058,
      tags: {
        resourceArn: 'arn:aws:batch:us-east-1:123456789012:job/4c7599ae-0a82-49aa-ba5a-4727fcce14a8',
      },
    });
  });

  it('maps a terminal event with its attempts like DescribeJobs does', () => {
    const event = fixture('batch_job_state_change_RUNNABLE_2022.json');
    const detail = {
      ...event.detail,
      status: 'SUCCEEDED',
      startedAt: 1641944300000,
      stoppedAt: 1641944900000,
      container: { ...event.detail.container, exitCode: 0, logStreamName: 'first-run/default/abc' },
      attempts: [
        {
          container: { exitCode: 0, logStreamName: 'first-run/default/abc' },
          startedAt: 1641944300000,
          stoppedAt: 1641944900000,
          statusReason: 'Essential container in task exited',
        },
      ],
    };
    expect(jobDescriptionFromBatchEvent(detail)).toMatchObject({
      state: 'SUCCEEDED',
      exitCode: 0,
      logStreamName: 'first-run/default/abc',
      attempts: [{ exitCode: 0, statusReason: 'Essential container in task exited' }],
    });
  });

  it('rejects what is not the detail of a Batch job event as a MalformedEventError naming the field', () => {
    const good = fixture('batch_job_state_change_RUNNABLE_2018.json').detail;
    const notBatch: unknown[] = [
      undefined,
      null,
      'RUNNABLE',
      [good],
      fixture('batch_job_state_change_RUNNABLE_2018.json'), // the whole envelope, not its detail
      { schemaVersion: '1', simulationId: 'sim_1', from: 'PENDING', to: 'SUBMITTED' }, // a gcr event detail
      { ...good, status: 'CANCELLED' },
      { ...good, jobId: 42 },
      { ...good, jobName: '' },
      { ...good, jobQueue: undefined },
      { ...good, attempts: 'none' },
      { ...good, createdAt: '2017-10-23' },
    ];
    for (const detail of notBatch) {
      expect(() => jobDescriptionFromBatchEvent(detail)).toThrow(MalformedEventError);
    }
    expect(() => jobDescriptionFromBatchEvent({ ...good, status: 'CANCELLED' })).toThrow(
      expect.objectContaining({ issues: [expect.objectContaining({ field: 'detail.status' })] }),
    );
  });
});

describe("a stage's own jobs", () => {
  it("tells its job queues from another stage's, by name or ARN (dev is not dev2)", () => {
    const own = createJobQueueFilter(config);
    expect(own('gcr-test-gcclassic-arm64-spot')).toBe(true);
    expect(own('arn:aws:batch:us-east-1:123456789012:job-queue/gcr-test-gcclassic-x86_64-on-demand')).toBe(
      true,
    );
    expect(own('arn:aws:batch:us-east-1:123456789012:job-queue/gcr-test2-gcclassic-arm64-spot')).toBe(false);
    expect(own('gcr-test-gcclassic-arm64-spot-2')).toBe(false);
  });

  it('tags every job with the stage tags besides its own', () => {
    const input = submitJobInput(request({ tags: { project: 'x' } }), {
      ...config,
      jobTags: { 'gcr:stage': 'test' },
    });
    expect(input.tags).toEqual({ project: 'x', 'gcr:stage': 'test' });
  });
});
