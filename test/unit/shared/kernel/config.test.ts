import { describe, expect, it } from '@jest/globals';
import { EnvReader } from '#shared/kernel/config.js';
import { ConfigError } from '#shared/kernel/errors.js';

describe('EnvReader', () => {
  it("reads the simulations table every service uses, with StatusIndex's 16 shards by default", () => {
    const env = new EnvReader({ SIMULATIONS_TABLE: 'gcr-dev-simulations' });
    expect(env.simulationsTable()).toEqual({ tableName: 'gcr-dev-simulations', statusIndexShards: 16 });
    expect(() => env.done()).not.toThrow();
  });

  it('fails at load naming every problem at once: a missing table and shards out of range', () => {
    const env = new EnvReader({ STATUS_INDEX_SHARDS: '1000' });
    env.simulationsTable();
    expect(() => env.done()).toThrow(ConfigError);
    expect(() => env.done()).toThrow(
      'invalid configuration: SIMULATIONS_TABLE is required; STATUS_INDEX_SHARDS must be an integer between 1 and 256, got "1000"',
    );
  });
});
