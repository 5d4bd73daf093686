import { readFileSync } from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from '@jest/globals';
import {
  comparisonMapPath,
  comparisonPath,
  outputsPrefix,
  parsePreviewPath,
  previewPath,
  runDirectoryPath,
  runDirectoryPrefix,
  simulationKey,
  simulationPrefix,
  SimulationPaths,
  statusKey,
  surfacePath,
} from '#shared/kernel/storage/bucket-layout.js';
import { parseRunnerEnv } from '#containers/runner/src/env.js';
import { announcementPrefix } from '#containers/runner/src/multi-node.js';
import { repoRoot } from '#test/helpers/local-dynamodb.js';

const ID = 'sim_01jabcdefghjkmnpqrstvwxyz0';

describe('bucket layout', () => {
  it('keeps everything of a simulation under simulations/<id>/', () => {
    expect(simulationPrefix(ID)).toBe(`simulations/${ID}/`);
    expect(runDirectoryPrefix(ID)).toBe(`simulations/${ID}/rundir/`);
    expect(outputsPrefix(ID)).toBe(`simulations/${ID}/outputs/`);
    expect(statusKey(ID)).toBe(`simulations/${ID}/status.json`);
    expect(simulationKey(ID, SimulationPaths.manifest)).toBe(`simulations/${ID}/results/manifest.json`);
    expect(simulationKey(ID, SimulationPaths.metrics)).toBe(`simulations/${ID}/results/metrics.json`);
  });

  it('names results files relative to the simulation, as manifests and the results API do', () => {
    expect(runDirectoryPath('HISTORY.rc')).toBe('rundir/HISTORY.rc');
    expect(surfacePath('SpeciesConc')).toBe('results/surface/SpeciesConc.nc4');
    expect(previewPath('SpeciesConc', 'SpeciesConcVV_O3')).toBe(
      'results/previews/SpeciesConc/SpeciesConcVV_O3.png',
    );
    expect(comparisonPath('sim_dev')).toBe('results/comparisons/sim_dev/comparison.json');
    expect(comparisonMapPath('sim_dev', 'SpeciesConcVV_O3')).toBe(
      'results/comparisons/sim_dev/SpeciesConcVV_O3.png',
    );
    for (const relative of Object.values(SimulationPaths)) expect(relative.startsWith('/')).toBe(false);
  });

  it('reads a preview map path back into its collection and variable, and nothing else', () => {
    expect(parsePreviewPath(previewPath('SpeciesConc', 'SpeciesConcVV_O3'))).toEqual({
      collection: 'SpeciesConc',
      variable: 'SpeciesConcVV_O3',
    });
    for (const other of [
      'results/previews/SpeciesConc.png',
      'results/previews/SpeciesConc/a/b.png',
      'results/previews/SpeciesConc/O3.nc4',
      'results/surface/SpeciesConc.nc4',
      'outputs/results/previews/SpeciesConc/O3.png',
    ]) {
      expect(parsePreviewPath(other)).toBeUndefined();
    }
  });
});

describe('the job runner (containers/runner keeps its own copy of the names)', () => {
  const runner = parseRunnerEnv({ SIMULATION_ID: ID, RESULTS_BUCKET: 'results' }, '/work');

  it('works under the same simulation prefix', () => {
    expect(runner.prefix).toBe(simulationPrefix(ID));
  });

  it('announces GCHP nodes under mpi/', () => {
    const prefix = announcementPrefix(runner.prefix, {
      AWS_BATCH_JOB_ID: 'job-1#0',
      AWS_BATCH_JOB_ATTEMPT: '2',
    });
    expect(prefix.startsWith(simulationKey(ID, SimulationPaths.mpi))).toBe(true);
  });

  it('reads the run directory and writes outputs, status and the model log where the layout says', () => {
    const main = readFileSync(path.join(repoRoot, 'containers/runner/src/main.ts'), 'utf8');
    for (const relative of [
      SimulationPaths.runDirectory,
      SimulationPaths.outputs,
      SimulationPaths.status,
      `${SimulationPaths.logs}GC.log`,
    ]) {
      expect(main).toContain(`\${config.prefix}${relative}`);
    }
  });
});
