import { describe, expect, it } from 'vitest';
import { screen, within } from '@testing-library/react';
import userEvent from '@testing-library/user-event';
import { MetricsTable } from '../../../../../../web/src/pages/simulation/MetricsTable.js';
import { renderWithApp } from '../../../../../helpers/web/render.js';
import { resultsFixture } from '../../../../../helpers/web/simulation-page-api.js';

const variableColumn = () =>
  within(screen.getByRole('table', { name: 'Metrics' }))
    .getAllByRole('row')
    .slice(1)
    .map((row) => within(row).getAllByRole('cell')[0]?.textContent);

describe('MetricsTable', () => {
  it('sorts by a numeric column biggest first, then the other way, and says so in aria-sort', async () => {
    renderWithApp(<MetricsTable metrics={resultsFixture().metrics} />);
    expect(await screen.findByRole('table', { name: 'Metrics' })).toBeInTheDocument();
    expect(variableColumn()).toEqual(['SpeciesConcVV_CO', 'SpeciesConcVV_O3', 'SpeciesConcVV_Rn222']);

    await userEvent.click(screen.getByRole('button', { name: 'Max' }));
    expect(variableColumn()).toEqual(['SpeciesConcVV_O3', 'SpeciesConcVV_CO', 'SpeciesConcVV_Rn222']);
    expect(screen.getByRole('columnheader', { name: /Max/ })).toHaveAttribute('aria-sort', 'descending');

    await userEvent.click(screen.getByRole('button', { name: /Max/ }));
    expect(variableColumn()).toEqual(['SpeciesConcVV_Rn222', 'SpeciesConcVV_CO', 'SpeciesConcVV_O3']);
    expect(screen.getByRole('columnheader', { name: /Max/ })).toHaveAttribute('aria-sort', 'ascending');
  });

  it('filters the variables by name', async () => {
    renderWithApp(<MetricsTable metrics={resultsFixture().metrics} />);
    await userEvent.type(await screen.findByLabelText('Filter variables'), 'o3');
    expect(variableColumn()).toEqual(['SpeciesConcVV_O3']);
  });
});
