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
