/** `gcr ensemble status`'s line: the members' progress as a bar, then the counts by status. */
import { describe, expect, it } from '@jest/globals';
import { ensembleLine } from '#cli/commands/ensemble.js';
import { makeColors } from '#cli/format.js';

describe('ensembleLine', () => {
  it('shows the mean progress and the counts by status, in a stable order', () => {
    expect(
      ensembleLine({ progress: 42, counts: { RUNNING: 10, FAILED: 2, SUCCEEDED: 8 } }, makeColors(false)),
    ).toBe('[########------------]  42.0%  FAILED 2 · RUNNING 10 · SUCCEEDED 8');
  });
});
