import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import fc from 'fast-check';
import {
  createDynamoSimulationRepository,
  type SimulationRepository,
} from '#shared/kernel/repository/simulations.js';
import type { OutgoingEvent } from '#shared/kernel/events/publisher.js';
import type { JobDescription } from '#shared/kernel/compute/backend.js';
import type { PollerPorts } from '#services/execution-poller/src/domain/ports.js';
import { POLLER_EVENTS, processEvent } from '#services/execution-poller/src/domain/process-event.js';
import {
  JOB_VISIBILITY_GRACE_MS,
  observeJob,
  pollSimulations,
} from '#services/execution-poller/src/domain/observe.js';
import { submitPending, SUBMIT_CLAIM_TTL_MS } from '#services/execution-poller/src/domain/submit-pending.js';
import { ABANDONED_EVENT_AGE_MS } from '#shared/kernel/repository/outbox.js';
import { jobDescriptionFromBatchEvent } from '#shared/kernel/compute/batch-backend.js';
import { BatchJobStateChange, DetailType, Source } from '#shared/kernel/events/catalog.js';
import type { Simulation } from '#schemas/generated/types.js';
import { delivered, statusChangedEvent, submittedEvent } from '#test/helpers/events.js';
import { startLocalDynamo } from '#test/helpers/local-dynamodb.js';
import { FakeBackend } from '#test/helpers/fake-backend.js';
import { aSimulation } from '#test/helpers/simulations.js';

let dynamo: Awaited<ReturnType<typeof startLocalDynamo>>;
let repository: SimulationRepository;

beforeAll(async () => {
  dynamo = await startLocalDynamo();
  repository = createDynamoSimulationRepository(dynamo.documentClient, {
    tableName: dynamo.tableName,
    statusIndexShards: 4,
  });
});

afterAll(async () => {
  await dynamo.stop();
});

function setup(options: { repository?: SimulationRepository; clock?: { now: number } } = {}) {
  const backend = new FakeBackend();
  const published: OutgoingEvent[] = [];
  const clock = options.clock ?? { now: Date.now() };
  const ports: PollerPorts = {
    repository: options.repository ?? repository,
    publisher: { publish: async (events) => void published.push(...events) },
    // As on the local platform: Batch's events reach the local backend through the aws-batch adapter.
    backendFor: (name) => (name === 'local' || name === 'aws-batch' ? backend : undefined),
    rateLimiter: { acquire: async () => undefined },
    jobEnvironment: (s) => ({ GCR_SIMULATION_ID: s.id }),
    isRetryable: (err) => (err as Error).name === 'TooManyRequestsException',
    ownsJobQueue: (queue) => /:job-queue\/gcr-dev-/.test(queue),
    now: () => clock.now,
    sleep: async () => undefined,
  };
  const transitions = () =>
    published.map((e) => `${(e.detail as { from: string }).from}->${(e.detail as { to: string }).to}`);
  return { backend, published, ports, clock, transitions };
}

/** The repository of a poller that dies between SubmitJob and recording it (its first SUBMITTED write). */
function diesAtFirstSubmittedWrite(): SimulationRepository {
  let crash = true;
  return {
    ...repository,
    transition: async (request) => {
      if (crash && request.to === 'SUBMITTED') {
        crash = false;
        throw new Error('process died');
      }
      return repository.transition(request);
    },
  };
}

/** A `Batch Job State Change` event as AWS Batch puts it on the default bus (the 2022 detail shape). */
function batchEvent(job: JobDescription, overrides: Record<string, unknown> = {}): OutgoingEvent {
  return {
    source: BatchJobStateChange.source,
    detailType: BatchJobStateChange.detailType,
    detail: {
      jobId: job.jobId,
      jobName: job.jobName,
      jobQueue: 'arn:aws:batch:us-east-1:123456789012:job-queue/gcr-dev-arm64-spot',
      jobDefinition: 'arn:aws:batch:us-east-1:123456789012:job-definition/gcr-dev-gcclassic-arm64:1',
      status: job.state,
      attempts: [],
      ...(job.startedAt !== undefined ? { startedAt: job.startedAt } : {}),
      ...overrides,
    },
  };
}

/** What the submission service does on a cancel request: the transition, then its event. */
async function requestCancel(simulationId: string) {
  const current = (await repository.get(simulationId))!;
  await repository.transition({
    id: simulationId,
    expectedVersion: current.version,
    from: current.status,
    to: 'CANCELLING',
    reason: 'cancel requested by alice',
  });
  return cancelRequested(current);
}

/** What the submission service publishes when a cancel is requested. */
function cancelRequested(simulation: Simulation) {
  return delivered(statusChangedEvent(simulation, 'CANCELLING'), POLLER_EVENTS);
}

async function created() {
  const simulation = aSimulation({
    id: `sim_${Math.random().toString(36).slice(2).padEnd(26, '0').slice(0, 26)}`,
  });
  await repository.create(simulation);
  return simulation;
}

describe('execution poller domain (dynalite + in-memory backend)', () => {
  it('submits a PENDING simulation once even when the message is delivered twice at once', async () => {
    const { backend, ports, transitions } = setup();
    const simulation = await created();
    await Promise.all([submitPending(ports, simulation.id), submitPending(ports, simulation.id)]);
    expect(backend.calls.submit).toBe(1);
    expect(backend.calls.findJobByName).toBe(0); // no earlier claim: no orphan to look for
    expect((await repository.get(simulation.id))?.status).toBe('SUBMITTED');
    expect(transitions()).toEqual(['PENDING->SUBMITTED']);
  });

  it('leaves exactly one job after a crash between submitting and recording it', async () => {
    const clock = { now: Date.now() };
    const { backend, ports } = setup({ repository: diesAtFirstSubmittedWrite(), clock });
    const simulation = await created();
    await expect(submitPending(ports, simulation.id)).rejects.toThrow('process died');
    expect(backend.calls.submit).toBe(1);
    // The redelivered message inside the claim's lifetime does nothing...
    await submitPending(ports, simulation.id);
    expect((await repository.get(simulation.id))?.status).toBe('PENDING');
    // ...after it, the orphan is found by name and recorded, not submitted again.
    clock.now += SUBMIT_CLAIM_TTL_MS + 1;
    await submitPending(ports, simulation.id);
    expect(backend.calls.findJobByName).toBe(1);
    expect(backend.calls.submit).toBe(1);
    const stored = await repository.get(simulation.id);
    expect(stored).toMatchObject({ status: 'SUBMITTED', job: { jobId: backend.only().jobId } });
    expect(stored?.history.at(-1)?.reason).toMatch(/submitted before an interruption/);
  });

  it('reaches the same end with one event per transition when job events come twice and shuffled', async () => {
    await fc.assert(
      fc.asyncProperty(fc.array(fc.nat(), { minLength: 10, maxLength: 10 }), async (order) => {
        const { backend, ports, published } = setup();
        const simulation = await created();
        await submitPending(ports, simulation.id);
        const jobId = backend.only().jobId;
        const states: JobDescription[] = [
          backend.move(jobId, 'RUNNABLE'),
          backend.move(jobId, 'STARTING'),
          backend.move(jobId, 'RUNNING', { startedAt: Date.now() }),
          backend.move(jobId, 'SUCCEEDED', {
            exitCode: 0,
            stoppedAt: Date.now(),
            attempts: [{ exitCode: 0 }],
          }),
        ];
        const deliveries = [...states, ...states].map((job, i) => ({
          job,
          key: order[i % order.length]! + i / 100,
        }));
        deliveries.sort((a, b) => a.key - b.key);
        for (const { job } of deliveries) await observeJob(ports, simulation.id, job);
        const stored = await repository.get(simulation.id);
        expect(stored?.status).toBe('SUCCEEDED');
        const moves = published.map((e) => (e.detail as { to: string }).to);
        expect(new Set(moves).size).toBe(moves.length); // no transition published twice
        expect(moves.at(-1)).toBe('SUCCEEDED');
        expect(stored!.history.length).toBe(moves.length + 1);
      }),
      { numRuns: 15 },
    );
  });

  it('polls up to 100 jobs with one describe call and writes nothing when nothing changed', async () => {
    const { backend, ports, published } = setup();
    const sims = [];
    for (let i = 0; i < 30; i++) sims.push(await created());
    for (const s of sims) await submitPending(ports, s.id);
    for (const job of backend.jobs.values()) backend.move(job.jobId, 'RUNNABLE');
    published.length = 0;
    backend.calls.describe = 0;
    await pollSimulations(
      ports,
      'local',
      sims.map((s) => s.id),
    );
    expect(backend.calls.describe).toBe(1);
    expect(published).toHaveLength(30);
    const versions = await Promise.all(sims.map(async (s) => (await repository.get(s.id))!.version));
    await pollSimulations(
      ports,
      'local',
      sims.map((s) => s.id),
    );
    expect(backend.calls.describe).toBe(2);
    expect(published).toHaveLength(30);
    expect(await Promise.all(sims.map(async (s) => (await repository.get(s.id))!.version))).toEqual(versions);
  });

  it('fails a simulation whose job the backend refuses, saying why, instead of retrying forever', async () => {
    const { backend, ports, transitions } = setup();
    backend.submit = async () => {
      throw Object.assign(new Error('job queue gcr-x does not exist'), { name: 'ClientException' });
    };
    const simulation = await created();
    await submitPending(ports, simulation.id);
    const stored = await repository.get(simulation.id);
    expect(stored?.status).toBe('FAILED');
    expect(stored?.history.at(-1)?.reason).toMatch(/refused the job: job queue gcr-x does not exist/);
    expect(transitions()).toEqual(['PENDING->FAILED']);
  });

  it('loses no status event when publishing fails after the write: the redelivered message publishes it', async () => {
    const { backend, ports, published, clock } = setup();
    const simulation = await created();
    await submitPending(ports, simulation.id);
    const jobId = backend.only().jobId;
    const running = backend.move(jobId, 'RUNNING', { startedAt: clock.now });
    let failNext = true;
    const flaky = {
      ...ports,
      publisher: {
        publish: async (events: OutgoingEvent[]) => {
          if (failNext) {
            failNext = false;
            throw new Error('EventBridge unavailable');
          }
          published.push(...events);
        },
      },
    };
    await expect(observeJob(flaky, simulation.id, running)).rejects.toThrow('EventBridge unavailable');
    expect((await repository.get(simulation.id))?.status).toBe('RUNNING'); // the write happened
    expect(published.map((e) => (e.detail as { to: string }).to)).toEqual(['SUBMITTED']);
    // Redelivered at once, the entry may still be its writer's: nothing goes out twice.
    await observeJob(flaky, simulation.id, running);
    expect(published).toHaveLength(1);
    // The message comes back after its visibility timeout: the abandoned event goes out, once.
    clock.now += ABANDONED_EVENT_AGE_MS + 1;
    await observeJob(flaky, simulation.id, running);
    expect(published.map((e) => (e.detail as { to: string }).to)).toEqual(['SUBMITTED', 'RUNNING']);
    await observeJob(flaky, simulation.id, running);
    expect(published).toHaveLength(2);
    const stored = await repository.get(simulation.id);
    expect(JSON.stringify(stored)).not.toMatch(/outbox/);
  });

  it('retries a throttled describe and loses nothing', async () => {
    const { backend, ports } = setup();
    const simulation = await created();
    await submitPending(ports, simulation.id);
    backend.move(backend.only().jobId, 'RUNNING', { startedAt: Date.now() });
    backend.throttleNext = 2;
    await pollSimulations(ports, 'local', [simulation.id]);
    expect(backend.calls.describe).toBe(3);
    expect((await repository.get(simulation.id))?.status).toBe('RUNNING');
  });

  it('acts on every event its queue receives, as delivered: Submitted, a Batch job state change, Poll Requested', async () => {
    const { backend, ports } = setup();
    const simulation = await created();
    const receive = (event: OutgoingEvent) =>
      processEvent(ports, delivered(event, POLLER_EVENTS), jobDescriptionFromBatchEvent);

    await receive(submittedEvent(simulation));
    expect((await repository.get(simulation.id))?.status).toBe('SUBMITTED');

    const job = backend.move(backend.only().jobId, 'RUNNING', { startedAt: Date.now() });
    await receive({
      source: BatchJobStateChange.source,
      detailType: BatchJobStateChange.detailType,
      detail: {
        jobId: job.jobId,
        jobName: job.jobName,
        jobQueue: 'arn:aws:batch:us-east-1:123456789012:job-queue/gcr-dev-arm64-spot',
        jobDefinition: 'arn:aws:batch:us-east-1:123456789012:job-definition/gcr-dev-gcclassic-arm64:1',
        status: 'RUNNING',
        startedAt: job.startedAt,
        attempts: [],
      },
    });
    const running = (await repository.get(simulation.id))!;
    expect(running.status).toBe('RUNNING');

    backend.move(job.jobId, 'SUCCEEDED', { stoppedAt: Date.now(), exitCode: 0 });
    await receive({
      source: Source.executionFinder,
      detailType: DetailType.SimulationPollRequested,
      detail: {
        schemaVersion: '1',
        backend: 'local',
        requestedAt: new Date().toISOString(),
        simulations: [{ simulationId: simulation.id, status: running.status, version: running.version }],
      },
    });
    expect((await repository.get(simulation.id))?.status).toBe('SUCCEEDED');
  });

  it('cancels a simulation that has no job yet at once, and one with a job through its termination', async () => {
    const { backend, ports, transitions } = setup();
    const early = await created();
    await repository.transition({
      id: early.id,
      expectedVersion: 1,
      from: 'PENDING',
      to: 'CANCELLING',
      reason: 'user',
    });
    await processEvent(ports, cancelRequested(early), jobDescriptionFromBatchEvent);
    expect((await repository.get(early.id))?.status).toBe('CANCELLED');

    const running = await created();
    await submitPending(ports, running.id);
    const jobId = [...backend.jobs.values()].find((j) => j.jobName.endsWith(running.id))!.jobId;
    await observeJob(ports, running.id, backend.move(jobId, 'RUNNING', { startedAt: Date.now() }));
    const current = (await repository.get(running.id))!;
    await repository.transition({
      id: running.id,
      expectedVersion: current.version,
      from: 'RUNNING',
      to: 'CANCELLING',
      reason: 'user',
    });
    await processEvent(ports, cancelRequested(current), jobDescriptionFromBatchEvent);
    expect(backend.calls.terminate).toBe(1);
    await pollSimulations(ports, 'local', [running.id]);
    expect((await repository.get(running.id))?.status).toBe('CANCELLED');
    expect(transitions()).toContain('CANCELLING->CANCELLED');
  });

  it('gives RETRYING, a new attempt, then SUCCEEDED after a spot reclaim', async () => {
    const { backend, ports, transitions } = setup();
    const simulation = await created();
    await submitPending(ports, simulation.id);
    const jobId = backend.only().jobId;
    await observeJob(ports, simulation.id, backend.move(jobId, 'RUNNING', { startedAt: Date.now() }));
    const reclaimed = { statusReason: 'Host EC2 (instance i-0abc) terminated.' };
    await observeJob(ports, simulation.id, backend.move(jobId, 'RUNNABLE', { attempts: [reclaimed] }));
    await observeJob(ports, simulation.id, backend.move(jobId, 'RUNNING', { startedAt: Date.now() }));
    await observeJob(
      ports,
      simulation.id,
      backend.move(jobId, 'SUCCEEDED', { exitCode: 0, attempts: [reclaimed, { exitCode: 0 }] }),
    );
    expect(transitions()).toEqual([
      'PENDING->SUBMITTED',
      'SUBMITTED->RUNNING',
      'RUNNING->RETRYING',
      'RETRYING->RUNNABLE',
      'RUNNABLE->RUNNING',
      'RUNNING->SUCCEEDED',
    ]);
    expect((await repository.get(simulation.id))?.job).toMatchObject({
      attempt: 2,
      attempts: [{ statusReason: reclaimed.statusReason }, { exitCode: 0 }],
    });
  });
  it('terminates the job it just submitted when a cancel came while SubmitJob was in flight, instead of leaving it running untracked', async () => {
    const { backend, ports, transitions } = setup();
    const simulation = await created();
    const submit = backend.submit.bind(backend);
    backend.submit = async (request) => {
      // The cancel lands while Batch is still creating the job: the simulation is
      // CANCELLING, and the cancel cannot find a job yet.
      await processEvent(ports, await requestCancel(simulation.id), jobDescriptionFromBatchEvent);
      expect((await repository.get(simulation.id))?.status).toBe('CANCELLING');
      return submit(request);
    };
    await submitPending(ports, simulation.id);

    const job = backend.only();
    expect(backend.calls.terminate).toBe(1);
    expect(job.state).toBe('FAILED');
    expect((await repository.get(simulation.id))?.job?.jobId).toBe(job.jobId);
    // The terminated job's end finishes the cancel.
    await pollSimulations(ports, 'local', [simulation.id]);
    expect((await repository.get(simulation.id))?.status).toBe('CANCELLED');
    expect(transitions()).toEqual(['CANCELLING->CANCELLED']);
  });

  it('looks the job up by name when a cancel finds no job but an earlier submit claim, before ending CANCELLED', async () => {
    const clock = { now: Date.now() };
    const { backend, ports } = setup({ repository: diesAtFirstSubmittedWrite(), clock });
    const simulation = await created();
    // A poller claims it, submits the job and dies before recording it.
    await expect(submitPending(ports, simulation.id)).rejects.toThrow('process died');
    const job = backend.only();
    expect(job.state).toBe('SUBMITTED');

    await processEvent(ports, await requestCancel(simulation.id), jobDescriptionFromBatchEvent);
    expect(backend.calls.findJobsByName).toBe(1);
    expect(backend.calls.terminate).toBe(1);
    expect(job.state).toBe('FAILED');
    const cancelling = await repository.get(simulation.id);
    expect(cancelling).toMatchObject({ status: 'CANCELLING', job: { jobId: job.jobId } });
    await pollSimulations(ports, 'local', [simulation.id]);
    expect((await repository.get(simulation.id))?.status).toBe('CANCELLED');
  });

  it('keeps a cancelled simulation CANCELLING while a young submit claim may still produce a job, then ends it', async () => {
    const clock = { now: Date.now() };
    const { backend, ports } = setup({ clock });
    const simulation = await created();
    // Claimed (as a submitter does before SubmitJob), and no job is visible yet.
    await repository.update({
      id: simulation.id,
      expectedVersion: 1,
      status: 'PENDING',
      set: { submitClaimedAt: clock.now },
    });
    await processEvent(ports, await requestCancel(simulation.id), jobDescriptionFromBatchEvent);
    expect((await repository.get(simulation.id))?.status).toBe('CANCELLING');
    // Once the claim is past its lifetime no submitter can still be at work: nothing to stop.
    clock.now += SUBMIT_CLAIM_TTL_MS + 1;
    await pollSimulations(ports, 'local', [simulation.id]);
    const stored = await repository.get(simulation.id);
    expect(stored?.status).toBe('CANCELLED');
    expect(backend.calls.findJobsByName).toBe(2);
    expect(backend.jobs.size).toBe(0);
  });

  it('Untracked Batch jobs: a cancel with no recorded job terminates every live job of its name, with or without a submit claim on record, before CANCELLED', async () => {
    const { backend, ports } = setup();
    const simulation = await created();
    // Two jobs of its name that nothing recorded (a submitter that died after SubmitJob, and a
    // second one a takeover submitted before Batch listed the first), and no claim left to say so.
    const request = { jobName: `gcr-${simulation.id}` } as Parameters<FakeBackend['submit']>[0];
    const { jobId: first } = await backend.submit(request);
    const { jobId: second } = await backend.submit(request);
    backend.move(first, 'RUNNING');
    await processEvent(ports, await requestCancel(simulation.id), jobDescriptionFromBatchEvent);
    expect([backend.jobs.get(first)?.state, backend.jobs.get(second)?.state]).toEqual(['FAILED', 'FAILED']);
    expect(await repository.get(simulation.id)).toMatchObject({
      status: 'CANCELLING',
      job: { jobId: second },
    });
    await pollSimulations(ports, 'local', [simulation.id]);
    expect((await repository.get(simulation.id))?.status).toBe('CANCELLED');
  });

  it('gives a freshly submitted job a grace period before DescribeJobs missing it fails the simulation, then says why', async () => {
    const clock = { now: Date.now() };
    const { backend, ports } = setup({ clock });
    const simulation = await created();
    await submitPending(ports, simulation.id);
    // Batch is eventually consistent: the new job is not described yet.
    backend.jobs.clear();
    clock.now += 60_000;
    await pollSimulations(ports, 'local', [simulation.id]);
    expect((await repository.get(simulation.id))?.status).toBe('SUBMITTED');
    clock.now += JOB_VISIBILITY_GRACE_MS;
    await pollSimulations(ports, 'local', [simulation.id]);
    const stored = await repository.get(simulation.id);
    expect(stored?.status).toBe('FAILED');
    expect(stored?.history.at(-1)?.reason).toMatch(
      /^job job-\d+ is lost: the local backend does not know it \(DescribeJobs does not return it, 6 min after it was submitted\)$/,
    );
  });

  it('treats a Batch event as a hint: applies what DescribeJobs says, not what the event says', async () => {
    const { backend, ports } = setup();
    const simulation = await created();
    await submitPending(ports, simulation.id);
    const job = backend.move(backend.only().jobId, 'RUNNING', { startedAt: Date.now() });
    // The event claims the job succeeded; Batch says it runs.
    const outcome = await processEvent(
      ports,
      delivered(batchEvent({ ...job, state: 'SUCCEEDED' }, { container: { exitCode: 0 } }), POLLER_EVENTS),
      jobDescriptionFromBatchEvent,
    );
    expect(outcome).toBe('applied');
    expect(backend.calls.describe).toBe(1);
    expect((await repository.get(simulation.id))?.status).toBe('RUNNING');
  });

  it('ignores forged events from another stage, and jobs it does not track', async () => {
    const { backend, ports, published } = setup();
    const simulation = await created();
    await submitPending(ports, simulation.id);
    const job = backend.only();
    const receive = (event: OutgoingEvent) =>
      processEvent(ports, delivered(event, POLLER_EVENTS), jobDescriptionFromBatchEvent);
    published.length = 0;

    // Another stage's queue (gcr-dev2 is not gcr-dev): not even described.
    const foreign = batchEvent(
      { ...job, state: 'FAILED' },
      { jobQueue: 'arn:aws:batch:us-east-1:123456789012:job-queue/gcr-dev2-arm64-spot' },
    );
    expect(await receive(foreign)).toBe('foreign-queue');
    expect(backend.calls.describe).toBe(0);
    // Our simulation's name, but a job it does not follow (e.g. another stage's, same table id).
    const other = await backend.submit({ ...job.request });
    backend.move(other.jobId, 'FAILED');
    expect(await receive(batchEvent({ ...job, jobId: other.jobId, state: 'FAILED' }))).toBe('untracked');
    // A job name that is none of ours.
    expect(await receive(batchEvent({ ...job, jobName: 'gcr-somebody-else', state: 'FAILED' }))).toBe(
      'not-ours',
    );
    expect((await repository.get(simulation.id))?.status).toBe('SUBMITTED');
    expect(published).toEqual([]);
  });

  it('confirms the Batch events of one message batch with one DescribeJobs call', async () => {
    const { backend, ports } = setup();
    const sims = await Promise.all(Array.from({ length: 10 }, () => created()));
    for (const s of sims) await submitPending(ports, s.id);
    const events = [...backend.jobs.values()].map((j) =>
      delivered(batchEvent(backend.move(j.jobId, 'RUNNABLE')), POLLER_EVENTS),
    );
    backend.calls.describe = 0;
    // As the SQS batch handler runs them: all messages at once.
    const outcomes = await Promise.all(
      events.map((e) => processEvent(ports, e, jobDescriptionFromBatchEvent)),
    );
    expect(outcomes).toEqual(Array(10).fill('applied'));
    expect(backend.calls.describe).toBe(1);
    for (const s of sims) expect((await repository.get(s.id))?.status).toBe('RUNNABLE');
  });
});
