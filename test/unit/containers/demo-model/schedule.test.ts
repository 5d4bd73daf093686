import { describe, expect, it } from '@jest/globals';
import {
  collectionFileName,
  fileStamp,
  planDiagnostics,
  unitsStamp,
} from '#containers/demo-model/src/schedule.js';

const at = (iso: string): Date => new Date(iso);

describe('diagnostic schedule', () => {
  it('hourly over one day: 24 intervals in one file named for the day, stamped 0, 60, ... minutes', () => {
    const plan = planDiagnostics(
      'SpeciesConc',
      at('2019-01-01T00:00:00Z'),
      at('2019-01-02T00:00:00Z'),
      'hourly',
    );
    expect(plan.intervals).toHaveLength(24);
    expect(plan.files.map((f) => f.name)).toEqual(['GEOSChem.SpeciesConc.20190101_0000z.nc4']);
    expect(plan.files[0]!.intervals.map((i) => i.record)).toEqual([...Array(24).keys()]);
    expect(plan.intervals[23]!.start.toISOString()).toBe('2019-01-01T23:00:00.000Z');
    expect(plan.intervals[23]!.end.toISOString()).toBe('2019-01-02T00:00:00.000Z');
  });

  it('hourly over two and a half days: one file per simulated day', () => {
    const plan = planDiagnostics(
      'SpeciesConc',
      at('2019-07-01T00:00:00Z'),
      at('2019-07-03T12:00:00Z'),
      'hourly',
    );
    expect(plan.intervals).toHaveLength(60);
    expect(plan.files.map((f) => [f.name, f.intervals.length])).toEqual([
      ['GEOSChem.SpeciesConc.20190701_0000z.nc4', 24],
      ['GEOSChem.SpeciesConc.20190702_0000z.nc4', 24],
      ['GEOSChem.SpeciesConc.20190703_0000z.nc4', 12],
    ]);
    expect(plan.intervals[30]).toMatchObject({ file: 1, record: 6 });
  });

  it('3-hourly: 8 intervals a day', () => {
    const plan = planDiagnostics(
      'SpeciesConc',
      at('2019-01-01T00:00:00Z'),
      at('2019-01-03T00:00:00Z'),
      '3-hourly',
    );
    expect(plan.files.map((f) => f.intervals.length)).toEqual([8, 8]);
  });

  it('daily: one file per day with one record; an unfinished last day is not written', () => {
    const plan = planDiagnostics(
      'SpeciesConc',
      at('2019-07-01T00:00:00Z'),
      at('2019-07-04T06:00:00Z'),
      'daily',
    );
    expect(plan.files.map((f) => f.name)).toEqual([
      'GEOSChem.SpeciesConc.20190701_0000z.nc4',
      'GEOSChem.SpeciesConc.20190702_0000z.nc4',
      'GEOSChem.SpeciesConc.20190703_0000z.nc4',
    ]);
    expect(plan.files.every((f) => f.intervals.length === 1)).toBe(true);
  });

  it('files are stamped with the time their first interval starts (a run starting at 06z)', () => {
    const plan = planDiagnostics(
      'SpeciesConc',
      at('2019-01-01T06:00:00Z'),
      at('2019-01-02T12:00:00Z'),
      'hourly',
    );
    expect(plan.files.map((f) => f.name)).toEqual([
      'GEOSChem.SpeciesConc.20190101_0600z.nc4',
      'GEOSChem.SpeciesConc.20190102_0600z.nc4',
    ]);
    expect(plan.files[1]!.reference.toISOString()).toBe('2019-01-02T06:00:00.000Z');
  });

  it('monthly: intervals end at month boundaries, the first one from the start', () => {
    const plan = planDiagnostics(
      'SpeciesConc',
      at('2019-01-15T00:00:00Z'),
      at('2019-03-10T00:00:00Z'),
      'monthly',
    );
    expect(
      plan.intervals.map((i) => [i.start.toISOString().slice(0, 10), i.end.toISOString().slice(0, 10)]),
    ).toEqual([
      ['2019-01-15', '2019-02-01'],
      ['2019-02-01', '2019-03-01'],
    ]);
    expect(plan.files.map((f) => f.name)).toEqual([
      'GEOSChem.SpeciesConc.20190115_0000z.nc4',
      'GEOSChem.SpeciesConc.20190201_0000z.nc4',
    ]);
  });

  it('end: one interval over the whole run', () => {
    const plan = planDiagnostics(
      'SpeciesConc',
      at('2019-01-01T00:00:00Z'),
      at('2019-01-01T05:00:00Z'),
      'end',
    );
    expect(plan.intervals).toHaveLength(1);
    expect(plan.intervals[0]!.end.toISOString()).toBe('2019-01-01T05:00:00.000Z');
  });

  it('names and stamps like GEOS-Chem', () => {
    expect(fileStamp(at('2019-12-31T23:00:00Z'))).toBe('20191231_2300z');
    expect(collectionFileName('Restart', at('2019-01-02T00:00:00Z'))).toBe(
      'GEOSChem.Restart.20190102_0000z.nc4',
    );
    expect(unitsStamp(at('2018-05-05T00:00:00Z'))).toBe('2018-05-05 00:00:00');
  });
});
