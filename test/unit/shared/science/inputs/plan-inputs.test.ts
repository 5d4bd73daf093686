/**
 * Input plans from real specs (validated like the API does): the met keys of
 * a hand-worked case, the restart and inventories read from the generated
 * HEMCO_Config.rc, volumes that add up, and warnings for periods and grids
 * the public buckets do not hold.
 */
import { describe, expect, it } from '@jest/globals';
import { planInputs } from '#shared/science/inputs/plan-inputs.js';
import { formatInputPlan } from '#shared/science/inputs/format-input-plan.js';
import { gridAvailability } from '#shared/science/inputs/availability.js';
import { validateSimulationSpec, type ResolvedSimulationSpec } from '#shared/science/spec/validate-spec.js';
import type { InputPlan, InputPlanItem } from '#schemas/generated/types.js';
import { exampleSpec } from '#test/helpers/specs.js';

const NOW = new Date('2026-01-01T00:00:00Z');

function resolve(input: Record<string, unknown>): ResolvedSimulationSpec {
  const result = validateSimulationSpec(input, { now: NOW });
  if (!result.ok) throw new Error(JSON.stringify(result.issues));
  return result.spec;
}

function spec(overrides: Record<string, unknown>): ResolvedSimulationSpec {
  return resolve({
    name: 'plan test',
    simulation: { type: 'fullchem' },
    meteorology: { field: 'merra2' },
    grid: { resolution: '4x5' },
    period: { start: '2019-07-01T00:00:00Z', end: '2019-07-08T00:00:00Z' },
    compute: { backend: 'aws-batch' },
    ...overrides,
  });
}

function metItem(plan: InputPlan, collection: string): InputPlanItem {
  const item = plan.items.find((i) => i.category === 'met' && i.description.includes(` ${collection} `));
  if (!item) throw new Error(`no ${collection} item`);
  return item;
}

const days = (from: number, to: number): string[] =>
  Array.from({ length: to - from + 1 }, (_, i) => String(from + i).padStart(2, '0'));

describe('planInputs: MERRA-2 4x5, 2019-07-01 to 2019-07-08 (worked by hand)', () => {
  const plan = planInputs(spec({}), { now: NOW });

  it.each(['A1', 'A3cld', 'A3dyn', 'A3mstC', 'A3mstE'])(
    'lists the seven daily %s files of July 1-7 under GEOS_4x5/MERRA2/2019/07/',
    (collection) => {
      const item = metItem(plan, collection);
      expect(item.bucket).toBe('s3://geos-chem');
      expect(item.prefix).toBe('s3://geos-chem/GEOS_4x5/MERRA2/2019/07/');
      expect(item.keys).toEqual(
        days(1, 7).map((d) => `GEOS_4x5/MERRA2/2019/07/MERRA2.201907${d}.${collection}.4x5.nc4`),
      );
      expect(item.keyCount).toBe(7);
      expect(item.available).toBe(true);
    },
  );

  it('lists I3 for July 1-8: the *_NEXTDAY fields read the day after the last simulated day', () => {
    expect(metItem(plan, 'I3').keys).toEqual(
      days(1, 8).map((d) => `GEOS_4x5/MERRA2/2019/07/MERRA2.201907${d}.I3.4x5.nc4`),
    );
  });

  it("reads MERRA-2's constant fields from the 2015 CN file", () => {
    expect(metItem(plan, 'CN').s3Uri).toBe(
      's3://geos-chem/GEOS_4x5/MERRA2/2015/01/MERRA2.20150101.CN.4x5.nc4',
    );
  });

  it('sizes a daily A3dyn file as 5 3-D fields x 72 levels x 8 steps x 72x46 cells x 4 bytes x 0.5', () => {
    expect(metItem(plan, 'A3dyn').estimatedBytes).toBe(7 * 5 * 72 * 8 * 72 * 46 * 4 * 0.5);
  });

  it('names the fullchem default restart of download_data.yml', () => {
    const restart = plan.items.find((i) => i.category === 'restart')!;
    expect(restart.s3Uri).toBe(
      's3://geos-chem/GEOSCHEM_RESTARTS/GC_14.7.0/GEOSChem.Restart.fullchem.20190701_0000z.nc4',
    );
    expect(restart.reason).toBeUndefined(); // the run starts on the restart's date
  });

  it('reads the inventories the generated HEMCO_Config.rc switches on, for 2019, and not the ones it switches off', () => {
    const ceds = plan.items.find((i) => i.description.startsWith('CEDS/v2024-06'))!;
    expect(ceds.category).toBe('emissions');
    expect(ceds.keys!.length).toBeGreaterThan(0);
    expect(ceds.keys!.every((key) => key.startsWith('HEMCO/CEDS/v2024-06/2019/'))).toBe(true);
    const offline = plan.items.find((i) => i.description.startsWith('OFFLINE_DUST/'))!;
    expect(offline.keys).toEqual(
      days(1, 7).map(
        (d) => `HEMCO/OFFLINE_DUST/v2025-03/0.5x0.625/MERRA2/2019/07/dust_emissions_05.MERRA2.201907${d}.nc`,
      ),
    );
    // APEI, EDGARv43 and NEI2016 are false in the fullchem template
    expect(plan.items.some((i) => /^(APEI|NEI2016|EDGARv43)\//.test(i.description))).toBe(false);
  });

  it('lists the chemistry files GEOS-Chem opens by name, file by file (not whole directories)', () => {
    const chemistry = plan.items.filter((i) => i.category === 'chemistry');
    expect(chemistry.every((i) => i.keyCount > 0 && i.keyCount === i.keys!.length)).toBe(true);
    const keys = chemistry.flatMap((i) => i.keys!);
    expect(keys).toEqual(
      expect.arrayContaining([
        'CHEM_INPUTS/CLOUD_J/v2025-01/FJX_spec.dat',
        'CHEM_INPUTS/Aerosol_Optics/v2025-03/dust.dat',
        'CHEM_INPUTS/Olson_Land_Map_201203/Olson_2001_Drydep_Inputs.nc',
        'CHEM_INPUTS/Linoz_200910/Linoz_March2007.dat',
        'CHEM_INPUTS/FastJ_201204/fastj.jv_atms_dat.nc',
      ]),
    );
  });

  it('marks the files read only at the end instant (July 8, 00:00) as items of their own', () => {
    const end = plan.items.filter((i) => i.readAt === 'end');
    expect(end.map((i) => i.keys)).toEqual(
      expect.arrayContaining([
        ['GEOS_4x5/MERRA2/2019/07/MERRA2.20190708.A1.4x5.nc4'],
        ['GEOS_4x5/MERRA2/2019/07/MERRA2.20190709.I3.4x5.nc4'],
        ['HEMCO/OFFLINE_DUST/v2025-03/0.5x0.625/MERRA2/2019/07/dust_emissions_05.MERRA2.20190708.nc'],
      ]),
    );
    expect(end.every((i) => /read only at the end instant \(2019-07-08 00:00\)/.test(i.reason!))).toBe(true);
    expect(plan.items.filter((i) => i.readAt !== 'end').every((i) => i.readAt === 'run')).toBe(true);
  });

  it('does not list the GMI prod/loss rates of species that are not transported (HEMCO skips them)', () => {
    const gmi = plan.items.find((i) => i.description.startsWith('GMI/'))!;
    expect(gmi.keys).toContain('HEMCO/GMI/v2015-02/gmi.clim.ACET.geos5.2x25.nc');
    expect(gmi.keys).not.toContain('HEMCO/GMI/v2015-02/gmi.clim.A3O2.geos5.2x25.nc');
    expect(plan.notes.some((n) => /of species that are not transported \(.*GMI_LOSS_A3O2/.test(n))).toBe(
      true,
    );
  });

  it('adds the items up: totalBytes, itemCount, unavailableCount', () => {
    expect(plan.totalBytes).toBe(plan.items.reduce((sum, item) => sum + item.estimatedBytes, 0));
    expect(plan.itemCount).toBe(plan.items.length);
    expect(plan.unavailableCount).toBe(0);
    expect(plan.warnings).toEqual([]);
    expect(plan.period.days).toBe(7);
    expect(plan.buckets).toEqual(['s3://geos-chem']);
  });

  it('renders as text with one block per item and the total', () => {
    const text = formatInputPlan(plan, { keys: true });
    expect(text).toMatch(/^Input data for 2019-07-01T00:00:00Z to 2019-07-08T00:00:00Z \(7 days\)/);
    expect(text).toContain('GEOS_4x5/MERRA2/2019/07/MERRA2.20190707.A1.4x5.nc4');
  });
});

describe('planInputs: the read at the end instant', () => {
  it("a period ending on a month's first day reads that month's monthly files at the end instant", () => {
    const plan = planInputs(
      spec({ period: { start: '2019-07-30T00:00:00Z', end: '2019-08-01T00:00:00Z' } }),
      { now: NOW },
    );
    const end = plan.items.filter((i) => i.readAt === 'end').flatMap((i) => i.keys!);
    expect(end).toEqual(
      expect.arrayContaining([
        'HEMCO/GFED4/v2023-03/2019/GFED4_gen.025x025.201908.nc',
        'HEMCO/OFFLINE_LIGHTNING/v2020-03/MERRA2/2019/FLASH_CTH_MERRA2_0.5x0.625_2019_08.nc4',
        'GEOS_4x5/MERRA2/2019/08/MERRA2.20190801.A3dyn.4x5.nc4',
      ]),
    );
    // read during the run, so not again as end-instant files
    expect(end).not.toContain('HEMCO/GFED4/v2023-03/2019/GFED4_gen.025x025.201907.nc');
  });

  it('a period ending during a day adds no end-instant files (that day is read during the run)', () => {
    const plan = planInputs(
      spec({ period: { start: '2019-07-01T00:00:00Z', end: '2019-07-02T12:00:00Z' } }),
      { now: NOW },
    );
    expect(plan.items.filter((i) => i.readAt === 'end')).toEqual([]);
    expect(metItem(plan, 'A1').keys).toEqual([
      'GEOS_4x5/MERRA2/2019/07/MERRA2.20190701.A1.4x5.nc4',
      'GEOS_4x5/MERRA2/2019/07/MERRA2.20190702.A1.4x5.nc4',
    ]);
  });

  it('flags exact-flag data the end instant leaves the years of (offline emissions end 2022) on period.end', () => {
    const plan = planInputs(
      spec({ period: { start: '2022-12-31T00:00:00Z', end: '2023-01-01T00:00:00Z' } }),
      { now: NOW },
    );
    const dust = plan.items.filter((i) => i.description.startsWith('OFFLINE_DUST/'));
    expect(dust.map((i) => [i.readAt, i.available])).toEqual([
      ['run', true],
      ['end', false],
    ]);
    expect(
      plan.warnings.some(
        (w) => w.field === 'period.end' && /OFFLINE_DUST.*end instant \(2023-01-01 00:00\)/.test(w.message),
      ),
    ).toBe(true);
  });
});

describe('planInputs: what the buckets do not hold', () => {
  it('flags MERRA-2 before 1980 on period.start and marks the met items unavailable', () => {
    const plan = planInputs(
      spec({
        simulation: { type: 'TransportTracers' },
        period: { start: '1979-12-30T00:00:00Z', end: '1980-01-02T00:00:00Z' },
      }),
      { now: NOW },
    );
    expect(plan.warnings.map((w) => w.field)).toContain('period.start');
    expect(plan.warnings.find((w) => w.field === 'period.start')!.message).toMatch(
      /MERRA-2 at 4x5 is available from 1980-01-01/,
    );
    const a1 = metItem(plan, 'A1');
    expect(a1.available).toBe(false);
    expect(a1.reason).toMatch(/2 file\(s\) of this run fall outside/);
    expect(metItem(plan, 'CN').available).toBe(true); // a constant file is not dated
  });

  it('flags GEOS-FP before 2014 and says the basis', () => {
    const plan = planInputs(
      spec({
        meteorology: { field: 'geosfp' },
        period: { start: '2012-06-01T00:00:00Z', end: '2012-06-02T00:00:00Z' },
      }),
      { now: NOW },
    );
    const warning = plan.warnings.find((w) => w.field === 'period.start')!;
    expect(warning.message).toMatch(/GEOS-FP at 4x5 is available from 2014-01-01/);
    expect(warning.message).toMatch(/assumption/);
    expect(metItem(plan, 'A3dyn').available).toBe(false);
  });

  it('flags 0.125x0.15625 outside the 2021-2023 derived winds HEMCO reads, and takes its met from s3://gcgrid', () => {
    const plan = planInputs(
      spec({
        meteorology: { field: 'geosfp' },
        // Global: a nested domain reads its region's files (GEOS_0.125x0.15625_NA/...), as createRunDir.sh sets up.
        grid: { resolution: '0.125x0.15625', nestedDomain: 'global' },
        period: { start: '2019-06-01T00:00:00Z', end: '2019-06-02T00:00:00Z' },
      }),
      { now: NOW },
    );
    const winds = plan.items.find((i) => i.prefix?.includes('GEOS_0.125x0.15625/GEOS_FP_DerivedWinds'))!;
    expect(winds.available).toBe(false);
    expect(winds.bucket).toBe('s3://gcgrid');
    expect(winds.reason).toMatch(/only for 2021-2023 with the exact time flag EFY/);
    expect(plan.warnings.some((w) => w.field === 'period.start' && /2021-2023/.test(w.message))).toBe(true);
    expect(plan.buckets).toEqual(['s3://gcgrid', 's3://geos-chem']);
  });

  it('flags offline emissions HEMCO reads only up to 2022 on period.end', () => {
    const plan = planInputs(
      spec({ period: { start: '2024-03-01T00:00:00Z', end: '2024-03-02T00:00:00Z' } }),
      { now: NOW },
    );
    const dust = plan.items.find((i) => i.description.startsWith('OFFLINE_DUST/'))!;
    expect(dust.available).toBe(false);
    expect(dust.keyCount).toBe(0);
    expect(
      plan.warnings.some((w) => w.field === 'period.end' && /OFFLINE_DUST.*1980-2022/.test(w.message)),
    ).toBe(true);
  });

  it('warns that the last weeks may not be processed yet when the period ends near today', () => {
    const plan = planInputs(
      spec({
        simulation: { type: 'TransportTracers' },
        period: { start: '2025-12-01T00:00:00Z', end: '2025-12-02T00:00:00Z' },
      }),
      { now: NOW },
    );
    expect(
      plan.warnings.some((w) => w.field === 'period.end' && /within 90 days of today/.test(w.message)),
    ).toBe(true);
  });

  it('says GCAP 2.0 meteorology is not in the public buckets', () => {
    const plan = planInputs(
      spec({
        // fullchem and aerosol are not prepared with GCAP 2.0 (createRunDir.sh 14.7.0 sets no DustL23M for it)
        simulation: { type: 'TransportTracers' },
        meteorology: { field: 'ModelE2.1', gcap2: { scenario: 'HIST' } },
        period: { start: '2010-06-01T00:00:00Z', end: '2010-06-02T00:00:00Z' },
      }),
      { now: NOW },
    );
    expect(plan.warnings.map((w) => w.field)).toContain('meteorology.field');
    expect(plan.items.filter((i) => i.category === 'met').every((i) => !i.available)).toBe(true);
  });

  it('records that MERRA-2 is not offered at 0.25x0.3125 (validation refuses it before a plan is made)', () => {
    expect(gridAvailability('merra2', '0.25x0.3125')).toMatchObject({ offered: false });
  });

  it('for the nested CH4 example: the North America 0.25x0.3125 GEOS-FP files and a warning about boundary conditions', () => {
    const plan = planInputs(resolve(exampleSpec('carbon-ch4-nested-na-025')), { now: NOW });
    const a1 = metItem(plan, 'A1');
    // createRunDir.sh points a nested run at its region's met files, not the global ones.
    expect(a1.keys![0]).toBe('GEOS_0.25x0.3125_NA/GEOS_FP/2019/01/GEOSFP.20190101.A1.025x03125.NA.nc');
    expect(a1.keyCount).toBe(31);
    // Regional archives are served by the nested-input portal, like the fine global grids.
    expect(a1.bucket).toBe('s3://gcgrid');
    expect(plan.buckets).toContain('s3://gcgrid');
    expect(plan.warnings.find((w) => w.field === 'grid.nestedDomain')!.message).toMatch(
      /SAMPLE_BCs\/v2021-07\/CH4/,
    );
    expect(plan.items.find((i) => i.category === 'restart')!.s3Uri).toMatch(
      /GEOSChem\.Restart\.carbon\.20190101_0000z\.nc4$/,
    );
  });
});

describe('planInputs: GCHP', () => {
  it("plans from the met field's native grid (GEOS-FP 0.25x0.3125) and says so", () => {
    const gchp = resolve({
      name: 'gchp plan',
      model: 'gchp',
      simulation: { type: 'fullchem' },
      meteorology: { field: 'geosfp' },
      grid: { resolution: 'C48' },
      period: { start: '2019-07-01T00:00:00Z', end: '2019-07-03T00:00:00Z' },
      compute: { backend: 'aws-batch' },
    });
    const plan = planInputs(gchp, { now: NOW });
    expect(metItem(plan, 'A3dyn').keys).toEqual([
      'GEOS_0.25x0.3125/GEOS_FP/2019/07/GEOSFP.20190701.A3dyn.025x03125.nc',
      'GEOS_0.25x0.3125/GEOS_FP/2019/07/GEOSFP.20190702.A3dyn.025x03125.nc',
    ]);
    expect(plan.notes[0]).toMatch(
      /^GCHP: planned from GC Classic's HEMCO configuration at the met field's native grid/,
    );
  });
});
