import { describe, expect, it } from '@jest/globals';
import {
  getRunDirectory,
  getRunDirectoryFile,
  MAX_RUNDIR_TEXT_BYTES,
  type RunDirectoryPorts,
} from '#services/submission/src/domain/get-run-directory.js';
import { NotFoundError, ValidationError } from '#shared/kernel/errors.js';
import type { Caller } from '#shared/kernel/http/identity.js';
import { aSimulation } from '#test/helpers/simulations.js';

const simulation = aSimulation({ owner: 'owner-1' });
const PREFIX = `simulations/${simulation.id}/rundir/`;
const owner: Caller = { userId: 'owner-1', groups: [], isAdmin: false };
const stranger: Caller = { userId: 'someone-else', groups: [], isAdmin: false };

function ports(objects: Record<string, string | Uint8Array>): RunDirectoryPorts {
  const bytes = (value: string | Uint8Array) =>
    typeof value === 'string' ? new TextEncoder().encode(value) : value;
  return {
    repository: { get: async (id: string) => (id === simulation.id ? simulation : undefined) } as never,
    runDirectories: {
      list: async (prefix) =>
        Object.entries(objects)
          .filter(([key]) => key.startsWith(prefix))
          .map(([key, value]) => ({ path: key.slice(prefix.length), size: bytes(value).length })),
      readHead: async (key, maxBytes) => {
        const value = objects[key];
        if (value === undefined) return undefined;
        const all = bytes(value);
        return {
          body: all.subarray(0, maxBytes),
          size: all.length,
          contentType: 'text/plain; charset=utf-8',
        };
      },
    },
  };
}

describe('run directory of a simulation', () => {
  it('lists the stored files by path with their sizes', async () => {
    const listing = await getRunDirectory(
      ports({
        [`${PREFIX}geoschem_config.yml`]: 'abc',
        [`${PREFIX}HISTORY.rc`]: 'x',
        'simulations/other/rundir/a': 'y',
      }),
      owner,
      simulation.id,
    );
    expect(listing).toEqual({
      simulationId: simulation.id,
      maxTextBytes: MAX_RUNDIR_TEXT_BYTES,
      files: [
        { path: 'geoschem_config.yml', size: 3 },
        { path: 'HISTORY.rc', size: 1 },
      ],
    });
  });

  it("answers another user's run like a missing one (404)", async () => {
    await expect(getRunDirectory(ports({}), stranger, simulation.id)).rejects.toBeInstanceOf(NotFoundError);
    await expect(
      getRunDirectoryFile(ports({ [`${PREFIX}HISTORY.rc`]: 'x' }), stranger, simulation.id, 'HISTORY.rc'),
    ).rejects.toBeInstanceOf(NotFoundError);
  });

  it('answers one file as text, and 404 for a file it does not have', async () => {
    const store = ports({ [`${PREFIX}HISTORY.rc`]: "COLLECTIONS: 'SpeciesConc',\n" });
    expect(await getRunDirectoryFile(store, owner, simulation.id, 'HISTORY.rc')).toEqual({
      simulationId: simulation.id,
      path: 'HISTORY.rc',
      size: 28,
      contentType: 'text/plain; charset=utf-8',
      text: "COLLECTIONS: 'SpeciesConc',\n",
      truncated: false,
    });
    await expect(getRunDirectoryFile(store, owner, simulation.id, 'input.geos')).rejects.toBeInstanceOf(
      NotFoundError,
    );
  });

  it('cuts a file over the limit, without a broken character at the cut', async () => {
    const text = `${'a'.repeat(MAX_RUNDIR_TEXT_BYTES - 1)}é and more`;
    const file = await getRunDirectoryFile(
      ports({ [`${PREFIX}species_database.yml`]: text }),
      owner,
      simulation.id,
      'species_database.yml',
    );
    expect(file.truncated).toBe(true);
    expect(file.size).toBe(new TextEncoder().encode(text).length);
    expect(file.text).toBe('a'.repeat(MAX_RUNDIR_TEXT_BYTES - 1));
  });

  it.each(['..', '../results/manifest.json', 'a/b', '', '%2e%2e'])(
    'refuses the path %j with a 400',
    async (path) => {
      await expect(getRunDirectoryFile(ports({}), owner, simulation.id, path)).rejects.toBeInstanceOf(
        ValidationError,
      );
    },
  );
});
