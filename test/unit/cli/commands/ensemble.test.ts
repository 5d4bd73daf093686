/** `gcr ensemble status`'s line (the members' progress as a bar, then the counts by status), and `submit`'s creation bar. */
import { describe, expect, it } from '@jest/globals';
import { creationLine, ensembleLine, followCreation } from '#cli/commands/ensemble.js';
import { makeColors } from '#cli/format.js';

describe('ensembleLine', () => {
  it('shows the mean progress and the counts by status, in a stable order', () => {
    expect(
      ensembleLine({ progress: 42, counts: { RUNNING: 10, FAILED: 2, SUCCEEDED: 8 } }, makeColors(false)),
    ).toBe('[########------------]  42.0%  FAILED 2 · RUNNING 10 · SUCCEEDED 8');
  });
});

/** `gcr ensemble submit` of a large ensemble: the creation bar until every member exists. */
describe('creation progress', () => {
  const creating = (membersCreated: number) => ({
    id: 'ens_01jd3k9x2m4q8r7t6v5w3y1z0a',
    status: 'CREATING' as const,
    creation: {
      status: 'CREATING' as const,
      membersTotal: 1000,
      membersCreated,
      batchSize: 250,
      startedAt: '2026-12-07T00:00:00Z',
    },
  });

  it('draws members created of total as a bar', () => {
    expect(creationLine(creating(250).creation)).toBe(
      'creating [#####---------------]  25.0%  250 of 1000 members',
    );
  });

  it('redraws until the creation is complete, then answers the ensemble', async () => {
    const answers = [creating(500), creating(1000), { ...creating(1000), status: 'ACTIVE' }];
    const lines: string[] = [];
    const ctx = { json: false, out: (line: string) => void lines.push(line), colors: makeColors(false) };
    const client = { getEnsemble: async () => answers.shift() };
    const done = await followCreation(ctx as never, client as never, creating(0) as never, 0.001);
    expect(done.status).toBe('ACTIVE');
    expect(lines.map((l) => l.slice(10))).toEqual([
      'creating [--------------------]  0.0%  0 of 1000 members',
      'creating [##########----------]  50.0%  500 of 1000 members',
      'creating [####################]  100.0%  1000 of 1000 members',
    ]);
  });

  it('fails with the reason when the creation failed', async () => {
    const failed = {
      ...creating(250),
      status: 'CREATION_FAILED',
      creation: { ...creating(250).creation, status: 'FAILED', reason: 'batch 1 failed 5 times' },
    };
    const ctx = { json: false, out: () => undefined, colors: makeColors(false) };
    const client = { getEnsemble: async () => failed };
    await expect(
      followCreation(ctx as never, client as never, creating(0) as never, 0.001),
    ).rejects.toMatchObject({ code: 'EnsembleCreationFailed', details: ['batch 1 failed 5 times'] });
  });
});
