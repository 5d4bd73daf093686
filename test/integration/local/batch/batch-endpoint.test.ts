import { promises as fs, readFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterEach, beforeEach, describe, expect, it, jest } from '@jest/globals';
import {
  BatchClient,
  CancelJobCommand,
  ClientException,
  DescribeJobsCommand,
  ListJobsCommand,
  SubmitJobCommand,
  TerminateJobCommand,
} from '@aws-sdk/client-batch';
import { LocalBatch } from '#local/batch/local-batch.js';
import { batchJobStateChangeEntry, listenBatchEndpoint } from '#local/batch/batch-endpoint.js';
import { createBatchBackend, DESCRIBE_JOBS_MAX_IDS } from '#shared/kernel/compute/batch-backend.js';
import { batchModelProblems } from '#test/helpers/batch-api-model.js';
import { repoRoot } from '#test/helpers/local-dynamodb.js';

jest.setTimeout(30_000);

let dir: string;
let batch: LocalBatch;
let server: { url: string; close: () => Promise<void> };
let client: BatchClient;
/** The emulator's throttle knob, replaced per test. */
let throttle: () => boolean;

beforeEach(async () => {
  dir = await fs.mkdtemp(path.join(os.tmpdir(), 'gcr-batch-api-'));
  throttle = () => false;
  batch = await LocalBatch.open({
    dir,
    slots: 4,
    jobQueues: ['gcr-local-spot'],
    jobDefinitions: {
      'gcr-local-model': { command: [process.execPath, '-e', 'setTimeout(() => {}, 60000)'] },
      quick: { command: [process.execPath, '-e', 'process.exit(Number(process.env.CODE ?? 0))'] },
    },
    terminateGraceMs: 500,
    throttle: () => throttle(),
  });
  server = await listenBatchEndpoint(batch);
  // The production adapter's client, exactly: only the endpoint differs.
  client = new BatchClient({
    endpoint: server.url,
    region: 'us-east-1',
    credentials: { accessKeyId: 'local', secretAccessKey: 'local' },
    maxAttempts: 1,
  });
});

afterEach(async () => {
  client.destroy();
  await server.close();
  await batch.shutdown({ killJobs: true });
  await fs.rm(dir, { recursive: true, force: true });
});

async function waitFor<T>(what: string, probe: () => Promise<T | undefined>, timeoutMs = 15_000): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const value = await probe();
    if (value !== undefined) return value;
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 20));
  }
}

/**
 * A second emulator with no slots, so its jobs stay RUNNABLE (none is ever
 * placed), behind its own endpoint; its client records the operations it sends.
 */
async function openParked() {
  const parkedDir = await fs.mkdtemp(path.join(os.tmpdir(), 'gcr-batch-parked-'));
  const parked = await LocalBatch.open({
    dir: parkedDir,
    slots: 0,
    jobQueues: ['gcr-local-parked'],
    jobDefinitions: { quick: { command: [process.execPath, '-e', ''] } },
  });
  const parkedServer = await listenBatchEndpoint(parked);
  const operations: string[] = [];
  const parkedClient = new BatchClient({
    endpoint: parkedServer.url,
    region: 'us-east-1',
    credentials: { accessKeyId: 'local', secretAccessKey: 'local' },
    maxAttempts: 1,
  });
  parkedClient.middlewareStack.add(
    (next, context) => async (args) => {
      operations.push(String(context.commandName));
      return next(args);
    },
    { step: 'initialize' },
  );
  const adapter = createBatchBackend(parkedClient, {
    jobQueues: {
      arm64: { spot: 'gcr-local-parked', 'on-demand': 'gcr-local-parked' },
      x86_64: { spot: 'gcr-local-parked', 'on-demand': 'gcr-local-parked' },
    },
    jobDefinitions: { arm64: 'quick', x86_64: 'quick' },
  });
  const submit = (jobName: string) =>
    parked.submitJob({ jobName, jobQueue: 'gcr-local-parked', jobDefinition: 'quick' });
  return {
    parked,
    adapter,
    operations,
    submit,
    url: parkedServer.url,
    close: async () => {
      parkedClient.destroy();
      await parkedServer.close();
      await parked.shutdown({ killJobs: true });
      await fs.rm(parkedDir, { recursive: true, force: true });
    },
  };
}

async function describeOne(jobId: string) {
  const out = await client.send(new DescribeJobsCommand({ jobs: [jobId] }));
  return out.jobs?.[0];
}

describe('the local Batch endpoint, through the real @aws-sdk/client-batch', () => {
  it('speaks SubmitJob, DescribeJobs, ListJobs (JOB_NAME filter) and TerminateJob on the wire', async () => {
    const submitted = await client.send(
      new SubmitJobCommand({
        jobName: 'gcr-sim_01JTESTWIRE',
        jobQueue: 'arn:aws:batch:us-east-1:000000000000:job-queue/gcr-local-spot',
        jobDefinition: 'gcr-local-model:3',
        containerOverrides: {
          environment: [{ name: 'GCR_SIMULATION_ID', value: 'sim_01JTESTWIRE' }],
          resourceRequirements: [
            { type: 'VCPU', value: '2' },
            { type: 'MEMORY', value: '4096' },
          ],
        },
        retryStrategy: {
          attempts: 3,
          evaluateOnExit: [
            { onStatusReason: 'Host EC2*', action: 'RETRY' },
            { onReason: '*', action: 'EXIT' },
          ],
        },
        timeout: { attemptDurationSeconds: 3600 },
        tags: { simulationId: 'sim_01JTESTWIRE' },
      }),
    );
    expect(submitted.$metadata.httpStatusCode).toBe(200);
    expect(submitted).toMatchObject({
      jobName: 'gcr-sim_01JTESTWIRE',
      jobId: expect.stringMatching(/^[0-9a-f-]{36}$/),
      jobArn: `arn:aws:batch:us-east-1:000000000000:job/${submitted.jobId}`,
    });
    const jobId = submitted.jobId!;

    const running = await waitFor('RUNNING', async () => {
      const job = await describeOne(jobId);
      return job?.status === 'RUNNING' ? job : undefined;
    });
    expect(running).toMatchObject({
      jobId,
      jobName: 'gcr-sim_01JTESTWIRE',
      jobQueue: 'arn:aws:batch:us-east-1:000000000000:job-queue/gcr-local-spot',
      jobDefinition: 'arn:aws:batch:us-east-1:000000000000:job-definition/gcr-local-model:3',
      createdAt: expect.any(Number),
      startedAt: expect.any(Number),
      attempts: [],
      retryStrategy: { attempts: 3, evaluateOnExit: [{ onStatusReason: 'Host EC2*', action: 'RETRY' }, {}] },
      timeout: { attemptDurationSeconds: 3600 },
      tags: { simulationId: 'sim_01JTESTWIRE' },
      container: {
        environment: [{ name: 'GCR_SIMULATION_ID', value: 'sim_01JTESTWIRE' }],
        resourceRequirements: [
          { type: 'VCPU', value: '2' },
          { type: 'MEMORY', value: '4096' },
        ],
        logStreamName: `local/${jobId}`,
      },
    });

    // Unknown ids are simply absent.
    const mixed = await client.send(
      new DescribeJobsCommand({ jobs: [jobId, '11111111-2222-3333-4444-555555555555'] }),
    );
    expect(mixed.jobs?.map((j) => j.jobId)).toEqual([jobId]);

    // How the adapter finds an orphaned job by name.
    const other = await client.send(
      new SubmitJobCommand({ jobName: 'unrelated', jobQueue: 'gcr-local-spot', jobDefinition: 'quick' }),
    );
    const listed = await client.send(
      new ListJobsCommand({
        jobQueue: 'gcr-local-spot',
        filters: [{ name: 'JOB_NAME', values: ['gcr-sim_01JTEST*'] }],
      }),
    );
    expect(listed.jobSummaryList).toEqual([
      expect.objectContaining({
        jobId,
        jobName: 'gcr-sim_01JTESTWIRE',
        status: 'RUNNING',
        createdAt: running.createdAt,
        jobArn: submitted.jobArn,
      }),
    ]);
    const byStatus = await client.send(
      new ListJobsCommand({ jobQueue: 'gcr-local-spot', jobStatus: 'RUNNING' }),
    );
    expect(byStatus.jobSummaryList?.map((j) => j.jobId)).toContain(jobId);
    expect(byStatus.jobSummaryList?.map((j) => j.jobId)).not.toContain(other.jobId);

    const terminated = await client.send(new TerminateJobCommand({ jobId, reason: 'Simulation cancelled' }));
    expect(terminated.$metadata.httpStatusCode).toBe(200);
    const failed = await waitFor('FAILED', async () => {
      const job = await describeOne(jobId);
      return job?.status === 'FAILED' ? job : undefined;
    });
    expect(failed).toMatchObject({
      statusReason: 'Simulation cancelled',
      stoppedAt: expect.any(Number),
      container: { exitCode: 143 },
      attempts: [{ statusReason: 'Simulation cancelled', container: { exitCode: 143 } }],
    });

    // Terminating again, cancelling, or an unknown job: 200, as Batch answers.
    await client.send(new TerminateJobCommand({ jobId, reason: 'again' }));
    await client.send(new CancelJobCommand({ jobId, reason: 'again' }));
    await client.send(new TerminateJobCommand({ jobId: 'no-such-job', reason: 'x' }));
    expect((await describeOne(jobId))?.statusReason).toBe('Simulation cancelled');
  });

  it('answers bad requests with ClientException 400s the SDK recognises', async () => {
    const refused = async (request: Promise<unknown>) => {
      try {
        await request;
      } catch (err) {
        return err as ClientException;
      }
      throw new Error('expected a ClientException');
    };

    const badName = await refused(
      client.send(
        new SubmitJobCommand({ jobName: '-bad name', jobQueue: 'gcr-local-spot', jobDefinition: 'quick' }),
      ),
    );
    expect(badName).toBeInstanceOf(ClientException);
    expect(badName.name).toBe('ClientException');
    expect(badName.$metadata.httpStatusCode).toBe(400);
    expect(badName.message).toMatch(/jobName/);

    const unknownQueue = await refused(
      client.send(new SubmitJobCommand({ jobName: 'ok', jobQueue: 'nope', jobDefinition: 'quick' })),
    );
    expect(unknownQueue).toBeInstanceOf(ClientException);
    expect(unknownQueue.message).toMatch(/Job queue nope/);

    const unknownDefinition = await refused(
      client.send(
        new SubmitJobCommand({ jobName: 'ok', jobQueue: 'gcr-local-spot', jobDefinition: 'nope:1' }),
      ),
    );
    expect(unknownDefinition).toBeInstanceOf(ClientException);
    expect(unknownDefinition.message).toMatch(/Job definition nope:1/);

    const missing = await refused(
      client.send(new SubmitJobCommand({ jobName: 'ok', jobQueue: 'gcr-local-spot' } as never)),
    );
    expect(missing).toBeInstanceOf(ClientException);
    expect(missing.message).toMatch(/jobDefinition/);

    const badRetry = await refused(
      client.send(
        new SubmitJobCommand({
          jobName: 'ok',
          jobQueue: 'gcr-local-spot',
          jobDefinition: 'quick',
          retryStrategy: { attempts: 11 },
        }),
      ),
    );
    expect(badRetry.message).toMatch(/attempts/);

    const tooMany = await refused(
      client.send(new DescribeJobsCommand({ jobs: Array.from({ length: 101 }, (_, i) => `job-${i}`) })),
    );
    expect(tooMany).toBeInstanceOf(ClientException);
    expect(tooMany.$metadata.httpStatusCode).toBe(400);

    const noQueue = await refused(
      client.send(new ListJobsCommand({ filters: [{ name: 'JOB_NAME', values: ['x*'] }] })),
    );
    expect(noQueue).toBeInstanceOf(ClientException);
  });

  it('counts the requests each operation answered (GET /v1/calls, for bench:ensemble)', async () => {
    await client.send(
      new SubmitJobCommand({ jobName: 'counted', jobQueue: 'gcr-local-spot', jobDefinition: 'quick' }),
    );
    await client.send(new DescribeJobsCommand({ jobs: ['nope'] }));
    await client.send(new DescribeJobsCommand({ jobs: ['nope'] }));
    const res = await fetch(`${server.url}/v1/calls`);
    expect(await res.json()).toEqual({ calls: { submitjob: 1, describejobs: 2 } });
  });

  it('answers with a raw AWS-shaped error body and header', async () => {
    const res = await fetch(`${server.url}/v1/submitjob`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ jobName: 'x', jobQueue: 'gcr-local-spot' }),
    });
    expect(res.status).toBe(400);
    expect(res.headers.get('x-amzn-errortype')).toBe('ClientException');
    expect(await res.json()).toEqual({
      __type: 'ClientException',
      message: expect.stringMatching(/jobDefinition/),
    });

    const notJson = await fetch(`${server.url}/v1/describejobs`, { method: 'POST', body: '{' });
    expect(notJson.status).toBe(400);
    const unknown = await fetch(`${server.url}/v1/registerjobdefinition`, { method: 'POST', body: '{}' });
    expect(unknown.status).toBe(404);
  });

  it('throttles like Batch (429 TooManyRequestsException) when the knob says so', async () => {
    throttle = () => true;
    const err = await client
      .send(new DescribeJobsCommand({ jobs: ['a'] }))
      .then(() => undefined)
      .catch((e: unknown) => e as Error & { $metadata: { httpStatusCode?: number } });
    expect(err?.name).toBe('TooManyRequestsException');
    expect(err?.$metadata.httpStatusCode).toBe(429);

    // The SDK's standard retry strategy treats it as throttling and retries.
    const retrying = new BatchClient({
      endpoint: server.url,
      region: 'us-east-1',
      credentials: { accessKeyId: 'local', secretAccessKey: 'local' },
      maxAttempts: 3,
    });
    let calls = 0;
    throttle = () => ++calls === 1;
    const out = await retrying.send(new DescribeJobsCommand({ jobs: ['a'] }));
    retrying.destroy();
    expect(out.jobs).toEqual([]);
    expect(calls).toBe(2);
  });

  it('builds the Batch Job State Change event entry from a job detail', async () => {
    const { jobId } = await batch.submitJob({
      jobName: 'evt',
      jobQueue: 'gcr-local-spot',
      jobDefinition: 'quick',
    });
    const detail = batch.getJob(jobId)!;
    const entry = batchJobStateChangeEntry(detail);
    expect(entry).toEqual({
      Source: 'aws.batch',
      DetailType: 'Batch Job State Change',
      Detail: JSON.stringify(detail),
      Resources: [detail.jobArn],
      EventBusName: 'default',
    });
  });
});

describe('the local Batch endpoint against the Batch API model (botocore)', () => {
  /** A POST to the endpoint, as the SDK sends it; the raw JSON answer. */
  async function call(operation: string, body: unknown): Promise<Record<string, unknown>> {
    const res = await fetch(`${server.url}/v1/${operation}`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify(body),
    });
    expect(res.status).toBe(200);
    return (await res.json()) as Record<string, unknown>;
  }

  it('holds the documented DescribeJobs answers to the model, as a check of the check', () => {
    for (const file of ['botocore_describe_jobs_SUCCEEDED.json', 'awscli_describe_jobs_SUBMITTED.json']) {
      const { response } = JSON.parse(
        readFileSync(path.join(repoRoot, 'test/fixtures/aws_batch', file), 'utf8'),
      ) as { response: unknown };
      expect(batchModelProblems(response, 'DescribeJobsResponse')).toEqual([]);
    }
    expect(batchModelProblems({ jobs: [{ jobId: 1 }] }, 'DescribeJobsResponse')).toEqual(
      expect.arrayContaining(['DescribeJobsResponse.jobs[0].jobId: not a string']),
    );
    expect(batchModelProblems({ jobSummaryList: [], extra: 1 }, 'ListJobsResponse')).toEqual([
      'ListJobsResponse.extra: not a member of ListJobsResponse',
    ]);
  });

  it("answers DescribeJobs, ListJobs and SubmitJob in the model's shapes: containerInstanceArn and taskArn once placed, no vcpus/memory beside resourceRequirements", async () => {
    const requirements = [
      { type: 'VCPU', value: '2' },
      { type: 'MEMORY', value: '2048' },
    ];
    const submit = (jobName: string, jobDefinition: string, extra: Record<string, unknown> = {}) =>
      call('submitjob', {
        jobName,
        jobQueue: 'gcr-local-spot',
        jobDefinition,
        containerOverrides: { resourceRequirements: requirements },
        ...extra,
      });
    const submitted = await submit('ok', 'quick');
    expect(batchModelProblems(submitted, 'SubmitJobResponse')).toEqual([]);
    const failed = await submit('fails', 'quick', {
      containerOverrides: { resourceRequirements: requirements, environment: [{ name: 'CODE', value: '3' }] },
    });
    const retried = await submit('retried', 'gcr-local-model', {
      retryStrategy: { attempts: 2, evaluateOnExit: [{ onStatusReason: 'Host EC2*', action: 'RETRY' }] },
      timeout: { attemptDurationSeconds: 600 },
      tags: { project: 'x' },
    });
    const ids = [submitted, failed, retried].map((j) => String(j['jobId']));

    const status = async (jobId: string) =>
      ((await call('describejobs', { jobs: [jobId] }))['jobs'] as { status: string }[])[0]?.status;
    await waitFor('the first attempt to run', async () =>
      (await status(ids[2]!)) === 'RUNNING' ? true : undefined,
    );
    await batch.simulateHostLoss(ids[2]!);
    await waitFor('every job to reach its state', async () => {
      const states = await Promise.all(ids.slice(0, 3).map(status));
      return states.join() === 'SUCCEEDED,FAILED,RUNNING' && batch.getJob(ids[2]!)?.attempts.length === 1
        ? true
        : undefined;
    });

    const answer = await call('describejobs', { jobs: ids });
    expect(batchModelProblems(answer, 'DescribeJobsResponse')).toEqual([]);
    const jobs = answer['jobs'] as Record<string, any>[];
    expect(jobs.map((j) => j['status'])).toEqual(['SUCCEEDED', 'FAILED', 'RUNNING']);
    const ecs = /^arn:aws:ecs:us-east-1:000000000000:(container-instance|task)\/gcr-local\/[0-9a-f]{32}$/;
    for (const job of jobs.slice(0, 3)) {
      expect(job['container']).toMatchObject({
        containerInstanceArn: expect.stringMatching(ecs),
        taskArn: expect.stringMatching(ecs),
      });
      expect(job['container']).not.toHaveProperty('vcpus');
      expect(job['container']).not.toHaveProperty('memory');
      expect(job['container']['resourceRequirements']).toEqual(requirements);
      for (const attempt of job['attempts']) {
        expect(attempt['container']).toMatchObject({
          containerInstanceArn: expect.stringMatching(ecs),
          taskArn: expect.stringMatching(ecs),
        });
      }
    }
    // A new attempt is a new task on the same instance.
    const [lost] = jobs[2]!['attempts'];
    expect(jobs[2]!['container']['taskArn']).not.toBe(lost['container']['taskArn']);
    expect(jobs[2]!['container']['containerInstanceArn']).toBe(lost['container']['containerInstanceArn']);
    // Not placed yet: no instance, no task.
    const parked = await openParked();
    try {
      const { jobId } = await parked.submit('queued');
      const res = await fetch(`${parked.url}/v1/describejobs`, {
        method: 'POST',
        body: JSON.stringify({ jobs: [jobId] }),
      });
      const queued = (await res.json()) as { jobs: Record<string, any>[] };
      expect(batchModelProblems(queued, 'DescribeJobsResponse')).toEqual([]);
      expect(queued.jobs[0]!['container']).not.toHaveProperty('containerInstanceArn');
      expect(queued.jobs[0]!['container']).not.toHaveProperty('taskArn');
    } finally {
      await parked.close();
    }

    for (const request of [
      { jobQueue: 'gcr-local-spot', jobStatus: 'SUCCEEDED' },
      { jobQueue: 'gcr-local-spot', filters: [{ name: 'JOB_NAME', values: ['*'] }] },
    ]) {
      expect(batchModelProblems(await call('listjobs', request), 'ListJobsResponse')).toEqual([]);
    }
  });
});

describe("the Batch adapter against the local endpoint's limits", () => {
  let parked: Awaited<ReturnType<typeof openParked>>;

  beforeEach(async () => {
    parked = await openParked();
  });

  afterEach(async () => {
    await parked.close();
  });

  it('describes 250 jobs in chunks of 100, which the endpoint accepts (it refuses 101)', async () => {
    const ids: string[] = [];
    for (let i = 0; i < 250; i++) ids.push((await parked.submit(`many-${i}`)).jobId);
    const described = await parked.adapter.describe([...ids, ids[0]!]);
    expect(described.map((j) => j.jobId)).toEqual(ids);
    expect(parked.operations).toEqual(['DescribeJobsCommand', 'DescribeJobsCommand', 'DescribeJobsCommand']);
    expect(DESCRIBE_JOBS_MAX_IDS).toBe(100);
  });

  it('pages through ListJobs to find a job by its exact name behind 150 newer case-insensitive matches', async () => {
    const name = 'gcr-sim_paging000000000000000000';
    const wanted = await parked.submit(name);
    // The JOB_NAME filter ignores case: these match it, newer, but are not the name.
    for (let i = 0; i < 150; i++) await parked.submit(name.toUpperCase());
    const found = await parked.adapter.findJobByName(name);
    expect(found?.jobId).toBe(wanted.jobId);
    // Pages of 100 (the endpoint's cap with a filter): the exact name is on the second.
    expect(parked.operations).toEqual(['ListJobsCommand', 'ListJobsCommand', 'DescribeJobsCommand']);
  });
});
