/**
 * bench:ensemble at a reduced size (50 members, no throttling): the call
 * counts it reports, not its times. As one array job, one SubmitJob for every
 * member; one job each, one per member; either way the polls stay within one
 * DescribeJobs per 100 members a cycle and under Batch's 50 calls a second,
 * and every member ends.
 */
import { describe, expect, it } from '@jest/globals';
import { runEnsembleBench } from '#scripts/bench/ensemble.js';

describe('bench:ensemble, reduced', () => {
  it('submits 50 members with one SubmitJob as an array, 50 without, and polls within the DescribeJobs budget', async () => {
    const array = await runEnsembleBench(50, true, { throttleShare: 0 });
    expect(array).toMatchObject({ members: 50, submitJobCalls: 1 });
    expect(array.describeJobsCalls).toBeLessThanOrEqual(array.describeBudget);
    expect(array.peakDescribePerSecond).toBeLessThanOrEqual(50);

    const single = await runEnsembleBench(50, false, { throttleShare: 0 });
    expect(single).toMatchObject({ members: 50, submitJobCalls: 50 });
    expect(single.describeJobsCalls).toBeLessThanOrEqual(single.describeBudget);
  }, 120_000);
});
