import { describe, expect, it } from '@jest/globals';
import {
  buildRunDirectory,
  generatorIssue,
  runDirectoryObjects,
} from '#services/submission/src/domain/run-directory.js';
import { ValidationError } from '#shared/kernel/errors.js';
import { validateSimulationSpec, type ResolvedSimulationSpec } from '#shared/science/spec/validate-spec.js';
import { parseInputList } from '#containers/runner/src/inputs-list.js';
import { exampleSpec } from '#test/helpers/specs.js';

function resolved(name = 'fullchem-2x25-1week'): ResolvedSimulationSpec {
  const result = validateSimulationSpec(exampleSpec(name));
  if (!result.ok) throw new Error(JSON.stringify(result.issues));
  return result.spec;
}

describe('run directory at submission', () => {
  it('answers a spec the generator cannot serve with a 400 naming the field, not a 500', () => {
    const spec = { ...resolved(), geosChemVersion: '13.4.0' } as unknown as ResolvedSimulationSpec;
    let thrown: unknown;
    try {
      buildRunDirectory(spec);
    } catch (error) {
      thrown = error;
    }
    expect(thrown).toBeInstanceOf(ValidationError);
    expect((thrown as ValidationError).issues).toEqual([
      { field: 'geosChemVersion', message: expect.stringContaining('13.4.0') },
    ]);
  });

  it('names the diagnostics field when a collection is not in the HISTORY.rc', () => {
    const base = resolved();
    const spec = { ...base, diagnostics: { ...base.diagnostics, collections: ['NoSuchCollection'] } };
    expect(() => buildRunDirectory(spec)).toThrow(ValidationError);
    try {
      buildRunDirectory(spec);
    } catch (error) {
      expect((error as ValidationError).issues[0]!.field).toBe('diagnostics.collections');
    }
  });

  it('maps generator messages to the spec field they are about', () => {
    expect(generatorIssue(new Error('nestedDomain "custom" needs grid.bounds')).field).toBe('grid.bounds');
    expect(generatorIssue(new Error('no nested domain as at 2x2.5')).field).toBe('grid.nestedDomain');
    expect(generatorIssue(new Error('ModelE2.1 meteorology needs meteorology.gcap2')).field).toBe(
      'meteorology.gcap2',
    );
    expect(generatorIssue(new Error("GCHP's createRunDir.sh offers no MERRA2 meteorology")).field).toBe(
      'meteorology.field',
    );
    expect(
      generatorIssue(new Error('GCHP run directories are generated for fullchem only, not POPs')).field,
    ).toBe('simulation.type');
    expect(generatorIssue(new Error('GCHP needs a cubed-sphere resolution, not 4x5')).field).toBe(
      'grid.resolution',
    );
    expect(generatorIssue(new Error('something else entirely')).field).toBe('body');
  });

  it('stores each file with a content type and the manifest last', () => {
    const spec = resolved();
    const objects = runDirectoryObjects('sim_x', spec, buildRunDirectory(spec), new Date(0));
    expect(objects.map((o) => o.key)).toEqual(
      expect.arrayContaining([
        'simulations/sim_x/rundir/geoschem_config.yml',
        'simulations/sim_x/rundir/HISTORY.rc',
        'simulations/sim_x/rundir/HEMCO_Config.rc',
        'simulations/sim_x/rundir/HEMCO_Diagn.rc',
      ]),
    );
    expect(objects.at(-1)).toMatchObject({
      key: 'simulations/sim_x/rundir/gcr-rundir.json',
      contentType: 'application/json',
    });
    expect(objects.find((o) => o.key.endsWith('.yml'))!.contentType).toBe('application/yaml');
  });

  it('stores the input plan as gcr-inputs.json, in the shape the job runner stages from', () => {
    const spec = resolved();
    const objects = runDirectoryObjects('sim_x', spec, buildRunDirectory(spec), new Date(0));
    const inputs = objects.find((o) => o.key === 'simulations/sim_x/rundir/gcr-inputs.json');
    expect(inputs?.contentType).toBe('application/json');
    const plan = JSON.parse(String(inputs!.body)) as { items: unknown[]; totalBytes: number };
    expect(plan.items.length).toBeGreaterThan(0);
    expect(plan.totalBytes).toBeGreaterThan(0);
    const entries = parseInputList(String(inputs!.body));
    // The 2x2.5 week reads MERRA-2 met fields for its days, among the rest.
    expect(entries.some((e) => /MERRA2/.test(e.path))).toBe(true);
    expect(entries.every((e) => !e.path.startsWith('/') && !e.path.includes('..'))).toBe(true);
  });
});
