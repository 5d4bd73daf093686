/** The costs page's pure logic: amounts, months, its query in the URL, a budget's progress. */
import type { Budget, CostReport } from '#schemas/generated/types.js';

export type CostGrouping = CostReport['groupBy'];

export const GROUPINGS: { value: CostGrouping; label: string }[] = [
  { value: 'tag', label: 'Tag' },
  { value: 'simulationType', label: 'Simulation type' },
  { value: 'instanceType', label: 'Instance type' },
  { value: 'owner', label: 'Owner' },
];

export function groupingLabel(groupBy: CostGrouping): string {
  return GROUPINGS.find((grouping) => grouping.value === groupBy)?.label ?? groupBy;
}

const usd = new Intl.NumberFormat('en-US', { style: 'currency', currency: 'USD', minimumFractionDigits: 2 });

// A local demo run costs a fraction of a cent: two significant digits, not "$0.00".
const subCent = new Intl.NumberFormat('en-US', {
  style: 'currency',
  currency: 'USD',
  maximumSignificantDigits: 2,
});

export function formatUsd(amount: number): string {
  return amount !== 0 && Math.abs(amount) < 0.01 ? subCent.format(amount) : usd.format(amount);
}

/** YYYY-MM of a date, in UTC (budgets and reports count calendar months in UTC). */
export function monthOf(date: Date): string {
  return date.toISOString().slice(0, 7);
}

/** This month and the `count - 1` before it, newest first. */
export function recentMonths(now: Date, count = 12): string[] {
  return Array.from({ length: count }, (_, back) =>
    monthOf(new Date(Date.UTC(now.getUTCFullYear(), now.getUTCMonth() - back, 1))),
  );
}

export function monthLabel(month: string): string {
  const [year, monthNumber] = month.split('-').map(Number);
  return new Date(Date.UTC(year!, monthNumber! - 1, 1)).toLocaleString('en-US', {
    month: 'long',
    year: 'numeric',
    timeZone: 'UTC',
  });
}

export interface CostQuery {
  month: string;
  groupBy: CostGrouping;
  /** An admin's owner filter; undefined: every owner's. */
  owner: string | undefined;
}

const MONTH = /^\d{4}-(0[1-9]|1[0-2])$/;

/** The page's query from the URL (`?month=2026-12&by=tag&owner=bob`), defaults for what is missing or wrong. */
export function costQueryFromSearch(search: URLSearchParams, now: Date): CostQuery {
  const month = search.get('month');
  const by = search.get('by');
  const owner = search.get('owner')?.trim();
  return {
    month: month && MONTH.test(month) ? month : monthOf(now),
    groupBy: GROUPINGS.some((g) => g.value === by) ? (by as CostGrouping) : 'tag',
    owner: owner ? owner : undefined,
  };
}

export function searchFromCostQuery(query: CostQuery): URLSearchParams {
  const search = new URLSearchParams({ month: query.month, by: query.groupBy });
  if (query.owner) search.set('owner', query.owner);
  return search;
}

export interface BudgetProgress {
  /** Spend as a percentage of the limit, rounded to one decimal (may pass 100). */
  percent: number;
  /** The bar's fill, 0-100. */
  fill: number;
  thresholds: { percent: number; crossed: boolean }[];
  exhausted: boolean;
}

export function budgetProgress(
  budget: Pick<Budget, 'limitUsd' | 'spentUsd' | 'thresholds' | 'crossedThresholds'>,
): BudgetProgress {
  const percent = budget.limitUsd > 0 ? Math.round((budget.spentUsd / budget.limitUsd) * 1000) / 10 : 0;
  return {
    percent,
    fill: Math.min(100, percent),
    thresholds: [...budget.thresholds]
      .sort((a, b) => a - b)
      .map((threshold) => ({
        percent: threshold,
        crossed: budget.crossedThresholds.includes(threshold) || percent >= threshold,
      })),
    exhausted: percent >= 100,
  };
}

/** What a budget covers, in words. */
export function budgetSubject(budget: Pick<Budget, 'tag' | 'owner'>, me: string | undefined): string {
  if (budget.tag !== undefined) return `Tag ${budget.tag}`;
  if (budget.owner === undefined || budget.owner === me) return 'Your simulations';
  return `Owner ${budget.owner}`;
}

/** "50, 80, 100" -> [50, 80, 100]; undefined for text that is not a list of numbers (the API then names the field). */
export function parseThresholds(text: string): number[] | undefined {
  const parts = text
    .split(/[,\s]+/)
    .map((part) => part.replace(/%$/, ''))
    .filter((part) => part !== '');
  if (parts.length === 0) return undefined;
  const numbers = parts.map(Number);
  return numbers.every((n) => Number.isFinite(n)) ? numbers : undefined;
}
