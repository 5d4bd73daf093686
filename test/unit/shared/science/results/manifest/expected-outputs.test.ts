import { describe, expect, it } from '@jest/globals';
import { planDiagnostics, collectionFileName } from '#containers/demo-model/src/schedule.js';
import { generateRunDirectory } from '#shared/science/rundir/generate.js';
import {
  demoModelSchedules,
  expectedOutputs,
  missingOutputs,
  schedulesFromSpec,
} from '#shared/science/results/manifest/expected-outputs.js';
import { parseHistoryRc } from '#shared/science/results/manifest/history-rc.js';
import { validateSimulationSpec } from '#shared/science/spec/validate-spec.js';
import type { DiagnosticFrequency } from '#schemas/generated/types.js';
import { exampleSpec } from '#test/helpers/specs.js';

const keys = (outputs: { expectedKey: string }[]) => outputs.map((o) => o.expectedKey);

function resolved(overrides: Record<string, unknown>) {
  const result = validateSimulationSpec({ ...exampleSpec('fullchem-2x25-1week'), ...overrides });
  if (!result.ok) throw new Error(JSON.stringify(result.issues));
  return result.spec;
}

describe('expected outputs from the spec', () => {
  it('expects one time-averaged file per interval and the restart at the end', () => {
    const expected = expectedOutputs(
      schedulesFromSpec({ collections: ['SpeciesConc', 'Restart'], frequency: 'daily' }),
      { start: '2019-07-01T00:00:00Z', end: '2019-07-03T00:00:00Z' },
    );
    expect(keys(expected)).toEqual([
      'outputs/GEOSChem.SpeciesConc.20190701_0000z.nc4',
      'outputs/GEOSChem.SpeciesConc.20190702_0000z.nc4',
      'outputs/GEOSChem.Restart.20190703_0000z.nc4',
    ]);
    expect(expected[2]).toEqual({
      collection: 'Restart',
      timeStep: '2019-07-03T00:00:00Z',
      expectedKey: 'outputs/GEOSChem.Restart.20190703_0000z.nc4',
    });
  });

  it('leaves out an interval the run stops inside, and follows calendar months', () => {
    const expected = expectedOutputs(schedulesFromSpec({ collections: ['Budget'], frequency: 'monthly' }), {
      start: '2019-01-15T00:00:00Z',
      end: '2019-03-20T00:00:00Z',
    });
    expect(keys(expected)).toEqual([
      'outputs/GEOSChem.Budget.20190115_0000z.nc4',
      'outputs/GEOSChem.Budget.20190201_0000z.nc4',
    ]);
  });

  it('expects one file stamped at the start for frequency "end"', () => {
    const expected = expectedOutputs(schedulesFromSpec({ collections: ['SpeciesConc'], frequency: 'end' }), {
      start: '2019-01-01T00:00:00Z',
      end: '2019-01-01T06:00:00Z',
    });
    expect(keys(expected)).toEqual(['outputs/GEOSChem.SpeciesConc.20190101_0000z.nc4']);
  });
});

describe('expected outputs from HISTORY.rc', () => {
  it('reads the collections the generated run directory switches on, with their frequency', () => {
    const spec = resolved({
      period: { start: '2019-07-01T00:00:00Z', end: '2019-07-01T06:00:00Z' },
      diagnostics: { collections: ['SpeciesConc', 'AerosolMass', 'Restart'], frequency: '3-hourly' },
    });
    const history = generateRunDirectory(spec).files['HISTORY.rc']!;
    const schedules = parseHistoryRc(history);
    expect(schedules.map((s) => s.name).sort()).toEqual(['AerosolMass', 'Restart', 'SpeciesConc']);
    const expected = expectedOutputs(schedules, spec.period);
    expect(keys(expected.filter((e) => e.collection === 'SpeciesConc'))).toEqual([
      'outputs/GEOSChem.SpeciesConc.20190701_0000z.nc4',
      'outputs/GEOSChem.SpeciesConc.20190701_0300z.nc4',
    ]);
    expect(keys(expected.filter((e) => e.collection === 'AerosolMass'))).toHaveLength(2);
  });

  it('refuses a collection without a readable frequency, naming it', () => {
    const history = "COLLECTIONS: 'SpeciesConc',\n::\n  SpeciesConc.frequency: ${RUNDIR_X}\n";
    expect(() => parseHistoryRc(history)).toThrow(/SpeciesConc has no readable frequency/);
  });

  it('ignores commented-out collections', () => {
    const history = [
      "COLLECTIONS: 'Restart',",
      "             #'Budget',",
      "             'SpeciesConc',",
      '::',
      "  Restart.frequency:          'End',",
      "  Restart.duration:           'End',",
      "  Restart.mode:               'instantaneous'",
      '  SpeciesConc.frequency:      00000000 010000',
      '  SpeciesConc.duration:       00000001 000000',
      "  SpeciesConc.mode:           'time-averaged'",
    ].join('\n');
    const schedules = parseHistoryRc(history);
    expect(schedules.map((s) => s.name)).toEqual(['Restart', 'SpeciesConc']);
    const expected = expectedOutputs(schedules, {
      start: '2019-01-01T00:00:00Z',
      end: '2019-01-03T00:00:00Z',
    });
    expect(keys(expected)).toEqual([
      'outputs/GEOSChem.Restart.20190103_0000z.nc4',
      'outputs/GEOSChem.SpeciesConc.20190101_0000z.nc4',
      'outputs/GEOSChem.SpeciesConc.20190102_0000z.nc4',
    ]);
  });
});

describe('expected outputs of the demo model', () => {
  const periods = [
    { start: '2019-01-01T00:00:00Z', end: '2019-01-02T00:00:00Z' },
    { start: '2019-01-01T06:00:00Z', end: '2019-01-03T05:00:00Z' },
    { start: '2019-01-15T00:00:00Z', end: '2019-04-01T00:00:00Z' },
  ];
  const frequencies: DiagnosticFrequency[] = ['hourly', '3-hourly', 'daily', 'monthly', 'end'];

  it('are exactly the files the demo model writes, for every frequency', () => {
    for (const period of periods) {
      for (const frequency of frequencies) {
        const start = new Date(period.start);
        const end = new Date(period.end);
        const written = [
          ...planDiagnostics('SpeciesConc', start, end, frequency).files.map((f) => f.name),
          collectionFileName('Restart', end),
        ].map((name) => `outputs/${name}`);
        const expected = expectedOutputs(
          demoModelSchedules({ collections: ['SpeciesConc', 'Restart', 'Metrics'], frequency }),
          period,
        );
        expect(keys(expected)).toEqual(written);
      }
    }
  });
});

describe('missingOutputs', () => {
  it('lists expected outputs with no stored file of the same collection and time step', () => {
    const expected = expectedOutputs(
      schedulesFromSpec({ collections: ['SpeciesConc', 'Restart'], frequency: 'daily' }),
      { start: '2019-07-01T00:00:00Z', end: '2019-07-03T00:00:00Z' },
    );
    const stored = [
      { collection: 'SpeciesConc', timeStep: '2019-07-01T00:00:00Z' },
      // A restart in a Restarts/ folder still counts.
      { collection: 'Restart', timeStep: '2019-07-03T00:00:00Z' },
      {},
    ];
    expect(missingOutputs(expected, stored)).toEqual([
      {
        collection: 'SpeciesConc',
        timeStep: '2019-07-02T00:00:00Z',
        expectedKey: 'outputs/GEOSChem.SpeciesConc.20190702_0000z.nc4',
      },
    ]);
  });
});
