import { describe, expect, it } from 'vitest';
import { screen, within } from '@testing-library/react';
import { CostBreakdown } from '../../../../../../web/src/pages/simulation/CostBreakdown.js';
import { renderWithApp } from '../../../../../helpers/web/render.js';
import { costFixture } from '../../../../../helpers/web/simulation-page-api.js';

describe('CostBreakdown', () => {
  it('puts the estimate next to the live figure and itemises every attempt', async () => {
    renderWithApp(<CostBreakdown cost={costFixture()} />);
    expect(await screen.findByText('Estimate')).toBeInTheDocument();
    expect(screen.getByText('$0.03')).toBeInTheDocument();
    expect(screen.getByText('$0.02 – $0.05 on c7i.4xlarge')).toBeInTheDocument();
    expect(screen.getByText('$0.0235')).toBeInTheDocument();
    const rows = within(screen.getByRole('table', { name: 'Cost per attempt' })).getAllByRole('row');
    expect(rows).toHaveLength(3);
    expect(rows[1]).toHaveTextContent('c7i.4xlarge (us-east-1a)');
    expect(rows[1]).toHaveTextContent('Spot');
    expect(rows[1]).toHaveTextContent('0.067');
    expect(rows[1]).toHaveTextContent('50%');
    expect(rows[1]).toHaveTextContent('spot reclaim');
    expect(rows[2]).toHaveTextContent('running');
    expect(screen.getByText('not reconciled with the bill yet')).toBeInTheDocument();
  });

  it('shows the final figure and the reconciled bill once there is one', async () => {
    renderWithApp(
      <CostBreakdown
        cost={costFixture({
          kind: 'final',
          totalUsd: 0.05,
          headline: {
            estimate: { instanceType: 'c7i.4xlarge', lowUsd: 0.02, expectedUsd: 0.04, highUsd: 0.06 },
            finalOverExpected: 1.25,
          },
          reconciliation: {
            simulationId: 'sim',
            trackedUsd: 0.048,
            billedUsd: 0.046,
            differenceUsd: 0.002,
            lineItems: 3,
            unmatchedUsd: 0,
            attempts: [],
            reconciledAt: '2026-12-08T00:00:00.000Z',
          },
        })}
      />,
    );
    expect(await screen.findByText('1.25 × the estimate')).toBeInTheDocument();
    expect(screen.getByText('$0.046')).toBeInTheDocument();
    expect(screen.getByText('tracked compute $0.048, difference $0.002')).toBeInTheDocument();
  });
});
