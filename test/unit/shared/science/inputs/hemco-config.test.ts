/**
 * The HEMCO_Config.rc reader decides what HEMCO would read: switches,
 * brackets, extension numbers, includes and tokens; and the date resolver
 * picks files the way HEMCO's time flags do.
 */
import { describe, expect, it } from '@jest/globals';
import { evaluateCondition, parseHemcoConfig, replaceTokens } from '#shared/science/inputs/hemco-config.js';
import { daysOf, resolveDatedPaths } from '#shared/science/inputs/hemco-dates.js';
import { inventoryGrid, timeSlices } from '#shared/science/inputs/file-sizes.js';

const CONFIG = `
### BEGIN SECTION SETTINGS
ROOT:   /ExtData/HEMCO
### END SECTION SETTINGS ###
### BEGIN SECTION EXTENSION SWITCHES
0       Base                   : on    *
    --> CEDS_01x01             :       true
    --> APEI                   :       false
103     LightNOx               : on    NO
    --> CDF table              :       $ROOT/LIGHTNOX/v2014-07/light_dist.ott2010.dat
104     SoilNOx                : off   NO
### END SECTION EXTENSION SWITCHES ###
### BEGIN SECTION BASE EMISSIONS
(((CEDS_01x01
0 CEDS_NO $ROOT/CEDS/v2024-06/$YYYY/NO-em-anthro_CMIP_CEDS_$YYYY.nc NO_agr 1980-2019/1-12/1/0 C xy kg/m2/s NO 25 1 5
)))CEDS_01x01
(((APEI.or.CEDS_01x01
0 EITHER $ROOT/EITHER/v1/either.nc X 2000/1/1/0 C xy 1 NO - 1 1
)))APEI.or.CEDS_01x01
(((APEI
0 APEI_NO $ROOT/APEI/v2016-11/APEI.0.1x0.1.nc NOx 1989-2014/1/1/0 RF xy kg/m2/s NO 25 1 30
)))APEI
0 SOAP - - - - - - SOAP 26/280 1 30
104 SOIL $ROOT/SOILNOX/v1/soil.nc X 2000/1/1/0 C xy 1 NO - 1 1
>>>include HEMCO_Config.rc.met
### BEGIN SECTION SCALE FACTORS
26 GEIA_TOD 0.45/0.45/0.6 - - - xy unitless 1
27 MATHSF MATH:58.09/(3.0*12.0) - - - xy 1 1
300 SF $ROOT/SF/v1/sf.nc SF 2010/1-12/1/0 C xy 1 1
### END SECTION SCALE FACTORS ###
`;
const MET = `
### BEGIN SECTION SETTINGS
METDIR: /ExtData/GEOS_4x5/MERRA2
### END SECTION SETTINGS ###
### BEGIN SECTION BASE EMISSIONS
* PS $METDIR/$YYYY/$MM/$MET.$YYYY$MM$DD.I3.$RES.$NC PS 1900-2100/1-12/1-31/* EFY xy 1 * - 1 1
`;

describe('parseHemcoConfig', () => {
  const config = parseHemcoConfig(
    CONFIG,
    { 'HEMCO_Config.rc.met': MET },
    { MET: 'MERRA2', RES: '4x5', NC: 'nc4' },
  );
  const names = config.files.map((f) => f.name);

  it('keeps lines inside true brackets and of extensions that are on, and drops the rest', () => {
    expect(names).toEqual(expect.arrayContaining(['CEDS_NO', 'EITHER', 'PS', 'SF']));
    expect(names).not.toContain('APEI_NO');
    expect(names).not.toContain('SOIL'); // extension 104 is off
    expect(names).not.toContain('SOAP'); // no file
    expect(names).not.toContain('GEIA_TOD'); // scale values, not a file
    expect(names).not.toContain('MATHSF');
  });

  it('replaces settings and GEOS-Chem tokens but leaves the date tokens', () => {
    expect(config.files.find((f) => f.name === 'CEDS_NO')!.path).toBe(
      '/ExtData/HEMCO/CEDS/v2024-06/$YYYY/NO-em-anthro_CMIP_CEDS_$YYYY.nc',
    );
    expect(config.files.find((f) => f.name === 'PS')!.path).toBe(
      '/ExtData/GEOS_4x5/MERRA2/$YYYY/$MM/MERRA2.$YYYY$MM$DD.I3.4x5.nc4',
    );
  });

  it('collects file options of extensions that are on', () => {
    expect(config.optionFiles).toEqual([
      {
        name: 'CDF table',
        path: '/ExtData/HEMCO/LIGHTNOX/v2014-07/light_dist.ott2010.dat',
        extension: '103',
      },
    ]);
  });

  it('evaluates .not., .or. and .and. conditions', () => {
    const switches = new Map([
      ['A', true],
      ['B', false],
    ]);
    expect(evaluateCondition('.not.B', switches)).toBe(true);
    expect(evaluateCondition('B.or.A', switches)).toBe(true);
    expect(evaluateCondition('A.and.B', switches)).toBe(false);
    expect(evaluateCondition('UNKNOWN', switches)).toBe(false);
  });

  it('replaces the longest token first ($METDIR before $MET)', () => {
    expect(
      replaceTokens(
        '$METDIR/$MET',
        new Map([
          ['MET', 'M'],
          ['METDIR', '/d'],
        ]),
      ),
    ).toBe('/d/M');
  });
});

describe('resolveDatedPaths', () => {
  const days = daysOf(new Date('2021-12-31T00:00:00Z'), new Date('2022-01-02T00:00:00Z'));

  it('clamps years outside the range for cycling data (C)', () => {
    expect(resolveDatedPaths('x/$YYYY.nc', '1980-2021/1-12/1/0', 'C', days).paths).toEqual(['x/2021.nc']);
  });

  it('reads nothing outside the range for range data (R)', () => {
    expect(resolveDatedPaths('x/$YYYY.nc', '1980-2021/1-12/1/0', 'RF', days).paths).toEqual(['x/2021.nc']);
  });

  it('reports the missing years of exact data (E)', () => {
    const resolved = resolveDatedPaths('x/$YYYY$MM$DD.nc', '1980-2021/1-12/1-31/*', 'EFY', days);
    expect(resolved.paths).toEqual(['x/20211231.nc']);
    expect(resolved.missingYears).toEqual([2022]);
  });

  it('applies a +1day offset (met *_NEXTDAY fields)', () => {
    expect(resolveDatedPaths('x/$YYYY$MM$DD.nc', '1900-2100/1-12/1-31/1/+1day', 'EFY', days).paths).toEqual([
      'x/20220101.nc',
      'x/20220102.nc',
    ]);
  });

  it('counts the days a period touches, partial days included', () => {
    expect(daysOf(new Date('2019-07-01T12:00:00Z'), new Date('2019-07-02T01:00:00Z'))).toHaveLength(2);
  });
});

describe('size model helpers', () => {
  it('finds the grid a file name states', () => {
    expect(inventoryGrid('HEMCO/APEI/v2016-11/APEI.0.1x0.1.nc')).toBe('0.1x0.1');
    expect(inventoryGrid('HEMCO/NEI2016/v2021-06/2016fh_16j_ag_0pt1degree_month_$MM.ncf')).toBe('0.1x0.1');
    expect(inventoryGrid('HEMCO/UVALBEDO/v2019-06/uvalbedo.geos.2x25.nc')).toBe('2x25');
    expect(inventoryGrid('HEMCO/X/v1/nogrid.nc')).toBe('1x1');
  });

  it('counts time slices from the parts of the date the path leaves open', () => {
    expect(timeSlices('a_$YYYY.nc', '1980-2019/1-12/1/0')).toBe(12);
    expect(timeSlices('a_$YYYY$MM.nc', '1980-2019/1-12/1-31/0-23', 'RFY3')).toBe(8);
    expect(timeSlices('a.nc', '2000-2009/1/1/0')).toBe(10);
  });
});
