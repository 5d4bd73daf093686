import { DescribeSpotPriceHistoryCommand, type EC2Client, type _InstanceType } from '@aws-sdk/client-ec2';
import { PRICING_SOURCE, onDemandPricePerHour } from '#shared/science/pricing/ec2-prices.js';
import type { PricePeriod } from '#shared/science/pricing/cost-formulas.js';
import type { PriceBook } from '../domain/ports.js';
import fixture from './local-spot-prices.json' with { type: 'json' };

/** On-demand prices from the dated table in shared/science/pricing/. */
export function onDemandFromTable(instanceType: string): ReturnType<PriceBook['onDemand']> {
  const usdPerHour = onDemandPricePerHour(instanceType);
  return usdPerHour === undefined
    ? undefined
    : { usdPerHour, source: PRICING_SOURCE.source, asOf: PRICING_SOURCE.generatedAt };
}

/**
 * The price book of the local platform (and, until the EC2 adapter exists, of
 * AWS): on-demand from the table, spot from the fixture
 * `local-spot-prices.json` (any zone reads the fixture's one zone).
 */
export function createFixturePriceBook(): PriceBook {
  const table = fixture.prices as Record<string, { from: string; usdPerHour: number }[]>;
  return {
    onDemand: onDemandFromTable,
    async spotHistory(instanceType, _zone, _fromMs, toMs) {
      const entries = table[instanceType] ?? [];
      const periods: PricePeriod[] = entries
        .map((entry) => ({ fromMs: Date.parse(entry.from), usdPerHour: entry.usdPerHour }))
        .filter((period) => period.fromMs <= toMs);
      return { periods, source: `${fixture._source} (${fixture.availabilityZone})` };
    },
  };
}

/** DescribeSpotPriceHistory's product for the Linux AMIs Batch's ECS-optimised instances run. */
const SPOT_PRODUCT = 'Linux/UNIX';

/**
 * The price book on AWS: on-demand from the table, spot from EC2's
 * DescribeSpotPriceHistory for the type and zone over [fromMs, toMs] (it
 * answers the price in force at the start and every change after it, newest
 * first, in pages).
 */
export function createEc2PriceBook(ec2: EC2Client): PriceBook {
  return {
    onDemand: onDemandFromTable,
    async spotHistory(instanceType, availabilityZone, fromMs, toMs) {
      const periods: PricePeriod[] = [];
      let NextToken: string | undefined;
      do {
        const answer = await ec2.send(
          new DescribeSpotPriceHistoryCommand({
            InstanceTypes: [instanceType as _InstanceType],
            AvailabilityZone: availabilityZone,
            ProductDescriptions: [SPOT_PRODUCT],
            StartTime: new Date(fromMs),
            EndTime: new Date(toMs),
            ...(NextToken ? { NextToken } : {}),
          }),
        );
        for (const entry of answer.SpotPriceHistory ?? []) {
          if (!entry.Timestamp || entry.SpotPrice === undefined) continue;
          periods.push({ fromMs: entry.Timestamp.getTime(), usdPerHour: Number(entry.SpotPrice) });
        }
        NextToken = answer.NextToken || undefined;
      } while (NextToken);
      periods.sort((a, b) => a.fromMs - b.fromMs);
      return {
        periods,
        source: `EC2 DescribeSpotPriceHistory (${SPOT_PRODUCT}, ${availabilityZone})`,
      };
    },
  };
}
