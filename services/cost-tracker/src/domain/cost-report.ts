/** GET /costs?month=&groupBy=&owner=: a month's costs, grouped, with what of them the bill confirms. */
import { ValidationError } from '#shared/kernel/errors.js';
import type { Caller } from '#shared/kernel/http/identity.js';
import { roundUsd } from '#shared/science/pricing/cost-formulas.js';
import type { CostReport, SimulationCost } from '#schemas/generated/types.js';
import { parseMonth } from './budgets-api.js';
import type { CostStore } from './ports.js';

export interface CostReportPorts {
  costs: Pick<CostStore, 'listMonth'>;
  now: () => Date;
}

const GROUPINGS = ['owner', 'tag', 'simulationType', 'instanceType'] as const;
type GroupBy = (typeof GROUPINGS)[number];

const QUERY_PARAMETERS = ['month', 'groupBy', 'owner'];

export function parseCostQuery(
  query: Record<string, string | undefined>,
  now: Date,
): { month: string; groupBy: GroupBy; owner: string | undefined } {
  const unknown = Object.keys(query).filter((key) => !QUERY_PARAMETERS.includes(key));
  if (unknown.length > 0) {
    throw new ValidationError('unknown query parameter', [
      {
        field: 'query',
        message: `unknown parameter(s) ${unknown.join(', ')}; only ${QUERY_PARAMETERS.join(', ')} are allowed`,
      },
    ]);
  }
  const owner = query['owner'];
  if (owner !== undefined && (owner.length === 0 || owner.length > 128)) {
    throw new ValidationError('query.owner is not an owner', [
      { field: 'query.owner', message: 'must be an owner id of 1 to 128 characters' },
    ]);
  }
  const groupBy = query['groupBy'] ?? 'owner';
  if (!(GROUPINGS as readonly string[]).includes(groupBy)) {
    throw new ValidationError('query.groupBy is not a grouping', [
      { field: 'query.groupBy', message: `must be one of ${GROUPINGS.join(', ')}` },
    ]);
  }
  return { month: parseMonth(query, now), groupBy: groupBy as GroupBy, owner };
}

/** The amounts of one cost by group key (instanceType splits compute by attempt; tag counts a run in each of its tags). */
function shares(cost: SimulationCost, groupBy: GroupBy): [string, number][] {
  switch (groupBy) {
    case 'owner':
      return [[cost.owner, cost.totalUsd]];
    case 'simulationType':
      return [[cost.simulationType ?? '(unknown)', cost.totalUsd]];
    case 'tag': {
      const tags = Object.entries(cost.tags ?? {});
      return tags.length > 0
        ? tags.map(([k, v]) => [`${k}=${v}`, cost.totalUsd])
        : [['(untagged)', cost.totalUsd]];
    }
    case 'instanceType': {
      if (cost.attempts.length === 0) return [['(not started)', cost.totalUsd]];
      return cost.attempts.map((a) => [a.instanceType, a.computeUsd + a.ebsUsd]);
    }
  }
}

export async function costReport(
  ports: CostReportPorts,
  caller: Caller,
  query: Record<string, string | undefined>,
): Promise<CostReport> {
  const { month, groupBy, owner } = parseCostQuery(query, ports.now());
  if (owner !== undefined && !caller.isAdmin && owner !== caller.userId) {
    throw new ValidationError("another owner's costs are for admins", [
      { field: 'query.owner', message: "only admins may see another owner's costs" },
    ]);
  }
  const costs = await ports.costs.listMonth(month, owner ?? (caller.isAdmin ? undefined : caller.userId));
  const groups = new Map<
    string,
    { totalUsd: number; finalUsd: number; accruedUsd: number; ids: Set<string> }
  >();
  for (const cost of costs) {
    for (const [key, usd] of shares(cost, groupBy)) {
      const group = groups.get(key) ?? { totalUsd: 0, finalUsd: 0, accruedUsd: 0, ids: new Set<string>() };
      group.totalUsd += usd;
      if (cost.kind === 'final') group.finalUsd += usd;
      else group.accruedUsd += usd;
      group.ids.add(cost.simulationId);
      groups.set(key, group);
    }
  }
  const reconciliations = costs.flatMap((cost) => (cost.reconciliation ? [cost.reconciliation] : []));
  return {
    month,
    groupBy,
    ...(owner !== undefined ? { owner } : {}),
    totalUsd: roundUsd(costs.reduce((sum, cost) => sum + cost.totalUsd, 0)),
    simulations: costs.length,
    reconciled: {
      simulations: reconciliations.length,
      trackedUsd: roundUsd(reconciliations.reduce((sum, r) => sum + r.trackedUsd, 0)),
      billedUsd: roundUsd(reconciliations.reduce((sum, r) => sum + r.billedUsd, 0)),
    },
    groups: [...groups.entries()]
      .map(([key, g]) => ({
        key,
        totalUsd: roundUsd(g.totalUsd),
        finalUsd: roundUsd(g.finalUsd),
        accruedUsd: roundUsd(g.accruedUsd),
        simulations: g.ids.size,
      }))
      .sort((a, b) => b.totalUsd - a.totalUsd || a.key.localeCompare(b.key)),
  };
}
