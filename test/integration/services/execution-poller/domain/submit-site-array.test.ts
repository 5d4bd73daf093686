/**
 * An ensemble's PENDING members on a Slurm site as ONE job array through its
 * agent (submit-site-array.ts), on dynalite with the real slurm backend over
 * in-memory sites, site jobs and site queues: one submitArray work message
 * for every member (the site's throttle with it) however many Submitted
 * events arrive at once, each member recorded SUBMITTED under its own job; a
 * crash before the members are recorded sends nothing again; a retried
 * member goes alone.
 */
import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { createSlurmBackend } from '#shared/kernel/compute/slurm-backend.js';
import type { OutgoingEvent } from '#shared/kernel/events/publisher.js';
import { createDynamoEnsembleArrayStore } from '#shared/kernel/repository/ensemble-arrays.js';
import { memberSimulationId } from '#shared/kernel/repository/ensembles.js';
import {
  createDynamoSimulationRepository,
  type SimulationRepository,
} from '#shared/kernel/repository/simulations.js';
import type { PollerPorts } from '#services/execution-poller/src/domain/ports.js';
import { POLLER_EVENTS, processEvent } from '#services/execution-poller/src/domain/process-event.js';
import { ARRAY_SUBMIT_LEASE_MS } from '#services/execution-poller/src/domain/submit-array.js';
import { submitPending } from '#services/execution-poller/src/domain/submit-pending.js';
import { jobDescriptionFromBatchEvent } from '#shared/kernel/compute/batch-backend.js';
import type { SiteArrayWork, SiteJobWork } from '#schemas/generated/types.js';
import { delivered, submittedEvent } from '#test/helpers/events.js';
import { aPendingEnsemble } from '#test/helpers/ensembles.js';
import { startLocalDynamo } from '#test/helpers/local-dynamodb.js';
import { aSimulation, storedDemoSpec } from '#test/helpers/simulations.js';
import { memorySiteJobs, memorySiteQueues, memorySites } from '#test/helpers/sites.js';

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

const spec = storedDemoSpec({ compute: { backend: 'slurm', site: 'cannon' } });
/** An ensemble item and its members, PENDING. */
function anEnsemble(size: number) {
  return aPendingEnsemble(dynamo, repository, size, { backend: 'slurm', spec });
}

function setup(options: { repository?: SimulationRepository } = {}) {
  const sites = memorySites();
  sites.map.set('cannon', {
    name: 'cannon',
    partitions: [{ name: 'debug', maxTimeMinutes: 1440, maxCpus: 64, maxMemoryMiB: 256_000 }],
    maxConcurrentJobs: 2,
    updatedAt: new Date().toISOString(),
    updatedBy: 'ada',
    credentials: {},
  });
  const queues = memorySiteQueues();
  const backend = createSlurmBackend({ sites, siteJobs: memorySiteJobs(), queues, silentAfterMs: 180_000 });
  const published: OutgoingEvent[] = [];
  const clock = { now: Date.now() };
  const ports: PollerPorts = {
    repository: options.repository ?? repository,
    publisher: { publish: async (events) => void published.push(...events) },
    backendFor: (name) => (name === 'slurm' ? backend : undefined),
    rateLimiter: { acquire: async () => undefined },
    jobEnvironment: (s) => ({ GCR_SIMULATION_ID: s.id, GCR_SPEC: JSON.stringify(s.spec) }),
    isRetryable: () => false,
    ownsJobQueue: () => true,
    now: () => clock.now,
    sleep: async () => undefined,
    arrays: {
      store: createDynamoEnsembleArrayStore(dynamo.documentClient, dynamo.tableName),
      writeFiles: () => Promise.reject(new Error('a site array writes no array files')),
      readIndex: () => Promise.reject(new Error('a site array has no index')),
      uriOf: (prefix) => `s3://results/${prefix}`,
    },
  };
  const sent = () => (queues.sent.get('cannon') ?? []) as (SiteArrayWork | SiteJobWork)[];
  const submittedEvents = (id: string) =>
    published.filter(
      (e) =>
        (e.detail as { simulationId: string }).simulationId === id &&
        (e.detail as { to?: string }).to === 'SUBMITTED',
    ).length;
  return { ports, clock, sent, submittedEvents };
}

describe('ensemble members on a Slurm site as one job array', () => {
  it('sends ONE submitArray (throttle %2) for 10 members however many Submitted events arrive at once; each member SUBMITTED under its own job', async () => {
    const { id, members } = await anEnsemble(10);
    const { ports, sent, submittedEvents } = setup();
    await Promise.all(
      members.map((m) =>
        processEvent(ports, delivered(submittedEvent(m), POLLER_EVENTS), jobDescriptionFromBatchEvent),
      ),
    );
    expect(sent()).toHaveLength(1);
    const [message] = sent() as SiteArrayWork[];
    expect(message).toMatchObject({
      kind: 'submitArray',
      ensembleId: id,
      arrayJobName: `gcr-${id}-arr1`,
      maxRunning: 2,
      job: { partition: 'debug' },
    });
    expect(message!.members.map((m) => m.simulationId)).toEqual(members.map((m) => m.id));
    for (const member of members) {
      const stored = (await repository.get(member.id))!;
      expect(stored.status).toBe('SUBMITTED');
      expect(stored.job).toMatchObject({ jobId: `gcr-${member.id}`, jobName: `gcr-${member.id}` });
      expect(stored.history.at(-1)?.reason).toMatch(
        /^task \d of Slurm job array gcr-ens_\w+-arr1 \(10 members/,
      );
      expect(submittedEvents(member.id)).toBe(1);
    }
  }, 60_000);

  it('sends nothing again after a crash before the members were recorded: the next poller records them', async () => {
    const { members } = await anEnsemble(4);
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
    const { ports, clock, sent } = setup({ repository: dying });
    await expect(submitPending(ports, members[0]!.id)).rejects.toThrow('process died');
    const left = [];
    for (const member of members)
      if ((await repository.get(member.id))!.status === 'PENDING') left.push(member);
    expect(left).toHaveLength(1);
    clock.now += ARRAY_SUBMIT_LEASE_MS + 1;
    await submitPending(ports, left[0]!.id);
    expect(sent()).toHaveLength(1);
    for (const member of members) expect((await repository.get(member.id))!.status).toBe('SUBMITTED');
  }, 60_000);

  it('submits a retried member alone, as a single submit', async () => {
    const { id } = await anEnsemble(2);
    const retry = aSimulation({
      id: memberSimulationId(id, 1, 2),
      ensembleId: id,
      memberIndex: 1,
      retryOf: memberSimulationId(id, 1),
      backend: 'slurm',
      spec,
    });
    await repository.create(retry);
    const { ports, sent } = setup();
    await submitPending(ports, retry.id);
    expect(sent()).toEqual([expect.objectContaining({ kind: 'submit', simulationId: retry.id })]);
    expect((await repository.get(retry.id))!.status).toBe('SUBMITTED');
  }, 60_000);
});
