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
    await expect(loadVisibleSimulation(repository, caller('bob'), 'sim_missing')).rejects.toThrow(
      'simulation sim_missing not found',
    );
  });
});
