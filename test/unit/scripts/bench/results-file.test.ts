/**
 * The results benchmark's input file, written small, read back by
 * computeMetrics and by the xarray side (Debian's /usr/bin/python3, a real
 * child process), which must agree.
 */
import { afterAll, describe, expect, it } from '@jest/globals';
import { execFileSync } from 'node:child_process';
import { mkdtempSync, rmSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { computeMetrics } from '#shared/science/results/metrics.js';
import { compareWithReference, type ReferenceMetrics } from '#scripts/bench/results-compare.js';
import {
  benchFile,
  benchFileName,
  benchSpecies,
  type BenchFileParameters,
} from '#scripts/bench/results-file.js';

const XARRAY_SCRIPT = fileURLToPath(new URL('../../../../scripts/bench/results_xarray.py', import.meta.url));
const dir = mkdtempSync(path.join(tmpdir(), 'gcr-bench-results-test-'));
const SMALL: BenchFileParameters = { resolution: '4x5', levels: 40, steps: 2, species: 3 };

afterAll(() => rmSync(dir, { recursive: true, force: true }));

describe('results benchmark file', () => {
  it('makes as many distinct species as asked, with demo-model profiles', () => {
    const species = benchSpecies(200);
    expect(species).toHaveLength(200);
    expect(new Set(species.map((s) => s.name)).size).toBe(200);
    expect(species[0]!.name).toBe('Bench001');
    expect(new Set(species.map((s) => s.kind))).toEqual(new Set(['surface', 'well-mixed', 'stratospheric']));
    for (const s of species) expect(s.base).toBeGreaterThan(0);
  });

  it('names the cached file after its parameters', () => {
    expect(benchFileName({ resolution: '4x5', levels: 72, steps: 24, species: 200 })).toBe(
      'SpeciesConc-4x5-L72-T24-S200-v1.nc4',
    );
  });

  it('writes a GEOS-Chem-shaped SpeciesConc file once and reuses it when the parameters match', async () => {
    const first = await benchFile(dir, SMALL);
    expect(first.cached).toBe(false);
    const written = statSync(first.path).mtimeMs;
    const second = await benchFile(dir, SMALL);
    expect(second).toEqual({ path: first.path, cached: true, writeSeconds: null });
    expect(statSync(second.path).mtimeMs).toBe(written);

    const metrics = await computeMetrics(first.path);
    expect(metrics.areaVariable).toBe('AREA');
    expect(metrics.variables.map((v) => v.name)).toEqual([
      'SpeciesConcVV_Bench001',
      'SpeciesConcVV_Bench002',
      'SpeciesConcVV_Bench003',
    ]);
    for (const v of metrics.variables) {
      expect(v.dims).toEqual(['time', 'lev', 'lat', 'lon']);
      expect(v.shape).toEqual([2, 40, 46, 72]);
      expect(v.count).toBe(v.size);
      expect(v.surfaceAreaWeightedMean).toHaveLength(2);
    }
  });

  it('gets the same numbers from xarray as from computeMetrics', async () => {
    const { path: file } = await benchFile(dir, SMALL);
    const stdout = execFileSync('/usr/bin/python3', [XARRAY_SCRIPT, file, '--runs', '1'], {
      encoding: 'utf8',
    });
    const output = JSON.parse(stdout) as {
      runSeconds: number[];
      variables: Record<string, ReferenceMetrics>;
    };
    expect(output.runSeconds).toHaveLength(1);
    const agreement = compareWithReference(await computeMetrics(file), output.variables);
    expect(agreement.problems).toEqual([]);
    expect(agreement.compared).toBe(3 * 6);
    expect(agreement.maxRelative).toBeLessThan(1e-5);
  });
});
