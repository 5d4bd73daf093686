import { describe, expect, it } from '@jest/globals';
import { createSimulation } from '../../../services/submission/src/domain/create-simulation.js';
import type { SubmissionPorts } from '../../../services/submission/src/domain/ports.js';
import { ValidationError } from '../../../shared/errors.js';
import type { SimulationRepository } from '../../../shared/repository/simulations.js';
import { exampleSpec } from '../../helpers/specs.js';

const caller = { userId: 'u1', groups: [], isAdmin: false };

/** Only what createSimulation calls; anything else would fail the test loudly. */
function ports(published: unknown[] = [], publishFails = false): SubmissionPorts {
  const stored = new Map<string, unknown>();
  const repository = {
    countActiveByOwner: async () => 0,
    getWithInternals: async () => undefined,
    create: async (simulation: { id: string }) => {
      stored.set(simulation.id, simulation);
      return 'created' as const;
    },
  } as unknown as SimulationRepository;
  return {
    repository,
    publisher: {
      publish: async (events) => {
        if (publishFails) throw new Error('EventBridge is down');
        published.push(...events);
      },
    },
    now: () => new Date('2026-11-22T00:00:00Z'),
  };
}

describe('creating a simulation', () => {
  it('refuses the local backend where jobs cannot run locally, naming the field', async () => {
    const attempt = createSimulation(
      ports(),
      { maxActivePerOwner: 20, localBackendEnabled: false },
      { caller, body: exampleSpec() },
    );
    await expect(attempt).rejects.toBeInstanceOf(ValidationError);
    await expect(attempt).rejects.toMatchObject({ issues: [{ field: 'compute.backend' }] });
  });

  it('stores a PENDING simulation and publishes Simulation Submitted', async () => {
    const published: { detailType: string }[] = [];
    const result = await createSimulation(
      ports(published),
      { maxActivePerOwner: 20, localBackendEnabled: true },
      { caller, body: exampleSpec() },
    );
    expect(result.simulation).toMatchObject({ status: 'PENDING', owner: 'u1', version: 1 });
    expect(published.map((e) => e.detailType)).toEqual(['Simulation Submitted']);
  });

  it('still accepts the simulation when the event cannot be published (the finder will find it)', async () => {
    const failures: string[] = [];
    const p = { ...ports([], true), onPublishFailure: (_err: unknown, id: string) => void failures.push(id) };
    const result = await createSimulation(
      p,
      { maxActivePerOwner: 20, localBackendEnabled: true },
      { caller, body: exampleSpec() },
    );
    expect(result.simulation.status).toBe('PENDING');
    expect(failures).toEqual([result.simulation.id]);
  });
});
