/**
 * The inputs GEOS-Chem 14.7.0's code opens by name, per simulation, grid and
 * run-directory setting, from the generated geoschem_config.yml of real specs.
 */
import { describe, expect, it } from '@jest/globals';
import { chemistryInputs, type ChemistrySettings } from '#shared/science/inputs/chemistry-inputs.js';
import { planInputs } from '#shared/science/inputs/plan-inputs.js';
import { validateSimulationSpec } from '#shared/science/spec/validate-spec.js';

const NOW = new Date('2026-01-01T00:00:00Z');

/** The chemistry keys of a spec's plan (items from GEOS-Chem's code), by directory. */
function chemistryKeys(
  simulation: Record<string, unknown>,
  grid: Record<string, unknown> = { resolution: '4x5' },
): string[] {
  const result = validateSimulationSpec(
    {
      name: 'chemistry inputs',
      simulation,
      meteorology: { field: 'merra2' },
      grid,
      period: { start: '2019-07-01T00:00:00Z', end: '2019-07-02T00:00:00Z' },
      compute: { backend: 'aws-batch' },
    },
    { now: NOW },
  );
  if (!result.ok) throw new Error(JSON.stringify(result.issues));
  return planInputs(result.spec, { now: NOW })
    .items.filter((item) => item.source?.startsWith('GEOS-Chem 14.7.0'))
    .flatMap((item) => item.keys ?? [item.prefix!.replace('s3://geos-chem/', '')]);
}

const dirs = (keys: string[]): string[] =>
  [...new Set(keys.map((key) => key.split('/').slice(0, -1).join('/')))].sort();

describe('chemistry inputs opened by name, from the generated run directory', () => {
  it('fullchem 4x5: dry deposition, Cloud-J, Fast-J climatology, aerosol optics, the 4x5 UCX tables, Linoz', () => {
    const keys = chemistryKeys({ type: 'fullchem' });
    expect(dirs(keys)).toEqual([
      'CHEM_INPUTS/Aerosol_Optics/v2025-03',
      'CHEM_INPUTS/CLOUD_J/v2025-01',
      'CHEM_INPUTS/FastJ_201204',
      'CHEM_INPUTS/Linoz_200910',
      'CHEM_INPUTS/Olson_Land_Map_201203',
      'CHEM_INPUTS/UCX_201403/NoonTime/Grid4x5',
    ]);
    expect(keys.filter((key) => key.includes('/UCX_201403/'))).toHaveLength(72);
    expect(keys).toContain('CHEM_INPUTS/UCX_201403/NoonTime/Grid4x5/InitCFC_JN2O_12.dat');
  });

  it('reads the 2x2.5 UCX tables on every grid but 4x5 (0.5x0.625 here)', () => {
    expect(
      dirs(chemistryKeys({ type: 'fullchem' }, { resolution: '0.5x0.625', nestedDomain: 'global' })),
    ).toContain('CHEM_INPUTS/UCX_201403/NoonTime/Grid2x25');
  });

  it('Hg: Cloud-J from its own table directory and the Fast-J climatology, no aerosol optics or UCX', () => {
    expect(dirs(chemistryKeys({ type: 'Hg' }))).toEqual([
      'CHEM_INPUTS/CLOUD_J/v2025-01-Hg',
      'CHEM_INPUTS/FastJ_201204',
      'CHEM_INPUTS/Olson_Land_Map_201203',
    ]);
  });

  it('aerosol: photolysis is not activated, so no Cloud-J tables; optics, UCX and the Fast-J climatology', () => {
    expect(dirs(chemistryKeys({ type: 'aerosol' }))).toEqual([
      'CHEM_INPUTS/Aerosol_Optics/v2025-03',
      'CHEM_INPUTS/FastJ_201204',
      'CHEM_INPUTS/Olson_Land_Map_201203',
      'CHEM_INPUTS/UCX_201403/NoonTime/Grid4x5',
    ]);
  });

  it('TransportTracers: only the dry-deposition table; carbon (no dry deposition): none', () => {
    expect(chemistryKeys({ type: 'TransportTracers' })).toEqual([
      'CHEM_INPUTS/Olson_Land_Map_201203/Olson_2001_Drydep_Inputs.nc',
    ]);
    expect(chemistryKeys({ type: 'carbon' })).toEqual([]);
  });

  it('TOMAS: the 12-bin tables for TOMAS15, the others for TOMAS40, and the ion pairs', () => {
    const tomas15 = chemistryKeys({ type: 'fullchem', extraOption: 'TOMAS15' }).filter((key) =>
      key.includes('TOMAS_201402'),
    );
    expect(tomas15.sort()).toEqual(
      ['IonPairs1GV.4x5', 'binact02_12.dat', 'binact10_12.dat', 'fraction02_12.dat', 'fraction10_12.dat'].map(
        (name) => `CHEM_INPUTS/TOMAS_201402/${name}`,
      ),
    );
    const settings: ChemistrySettings = {
      simulation: 'fullchem',
      extraOption: 'TOMAS40',
      resolution: '4.0x5.0',
      dryDeposition: false,
      photolysis: false,
      linoz: false,
    };
    expect(chemistryInputs(settings).map((input) => input.key)).toContain(
      'CHEM_INPUTS/TOMAS_201402/binact02.dat',
    );
  });

  it('APM: its table directory, staged whole (its files depend on its own settings)', () => {
    expect(chemistryKeys({ type: 'fullchem', extraOption: 'APM' })).toContain('CHEM_INPUTS/APM_data_201906/');
  });
});
