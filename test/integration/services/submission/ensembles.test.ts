/**
 * Ensembles in the submission service, on dynalite: a 20-member ensemble is
 * created with member ids derived from its own, its roll-up counts by status
 * and sums cost, a failed member is retried alone as its next attempt (the
 * roll-up follows it, the failed one keeps its history), cancel reaches every
 * active member, a replay writes nothing twice, and another owner gets 404s.
 */
import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import {
  cancelEnsemble,
  createEnsemble,
  getEnsemble,
  retryEnsemble,
  retrySimulation,
  type EnsemblePorts,
} from '#services/submission/src/domain/ensembles.js';
import type { PutObjectInput } from '#services/submission/src/domain/ports.js';
import { NotFoundError, ValidationError } from '#shared/kernel/errors.js';
import { createDynamoEnsembleStore, memberSimulationId } from '#shared/kernel/repository/ensembles.js';
import {
  createDynamoSimulationRepository,
  type SimulationRepository,
} from '#shared/kernel/repository/simulations.js';
import { startLocalDynamo } from '#test/helpers/local-dynamodb.js';
import { aSimulation } from '#test/helpers/simulations.js';
import { exampleSpec } from '#test/helpers/specs.js';

let dynamo: Awaited<ReturnType<typeof startLocalDynamo>>;
let repository: SimulationRepository;
let ports: EnsemblePorts;
const bucket = new Map<string, PutObjectInput>();
const published: { detail: { simulationId: string } }[] = [];
const alice = { userId: 'alice', username: 'alice', groups: [], isAdmin: false };
const bob = { userId: 'bob', groups: [], isAdmin: false };

beforeAll(async () => {
  dynamo = await startLocalDynamo();
  repository = createDynamoSimulationRepository(dynamo.documentClient, {
    tableName: dynamo.tableName,
    statusIndexShards: 4,
  });
  ports = {
    repository,
    ensembles: createDynamoEnsembleStore(dynamo.documentClient, dynamo.tableName),
    publisher: {
      publish: async (events) => void published.push(...(events as unknown as (typeof published)[number][])),
    },
    objects: { putObject: async (input) => void bucket.set(input.key, input) },
    now: () => new Date(),
  };
}, 60_000);

afterAll(async () => {
  await dynamo?.stop();
});

const box = (lon: number) => ({ lonMin: lon, lonMax: lon + 10, latMin: 0, latMax: 30 });

function jacobianRequest(elements: number) {
  return {
    name: 'sf6 jacobian',
    base: exampleSpec(),
    sweep: {
      perturbation: {
        species: 'SF6',
        factor: 1.5,
        elements: Array.from({ length: elements }, (_, i) => box(-180 + 18 * i)),
      },
    },
  };
}

async function fail(id: string, reason: string): Promise<void> {
  const simulation = (await repository.get(id))!;
  await repository.transition({
    id,
    expectedVersion: simulation.version,
    from: simulation.status,
    to: 'FAILED',
    reason,
  });
}

describe('ensembles in the submission service', () => {
  it('creates 20 members PENDING with derived ids, run directories with their HEMCO scale factors, one Submitted event each', async () => {
    const { ensemble, replayed } = await createEnsemble(
      ports,
      { localBackendEnabled: true },
      { caller: alice, body: jacobianRequest(19), idempotencyKey: 'jac-1' },
    );
    expect(replayed).toBe(false);
    expect(ensemble).toMatchObject({
      memberCount: 20,
      hasBaseMember: true,
      perturbationFactor: 1.5,
      status: 'ACTIVE',
      counts: { PENDING: 20 },
      progress: 0,
    });
    expect(ensemble.members!.map((m) => m.simulationId)).toEqual(
      Array.from({ length: 20 }, (_, i) => memberSimulationId(ensemble.id, i)),
    );
    const member3 = (await repository.get(memberSimulationId(ensemble.id, 3)))!;
    expect(member3).toMatchObject({
      ensembleId: ensemble.id,
      memberIndex: 3,
      memberLabel: 'element3',
      status: 'PENDING',
    });
    const hemco = bucket.get(`simulations/${member3.id}/rundir/HEMCO_Config.rc`)!.body;
    expect(hemco).toContain('\n9000 GCR_SF_element3 1.5 - - - xy 1 1 9500\n');
    expect(hemco).toContain('\n9500 GCR_MASK_element3 -144/0/-134/30 - 2000/1/1/0 C xy 1 1 -144/0/-134/30\n');
    expect(
      bucket.get(`simulations/${memberSimulationId(ensemble.id, 0)}/rundir/HEMCO_Config.rc`)!.body,
    ).not.toContain('GCR_SF_');
    const ids = published.map((e) => e.detail.simulationId);
    expect(new Set(ids).size).toBe(20);

    // The same key again: the same ensemble, nothing written or published twice.
    const again = await createEnsemble(
      ports,
      { localBackendEnabled: true },
      { caller: alice, body: jacobianRequest(19), idempotencyKey: 'jac-1' },
    );
    expect([again.replayed, again.ensemble.id, published.length]).toEqual([true, ensemble.id, 20]);
  }, 120_000);

  it('retries a failed member alone, as its next attempt that the roll-up follows', async () => {
    const { ensemble } = await createEnsemble(
      ports,
      { localBackendEnabled: true },
      { caller: alice, body: jacobianRequest(4) },
    );
    const failedId = memberSimulationId(ensemble.id, 2);
    await fail(failedId, 'model failure: exit code 3');
    let rolled = await getEnsemble(ports, alice, ensemble.id);
    expect(rolled.counts).toEqual({ PENDING: 4, FAILED: 1 });

    const { ensemble: after, retried } = await retryEnsemble(ports, alice, ensemble.id);
    const nextId = memberSimulationId(ensemble.id, 2, 2);
    expect(retried).toEqual([nextId]);
    expect(after.counts).toEqual({ PENDING: 5 });
    expect(after.members![2]).toMatchObject({ memberIndex: 2, simulationId: nextId, status: 'PENDING' });
    const next = (await repository.get(nextId))!;
    expect(next).toMatchObject({ retryOf: failedId, memberIndex: 2, ensembleId: ensemble.id });
    expect(next.history[0]!.reason).toMatch(
      /^retry of member 2 .*attempt 2.*replacing .*FAILED: model failure: exit code 3$/,
    );
    expect((await repository.get(failedId))!.status).toBe('FAILED');

    // Retrying again changes nothing (no failed member now); asking for the old one answers the new attempt.
    expect((await retryEnsemble(ports, alice, ensemble.id)).retried).toEqual([]);
    expect(await retrySimulation(ports, { maxActivePerOwner: 20 }, alice, failedId)).toMatchObject({
      replayed: true,
      simulation: { id: nextId },
    });

    rolled = await getEnsemble(ports, alice, ensemble.id, { status: 'PENDING', limit: 2 });
    expect(rolled.members!.map((m) => m.memberIndex)).toEqual([0, 1]);
    expect(rolled.nextCursor).toBe('2');
  }, 120_000);

  it('retries a failed simulation that is no member as a new simulation, once', async () => {
    const plain = aSimulation({ owner: 'alice' });
    await repository.create(plain);
    await fail(plain.id, 'infrastructure failure: host lost');
    const first = await retrySimulation(ports, { maxActivePerOwner: 20 }, alice, plain.id);
    expect(first.replayed).toBe(false);
    expect(first.simulation).toMatchObject({ status: 'PENDING', retryOf: plain.id });
    const second = await retrySimulation(ports, { maxActivePerOwner: 20 }, alice, plain.id);
    expect([second.replayed, second.simulation.id]).toEqual([true, first.simulation.id]);
    await expect(
      retrySimulation(ports, { maxActivePerOwner: 20 }, alice, first.simulation.id),
    ).rejects.toThrow(/PENDING; only FAILED or TIMED_OUT/);
  }, 120_000);

  it('cancels every active member, and hides an ensemble from another owner', async () => {
    const { ensemble } = await createEnsemble(
      ports,
      { localBackendEnabled: true },
      { caller: alice, body: jacobianRequest(3) },
    );
    await fail(memberSimulationId(ensemble.id, 1), 'model failure');
    const cancelled = await cancelEnsemble(ports, alice, ensemble.id);
    expect(cancelled.counts).toEqual({ CANCELLING: 3, FAILED: 1 });
    await expect(getEnsemble(ports, bob, ensemble.id)).rejects.toThrow(NotFoundError);
    await expect(cancelEnsemble(ports, bob, ensemble.id)).rejects.toThrow(NotFoundError);
    await expect(getEnsemble(ports, alice, 'ens_nope')).rejects.toThrow(/path.id must be ens_/);
  }, 120_000);

  it('refuses a sweep whose member HEMCO_Config.rc cannot take, naming the member', async () => {
    const body = {
      name: 'bad',
      base: exampleSpec(),
      sweep: { list: [{}, { scaleFactors: [{ inventories: ['NO_SUCH_'], factor: 2 }] }] },
    };
    const error = await createEnsemble(ports, { localBackendEnabled: true }, { caller: alice, body }).catch(
      (e: unknown) => e,
    );
    expect(error).toBeInstanceOf(ValidationError);
    expect((error as ValidationError).issues.map((i) => i.field)).toEqual([
      'members[1].emissions.scaleFactors[0]',
    ]);
  }, 60_000);
});
