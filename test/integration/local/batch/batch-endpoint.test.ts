import { promises as fs } from 'node:fs';
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
