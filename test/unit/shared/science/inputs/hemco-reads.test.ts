/**
 * Which HEMCO_Config.rc lines HEMCO 3.12 really reads: fields of species
 * that are not HEMCO species are dropped, scale factors and masks only when
 * a kept field applies them, a field replaced everywhere by a higher
 * hierarchy of the same species, category and extension is not read, nor a
 * field whose mask misses the model domain; and the domain HEMCO computes
 * for a GEOS-Chem grid.
 */
import { describe, expect, it } from '@jest/globals';
import { parseHemcoConfig } from '#shared/science/inputs/hemco-config.js';
import {
  hemcoDomain,
  hemcoReads,
  hemcoSpecies,
  maskCoverage,
  type HemcoDomain,
} from '#shared/science/inputs/hemco-reads.js';

const GLOBAL_4X5: HemcoDomain = { lon: [-180, 175], lat: [-89, 89] };

function config(base: string, scale = '', masks = ''): ReturnType<typeof parseHemcoConfig> {
  return parseHemcoConfig(
    [
      '### BEGIN SECTION SETTINGS',
      'ROOT: /ExtData/HEMCO',
      '### END SECTION SETTINGS ###',
      '### BEGIN SECTION EXTENSION SWITCHES',
      '0       Base                   : on    *',
      '### END SECTION EXTENSION SWITCHES ###',
      '### BEGIN SECTION BASE EMISSIONS',
      base,
      '### END SECTION BASE EMISSIONS ###',
      '### BEGIN SECTION SCALE FACTORS',
      scale,
      '### END SECTION SCALE FACTORS ###',
      '### BEGIN SECTION MASKS',
      masks,
      '### END SECTION MASKS ###',
    ].join('\n'),
    {},
    {},
  );
}

function readNames(
  text: ReturnType<typeof parseHemcoConfig>,
  species: string[],
  domain = GLOBAL_4X5,
): string[] {
  return hemcoReads(text, { species: new Set(species), domain }).files.map((f) => f.name);
}

describe('hemcoReads: species', () => {
  const parsed = config(
    [
      '* GMI_OH $ROOT/GMI/oh.nc OH 2005/1-12/1/0 C xyz v/v * - 1 1',
      '* GMI_PROD_ACET $ROOT/GMI/acet.nc prod 2005/1-12/1/0 C xyz v/v/s ACET - 1 1',
      '* GMI_PROD_A3O2 $ROOT/GMI/a3o2.nc prod 2005/1-12/1/0 C xyz v/v/s A3O2 - 1 1',
    ].join('\n'),
  );

  it('reads "*" lines and lines of transported species, not those of other species (GMI prod/loss of A3O2)', () => {
    expect(readNames(parsed, ['ACET'])).toEqual(['GMI_OH', 'GMI_PROD_ACET']);
    const { skipped } = hemcoReads(parsed, { species: new Set(['ACET']), domain: GLOBAL_4X5 });
    expect(skipped.map((s) => [s.container.name, s.reason])).toEqual([['GMI_PROD_A3O2', 'species']]);
  });

  it('matches species names exactly, as HEMCO does (HGCL2 is not HgCl2)', () => {
    const hg = config('0 COAL $ROOT/HG/coal.nc Hg2 2000/1/1/0 C xy kg/m2/s HGCL2 - 1 3');
    expect(readNames(hg, ['HgCl2'])).toEqual([]);
  });

  it('adds SESQ to the HEMCO species when LIMO is transported', () => {
    expect([...hemcoSpecies(['LIMO', 'NO'])].sort()).toEqual(['LIMO', 'NO', 'SESQ']);
    expect(hemcoSpecies(['NO']).has('SESQ')).toBe(false);
  });
});

describe('hemcoReads: scale factors and masks', () => {
  const parsed = config(
    [
      '0 USED $ROOT/A/used.nc NO 2000/1/1/0 C xyL=1:scal300 kg/m2/s NO 26/1001 1 1',
      '0 DROPPED $ROOT/A/dropped.nc X 2000/1/1/0 C xy kg/m2/s XX 27/1002 1 1',
    ].join('\n'),
    [
      '26 SF_USED $ROOT/SF/used.nc SF 2000/1/1/0 C xy 1 1',
      '27 SF_UNUSED $ROOT/SF/unused.nc SF 2000/1/1/0 C xy 1 1',
      '300 LEVELS $ROOT/SF/levels.nc L 2000/1/1/0 C xyz 1 1',
    ].join('\n'),
    [
      '1001 MASK_USED $ROOT/MASKS/used.nc MASK 2000/1/1/0 C xy 1 1 70/15/140/55',
      '1002 MASK_UNUSED $ROOT/MASKS/unused.nc MASK 2000/1/1/0 C xy 1 1 70/15/140/55',
      '1003 MASK_ALWAYS $ROOT/MASKS/always.nc MASK 2000/1/1/0 C xy 1 1 70/15/140/55 y',
    ].join('\n'),
  );

  it('reads the scale factors and masks a kept field applies (level scale factors too) and masks marked "y"', () => {
    expect(readNames(parsed, ['NO'])).toEqual(['USED', 'SF_USED', 'LEVELS', 'MASK_USED', 'MASK_ALWAYS']);
  });

  it('does not read those only a dropped field applies', () => {
    const { skipped } = hemcoReads(parsed, { species: new Set(['NO']), domain: GLOBAL_4X5 });
    expect(skipped.filter((s) => s.reason === 'unused').map((s) => s.container.name)).toEqual([
      'SF_UNUSED',
      'MASK_UNUSED',
    ]);
  });
});

describe('hemcoReads: replaced inventories (Get_targetID)', () => {
  const lines = (overrider: string): ReturnType<typeof parseHemcoConfig> =>
    config(
      [
        '0 CEDS_C2H6 $ROOT/CEDS/c2h6.nc C2H6 1980-2019/1-12/1/0 C xy kg/m2/s C2H6 26 1 5',
        '0 CEDS_C2H6_SHP $ROOT/CEDS/c2h6.nc C2H6_shp 1980-2019/1-12/1/0 C xy kg/m2/s C2H6 26 10 5',
        overrider,
      ].join('\n'),
      '26 SF $ROOT/SF/sf.nc SF 2000/1/1/0 C xy 1 1',
      [
        '1001 REGION $ROOT/MASKS/region.nc MASK 2000/1/1/0 C xy 1 1 70/15/140/55',
        '1002 WORLD $ROOT/MASKS/world.nc MASK 2000/1/1/0 C xy 1 1 -180/-90/180/90',
      ].join('\n'),
    );

  it('drops a field of the same species and category replaced by a higher hierarchy with no mask, keeping its scale factors', () => {
    const parsed = lines('0 OILGAS $ROOT/C2H6/oilgas.nc C2H6 2010/1-12/1/0 C xy kgC/m2/s C2H6 - 1 100');
    const result = hemcoReads(parsed, { species: new Set(['C2H6']), domain: GLOBAL_4X5 });
    expect(result.files.map((f) => f.name)).toEqual(['CEDS_C2H6_SHP', 'OILGAS', 'SF']);
    const replaced = result.skipped.filter((s) => s.reason === 'overridden');
    expect(replaced.map((s) => [s.container.name, s.by])).toEqual([['CEDS_C2H6', 'OILGAS']]);
  });

  it('keeps it when the higher field has range or exact data (it may have none)', () => {
    for (const flag of ['RF', 'R', 'EFY', 'E']) {
      const parsed = lines(
        `0 OILGAS $ROOT/C2H6/oilgas.nc C2H6 2010/1-12/1/0 ${flag} xy kgC/m2/s C2H6 - 1 100`,
      );
      expect(readNames(parsed, ['C2H6'])).toContain('CEDS_C2H6');
    }
  });

  it('keeps it when the higher field covers the domain only in part (a regional mask)', () => {
    const parsed = lines('0 OILGAS $ROOT/C2H6/oilgas.nc C2H6 2010/1-12/1/0 C xy kgC/m2/s C2H6 1001 1 100');
    expect(readNames(parsed, ['C2H6'])).toContain('CEDS_C2H6');
  });

  it('drops it when the higher field has a mask that covers the whole domain', () => {
    const parsed = lines('0 OILGAS $ROOT/C2H6/oilgas.nc C2H6 2010/1-12/1/0 C xy kgC/m2/s C2H6 1002 1 100');
    expect(readNames(parsed, ['C2H6'])).not.toContain('CEDS_C2H6');
  });

  it('keeps it for another category, another extension, a lower hierarchy or several categories', () => {
    for (const other of [
      '0 OILGAS $ROOT/C2H6/oilgas.nc C2H6 2010/1-12/1/0 C xy kgC/m2/s C2H6 - 2 100',
      '111 OILGAS $ROOT/C2H6/oilgas.nc C2H6 2010/1-12/1/0 C xy kgC/m2/s C2H6 - 1 100',
      '0 OILGAS $ROOT/C2H6/oilgas.nc C2H6 2010/1-12/1/0 C xy kgC/m2/s C2H6 - 1 2',
      '0 OILGAS $ROOT/C2H6/oilgas.nc C2H6 2010/1-12/1/0 C xy kgC/m2/s C2H6 - 1/2 100',
    ]) {
      expect(readNames(lines(other), ['C2H6'])).toContain('CEDS_C2H6');
    }
  });
});

describe('hemcoReads: masks outside the domain', () => {
  const parsed = config(
    [
      '0 MEIC $ROOT/AFCID/meic.nc PM 2012/1/1/0 C xy kg/m2/s PM25 1001 1 2',
      '0 GLOBAL $ROOT/AFCID/global.nc PM 2015/1/1/0 C xy kg/m2/s PM25 - 1 1',
    ].join('\n'),
    '',
    '1001 CHINA $ROOT/MASKS/China_mask.nc MASK 2000/1/1/0 C xy 1 1 70/15/140/55',
  );

  it('does not read a regional inventory whose mask misses a nested domain, but still reads the mask', () => {
    const europe = hemcoDomain({
      resolution: '0.5x0.625',
      lonRange: [-30, 50],
      latRange: [30, 70],
      centerAt180: true,
      halfPolar: true,
    });
    const result = hemcoReads(parsed, { species: new Set(['PM25']), domain: europe });
    expect(result.files.map((f) => f.name)).toEqual(['GLOBAL', 'CHINA']);
    expect(result.skipped.map((s) => [s.container.name, s.reason])).toEqual([['MEIC', 'outside-domain']]);
  });

  it('reads it on the global grid, where the mask covers part of the domain', () => {
    expect(readNames(parsed, ['PM25'])).toEqual(['MEIC', 'GLOBAL', 'CHINA']);
  });
});

describe('hemcoReads: lines that share the data of the line before ("-")', () => {
  it('reads the file of the line before when only the sharing line is kept', () => {
    const parsed = config(
      [
        '0 CEDS_MOH $ROOT/CEDS/eoh.nc EOH 1980-2019/1-12/1/0 C xy kg/m2/s MOH 90 1 5',
        '0 CEDS_EOH - - - - - - EOH 91 1 5',
      ].join('\n'),
      ['90 SF_MOH 0.1 - - - xy 1 1', '91 SF_EOH 0.9 - - - xy 1 1'].join('\n'),
    );
    expect(parsed.files.map((f) => f.name)).toEqual(['CEDS_MOH']);
    expect(readNames(parsed, ['EOH'])).toEqual(['CEDS_MOH']);
    expect(readNames(parsed, ['NO'])).toEqual([]);
  });
});

describe('hemcoDomain and maskCoverage (Calc_Coverage)', () => {
  it('bounds a global grid by its box centres, as RegisterPrepare does', () => {
    const grid = { lonRange: [-180, 180], latRange: [-90, 90], centerAt180: true, halfPolar: true } as const;
    expect(hemcoDomain({ ...grid, resolution: '4.0x5.0' })).toEqual(GLOBAL_4X5);
    expect(hemcoDomain({ ...grid, resolution: '2.0x2.5' })).toEqual({ lon: [-180, 177], lat: [-89, 90] });
  });

  it('bounds the nested North America 0.25x0.3125 domain of the CH4 example', () => {
    expect(
      hemcoDomain({
        resolution: '0.25x0.3125',
        lonRange: [-130, -60],
        latRange: [9.75, 60],
        centerAt180: true,
        halfPolar: true,
      }),
    ).toEqual({ lon: [-130, -60], lat: [10, 60] });
  });

  it('is 0 without overlap, 1 when the box covers the domain, -1 in part', () => {
    expect(maskCoverage([70, 15, 140, 55], { lon: [-30, 50], lat: [30, 70] })).toBe(0);
    expect(maskCoverage([-180, -90, 180, 90], GLOBAL_4X5)).toBe(1);
    expect(maskCoverage([70, 15, 140, 55], GLOBAL_4X5)).toBe(-1);
  });
});
