import { describe, expect, it } from '@jest/globals';
import {
  CHOICE_FIELDS,
  choicesFor,
  choicesOfValues,
  collectionChoices,
  issuesForStep,
  periodBounds,
  stepOfField,
  withChoice,
  withField,
  type ChoiceField,
  type SpecDraft,
} from '#shared/science/spec/choices-for-step.js';
import { validateSimulationSpec } from '#shared/science/spec/validate-spec.js';

const NOW = new Date('2026-01-01T00:00:00Z');

function reasonOf(draft: SpecDraft, field: ChoiceField, value: string | number): string | undefined {
  const choice = choicesFor(draft, field, { now: NOW }).find((option) => option.value === value);
  if (!choice) throw new Error(`${String(value)} is not an option of ${field}`);
  return choice.disabledReason;
}

/** A small deterministic PRNG, so a failing walk can be replayed. */
function prng(seed: number): () => number {
  let state = seed >>> 0;
  return () => {
    state = (state * 1664525 + 1013904223) >>> 0;
    return state / 2 ** 32;
  };
}

/** The wizard's period step: a day inside the met field's years, written at the end. */
function fillPeriod(draft: SpecDraft): SpecDraft {
  const bounds = periodBounds(draft, NOW);
  const isGcap2 = (draft['meteorology'] as SpecDraft | undefined)?.['field'] === 'ModelE2.1';
  const day = isGcap2 && bounds.earliest ? Number(bounds.earliest.slice(0, 4)) : 2019;
  const withPeriod = withField(draft, 'period', {
    start: `${day}-01-01T00:00:00Z`,
    end: `${day}-01-02T00:00:00Z`,
  });
  const collections = collectionChoices(withPeriod)
    .map((choice) => String(choice.value))
    .filter((name) => name === 'Restart' || name === 'SpeciesConc');
  return withField(withPeriod, 'diagnostics.collections', collections.length > 0 ? collections : ['Restart']);
}

interface Walk {
  spec: SpecDraft;
  /** Disabled options met on the way, with the draft they were offered for. */
  disabled: { draft: SpecDraft; field: ChoiceField; value: string | number; reason: string }[];
}

/** Goes through the wizard's choice fields in order, taking an enabled option at random at each. */
function walk(random: () => number): Walk {
  let draft: SpecDraft = { name: 'walk' };
  const disabled: Walk['disabled'] = [];
  for (const field of CHOICE_FIELDS) {
    if (field === 'meteorology.gcap2.runId' && draft['meteorology'] === undefined) continue;
    if (field === 'diagnostics.frequency') draft = fillPeriod(draft);
    if (field === 'meteorology.gcap2.runId' && (draft['meteorology'] as SpecDraft)['field'] !== 'ModelE2.1')
      continue;
    const choices = choicesFor(draft, field, { now: NOW });
    for (const choice of choices) {
      if (choice.disabledReason)
        disabled.push({ draft, field, value: choice.value, reason: choice.disabledReason });
    }
    const enabled = choices.filter((choice) => !choice.disabledReason);
    if (enabled.length === 0)
      throw new Error(`no option of ${field} is enabled for ${JSON.stringify(draft)}`);
    draft = withChoice(draft, field, enabled[Math.floor(random() * enabled.length)]!.value);
  }
  return { spec: draft, disabled };
}

describe('choicesFor: the wizard offers what the API accepts', () => {
  it('every path through enabled choices ends in a spec the validator accepts (300 seeded walks)', () => {
    const random = prng(16);
    for (let i = 0; i < 300; i += 1) {
      const { spec } = walk(random);
      const result = validateSimulationSpec(spec, { now: NOW });
      expect({ spec, issues: result.ok ? [] : result.issues }).toEqual({ spec, issues: [] });
    }
  });

  it('every disabled choice met on those walks is refused by the validator with an issue on its field', () => {
    const random = prng(61);
    let checked = 0;
    for (let i = 0; i < 40; i += 1) {
      for (const { draft, field, value, reason } of walk(random).disabled.slice(0, 6)) {
        // Finish the spec the wizard's way from the disabled choice: the first enabled option of every later field.
        let spec = withChoice(draft, field, value);
        for (const later of CHOICE_FIELDS.slice(CHOICE_FIELDS.indexOf(field) + 1)) {
          if (later === 'meteorology.gcap2.runId') {
            if ((spec['meteorology'] as SpecDraft | undefined)?.['field'] !== 'ModelE2.1') continue;
          }
          if (later === 'diagnostics.frequency' && stepOfField(field) !== 'period') spec = fillPeriod(spec);
          const first = choicesFor(spec, later, { now: NOW }).find((c) => !c.disabledReason);
          if (first) spec = withChoice(spec, later, first.value);
        }
        const result = validateSimulationSpec(spec, { now: NOW });
        const onField = result.ok
          ? []
          : result.issues.filter(
              (issue) =>
                issue.field === field ||
                issue.field.startsWith(`${field.replace(/\.runId$/, '')}`) ||
                issue.field.startsWith(`${field}.`),
            );
        expect({ field, value, reason, refusedOnField: onField.length > 0 }).toEqual({
          field,
          value,
          reason,
          refusedOnField: true,
        });
        checked += 1;
      }
    }
    expect(checked).toBeGreaterThan(50);
  });
});

describe('choicesFor: reasons in GEOS-Chem terms', () => {
  it('disables GEOS-IT for GEOS-Chem Classic 14.7.0 and says its settings file is missing', () => {
    expect(reasonOf({ simulation: { type: 'fullchem' } }, 'meteorology.field', 'geosit')).toMatch(
      /settings file .* missing/,
    );
  });

  it('disables POPs "none": createRunDir.sh needs a POP species', () => {
    const options = choicesFor({ simulation: { type: 'POPs' } }, 'simulation.extraOption').map(
      (c) => c.value,
    );
    expect(options).toEqual(['BaP', 'PHE', 'PYR']);
  });

  it('disables fullchem with GCAP 2.0 meteorology because the platform does not prepare its dust', () => {
    expect(reasonOf({ simulation: { type: 'fullchem' } }, 'meteorology.field', 'ModelE2.1')).toMatch(
      /not prepared by the platform/,
    );
    expect(reasonOf({ simulation: { type: 'tagO3' } }, 'meteorology.field', 'ModelE2.1')).toBeUndefined();
  });

  it('ignores a later choice left from another path: a resolution picked earlier does not disable a met field', () => {
    const draft = { simulation: { type: 'fullchem' }, grid: { resolution: '0.125x0.15625' } };
    expect(reasonOf(draft, 'meteorology.field', 'merra2')).toBeUndefined();
  });

  it('offers nested domains only where createRunDir.sh asks for one', () => {
    const nested = {
      simulation: { type: 'fullchem' },
      meteorology: { field: 'geosfp' },
      grid: { resolution: '0.25x0.3125' },
    };
    expect(
      choicesFor(nested, 'grid.nestedDomain')
        .filter((c) => !c.disabledReason)
        .map((c) => c.value),
    ).toEqual(expect.arrayContaining(['global', 'NA', 'EU', 'AS']));
    const geosit = {
      simulation: { type: 'tagO3' },
      meteorology: { field: 'merra2' },
      grid: { resolution: '4x5' },
    };
    expect(choicesFor(geosit, 'grid.nestedDomain').map((c) => c.value)).toEqual(['global']);
  });

  it('disables spot for GCHP and says multi-node jobs do not run on Spot', () => {
    const draft = {
      model: 'gchp',
      simulation: { type: 'fullchem' },
      meteorology: { field: 'merra2' },
      grid: { resolution: 'C24' },
    };
    expect(reasonOf(draft, 'compute.purchase', 'spot')).toMatch(
      /multi-node parallel jobs do not run on Spot/,
    );
    expect(reasonOf(draft, 'compute.backend', 'local')).toMatch(/MPI across nodes/);
  });

  it('disables a frequency longer than the run and says nothing would be written', () => {
    const draft = fillPeriod({
      simulation: { type: 'TransportTracers' },
      meteorology: { field: 'merra2' },
      grid: { resolution: '4x5' },
    });
    expect(reasonOf(draft, 'diagnostics.frequency', 'monthly')).toMatch(/never be written/);
    expect(reasonOf(draft, 'diagnostics.frequency', 'hourly')).toBeUndefined();
  });
});

describe('issuesForStep and stepOfField', () => {
  it("maps the API's dotted field paths to the step that edits them", () => {
    expect(stepOfField('grid.levels')).toBe('levels');
    expect(stepOfField('grid.bounds.lonMin')).toBe('grid');
    expect(stepOfField('diagnostics.collections.2')).toBe('period');
    expect(stepOfField('maxCostUsd')).toBe('compute');
    expect(stepOfField('name')).toBe('simulation');
    expect(stepOfField('body')).toBe('review');
  });

  it('names a future end date on the period step, with the reason', () => {
    const draft = {
      name: 'x',
      simulation: { type: 'tagO3' },
      meteorology: { field: 'merra2' },
      grid: { resolution: '4x5' },
      period: { start: '2030-01-01T00:00:00Z', end: '2030-01-02T00:00:00Z' },
    };
    const issues = issuesForStep(draft, 'period', { now: NOW });
    expect(issues.map((i) => i.field)).toContain('period.end');
    expect(issuesForStep(draft, 'grid', { now: NOW })).toEqual([]);
  });

  it("bounds the period by the GCAP 2.0 run's years and by the met field's first data", () => {
    const gcap = periodBounds(
      { meteorology: { field: 'ModelE2.1', gcap2: { scenario: 'SSP245', runId: 'E213SSP245aF40oQ40' } } },
      NOW,
    );
    expect(gcap).toMatchObject({ earliest: '2040-01-01', latest: '2100-01-01' });
    expect(periodBounds({ meteorology: { field: 'merra2' } }, NOW)).toMatchObject({
      earliest: '1980-01-01',
      latest: '2026-01-01',
    });
  });
});

describe('choicesOfValues', () => {
  const draft = {
    name: 'x',
    simulation: { type: 'fullchem' },
    meteorology: { field: 'merra2' },
    grid: { resolution: '4x5' },
    period: { start: '2019-01-01T00:00:00Z', end: '2019-01-02T00:00:00Z' },
    compute: { backend: 'aws-batch', architecture: 'x86_64', vcpus: 8 },
  };

  it("disables an instance type of the other architecture, and one too small for the vCPUs, with the validator's reasons", () => {
    const choices = choicesOfValues(
      draft,
      'compute.instanceType',
      ['c7i.4xlarge', 'c7g.4xlarge', 'c7i.large'].map((value) => ({ value, label: value })),
      ['compute.vcpus'],
      { now: NOW },
    );
    expect(choices.map((c) => c.disabledReason)).toEqual([
      undefined,
      expect.stringMatching(/AWS Graviton \(arm64\) instance type, but compute.architecture is x86_64/),
      expect.stringMatching(/8 vCPUs do not fit on c7i.large/),
    ]);
  });
});
