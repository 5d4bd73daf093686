import { describe, expect, it } from '@jest/globals';
import { NotFoundError } from '#shared/kernel/errors.js';
import type { Caller } from '#shared/kernel/http/identity.js';
import { loadVisibleSimulation } from '#shared/kernel/repository/visible-simulation.js';
import type { Simulation } from '#schemas/generated/types.js';
import { aSimulation } from '#test/helpers/simulations.js';

const caller = (userId: string, isAdmin = false): Caller => ({
  userId,
  groups: isAdmin ? ['admin'] : [],
  isAdmin,
});

describe('loadVisibleSimulation', () => {
  const simulation = aSimulation({ owner: 'alice' });
  const repository = {
    get: async (id: string): Promise<Simulation | undefined> =>
      id === simulation.id ? simulation : undefined,
  };

  it("gives owners their own simulation, and admins anyone's", async () => {
    await expect(loadVisibleSimulation(repository, caller('alice'), simulation.id)).resolves.toBe(simulation);
    await expect(loadVisibleSimulation(repository, caller('root', true), simulation.id)).resolves.toBe(
      simulation,
    );
  });

  it("answers another owner's simulation exactly like a missing one", async () => {
    const theirs = loadVisibleSimulation(repository, caller('bob'), simulation.id);
    await expect(theirs).rejects.toBeInstanceOf(NotFoundError);
    await expect(theirs).rejects.toThrow(`simulation ${simulation.id} not found`);
    const missing = 'sim_0000000000000000000000miss';
    await expect(loadVisibleSimulation(repository, caller('bob'), missing)).rejects.toThrow(
      `simulation ${missing} not found`,
    );
  });

  it('answers an id that is not a simulation id with a 404 naming the parameter, without reading the table', async () => {
    const reads: string[] = [];
    const spy = { get: async (id: string) => (reads.push(id), simulation) };
    for (const [id, field] of [
      ['#ratelimit#batch-api', 'path.id'],
      [`sim_${'a'.repeat(3000)}`, 'path.id'],
      ['sim_MISSING0000000000000000000', 'path.otherId'],
    ] as const) {
      const refused = loadVisibleSimulation(spy, caller('root', true), id, field);
      await expect(refused).rejects.toBeInstanceOf(NotFoundError);
      await expect(refused).rejects.toThrow(
        `${field} must be sim_ followed by 26 lower-case letters and digits`,
      );
    }
    expect(reads).toEqual([]);
  });
});
