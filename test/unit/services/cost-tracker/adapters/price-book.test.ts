import { beforeEach, describe, expect, it } from '@jest/globals';
import { DescribeSpotPriceHistoryCommand, EC2Client } from '@aws-sdk/client-ec2';
import { mockClient } from 'aws-sdk-client-mock';
import { createEc2PriceBook } from '#services/cost-tracker/src/adapters/price-book.js';

const ec2 = mockClient(EC2Client);

beforeEach(() => {
  ec2.reset();
});

describe('EC2 price book', () => {
  it('asks DescribeSpotPriceHistory for the type and zone over the attempt, every page, oldest first', async () => {
    const from = Date.UTC(2026, 10, 3, 10);
    const to = Date.UTC(2026, 10, 3, 14);
    ec2
      .on(DescribeSpotPriceHistoryCommand)
      .resolvesOnce({
        SpotPriceHistory: [{ Timestamp: new Date(Date.UTC(2026, 10, 3, 12)), SpotPrice: '0.3100' }],
        NextToken: 'page-2',
      })
      .resolvesOnce({
        SpotPriceHistory: [{ Timestamp: new Date(Date.UTC(2026, 10, 3, 9, 30)), SpotPrice: '0.2500' }],
      });
    const history = await createEc2PriceBook(new EC2Client({ region: 'us-east-1' })).spotHistory(
      'c7g.4xlarge',
      'us-east-1c',
      from,
      to,
    );
    expect(history.periods).toEqual([
      { fromMs: Date.UTC(2026, 10, 3, 9, 30), usdPerHour: 0.25 },
      { fromMs: Date.UTC(2026, 10, 3, 12), usdPerHour: 0.31 },
    ]);
    expect(history.source).toContain('DescribeSpotPriceHistory');
    const calls = ec2.commandCalls(DescribeSpotPriceHistoryCommand).map((c) => c.args[0].input);
    expect(calls[0]).toEqual({
      InstanceTypes: ['c7g.4xlarge'],
      AvailabilityZone: 'us-east-1c',
      ProductDescriptions: ['Linux/UNIX'],
      StartTime: new Date(from),
      EndTime: new Date(to),
    });
    expect(calls[1]).toMatchObject({ NextToken: 'page-2' });
  });
});
