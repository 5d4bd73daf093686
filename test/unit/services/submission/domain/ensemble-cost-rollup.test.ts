import { describe, expect, it } from '@jest/globals';
import type { CostSummary, Simulation } from '#schemas/generated/types.js';
import { summarize } from '#services/submission/src/domain/ensembles.js';
import type { EnsembleRecord } from '#shared/kernel/repository/ensembles.js';

const record: EnsembleRecord = {
  id: 'ens_rollup0000000000000000000001',
  owner: 'alice',
  name: 'roll-up',
  description: '',
  createdAt: '2026-12-01T00:00:00.000Z',
  sweepKind: 'list',
  memberCount: 3,
  hasBaseMember: false,
  attempts: {},
  labels: {},
};

const member = (cost: Partial<CostSummary>): Simulation =>
  ({
    id: 'sim_x',
    status: 'SUCCEEDED',
    cost: {
      kind: 'final',
      totalUsd: 0.1,
      simulationVersion: 5,
      updatedAt: '2026-12-02T00:00:00.000Z',
      ...cost,
    },
  }) as Simulation;

describe("an ensemble's cost roll-up", () => {
  it("sums the reconciled members' billed compute (an array job's split included) beside the tracked figures", () => {
    const ensemble = summarize(
      record,
      [member({ billedUsd: 0.1 }), member({ billedUsd: 0.12 }), member({})],
      { limit: 10 },
    );
    expect(ensemble.cost).toEqual({
      finalUsd: 0.3,
      accruedUsd: 0,
      membersWithCost: 3,
      billedUsd: 0.22,
      membersReconciled: 2,
    });
  });

  it('says nothing of billed until a member is reconciled', () => {
    expect(summarize(record, [member({}), undefined, undefined], { limit: 10 }).cost).toEqual({
      finalUsd: 0.1,
      accruedUsd: 0,
      membersWithCost: 1,
    });
  });
});
