/**
 * The Jacobian file of a perturbation ensemble: member minus base for each
 * species, time step and surface cell, one row per element, readable by
 * xarray (Debian's python3 with xarray, installed by .ci/run) with CF
 * coordinates; a member on another grid is refused by name.
 */
import { execFileSync } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterAll, describe, expect, it } from '@jest/globals';
import { JacobianShapeError, writeJacobian } from '#shared/science/ensemble/jacobian.js';
import { NetcdfReader } from '#shared/science/netcdf/reader.js';
import { NetcdfWriter } from '#shared/science/netcdf/writer.js';

const dir = mkdtempSync(path.join(tmpdir(), 'gcr-jacobian-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

const NT = 2;
const NZ = 3;
const NY = 4;
const NX = 5;

/** A SpeciesConc file like GEOS-Chem's: SpeciesConcVV_<sp>(time, lev, lat, lon); value = f(species, t, z, y, x). */
async function speciesConc(
  name: string,
  value: (sp: number, t: number, z: number, y: number, x: number) => number,
  ny = NY,
) {
  const file = path.join(dir, name);
  const writer = await NetcdfWriter.create(file, { overwrite: true });
  writer
    .addDimension('time', 'unlimited')
    .addDimension('lev', NZ)
    .addDimension('lat', ny)
    .addDimension('lon', NX)
    .addVariable('time', {
      type: 'double',
      dims: ['time'],
      attributes: { units: 'minutes since 2019-01-01 00:00:00', calendar: 'gregorian' },
    })
    .addVariable('lev', { type: 'double', dims: ['lev'], data: [0.99, 0.5, 0.1] })
    .addVariable('lat', {
      type: 'double',
      dims: ['lat'],
      data: Array.from({ length: ny }, (_, i) => -60 + 40 * i),
    })
    .addVariable('lon', {
      type: 'double',
      dims: ['lon'],
      data: Array.from({ length: NX }, (_, i) => -180 + 72 * i),
    });
  ['SF6', 'Rn222'].forEach((sp) =>
    writer.addVariable(`SpeciesConcVV_${sp}`, {
      type: 'float',
      dims: ['time', 'lev', 'lat', 'lon'],
      attributes: { units: 'mol mol-1 dry' },
    }),
  );
  writer.write('time', [60, 120]);
  ['SF6', 'Rn222'].forEach((sp, s) => {
    const data = new Float32Array(NT * NZ * ny * NX);
    let i = 0;
    for (let t = 0; t < NT; t++)
      for (let z = 0; z < NZ; z++)
        for (let y = 0; y < ny; y++) for (let x = 0; x < NX; x++) data[i++] = value(s, t, z, y, x);
    writer.write(`SpeciesConcVV_${sp}`, data);
  });
  writer.close();
  return file;
}

describe('writeJacobian', () => {
  it('writes member minus base per species, time step and surface cell; xarray reads it', async () => {
    const base = await speciesConc('base.nc4', (s, t, z, y, x) => 100 * s + 10 * t + z + 0.1 * y + 0.01 * x);
    // Element e adds e * (1 + t) to SF6 at the surface in cell (y=1, x=2), and nothing to Rn222.
    const member = (e: number) =>
      speciesConc(
        `member${e}.nc4`,
        (s, t, z, y, x) =>
          100 * s +
          10 * t +
          z +
          0.1 * y +
          0.01 * x +
          (s === 0 && z === 0 && y === 1 && x === 2 ? e * (1 + t) : 0),
      );
    const outPath = path.join(dir, 'jacobian.nc4');
    const summary = await writeJacobian({
      baseFiles: [base],
      members: [
        { element: 1, memberIndex: 1, simulationId: 'sim_1', files: [await member(1)] },
        { element: 2, memberIndex: 2, simulationId: 'sim_2', files: [await member(2)] },
      ],
      perturbationFactor: 1.5,
      outPath,
      ensembleId: 'ens_test',
      baseSimulationId: 'sim_0',
    });
    expect(summary).toEqual({
      species: ['SpeciesConcVV_Rn222', 'SpeciesConcVV_SF6'],
      elements: 2,
      times: 2,
      lat: NY,
      lon: NX,
    });

    const reader = await NetcdfReader.open(outPath);
    const sf6 = reader.read('SpeciesConcVV_SF6');
    reader.close();
    // [element=2 (row 1), time=1, y=1, x=2]: 2 * (1 + 1) = 4
    expect(sf6[((1 * NT + 1) * NY + 1) * NX + 2]).toBeCloseTo(4, 5);

    const script = [
      'import sys, xarray as xr',
      'ds = xr.open_dataset(sys.argv[1])',
      'v = ds["SpeciesConcVV_SF6"]',
      'print(v.dims, float(v.sel(element=2).isel(time=1, lat=1, lon=2)), float(abs(ds["SpeciesConcVV_Rn222"]).max()), ds.attrs["Conventions"], str(ds["time"].values[0])[:19], list(ds["element"].values), v.attrs["units"])',
    ].join('\n');
    const out = execFileSync('/usr/bin/python3', ['-c', script, outPath], { encoding: 'utf8' }).trim();
    expect(out).toBe(
      "('element', 'time', 'lat', 'lon') 4.0 0.0 CF-1.8 2019-01-01T01:00:00 [1, 2] mol mol-1 dry",
    );
  }, 120_000);

  it('refuses a member whose grid is not the base grid, naming it', async () => {
    const base = await speciesConc('base2.nc4', () => 1);
    const other = await speciesConc('other.nc4', () => 1, NY + 1);
    await expect(
      writeJacobian({
        baseFiles: [base],
        members: [{ element: 1, memberIndex: 1, simulationId: 'sim_odd', files: [other] }],
        perturbationFactor: 1.5,
        outPath: path.join(dir, 'bad.nc4'),
        ensembleId: 'ens_test',
        baseSimulationId: 'sim_0',
      }),
    ).rejects.toThrow(JacobianShapeError);
  }, 60_000);
});
