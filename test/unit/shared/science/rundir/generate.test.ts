/**
 * Run-directory generation for GEOS-Chem Classic 14.7: every simulation x met
 * field x grid (with each domain createRunDir.sh offers) x levels combination
 * is either refused at validation as not prepared (naming the field and why),
 * or fills every ${RUNDIR_*} placeholder (but those createRunDir.sh leaves where
 * GEOS-Chem never reads them), gives a geoschem_config.yml that parses and says
 * what the spec says, and a HISTORY.rc that switches on exactly the spec's
 * collections. File-by-file equality with createRunDir.sh is in
 * createrundir-conformance.test.ts.
 */
import { describe, expect, it } from '@jest/globals';
import { parse } from 'yaml';
import { generateRunDirectory } from '#shared/science/rundir/generate.js';
import {
  activeCollections,
  fillTemplate,
  parseSettings,
  unfilledPlaceholders,
} from '#shared/science/rundir/templates.js';
import {
  ALL_MET_FIELDS,
  ALL_SIMULATION_TYPES,
  extraOptionsFor,
  historyCollectionsFor,
  isDomainAsked,
  levelsFor,
  metFieldUnavailableReason,
  nestedDomainsFor,
  resolutionsFor,
  resolutionSettings,
  timestepsFor,
} from '#shared/science/spec/rundir-rules.js';
import { validateSimulationSpec, type ResolvedSimulationSpec } from '#shared/science/spec/validate-spec.js';

const NOW = new Date('2026-01-01T00:00:00Z');

function resolve(input: Record<string, unknown>): ResolvedSimulationSpec {
  const result = validateSimulationSpec(input, { now: NOW });
  if (!result.ok) throw new Error(JSON.stringify(result.issues));
  return result.spec;
}

interface Combo {
  label: string;
  input: Record<string, unknown>;
}

function combos(): Combo[] {
  const out: Combo[] = [];
  let n = 0;
  for (const type of ALL_SIMULATION_TYPES) {
    const extraOption = extraOptionsFor(type).includes('none') ? 'none' : extraOptionsFor(type)[0]!;
    const { offered } = historyCollectionsFor(type);
    for (const met of ALL_MET_FIELDS) {
      if (metFieldUnavailableReason(met, '14.7.0')) continue; // GEOS-IT in 14.7.0
      const gcap = met === 'ModelE2.1';
      const period = gcap
        ? { start: '2005-07-01T00:00:00Z', end: '2005-07-02T00:00:00Z' }
        : { start: '2019-07-01T00:00:00Z', end: '2019-07-02T00:00:00Z' };
      for (const resolution of resolutionsFor(met)) {
        const domains = isDomainAsked(met, resolution)
          ? ['global', ...nestedDomainsFor(resolution).map((d) => d.code)]
          : [undefined];
        for (const nestedDomain of domains) {
          for (const levels of levelsFor(met)) {
            // A different extra collection each time, so "exactly the spec's" is tested broadly.
            const other = offered.filter((c) => c !== 'Restart')[n++ % (offered.length - 1)]!;
            out.push({
              label: `${type} ${met} ${resolution} ${nestedDomain ?? '-'} ${levels}L`,
              input: {
                name: 'combo',
                simulation: { type, extraOption },
                meteorology: { field: met, ...(gcap ? { gcap2: { scenario: 'HIST' } } : {}) },
                grid: { resolution, levels, ...(nestedDomain ? { nestedDomain } : {}) },
                period,
                diagnostics: { collections: ['Restart', other], frequency: 'daily' },
                compute: { backend: 'local' },
              },
            });
          }
        }
      }
    }
  }
  return out;
}

const ALL = combos();

/**
 * Placeholders createRunDir.sh 14.7.0 leaves unfilled where GEOS-Chem never reads them:
 * the DustL23M tuning factor where it has none (GEOS-FP 0.5x0.625, 0.125x0.15625) and
 * the DustL23M extension is off; POPs' HEMCO_Diagn.rc, which the script copies without
 * substitution (HEMCO skips a diagnostic whose species is not defined).
 */
function unreadPlaceholders(file: string, text: string): string[] {
  const left = unfilledPlaceholders(text);
  if (file === 'HEMCO_Diagn.rc') return left.filter((name) => name === 'RUNDIR_POP_SPC');
  if (file === 'HEMCO_Config.rc' && /^125 +DustL23M +: off /m.test(text)) {
    return left.filter((name) => name === 'RUNDIR_DUSTL23M_TF');
  }
  return [];
}

/** The combinations createRunDir.sh offers whose run directory the platform refuses to prepare. */
function isNotPrepared(input: Record<string, unknown>): boolean {
  const type = (input.simulation as { type: string }).type;
  const met = (input.meteorology as { field: string }).field;
  const resolution = (input.grid as { resolution: string }).resolution;
  if (type !== 'fullchem' && type !== 'aerosol') return false;
  if (met === 'ModelE2.1') return true;
  return type === 'aerosol' && met === 'geosfp' && ['0.5x0.625', '0.125x0.15625'].includes(resolution);
}

describe('generateRunDirectory, every combination createRunDir.sh offers', () => {
  it('enumerates every simulation, usable met field, grid, domain and level count', () => {
    // 8 simulations x (MERRA-2 12 + GEOS-FP 42 + ModelE2.1 6) = 480, of which 32 are not
    // prepared: fullchem and aerosol with ModelE2.1 (12), aerosol with GEOS-FP at
    // 0.5x0.625 and 0.125x0.15625 (20)
    expect(ALL).toHaveLength(ALL_SIMULATION_TYPES.length * 60);
    expect(ALL.filter((c) => isNotPrepared(c.input))).toHaveLength(32);
  });

  it.each(ALL.map((c) => [c.label, c.input] as const))('%s', (_label, input) => {
    const result = validateSimulationSpec(input, { now: NOW });
    if (isNotPrepared(input)) {
      expect(result.ok).toBe(false);
      if (result.ok) return;
      expect(result.issues).toHaveLength(1);
      expect(['meteorology.field', 'grid.resolution']).toContain(result.issues[0]!.field);
      expect(result.issues[0]!.message).toContain('is not prepared by the platform because');
      return;
    }
    const spec = resolve(input);
    const { name, files, directories } = generateRunDirectory(spec);

    for (const [file, text] of Object.entries(files)) {
      expect([file, unfilledPlaceholders(text)]).toEqual([file, unreadPlaceholders(file, text)]);
    }
    expect(files['species_database.yml']).toMatch(/^O3:$/m);
    expect(directories).toEqual(['OutputDir', 'Restarts']);

    const config = parse(files['geoschem_config.yml']!) as Record<string, Record<string, unknown>>;
    const simulation = config.simulation as Record<string, unknown>;
    const grid = config.grid as Record<string, Record<string, unknown> & { range?: unknown }>;
    const timesteps = config.timesteps as Record<string, unknown>;
    expect(simulation.name).toBe(spec.simulation.type);
    expect(simulation.start_date).toEqual([Number(spec.period.start.slice(0, 10).replace(/-/g, '')), 0]);
    expect(simulation.end_date).toEqual([Number(spec.period.end.slice(0, 10).replace(/-/g, '')), 0]);
    expect(simulation.met_field).toBe(
      { merra2: 'MERRA2', geosfp: 'GEOSFP', geosit: 'GEOSIT', 'ModelE2.1': 'ModelE2.1' }[
        spec.meteorology.field
      ],
    );
    expect(simulation.root_data_dir).toBe('/ExtData');
    expect(String(grid.resolution)).toBe(resolutionSettings(spec.grid.resolution).RUNDIR_GRID_RES_LONG);
    expect(grid.number_of_levels).toBe(spec.grid.levels);
    const steps = timestepsFor(spec.grid.resolution, spec.simulation.extraOption);
    expect(timesteps.transport_timestep_in_s).toBe(steps.transport);
    expect(timesteps.chemistry_timestep_in_s).toBe(steps.chemistry);

    const nested = grid.nested_grid_simulation!;
    const lon = grid.longitude!.range as number[];
    const lat = grid.latitude!.range as number[];
    if (spec.grid.nestedDomain === 'global') {
      expect(nested.activate).toBe(false);
      expect(nested.buffer_zone_NSEW).toEqual([0, 0, 0, 0]);
      expect([lon, lat]).toEqual([
        [-180, 180],
        [-90, 90],
      ]);
    } else {
      const region = nestedDomainsFor(spec.grid.resolution).find((d) => d.code === spec.grid.nestedDomain)!;
      expect(nested.activate).toBe(true);
      expect(nested.buffer_zone_NSEW).toEqual([3, 3, 3, 3]);
      expect([lon, lat]).toEqual([region.lonRange, region.latRange]);
      expect(name).toContain(`_${spec.grid.nestedDomain}_`);
    }

    expect(activeCollections(files['HISTORY.rc']!).sort()).toEqual([...spec.diagnostics.collections].sort());
    expect(files['HISTORY.rc']).toContain('SpeciesConc.frequency:      00000001 000000');
    expect(name).toMatch(
      new RegExp(`^gc_.*_${spec.meteorology.field.replace('.', '\\.')}_${spec.simulation.type}`),
    );
  });
});

describe('generateRunDirectory, by hand against createRunDir.sh', () => {
  it('writes the lines createRunDir.sh writes for fullchem, MERRA-2, 4x5, 72 levels, July 2019, monthly', () => {
    // Worked out by hand: 4x5.txt gives RUNDIR_GRID_RES_LONG='4.0x5.0'; the grid is not
    // asked for a domain, so global_grid.txt gives the ranges and buffer zone and the
    // script adds RUNDIR_GRID_HALF_POLAR='true ' and RUNDIR_CENTER_LON_180='true ' (note
    // the trailing space, kept by init_rd.sh's substitution); timesteps 600/1200 for 4x5
    // without TOMAS; merra2.txt gives RUNDIR_MET='MERRA2' and
    // RUNDIR_MET_DIR="${RUNDIR_DATA_ROOT}/GEOS_${RUNDIR_GRID_DIR}/MERRA2" with
    // RUNDIR_GRID_DIR='4x5'; monthly diagnostics are the script's own default
    // '00000100 000000'. The template lines are geoschem_config.yml.fullchem lines 13-46,
    // HISTORY.rc.fullchem line 124 and HEMCO_Config.rc.gmao_metfields line 25.
    const spec = resolve({
      name: 'spot 1',
      simulation: { type: 'fullchem' },
      meteorology: { field: 'merra2' },
      grid: { resolution: '4x5', levels: 72 },
      period: { start: '2019-07-01T00:00:00Z', end: '2019-08-01T00:00:00Z' },
      diagnostics: { collections: ['SpeciesConc', 'Restart'], frequency: 'monthly' },
      compute: { backend: 'local' },
    });
    const { name, files } = generateRunDirectory(spec);
    expect(name).toBe('gc_4x5_merra2_fullchem');
    const config = files['geoschem_config.yml']!.split('\n');
    for (const line of [
      '  name: fullchem',
      '  start_date: [20190701, 000000]',
      '  end_date: [20190801, 000000]',
      '  met_field: MERRA2',
      '  resolution: 4.0x5.0',
      '  number_of_levels: 72',
      '    range: [-180.0, 180.0]',
      '    center_at_180: true ',
      '    range: [-90.0, 90.0]',
      '    half_size_polar_boxes: true ',
      '    buffer_zone_NSEW: [0, 0, 0, 0]',
      '  transport_timestep_in_s: 600',
      '  chemistry_timestep_in_s: 1200',
    ]) {
      expect(config).toContain(line);
    }
    expect(files['HISTORY.rc']!.split('\n')).toContain('  SpeciesConc.frequency:      00000100 000000');
    expect(files['HEMCO_Config.rc.gmao_metfields']!.split('\n')).toContain(
      'METDIR:   /ExtData/GEOS_4x5/MERRA2',
    );
    expect(files['HEMCO_Config.rc']!.split('\n')).toContain('>>>include HEMCO_Config.rc.gmao_metfields');
  });

  it('writes the lines createRunDir.sh writes for carbon CH4, GEOS-FP, 0.25x0.3125 North America, 47 levels', () => {
    // Worked out by hand: domain choice 4 (North America) at 025x03125 makes the script
    // append nested_grid.txt (RUNDIR_GRID_NESTED_SIM='true ', RUNDIR_GRID_BUFFER_ZONE=
    // '[3, 3, 3, 3]') and the literal ranges '[-130.0,  -60.0]' and '[   9.75,  60.0]';
    // 025x03125.txt gives '0.25x0.3125'; timesteps 300/600; level choice 2 gives
    // RUNDIR_GRID_NLEV='47' and the "_47L" in the default name
    // gc_025x03125_NA_47L_geosfp_carbon_CH4; RUNDIR_MET='GEOSFP' from the GEOS-FP
    // settings file. Template: geoschem_config.yml.carbon lines 10-43.
    const spec = resolve({
      name: 'spot 2',
      simulation: { type: 'carbon', extraOption: 'CH4' },
      meteorology: { field: 'geosfp' },
      grid: { resolution: '0.25x0.3125', levels: 47, nestedDomain: 'NA' },
      period: { start: '2019-01-01T00:00:00Z', end: '2019-01-02T00:00:00Z' },
      diagnostics: { collections: ['SpeciesConc', 'Restart'], frequency: 'hourly' },
      compute: { backend: 'local' },
    });
    const { name, files } = generateRunDirectory(spec);
    expect(name).toBe('gc_025x03125_NA_47L_geosfp_carbon_CH4');
    const config = files['geoschem_config.yml']!.split('\n');
    for (const line of [
      '  met_field: GEOSFP',
      '  resolution: 0.25x0.3125',
      '  number_of_levels: 47',
      '    range: [-130.0,  -60.0]',
      '    range: [   9.75,  60.0]',
      '    activate: true ',
      '    buffer_zone_NSEW: [3, 3, 3, 3]',
      '  transport_timestep_in_s: 300',
      '  chemistry_timestep_in_s: 600',
    ]) {
      expect(config).toContain(line);
    }
    expect(files['HISTORY.rc']!.split('\n')).toContain('  SpeciesConc.frequency:      00000000 010000');
  });
});

describe('generator pieces', () => {
  it('parses settings files as bash sources them, multi-line values included', () => {
    expect(parseSettings(`A='x '\nB="\${A}/y"\nC=3\nD="""\nl1\nl2\n"""\nE=.false.`)).toEqual([
      ['A', 'x '],
      ['B', '${A}/y'],
      ['C', '3'],
      ['D', '\nl1\nl2'],
      ['E', '.false.'],
    ]);
  });

  it('names every placeholder it has no value for', () => {
    expect(() =>
      fillTemplate('a ${RUNDIR_X} b ${RUNDIR_Y} ${RUNDIR_Z}', new Map([['RUNDIR_Z', '1']]), 'f.rc'),
    ).toThrow('f.rc: no value for ${RUNDIR_X}, ${RUNDIR_Y}');
  });

  it('generates every extra option of fullchem, carbon and POPs', () => {
    for (const type of ['fullchem', 'carbon', 'POPs'] as const) {
      for (const extraOption of extraOptionsFor(type)) {
        const spec = resolve({
          name: 'extra',
          simulation: { type, extraOption },
          meteorology: { field: 'merra2' },
          grid: { resolution: '4x5' },
          period: { start: '2019-07-01T00:00:00Z', end: '2019-07-02T00:00:00Z' },
          diagnostics: { collections: ['Restart'], frequency: 'end' },
          compute: { backend: 'local' },
        });
        const { name, files } = generateRunDirectory(spec);
        // POPs: createRunDir.sh copies HEMCO_Diagn.rc without filling ${RUNDIR_POP_SPC}.
        const filled = Object.entries(files).filter(
          ([file]) => !(type === 'POPs' && file === 'HEMCO_Diagn.rc'),
        );
        expect(filled.some(([, text]) => text.includes('${RUNDIR_'))).toBe(false);
        expect(name.endsWith(extraOption === 'none' ? type : `_${extraOption}`)).toBe(true);
        const steps = (parse(files['geoschem_config.yml']!) as { timesteps: Record<string, number> })
          .timesteps;
        expect(steps.transport_timestep_in_s).toBe(/TOMAS/.test(extraOption) ? 1800 : 600);
        expect(files['HISTORY.rc']).toMatch(/Restart\.frequency:\s+'End'/);
      }
    }
  });

  it('writes custom nested bounds into the grid menu', () => {
    const spec = resolve({
      name: 'custom',
      simulation: { type: 'TransportTracers' },
      meteorology: { field: 'geosfp' },
      grid: {
        resolution: '0.5x0.625',
        nestedDomain: 'custom',
        bounds: { lonMin: -10, lonMax: 20, latMin: 40, latMax: 60 },
      },
      period: { start: '2019-07-01T00:00:00Z', end: '2019-07-02T00:00:00Z' },
      compute: { backend: 'local' },
    });
    const config = parse(generateRunDirectory(spec).files['geoschem_config.yml']!) as {
      grid: { longitude: { range: number[] }; latitude: { range: number[] } };
    };
    expect([config.grid.longitude.range, config.grid.latitude.range]).toEqual([
      [-10, 20],
      [40, 60],
    ]);
  });
});
