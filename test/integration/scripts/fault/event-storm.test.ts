import { describe, expect, it } from '@jest/globals';
import { runEventStorm } from '#scripts/fault/event-storm.js';

describe('event storm (reduced size; npm run storm runs 1,000 jobs)', () => {
  it('applies exactly one transition per real change of 40 jobs whose events come 10 times, shuffled, with forged ones of another stage ignored', async () => {
    const figures = await runEventStorm({ jobs: 40, duplicates: 10 });
    expect(figures.realChanges).toBe(40 * 3);
    expect(figures.transitionsApplied).toBe(figures.realChanges);
    expect(figures.eventsIn).toBe(figures.realChanges * 10 + 40 * 3 * 3 + 40 * (0 + 1 + 2));
    expect(figures.duplicatesIgnored).toBe(
      figures.eventsIn -
        figures.forgedIn -
        (figures.transitionsApplied - (figures.outcomes['forged applied'] ?? 0)),
    );
    expect(figures.forgedIn).toBe(40 * 3 * 3);
    expect(figures.forgedIgnored).toBe(figures.forgedIn);
    expect(figures.lost).toBe(0);
    expect(figures.deadLettered).toBe(0);
    // Confirmations are batched: far fewer DescribeJobs calls than events.
    expect(figures.describeCalls).toBeLessThan(figures.eventsIn / 5);
  }, 180_000);
});
