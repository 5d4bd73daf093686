import { describe, expect, it } from '@jest/globals';
import { existsSync, readdirSync, readFileSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import {
  ALL_MET_FIELDS,
  ALL_RESOLUTIONS,
  ALL_SIMULATION_TYPES,
  defaultExtraOption,
  defaultGcap2RunId,
  defaultLevels,
  defaultRunDirName,
  domainSettings,
  extraOptionsFor,
  frequencyHours,
  gcap2Covers,
  gcap2Run,
  gcap2Runs,
  gridStep,
  historyCollectionsFor,
  historyFrequency,
  isDomainAsked,
  levelsFor,
  metFieldChange,
  metFieldLabel,
  metFieldsOffering,
  metFieldUnavailableReason,
  NESTED_BUFFER_CELLS,
  nestedDomain,
  nestedDomainsFor,
  resolutionCode,
  resolutionFromCode,
  resolutionSettings,
  resolutionsFor,
  timestepsFor,
} from '#shared/science/spec/rundir-rules.js';

const ROOT = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../../../../..');
const REFERENCE = path.resolve(ROOT, '../shared/reference/geoschem');
const withReference = existsSync(REFERENCE) ? it : it.skip;

describe('shared/science/geoschem/ copies', () => {
  withReference('rundir-options.json holds the same data as the reference transcription', () => {
    const copy = JSON.parse(
      readFileSync(path.join(ROOT, 'shared/science/geoschem/rundir-options.json'), 'utf8'),
    );
    const reference = JSON.parse(readFileSync(path.join(REFERENCE, 'rundir_options.json'), 'utf8'));
    expect(copy).toEqual(reference);
  });

  withReference('the GEOS-Chem licence is copied verbatim', () => {
    expect(readFileSync(path.join(ROOT, 'shared/science/geoschem/LICENSE-GEOS-Chem.txt'), 'utf8')).toBe(
      readFileSync(path.join(REFERENCE, 'geos-chem-14.7.0/LICENSE.txt'), 'utf8'),
    );
  });

  withReference('history-collections.json matches the 14.7.0 HISTORY.rc templates', () => {
    const dir = path.join(REFERENCE, 'geos-chem-14.7.0/run/GCClassic/HISTORY.rc.templates');
    for (const file of readdirSync(dir)) {
      const type = file.replace('HISTORY.rc.', '') as (typeof ALL_SIMULATION_TYPES)[number];
      const text = readFileSync(path.join(dir, file), 'utf8');
      const defined = new Set(
        [...text.matchAll(/^\s*#*\s*([A-Za-z0-9_]+)\.(?:template|filename):/gm)].map((m) => m[1]!),
      );
      const list = text.slice(text.search(/^COLLECTIONS:/m)).split(/^::/m)[0]!;
      const enabled = [...list.matchAll(/^(?:COLLECTIONS:)?\s*(#*)\s*'([A-Za-z0-9_]+)'/gm)]
        .filter((m) => m[1] === '')
        .map((m) => m[2]!);
      const recorded = historyCollectionsFor(type);
      expect(new Set(recorded.offered)).toEqual(defined);
      expect(recorded.enabledByDefault).toEqual(enabled);
    }
  });
});

describe('simulations and extra options', () => {
  it('knows the eight GC Classic 14.7.0 simulations', () => {
    expect(ALL_SIMULATION_TYPES).toEqual([
      'fullchem',
      'aerosol',
      'carbon',
      'Hg',
      'POPs',
      'tagO3',
      'TransportTracers',
      'metals',
    ]);
  });

  it('offers CH4, CO2, CO and OCS as carbon extra options, and no "none" for POPs', () => {
    expect(extraOptionsFor('carbon')).toEqual(['none', 'CH4', 'CO2', 'CO', 'OCS']);
    expect(extraOptionsFor('POPs')).toEqual(['BaP', 'PHE', 'PYR']);
    expect(defaultExtraOption('POPs')).toBeUndefined();
    expect(defaultExtraOption('fullchem')).toBe('none');
  });

  it('lists HISTORY.rc collections per simulation, Restart and SpeciesConc everywhere', () => {
    for (const type of ALL_SIMULATION_TYPES) {
      const { offered, enabledByDefault } = historyCollectionsFor(type);
      expect(offered).toEqual(expect.arrayContaining(['Restart', 'SpeciesConc']));
      expect(enabledByDefault[0]).toBe('Restart');
      for (const name of enabledByDefault) expect(offered).toContain(name);
    }
    expect(historyCollectionsFor('TransportTracers').offered).toContain('RadioNuclide');
    expect(historyCollectionsFor('carbon').enabledByDefault).toContain('Carbon');
    expect(historyCollectionsFor('fullchem').offered).not.toContain('RadioNuclide');
  });
});

describe('met fields and grids', () => {
  it('names met fields as people say them', () => {
    expect(ALL_MET_FIELDS.map(metFieldLabel)).toEqual([
      'MERRA-2',
      'GEOS-FP',
      'GEOS-IT',
      'GISS ModelE2.1 (GCAP 2.0)',
    ]);
  });

  it('offers grids per met field as createRunDir.sh accepts them', () => {
    expect(resolutionsFor('merra2')).toEqual(['4x5', '2x2.5', '0.5x0.625']);
    expect(resolutionsFor('geosfp')).toEqual(['4x5', '2x2.5', '0.5x0.625', '0.25x0.3125', '0.125x0.15625']);
    expect(resolutionsFor('geosit')).toEqual(['4x5', '2x2.5', '0.5x0.625']);
    expect(resolutionsFor('ModelE2.1')).toEqual(['4x5', '2x2.5', '0.5x0.625']);
    expect(metFieldsOffering('0.125x0.15625')).toEqual(['geosfp']);
    expect(metFieldsOffering('4x5')).toEqual(['merra2', 'geosfp', 'geosit', 'ModelE2.1']);
  });

  it("maps spec resolutions to createRunDir.sh's short names and back", () => {
    expect(ALL_RESOLUTIONS.map(resolutionCode)).toEqual([
      '4x5',
      '2x25',
      '05x0625',
      '025x03125',
      '0125x015625',
    ]);
    expect(resolutionFromCode('2x25')).toBe('2x2.5');
    expect(resolutionFromCode('2x2.5')).toBeUndefined();
    expect(resolutionSettings('0.5x0.625')).toEqual({
      RUNDIR_GRID_RES: '05x0625',
      RUNDIR_GRID_RES_LONG: '0.5x0.625',
      RUNDIR_GRID_DIR: '0.5x0.625',
    });
    expect(gridStep('2x2.5')).toEqual({ lat: 2, lon: 2.5 });
  });

  it('asks for a domain at 0.5x0.625 and 0.25x0.3125 except with GEOS-IT, and always at 0.125x0.15625', () => {
    expect(isDomainAsked('merra2', '0.5x0.625')).toBe(true);
    expect(isDomainAsked('ModelE2.1', '0.5x0.625')).toBe(true);
    expect(isDomainAsked('geosit', '0.5x0.625')).toBe(false);
    expect(isDomainAsked('geosfp', '0.25x0.3125')).toBe(true);
    expect(isDomainAsked('geosfp', '0.125x0.15625')).toBe(true);
    expect(isDomainAsked('geosfp', '4x5')).toBe(false);
    expect(isDomainAsked('merra2', '2x2.5')).toBe(false);
  });

  it('knows the nested domains of each resolution and their bounds', () => {
    expect(nestedDomainsFor('4x5')).toEqual([]);
    expect(nestedDomainsFor('0.5x0.625').map((d) => d.code)).toEqual(['AS', 'EU', 'NA']);
    expect(nestedDomainsFor('0.25x0.3125').map((d) => d.code)).toEqual([
      'AS',
      'EU',
      'NA',
      'SA',
      'AF',
      'ME',
      'OC',
      'RU',
    ]);
    expect(nestedDomainsFor('0.125x0.15625').map((d) => d.code)).toEqual(['AS', 'EU', 'NA', 'SA', 'AF']);
    expect(nestedDomain('0.25x0.3125', 'NA')).toEqual({
      code: 'NA',
      name: 'North America',
      lonRange: [-130, -60],
      latRange: [9.75, 60],
    });
    expect(nestedDomain('0.5x0.625', 'NA')?.lonRange).toEqual([-140, -40]);
  });

  it('has every built-in nested domain on grid points of its resolution, as custom domains must be', () => {
    for (const resolution of ALL_RESOLUTIONS) {
      const step = gridStep(resolution);
      for (const domain of nestedDomainsFor(resolution)) {
        for (const lon of domain.lonRange)
          expect(Number.isInteger(Number(((lon + 180) / step.lon).toFixed(6)))).toBe(true);
        for (const lat of domain.latRange)
          expect(Number.isInteger(Number(((lat + 90) / step.lat).toFixed(6)))).toBe(true);
      }
    }
  });

  it('gives nested runs a 3-cell buffer zone and boundary conditions', () => {
    expect(NESTED_BUFFER_CELLS).toBe(3);
    expect(domainSettings(true)).toEqual({
      RUNDIR_GRID_NESTED_SIM: 'true',
      RUNDIR_GRID_BUFFER_ZONE: '[3, 3, 3, 3]',
      RUNDIR_USE_BCs: 'true',
    });
    expect(domainSettings(false).RUNDIR_USE_BCs).toBe('false');
  });

  it('offers 72 or 47 levels with GMAO met fields and 40 with ModelE2.1', () => {
    expect(levelsFor('merra2')).toEqual([72, 47]);
    expect(levelsFor('geosit')).toEqual([72, 47]);
    expect(levelsFor('ModelE2.1')).toEqual([40]);
    expect(defaultLevels('geosfp')).toBe(72);
    expect(defaultLevels('ModelE2.1')).toBe(40);
  });

  it('refuses GEOS-IT for 14.7.0 only', () => {
    expect(metFieldUnavailableReason('geosit', '14.7.0')).toMatch(
      /geosit\.preprocessed_ll\.txt, which is missing/,
    );
    expect(metFieldUnavailableReason('merra2', '14.7.0')).toBeUndefined();
    expect(metFieldUnavailableReason('ModelE2.1', '14.7.0')).toBeUndefined();
  });

  it('knows the GEOS-FP convection change createRunDir.sh asks to acknowledge', () => {
    expect(metFieldChange('geosfp')).toEqual({
      date: '2020-06-01',
      note: 'RAS->Grell-Freitas convection change',
    });
    expect(metFieldChange('merra2')).toBeUndefined();
  });
});

describe('GCAP 2.0', () => {
  it('parses the nine runs and their year ranges', () => {
    const runs = gcap2Runs();
    expect(runs).toHaveLength(9);
    expect(runs[0]).toEqual({
      scenario: 'HIST',
      runId: 'E213f10aF40oQ40',
      years: [
        [1851, 1860],
        [2001, 2014],
      ],
    });
    expect(gcap2Run('E213SSP370aF40oQ40')?.years).toEqual([
      [2040, 2049],
      [2090, 2099],
    ]);
    expect(defaultGcap2RunId('HIST')).toBe('E213f10aF40oQ40');
    expect(defaultGcap2RunId('SSP119')).toBe('E213SSP119aF40oQ40');
  });

  it('covers a period inside one range, up to 1 January after its last year', () => {
    const run = gcap2Run('E213f10aF40oQ40nudge')!;
    expect(gcap2Covers(run, new Date('2001-01-01T00:00:00Z'), new Date('2015-01-01T00:00:00Z'))).toBe(true);
    expect(gcap2Covers(run, new Date('2000-12-31T00:00:00Z'), new Date('2001-02-01T00:00:00Z'))).toBe(false);
    expect(gcap2Covers(run, new Date('2014-12-01T00:00:00Z'), new Date('2015-01-01T01:00:00Z'))).toBe(false);
  });
});

describe('run-directory values', () => {
  it("uses createRunDir.sh's timesteps: 600/1200 s at 4x5, 1800/3600 s with TOMAS, 150/300 s at 0.125x0.15625", () => {
    expect(timestepsFor('4x5')).toEqual({ transport: 600, chemistry: 1200 });
    expect(timestepsFor('2x2.5', 'TOMAS40')).toEqual({ transport: 1800, chemistry: 3600 });
    expect(timestepsFor('0.25x0.3125')).toEqual({ transport: 300, chemistry: 600 });
    expect(timestepsFor('0.125x0.15625')).toEqual({ transport: 150, chemistry: 300 });
  });

  it('writes HISTORY.rc frequencies', () => {
    expect(historyFrequency('hourly')).toBe('00000000 010000');
    expect(historyFrequency('3-hourly')).toBe('00000000 030000');
    expect(historyFrequency('daily')).toBe('00000001 000000');
    expect(historyFrequency('monthly')).toBe('00000100 000000');
    expect(historyFrequency('end')).toBe('End');
    expect(frequencyHours('daily')).toBe(24);
    expect(frequencyHours('monthly')).toBeUndefined();
  });

  it("names run directories as createRunDir.sh's examples do", () => {
    expect(
      defaultRunDirName({
        resolution: '4x5',
        levels: 72,
        met: 'merra2',
        simulation: 'fullchem',
        extraOption: 'none',
      }),
    ).toBe('gc_4x5_merra2_fullchem');
    expect(
      defaultRunDirName({
        resolution: '0.5x0.625',
        nestedDomain: 'NA',
        levels: 47,
        met: 'geosfp',
        simulation: 'fullchem',
        extraOption: 'benchmark',
      }),
    ).toBe('gc_05x0625_NA_47L_geosfp_fullchem_benchmark');
    expect(
      defaultRunDirName({
        resolution: '0.25x0.3125',
        nestedDomain: 'global',
        levels: 72,
        met: 'geosfp',
        simulation: 'carbon',
        extraOption: 'CH4',
      }),
    ).toBe('gc_025x03125_geosfp_carbon_CH4');
  });
});
