/**
 * An ensemble's PENDING members as one array job, on dynalite with the
 * in-memory backend: one SubmitJob for all of them whatever number of
 * Submitted events arrive at once, each member recorded under its child
 * `<parent>:<index>` with one SUBMITTED event, the array's files telling each
 * child its member, polls within one DescribeJobs per 100 members, a child's
 * event moving its member, a crash between SubmitJob and the writes re-attached
 * by name (nothing lost, nothing submitted twice), and a retried member going
 * alone.
 */
import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { arrayMembersKey, arrayPrefix, withArrayMember } from '#shared/kernel/compute/array-members.js';
import { jobDescriptionFromBatchEvent } from '#shared/kernel/compute/batch-backend.js';
import { BatchJobStateChange } from '#shared/kernel/events/catalog.js';
import type { OutgoingEvent } from '#shared/kernel/events/publisher.js';
import { createDynamoEnsembleArrayStore } from '#shared/kernel/repository/ensemble-arrays.js';
import { memberSimulationId } from '#shared/kernel/repository/ensembles.js';
import {
  createDynamoSimulationRepository,
  type SimulationRepository,
} from '#shared/kernel/repository/simulations.js';
import { pollSimulations } from '#services/execution-poller/src/domain/observe.js';
import type { PollerPorts } from '#services/execution-poller/src/domain/ports.js';
import { POLLER_EVENTS, processEvent } from '#services/execution-poller/src/domain/process-event.js';
import {
  ARRAY_SUBMIT_LEASE_MS,
  submitEnsembleArray,
} from '#services/execution-poller/src/domain/submit-array.js';
import { submitPending } from '#services/execution-poller/src/domain/submit-pending.js';
import { parseArrayIndex } from '#shared/kernel/compute/array-members.js';
import { delivered, submittedEvent } from '#test/helpers/events.js';
import { FakeBackend } from '#test/helpers/fake-backend.js';
import { aPendingEnsemble } from '#test/helpers/ensembles.js';
import { startLocalDynamo } from '#test/helpers/local-dynamodb.js';
import { aSimulation } from '#test/helpers/simulations.js';

let dynamo: Awaited<ReturnType<typeof startLocalDynamo>>;
let repository: SimulationRepository;

beforeAll(async () => {
  dynamo = await startLocalDynamo();
  repository = createDynamoSimulationRepository(dynamo.documentClient, {
    tableName: dynamo.tableName,
    statusIndexShards: 4,
  });
}, 60_000);

afterAll(async () => {
  await dynamo?.stop();
});

/** An ensemble item and its members, PENDING. */
function anEnsemble(size: number) {
  return aPendingEnsemble(dynamo, repository, size);
}

function setup(options: { repository?: SimulationRepository } = {}) {
  const backend = new FakeBackend({ arrays: true });
  const published: OutgoingEvent[] = [];
  const files = new Map<string, string>();
  const clock = { now: Date.now() };
  const ports: PollerPorts = {
    repository: options.repository ?? repository,
    publisher: { publish: async (events) => void published.push(...events) },
    backendFor: (name) => (name === 'local' || name === 'aws-batch' ? backend : undefined),
    rateLimiter: { acquire: async () => undefined },
    jobEnvironment: (s) => ({ GCR_SIMULATION_ID: s.id, GCR_SPEC: '{}' }),
    isRetryable: (err) => (err as Error).name === 'TooManyRequestsException',
    ownsJobQueue: (queue) => /:job-queue\/gcr-dev-/.test(queue),
    now: () => clock.now,
    sleep: async () => undefined,
    arrays: {
      store: createDynamoEnsembleArrayStore(dynamo.documentClient, dynamo.tableName),
      writeFiles: async (written) => {
        for (const file of written) files.set(file.key, file.body);
      },
      readIndex: async (ensembleId, jobName) => {
        const text = files.get(`${arrayPrefix(ensembleId, jobName)}index.json`);
        return text ? parseArrayIndex(text) : undefined;
      },
      uriOf: (prefix) => `s3://results/${prefix}`,
    },
  };
  const submittedEvents = (id: string) =>
    published.filter(
      (e) =>
        (e.detail as { simulationId: string; to?: string }).simulationId === id &&
        (e.detail as { to?: string }).to === 'SUBMITTED',
    ).length;
  return { backend, published, files, ports, clock, submittedEvents };
}

describe('ensemble members as one array job', () => {
  it('submits 50 members with one SubmitJob however many Submitted events arrive at once, and polls them within the DescribeJobs budget', async () => {
    const { id, members } = await anEnsemble(50);
    const { backend, files, ports, submittedEvents } = setup();
    await Promise.all(
      members.map((m) =>
        processEvent(ports, delivered(submittedEvent(m), POLLER_EVENTS), jobDescriptionFromBatchEvent),
      ),
    );
    expect(backend.calls.submit).toBe(1);
    const parent = [...backend.jobs.values()].find((j) => j.array?.size !== undefined)!;
    expect(parent.request).toMatchObject({ jobName: `gcr-${id}-a1`, arraySize: 50 });
    expect(parent.request.environment).toEqual({
      GCR_ARRAY_MEMBERS_S3_URI: `s3://results/${arrayPrefix(id, `gcr-${id}-a1`)}`,
    });
    for (const member of members) {
      const stored = (await repository.get(member.id))!;
      expect(stored.status).toBe('SUBMITTED');
      expect(stored.job).toMatchObject({
        jobId: `${parent.jobId}:${member.memberIndex}`,
        jobName: `gcr-${id}-a1`,
      });
      expect(submittedEvents(member.id)).toBe(1);
    }
    // Child 42 finds member 42's environment in the members file its index names.
    const env = await withArrayMember(
      {
        GCR_ARRAY_MEMBERS_S3_URI: parent.request.environment['GCR_ARRAY_MEMBERS_S3_URI'],
        AWS_BATCH_JOB_ARRAY_INDEX: '42',
      },
      async (_bucket, key) => files.get(key)!,
    );
    expect(env['GCR_SIMULATION_ID']).toBe(members[42]!.id);
    expect(files.has(arrayMembersKey(arrayPrefix(id, `gcr-${id}-a1`), 0))).toBe(true);

    // A poll of the 50 describes their children: one call (100 ids a call).
    backend.calls.describe = 0;
    for (const m of members) backend.move(`${parent.jobId}:${m.memberIndex}`, 'RUNNABLE');
    await pollSimulations(
      ports,
      'local',
      members.map((m) => m.id),
    );
    expect(backend.calls.describe).toBe(1);
    expect((await repository.get(members[7]!.id))!.status).toBe('RUNNABLE');
  }, 60_000);

  it("moves a member on its child's Batch event, found through the array's index", async () => {
    const { members } = await anEnsemble(3);
    const { backend, ports } = setup();
    await submitPending(ports, members[0]!.id);
    const parent = [...backend.jobs.values()].find((j) => j.array?.size !== undefined)!;
    const child = backend.move(`${parent.jobId}:2`, 'RUNNING', { startedAt: Date.now() });
    const outcome = await processEvent(
      ports,
      delivered(
        {
          source: BatchJobStateChange.source,
          detailType: BatchJobStateChange.detailType,
          detail: {
            jobId: child.jobId,
            jobName: child.jobName,
            jobQueue: 'arn:aws:batch:us-east-1:123456789012:job-queue/gcr-dev-arm64-spot',
            jobDefinition: 'arn:aws:batch:us-east-1:123456789012:job-definition/gcr-dev-gcclassic-arm64:1',
            status: 'RUNNING',
            attempts: [],
            arrayProperties: { index: 2 },
          },
        },
        POLLER_EVENTS,
      ),
      jobDescriptionFromBatchEvent,
    );
    expect(outcome).toBe('applied');
    expect((await repository.get(members[2]!.id))!.status).toBe('RUNNING');
    expect((await repository.get(members[1]!.id))!.status).toBe('SUBMITTED');
  }, 60_000);

  it('re-attaches an array a crash left unrecorded: no member lost, none submitted twice', async () => {
    const { members } = await anEnsemble(5);
    let crash = true;
    const dying: SimulationRepository = {
      ...repository,
      transition: async (request) => {
        if (crash && request.to === 'SUBMITTED') {
          crash = false;
          throw new Error('process died');
        }
        return repository.transition(request);
      },
    };
    const { backend, ports, clock } = setup({ repository: dying });
    await expect(submitPending(ports, members[0]!.id)).rejects.toThrow('process died');
    // Another member's message while the lease is live: left to the holder.
    await submitPending(ports, members[1]!.id);
    expect(backend.calls.submit).toBe(1);
    // The member left PENDING comes back (the finder's poll) once the lease ran out.
    const left = [];
    for (const member of members)
      if ((await repository.get(member.id))!.status === 'PENDING') left.push(member);
    expect(left).toHaveLength(1);
    clock.now += ARRAY_SUBMIT_LEASE_MS + 1;
    await submitPending(ports, left[0]!.id);
    expect(backend.calls.submit).toBe(1);
    expect(backend.calls.findJobByName).toBe(1);
    const parent = [...backend.jobs.values()].find((j) => j.array?.size !== undefined)!;
    for (const member of members) {
      expect((await repository.get(member.id))!.job?.jobId).toBe(`${parent.jobId}:${member.memberIndex}`);
    }
  }, 60_000);

  it('a holder still recording past its first lease keeps it: a poller arriving then leaves the members to it', async () => {
    const { members } = await anEnsemble(30);
    let interrupted = false;
    let outcome: string | undefined;
    // Each member's write takes ten seconds of the clock (a large array under load: 300 s in
    // all, over twice the lease), and past the first lease another member's poll comes in on a
    // second poller.
    const slow: SimulationRepository = {
      ...repository,
      transition: async (request) => {
        const moved = await repository.transition(request);
        if (request.to !== 'SUBMITTED') return moved;
        clock.now += 10_000;
        if (!interrupted && clock.now - started > ARRAY_SUBMIT_LEASE_MS) {
          interrupted = true;
          const last = (await repository.get(members[members.length - 1]!.id))!;
          outcome = await submitEnsembleArray(second, last, async () => {
            throw new Error('nothing should go alone');
          });
        }
        return moved;
      },
    };
    const { backend, ports, clock } = setup({ repository: slow });
    const second: PollerPorts = { ...ports, repository };
    const started = clock.now;
    await submitPending(ports, members[0]!.id);
    expect(interrupted).toBe(true);
    expect(outcome).toBe('busy');
    expect(backend.calls.submit).toBe(1);
    expect(backend.calls.findJobByName).toBe(0);
    const parent = [...backend.jobs.values()].find((j) => j.array?.size !== undefined)!;
    for (const member of members) {
      expect((await repository.get(member.id))!.job?.jobId).toBe(`${parent.jobId}:${member.memberIndex}`);
    }
  }, 60_000);

  it('a holder whose files outlasted its lease submits nothing once another poller took the members over', async () => {
    const { members } = await anEnsemble(4);
    const { backend, ports, clock } = setup();
    const writeFiles = ports.arrays!.writeFiles;
    let tookOver: string | undefined;
    const slowFiles: PollerPorts = {
      ...ports,
      arrays: {
        ...ports.arrays!,
        writeFiles: async (files) => {
          await writeFiles(files);
          // The bucket was slow: the lease ran out and the next poll's poller took the submission.
          clock.now += ARRAY_SUBMIT_LEASE_MS + 1;
          tookOver = await submitEnsembleArray(ports, (await repository.get(members[1]!.id))!, async () => {
            throw new Error('nothing should go alone');
          });
        },
      },
    };
    const outcome = await submitEnsembleArray(
      slowFiles,
      (await repository.get(members[0]!.id))!,
      async () => {
        throw new Error('nothing should go alone');
      },
    );
    expect(tookOver).toBe('submitted');
    expect(outcome).toBe('busy');
    expect(backend.calls.submit).toBe(1);
    const parent = [...backend.jobs.values()].find((j) => j.array?.size !== undefined)!;
    expect(parent.array?.size).toBe(4);
    for (const member of members) {
      expect((await repository.get(member.id))!.job?.jobId).toBe(`${parent.jobId}:${member.memberIndex}`);
    }
  }, 60_000);

  it('stops the child of a member cancelled while its array was being submitted', async () => {
    const { members } = await anEnsemble(3);
    const cancelled = members[1]!;
    const racing: SimulationRepository = {
      ...repository,
      transition: async (request) => {
        if (request.id === cancelled.id && request.to === 'SUBMITTED') {
          // The owner's cancel lands between the poller's read and its write.
          const current = (await repository.get(cancelled.id))!;
          await repository.transition({
            id: cancelled.id,
            expectedVersion: current.version,
            from: 'PENDING',
            to: 'CANCELLING',
            reason: 'cancel requested by alice',
          });
        }
        return repository.transition(request);
      },
    };
    const { backend, ports } = setup({ repository: racing });
    await submitPending(ports, members[0]!.id);
    const parent = [...backend.jobs.values()].find((j) => j.array?.size !== undefined)!;
    const stored = (await repository.get(cancelled.id))!;
    expect(stored.status).toBe('CANCELLING');
    expect(stored.job?.jobId).toBe(`${parent.jobId}:1`);
    expect(backend.calls.terminate).toBe(1);
    expect(backend.jobs.get(`${parent.jobId}:1`)?.state).toBe('FAILED');
    expect((await repository.get(members[2]!.id))!.status).toBe('SUBMITTED');
  }, 60_000);

  it('submits a retried member alone, as a single job', async () => {
    const { id } = await anEnsemble(2);
    const retry = aSimulation({
      id: memberSimulationId(id, 1, 2),
      ensembleId: id,
      memberIndex: 1,
      retryOf: memberSimulationId(id, 1),
    });
    await repository.create(retry);
    const { backend, ports } = setup();
    await submitPending(ports, retry.id);
    expect(backend.calls.submit).toBe(1);
    expect(backend.only().request.arraySize).toBeUndefined();
    expect((await repository.get(retry.id))!.status).toBe('SUBMITTED');
  }, 60_000);
});
