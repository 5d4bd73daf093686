import { describe, expect, it } from '@jest/globals';
import { DescribeSpotPriceHistoryCommand, EC2Client } from '@aws-sdk/client-ec2';
import { mockClient } from 'aws-sdk-client-mock';
import type { Simulation } from '#schemas/generated/types.js';
import {
  createEc2PriceBook,
  createFixturePriceBook,
} from '#services/cost-tracker/src/adapters/price-book.js';
import { OBSERVED_LAUNCH_SOURCE } from '#services/cost-tracker/src/domain/ports.js';
import { priceSimulation } from '#services/cost-tracker/src/domain/price-simulation.js';
import { aSimulation, storedDemoSpec } from '#test/helpers/simulations.js';

const H = 3_600_000;
// The attempt ran a month ago; "today" the spot price is ten times higher.
const STARTED = Date.UTC(2026, 10, 3, 10);
const STOPPED = STARTED + 2 * H;
const TODAY = Date.UTC(2026, 11, 7, 5);

function finishedSpotRun(): Simulation {
  const spec = storedDemoSpec();
  return aSimulation({
    id: 'sim_SPOTHISTORY0000000000000001',
    backend: 'aws-batch',
    status: 'SUCCEEDED',
    spec: {
      ...spec,
      compute: {
        ...spec.compute,
        instanceType: 'c7g.4xlarge',
        purchase: 'spot',
        vcpus: 16,
        memoryMiB: 16_384,
      },
    } as Simulation['spec'],
    job: {
      jobId: 'job-1',
      jobName: 'gcr-sim',
      attempt: 1,
      state: 'SUCCEEDED',
      startedAt: new Date(STARTED).toISOString(),
      stoppedAt: new Date(STOPPED).toISOString(),
      attempts: [{ startedAt: new Date(STARTED).toISOString(), stoppedAt: new Date(STOPPED).toISOString() }],
    },
  });
}

describe('pricing an attempt observed on AWS', () => {
  it("prices a spot attempt from the price history covering its time, not today's price", async () => {
    const ec2 = mockClient(EC2Client);
    ec2.on(DescribeSpotPriceHistoryCommand).callsFake((input: { StartTime: Date; EndTime: Date }) => ({
      // What EC2 answers for the window asked: the price in force at its start and the changes in it.
      SpotPriceHistory:
        input.StartTime.getTime() <= STARTED && input.EndTime.getTime() >= STOPPED
          ? [
              { Timestamp: new Date(STARTED + H), SpotPrice: '0.30' },
              { Timestamp: new Date(STARTED - 4 * H), SpotPrice: '0.20' },
            ]
          : [{ Timestamp: new Date(TODAY - H), SpotPrice: '3.00' }],
    }));
    const cost = await priceSimulation(
      {
        launches: {
          launchOf: async () => ({
            instanceType: 'c7g.4xlarge',
            availabilityZone: 'us-east-1c',
            purchase: 'spot',
            nodes: 1,
            source: `${OBSERVED_LAUNCH_SOURCE}: job job-1 attempt 1 on i-0abc`,
          }),
        },
        prices: createFixturePriceBook(),
        observedPrices: createEc2PriceBook(new EC2Client({ region: 'us-east-1' })),
        policy: { rootVolumeGiB: 30 },
      },
      finishedSpotRun(),
      undefined,
      new Date(TODAY),
    );
    const [attempt] = cost.attempts;
    expect(ec2.commandCalls(DescribeSpotPriceHistoryCommand)[0]!.args[0].input).toMatchObject({
      InstanceTypes: ['c7g.4xlarge'],
      AvailabilityZone: 'us-east-1c',
      StartTime: new Date(STARTED),
      EndTime: new Date(STOPPED),
    });
    expect(attempt!.price.source).toContain('DescribeSpotPriceHistory');
    expect(attempt!.price.periods).toEqual([
      { from: new Date(STARTED - 4 * H).toISOString(), usdPerHour: 0.2 },
      { from: new Date(STARTED + H).toISOString(), usdPerHour: 0.3 },
    ]);
    // One hour at $0.20 and one at $0.30, the whole instance.
    expect(attempt!.share.applied).toBe(1);
    expect(attempt!.computeUsd).toBeCloseTo(0.5, 6);
    expect(attempt!.launchSource).toContain(OBSERVED_LAUNCH_SOURCE);
    ec2.restore();
  });
});

describe('pricing a paused and resumed run', () => {
  it("counts the earlier job's attempt as stored, numbers the new job's attempts after it, and prices the pause at nothing", async () => {
    const asked: number[] = [];
    const ports = {
      launches: {
        launchOf: async (_simulation: Simulation, attempt: number) => {
          asked.push(attempt);
          return {
            instanceType: 'c7g.4xlarge',
            availabilityZone: 'us-east-1c',
            purchase: 'on-demand' as const,
            nodes: 1,
            source: 'local backend: the job stands in for c7g.4xlarge',
          };
        },
      },
      prices: createFixturePriceBook(),
      policy: { rootVolumeGiB: 30 },
    };
    const paused: Simulation = { ...finishedSpotRun(), status: 'WAITING', backend: 'local' };
    const first = await priceSimulation(ports, paused, undefined, new Date(STOPPED + H));
    expect(first.attempts.map((a) => a.attempt)).toEqual([1]);

    // Resumed a day later as a new job: its Batch attempt 1 is the simulation's attempt 2.
    const resumedAt = STOPPED + 24 * H;
    const resumed: Simulation = {
      ...paused,
      status: 'SUCCEEDED',
      job: {
        jobId: 'job-2',
        jobName: 'gcr-sim',
        attempt: 1,
        attemptsBefore: 1,
        state: 'SUCCEEDED',
        startedAt: new Date(resumedAt).toISOString(),
        stoppedAt: new Date(resumedAt + H).toISOString(),
        attempts: [
          { startedAt: new Date(resumedAt).toISOString(), stoppedAt: new Date(resumedAt + H).toISOString() },
        ],
      },
    };
    asked.length = 0;
    const cost = await priceSimulation(ports, resumed, first, new Date(resumedAt + 2 * H));
    expect(asked).toEqual([1]); // the new job's own attempt 1, as its backend numbers it
    expect(cost.attempts.map((a) => [a.attempt, a.seconds])).toEqual([
      [1, 2 * 3600],
      [2, 3600],
    ]);
    expect(cost.attempts[0]).toEqual(first.attempts[0]);
  });
});
