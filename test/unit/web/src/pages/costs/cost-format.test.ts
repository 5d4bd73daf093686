import { describe, expect, it } from 'vitest';
import {
  budgetProgress,
  costQueryFromSearch,
  formatUsd,
  parseThresholds,
  recentMonths,
  searchFromCostQuery,
} from '../../../../../../web/src/pages/costs/cost-format.js';

const NOW = new Date(Date.UTC(2026, 11, 7, 9));

describe('cost-format', () => {
  it('reads the month, grouping and owner from the URL and writes them back', () => {
    const query = costQueryFromSearch(new URLSearchParams('month=2026-11&by=instanceType&owner=bob'), NOW);
    expect(query).toEqual({ month: '2026-11', groupBy: 'instanceType', owner: 'bob' });
    expect(searchFromCostQuery(query).toString()).toBe('month=2026-11&by=instanceType&owner=bob');
  });

  it('falls back to this month by tag for a missing or wrong query', () => {
    expect(costQueryFromSearch(new URLSearchParams('month=2026-13&by=colour&owner='), NOW)).toEqual({
      month: '2026-12',
      groupBy: 'tag',
      owner: undefined,
    });
  });

  it('lists this month and the eleven before it, across the year', () => {
    const months = recentMonths(NOW);
    expect(months).toHaveLength(12);
    expect([months[0], months[11]]).toEqual(['2026-12', '2026-01']);
    expect(recentMonths(new Date(Date.UTC(2027, 0, 31)), 2)).toEqual(['2027-01', '2026-12']);
  });

  it('puts spend in % of the limit, caps the bar at 100 and marks the thresholds reached', () => {
    expect(
      budgetProgress({ limitUsd: 200, spentUsd: 130, thresholds: [100, 50, 80], crossedThresholds: [50] }),
    ).toEqual({
      percent: 65,
      fill: 65,
      exhausted: false,
      thresholds: [
        { percent: 50, crossed: true },
        { percent: 80, crossed: false },
        { percent: 100, crossed: false },
      ],
    });
    expect(
      budgetProgress({ limitUsd: 10, spentUsd: 12.5, thresholds: [100], crossedThresholds: [100] }),
    ).toMatchObject({ percent: 125, fill: 100, exhausted: true });
  });

  it('shows cents, and a fraction of a cent with two significant digits rather than $0.00', () => {
    expect([formatUsd(1234.5), formatUsd(0), formatUsd(0.000314), formatUsd(0.01)]).toEqual([
      '$1,234.50',
      '$0.00',
      '$0.00031',
      '$0.01',
    ]);
  });

  it('parses thresholds written with commas, spaces or % signs, and refuses words', () => {
    expect(parseThresholds('50, 80 100%')).toEqual([50, 80, 100]);
    expect(parseThresholds('half')).toBeUndefined();
    expect(parseThresholds('  ')).toBeUndefined();
  });
});
