/** `gcr inspect`, run in-process: table, --json, and exit 1 for files it cannot read. */
import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { runCli, type CliIo } from '#cli/main.js';
import type { FileMetrics } from '#shared/science/results/metrics.js';

const FIXTURES = fileURLToPath(new URL('../../../fixtures/geoschem_nc/', import.meta.url));

let dir: string;
beforeAll(() => {
  dir = mkdtempSync(path.join(tmpdir(), 'gcr-inspect-'));
});
afterAll(() => {
  rmSync(dir, { recursive: true, force: true });
});

async function gcr(argv: string[]): Promise<{ code: number; stdout: string; stderr: string }> {
  let stdout = '';
  let stderr = '';
  const io: CliIo = {
    stdout: { write: (s: string) => (stdout += s) },
    stderr: { write: (s: string) => (stderr += s) },
    env: { NO_COLOR: '1' },
    cwd: FIXTURES,
  };
  const code = await runCli(argv, io);
  return { code, stdout, stderr };
}

describe('gcr inspect', () => {
  it('prints the file facts and one table row per data variable', async () => {
    const run = await gcr(['inspect', 'GEOSChem.Restart.20190501_0000z.nc4']);
    expect(run.stderr).toBe('');
    expect(run.code).toBe(0);
    expect(run.stdout).toContain('netCDF-4 classic model');
    expect(run.stdout).toMatch(/Grid:\s+lat-lon/);
    expect(run.stdout).toMatch(/Cell area:\s+AREA/);
    expect(run.stdout).toMatch(
      /VARIABLE\s+DIMS\s+UNITS\s+VALID\s+MIN\s+MAX\s+MEAN\s+SURFACE AREA-WEIGHTED MEAN/,
    );
    // Values as computed with numpy (see metrics.test.ts), shown to 6 significant digits.
    expect(run.stdout).toMatch(
      /SpeciesRst_CH4\s+\(time, lev, lat, lon\)\s+mol mol-1 dry\s+133104\s+3\.20803e-7\s+2\.12644e-6\s+1\.67299e-6\s+1\.91390e-6/,
    );
    expect(run.stdout).toMatch(
      /Met_BXHEIGHT\s+\(time, lev, lat, lon\)\s+m\s+133104\s+93\.9618\s+11527\.2\s+1650\.42\s+131\.408/,
    );
    expect(run.stdout).not.toMatch(/^(hyam|lat_bnds|AREA|P0)\s/m);
  });

  it('with --json prints the metrics document', async () => {
    const run = await gcr(['inspect', 'GCHP.SpeciesConc.20180101_1200z.nc4', '--json']);
    expect(run.code).toBe(0);
    const metrics = JSON.parse(run.stdout) as FileMetrics;
    expect(metrics.grid).toBe('cubed-sphere');
    expect(metrics.path).toBe(path.join(FIXTURES, 'GCHP.SpeciesConc.20180101_1200z.nc4'));
    expect(metrics.variables).toHaveLength(1);
    expect(metrics.variables[0]).toMatchObject({
      name: 'SpeciesConc_O3',
      count: 248832,
      units: 'mol mol-1 dry',
    });
  });

  it('exits 1 with a clear message for a missing file', async () => {
    const run = await gcr(['inspect', 'nope.nc4']);
    expect(run.code).toBe(1);
    expect(run.stdout).toBe('');
    expect(run.stderr).toContain(`cannot open ${path.join(FIXTURES, 'nope.nc4')}: no such file`);
  });

  it('exits 1 for a file that is not NetCDF-4, also as a JSON error', async () => {
    const file = path.join(dir, 'readme.txt');
    writeFileSync(file, 'hello\n');
    const run = await gcr(['inspect', file, '--json']);
    expect(run.code).toBe(1);
    expect(JSON.parse(run.stderr)).toEqual({
      error: {
        code: 'InputError',
        message: `${file} is not a NetCDF-4 file (no HDF5 signature)`,
        exitCode: 1,
      },
    });
  });
});
