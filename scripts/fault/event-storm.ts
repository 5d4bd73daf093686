/**
 * The event storm: AWS Batch state-change events for many jobs, each delivered
 * `duplicates` times, shuffled with late copies of earlier states and with
 * forged events, through the poller as its queue delivers them (batches of
 * 10 handled concurrently, several invocations at once, at least once).
 * Expected: exactly one transition per real change, every forged claim
 * ignored, nothing lost.
 *
 * Real parts: dynalite (the table), the poller's domain with its real
 * repository, event parsing and DescribeJobs batching. Batch is in-process
 * (scripts/bench/simulated-batch.ts), so the storm decides when jobs move.
 *
 * Forged events, three kinds per job (each claims the job FAILED):
 * - another stage's queue, our job's id and name (the rule would not route
 *   it; the poller ignores it unread);
 * - our queue named, but the id of another stage's job with our simulation's
 *   name (DescribeJobs shows its real queue: ignored);
 * - our queue, our job: DescribeJobs says what the job really does.
 */
import { createJobQueueFilter } from '#shared/kernel/compute/batch-backend.js';
import { jobNameFor, type JobDescription, type JobState } from '#shared/kernel/compute/backend.js';
import { BatchJobStateChange } from '#shared/kernel/events/catalog.js';
import type { OutgoingEvent } from '#shared/kernel/events/publisher.js';
import { createDynamoSimulationRepository } from '#shared/kernel/repository/simulations.js';
import type { PollerPorts } from '#services/execution-poller/src/domain/ports.js';
import type { BatchEventOutcome } from '#services/execution-poller/src/domain/batch-event.js';
import { submitPending } from '#services/execution-poller/src/domain/submit-pending.js';
import { startLocalDynamo } from '#local/aws/standalone-dynamo.js';
import { SimulatedBatch } from '../bench/simulated-batch.js';
import { AtLeastOnceQueue, audit, createSimulations, eventBody, pollerHandler } from './harness.js';

export interface StormOptions {
  jobs: number;
  /** Deliveries of each real state change. */
  duplicates: number;
  /** Poller invocations at once. */
  concurrency?: number;
}

export interface StormFigures {
  jobs: number;
  eventsIn: number;
  realChanges: number;
  /** Transitions the poller applied (each a published status event). */
  transitionsApplied: number;
  /** Copies and late deliveries of real changes that changed nothing. */
  duplicatesIgnored: number;
  forgedIn: number;
  /** Forged events whose claim was not applied. */
  forgedIgnored: number;
  /** Simulations with a wrong end, a missing or extra transition, or an unpublished event. */
  lost: number;
  deadLettered: number;
  describeCalls: number;
  seconds: number;
  outcomes: Record<string, number>;
}

const STAGE_QUEUES = { spot: 'gcr-storm-x86_64-spot', 'on-demand': 'gcr-storm-x86_64-on-demand' };
const OWN_QUEUE = `arn:aws:batch:us-east-1:000000000000:job-queue/${STAGE_QUEUES.spot}`;
/** Another stage of the same account: its name starts like ours. */
const OTHER_STAGE_QUEUE = 'arn:aws:batch:us-east-1:000000000000:job-queue/gcr-storm2-x86_64-spot';
const PHASES: JobState[] = ['RUNNABLE', 'RUNNING', 'SUCCEEDED'];

/** A `Batch Job State Change` event for `job` as Batch would put it on the default bus. */
function batchEvent(job: JobDescription, overrides: Record<string, unknown> = {}): OutgoingEvent {
  return {
    source: BatchJobStateChange.source,
    detailType: BatchJobStateChange.detailType,
    resources: [`arn:aws:batch:us-east-1:000000000000:job/${job.jobId}`],
    detail: {
      jobArn: `arn:aws:batch:us-east-1:000000000000:job/${job.jobId}`,
      jobId: job.jobId,
      jobName: job.jobName,
      jobQueue: job.jobQueue ?? OWN_QUEUE,
      jobDefinition: 'arn:aws:batch:us-east-1:000000000000:job-definition/gcr-storm-gcclassic-x86_64:1',
      status: job.state,
      attempts: [],
      createdAt: job.createdAt ?? Date.now(),
      ...(job.startedAt !== undefined ? { startedAt: job.startedAt } : {}),
      ...(job.exitCode !== undefined ? { container: { exitCode: job.exitCode } } : {}),
      ...overrides,
    },
  };
}

function shuffle<T>(items: T[]): T[] {
  for (let i = items.length - 1; i > 0; i--) {
    const j = Math.floor(Math.random() * (i + 1));
    [items[i], items[j]] = [items[j]!, items[i]!];
  }
  return items;
}

type Kind = 'real' | 'late' | 'forged';

export async function runEventStorm(options: StormOptions): Promise<StormFigures> {
  const started = performance.now();
  const dynamo = await startLocalDynamo();
  try {
    const repository = createDynamoSimulationRepository(dynamo.documentClient, {
      tableName: dynamo.tableName,
      statusIndexShards: 16,
    });
    const batch = new SimulatedBatch({ jobQueue: OWN_QUEUE });
    const published: OutgoingEvent[] = [];
    const ports: PollerPorts = {
      repository,
      publisher: { publish: async (events) => void published.push(...events) },
      backendFor: (name) => (name === 'aws-batch' ? batch : undefined),
      rateLimiter: { acquire: async () => undefined },
      jobEnvironment: () => ({}),
      isRetryable: (err) => (err as Error).name === 'TooManyRequestsException',
      ownsJobQueue: createJobQueueFilter({
        jobQueues: { arm64: STAGE_QUEUES, x86_64: STAGE_QUEUES },
      }),
      now: Date.now,
    };

    const simulations = await createSimulations(repository, options.jobs, {
      tag: 'storm',
      backend: 'aws-batch',
      now: Date.now(),
    });
    for (const simulation of simulations) await submitPending(ports, simulation.id);
    const ids = simulations.map((s) => s.id);
    const submitted = new Map<string, string>();
    for (let start = 0; start < ids.length; start += 100) {
      for (const s of await repository.getMany(ids.slice(start, start + 100)))
        submitted.set(s.id, s.job!.jobId);
    }
    const jobIds = ids.map((id) => submitted.get(id)!);
    // Another stage's job for each of our simulations: same name, its own queue.
    const foreignIds = ids.map((id) => batch.seed(jobNameFor(id), 'RUNNING', Date.now(), OTHER_STAGE_QUEUE));
    const submissionEvents = published.length;
    const describesBefore = batch.calls.describe;

    const queue = new AtLeastOnceQueue({
      maxReceiveCount: 5,
      batchSize: 10,
      concurrency: options.concurrency ?? 4,
    });
    const handle = pollerHandler(ports);
    const kinds = new Map<string, Kind>();
    /** Forged events, by the simulation whose job they name. */
    const forgedFor = new Map<string, number>();
    const outcomes: Record<string, number> = {};
    const tally = { eventsIn: 0, realOrLateIgnored: 0, forgedIn: 0, applied: 0 };
    const delivered: OutgoingEvent[] = [];

    for (const phase of PHASES) {
      for (const jobId of jobIds) batch.advance(jobId, phase);
      const bodies: string[] = [];
      const add = (event: OutgoingEvent, kind: Kind, simulationId?: string) => {
        const body = eventBody(event);
        kinds.set(body, kind);
        bodies.push(body);
        if (simulationId) forgedFor.set(simulationId, (forgedFor.get(simulationId) ?? 0) + 1);
      };
      jobIds.forEach((jobId, i) => {
        const job = batch.get(jobId)!;
        const real = batchEvent(job);
        for (let copy = 0; copy < options.duplicates; copy++) add(real, 'real');
        const forgedClaim = { status: 'FAILED', container: { exitCode: 1 }, statusReason: 'forged' };
        const simulationId = ids[i]!;
        add(batchEvent(job, { ...forgedClaim, jobQueue: OTHER_STAGE_QUEUE }), 'forged', simulationId);
        add(batchEvent({ ...job, jobId: foreignIds[i]! }, forgedClaim), 'forged', simulationId);
        add(batchEvent(job, forgedClaim), 'forged', simulationId);
        delivered.push(real);
      });
      // Earlier states arrive late, once more each.
      for (const late of delivered.slice(0, delivered.length - jobIds.length)) add(late, 'late');
      shuffle(bodies);
      tally.eventsIn += bodies.length;
      queue.send(...bodies);
      await queue.drain(async (body) => {
        const outcome = (await handle(body)) as BatchEventOutcome;
        const kind = kinds.get(body)!;
        outcomes[`${kind} ${outcome}`] = (outcomes[`${kind} ${outcome}`] ?? 0) + 1;
        if (outcome === 'applied') tally.applied += 1;
        else if (kind !== 'forged') tally.realOrLateIgnored += 1;
        if (kind === 'forged') tally.forgedIn += 1;
      });
    }

    const result = await audit(repository, ids, published, 'SUCCEEDED');
    // A forged claim (FAILED) applied would show in its simulation's history.
    let forgedApplied = 0;
    for (let start = 0; start < ids.length; start += 100) {
      for (const s of await repository.getMany(ids.slice(start, start + 100))) {
        if (s.history.some((h) => h.to === 'FAILED')) forgedApplied += forgedFor.get(s.id) ?? 0;
      }
    }
    return {
      jobs: options.jobs,
      eventsIn: tally.eventsIn,
      realChanges: jobIds.length * PHASES.length,
      transitionsApplied: published.length - submissionEvents,
      duplicatesIgnored: tally.realOrLateIgnored,
      forgedIn: tally.forgedIn,
      forgedIgnored: tally.forgedIn - forgedApplied,
      lost: result.lost.length,
      deadLettered: queue.deadLetters.length,
      describeCalls: batch.calls.describe - describesBefore,
      seconds: (performance.now() - started) / 1000,
      outcomes,
    };
  } finally {
    await dynamo.stop();
  }
}
