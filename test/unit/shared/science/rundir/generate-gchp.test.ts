/**
 * GCHP run directories: for every met field, cubed-sphere resolution and
 * fullchem extra option the generated geoschem_config.yml parses with every
 * ${RUNDIR_*} filled, HISTORY.rc switches on exactly the spec's collections at
 * the spec's frequency, and the assumptions name the files not generated.
 */
import { describe, expect, it } from '@jest/globals';
import { parse } from 'yaml';
import { generateRunDirectory } from '#shared/science/rundir/generate.js';
import { activeCollections } from '#shared/science/rundir/templates.js';
import { GCHP_FILES_NOT_GENERATED, setGchpCollectionTiming } from '#shared/science/rundir/generate-gchp.js';
import { CUBED_SPHERE_RESOLUTIONS, GCHP_MET_FIELDS } from '#shared/science/spec/gchp-rules.js';
import { extraOptionsFor } from '#shared/science/spec/rundir-rules.js';
import { validateSimulationSpec, type ResolvedSimulationSpec } from '#shared/science/spec/validate-spec.js';

const NOW = new Date('2026-01-01T00:00:00Z');

function resolve(change: (s: Record<string, unknown>) => void = () => {}): ResolvedSimulationSpec {
  const input: Record<string, unknown> = {
    name: 'gchp',
    model: 'gchp',
    simulation: { type: 'fullchem' },
    meteorology: { field: 'merra2' },
    grid: { resolution: 'C48' },
    period: { start: '2019-07-01T00:00:00Z', end: '2019-07-08T00:00:00Z' },
  };
  change(input);
  const result = validateSimulationSpec(input, { now: NOW });
  if (!result.ok) throw new Error(JSON.stringify(result.issues));
  return result.spec;
}

/** Lines `<collection>.<key>: <value>` of a HISTORY.rc. */
function setting(history: string, collection: string, key: string): string | undefined {
  const match = new RegExp(`^\\s*${collection}\\.${key}:\\s*(\\S+)`, 'm').exec(history);
  return match?.[1];
}

describe('generateRunDirectory for GCHP', () => {
  const combos = GCHP_MET_FIELDS.flatMap((met) =>
    CUBED_SPHERE_RESOLUTIONS.flatMap((resolution) =>
      extraOptionsFor('fullchem').map((extraOption) => ({ met, resolution, extraOption })),
    ),
  );

  it.each(combos)(
    'fills every placeholder for $met $resolution $extraOption',
    ({ met, resolution, extraOption }) => {
      const spec = resolve((s) => {
        s.meteorology = { field: met };
        s.grid = { resolution };
        s.simulation = { type: 'fullchem', extraOption };
      });
      const dir = generateRunDirectory(spec);
      for (const [name, text] of Object.entries(dir.files)) {
        expect({ name, left: text.match(/\$\{RUNDIR_[A-Za-z0-9_]*\}/g) ?? [] }).toEqual({ name, left: [] });
      }
      const config = parse(dir.files['geoschem_config.yml']!) as Record<string, Record<string, unknown>>;
      expect(config['simulation']).toMatchObject({ name: 'fullchem', met_field: met.toUpperCase() });
      expect(config['timesteps']).toMatchObject({
        transport_timestep_in_s: 600,
        chemistry_timestep_in_s: 1200,
      });
      expect(dir.files['HISTORY.rc']).not.toContain('@');
    },
  );

  it('names the run directory as GCHP createRunDir.sh does', () => {
    expect(generateRunDirectory(resolve()).name).toBe('gchp_merra2_fullchem');
    expect(
      generateRunDirectory(
        resolve((s) => {
          s.meteorology = { field: 'geosfp' };
          s.simulation = { type: 'fullchem', extraOption: 'benchmark' };
        }),
      ).name,
    ).toBe('gchp_geosfp_fullchem_benchmark_using_3hr_wind');
  });

  it("switches on exactly the spec's collections (Restart is MAPL's checkpoint, not a collection)", () => {
    const dir = generateRunDirectory(
      resolve((s) => (s.diagnostics = { collections: ['SpeciesConc', 'FV3Dynamics', 'Restart'] })),
    );
    expect(activeCollections(dir.files['HISTORY.rc']!)).toEqual(['FV3Dynamics', 'SpeciesConc']);
    expect(dir.assumptions.join('\n')).toMatch(/Restart collection is not a GCHP HISTORY.rc collection/);
  });

  it('writes the daily frequency to every switched-on collection and turns monthly output off', () => {
    const history = generateRunDirectory(resolve()).files['HISTORY.rc']!;
    expect(setting(history, 'SpeciesConc', 'frequency')).toBe('240000');
    expect(setting(history, 'SpeciesConc', 'duration')).toBe('240000');
    expect(setting(history, 'SpeciesConc', 'monthly')).toBe('0');
    // A collection left off keeps the template's settings.
    expect(setting(history, 'StateMet', 'frequency')).toBe('010000');
  });

  it('averages over the whole run for "end" (hours may exceed 99)', () => {
    const history = generateRunDirectory(resolve((s) => (s.diagnostics = { frequency: 'end' }))).files[
      'HISTORY.rc'
    ]!;
    expect(setting(history, 'SpeciesConc', 'frequency')).toBe('1680000');
  });

  it('adds the monthly switch where a collection has none', () => {
    const template = [
      '  A.timestampStart: .true.',
      '  A.frequency:      010000',
      '  B.timestampStart: .true.',
      '  B.monthly:        0',
    ].join('\n');
    expect(setGchpCollectionTiming(template, ['A', 'B'], undefined)).toBe(
      [
        '  A.timestampStart: .true.',
        '  A.monthly:        1',
        '  A.frequency:      010000',
        '  B.timestampStart: .true.',
        '  B.monthly:        1',
      ].join('\n'),
    );
  });

  it('writes cap_restart with the start of the period', () => {
    expect(generateRunDirectory(resolve()).files['cap_restart']).toBe('20190701 000000\n');
  });

  it('states which GCHP files are not generated, and the MPI layout setCommonRunSettings.sh needs', () => {
    const dir = generateRunDirectory(resolve((s) => (s.compute = { cores: 96, nodes: 3 })));
    expect(Object.keys(dir.files).sort()).toEqual([
      'HISTORY.rc',
      'cap_restart',
      'geoschem_config.yml',
      'species_database.yml',
    ]);
    // GCHP stops without the species database too; it is GEOS-Chem's stock one.
    expect(dir.files['species_database.yml']).toMatch(/^\s*O3:$/m);
    const text = dir.assumptions.join('\n');
    for (const file of GCHP_FILES_NOT_GENERATED) expect(text).toContain(file);
    expect(text).toContain('CS_RES=48, TOTAL_CORES=96, NUM_NODES=3, NUM_CORES_PER_NODE=32');
  });

  it('keeps GC Classic generation unchanged for gcclassic specs', () => {
    const result = validateSimulationSpec(
      {
        name: 'classic',
        simulation: { type: 'fullchem' },
        meteorology: { field: 'merra2' },
        grid: { resolution: '4x5' },
        period: { start: '2019-07-01T00:00:00Z', end: '2019-07-08T00:00:00Z' },
      },
      { now: NOW },
    );
    if (!result.ok) throw new Error('refused');
    expect(generateRunDirectory(result.spec).name).toBe('gc_4x5_merra2_fullchem');
  });
});
