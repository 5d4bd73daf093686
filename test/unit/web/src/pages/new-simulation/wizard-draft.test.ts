import { describe, expect, it } from 'vitest';
import {
  choose,
  firstStepWithIssues,
  INITIAL_DRAFT,
  settleStep,
} from '../../../../../../web/src/pages/new-simulation/wizard-draft.js';

const NOW = new Date('2026-01-01T00:00:00Z');

describe('wizard draft', () => {
  it('moves a choice an earlier step made impossible to the first allowed option', () => {
    const fine = {
      ...INITIAL_DRAFT,
      meteorology: { field: 'geosfp' },
      grid: { resolution: '0.125x0.15625' },
    };
    const merra2 = choose(fine, 'meteorology.field', 'merra2', NOW);
    expect(settleStep(merra2, 'grid', NOW)).toMatchObject({
      grid: { resolution: '4x5', nestedDomain: 'global' },
    });
  });

  it('drops the GCAP 2.0 run when the met field is not ModelE2.1', () => {
    const gcap = choose(
      { ...INITIAL_DRAFT, simulation: { type: 'tagO3' } },
      'meteorology.field',
      'ModelE2.1',
      NOW,
    );
    expect(gcap['meteorology']).toMatchObject({ field: 'ModelE2.1', gcap2: { scenario: 'HIST' } });
    expect(choose(gcap, 'meteorology.field', 'merra2', NOW)['meteorology']).toEqual({ field: 'merra2' });
  });

  it('drops collections the new simulation type does not offer when the period step opens', () => {
    const carbon = {
      ...INITIAL_DRAFT,
      simulation: { type: 'fullchem' },
      diagnostics: { collections: ['Carbon', 'SpeciesConc', 'Restart'], frequency: 'daily' },
    };
    expect(settleStep(carbon, 'period', NOW)['diagnostics']).toMatchObject({
      collections: ['SpeciesConc', 'Restart'],
    });
  });

  it('sends an API refusal to the earliest step that edits one of its fields', () => {
    expect(
      firstStepWithIssues([
        { field: 'compute.backend', message: 'x' },
        { field: 'grid.levels', message: 'y' },
      ]),
    ).toBe('levels');
    expect(firstStepWithIssues([])).toBeUndefined();
  });
});
