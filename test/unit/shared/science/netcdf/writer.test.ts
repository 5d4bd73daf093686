import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { execFileSync } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { loadH5wasm, type H5Dataset } from '#shared/science/netcdf/h5.js';
import { NetcdfReader } from '#shared/science/netcdf/reader.js';
import {
  DIM_WITHOUT_VARIABLE,
  NetcdfWriteError,
  NetcdfWriter,
  defaultChunks,
} from '#shared/science/netcdf/writer.js';

/** ncdump (netCDF C library), an independent reader; tests that need it say so when it is missing. */
function findNcdump(): string | undefined {
  try {
    execFileSync('ncdump', [], { stdio: 'pipe' });
  } catch (error) {
    // ncdump without arguments prints its usage and exits non-zero; ENOENT means it is absent.
    if ((error as NodeJS.ErrnoException).code === 'ENOENT') return undefined;
  }
  return 'ncdump';
}
const NCDUMP = findNcdump();
const withNcdump = NCDUMP ? it : it.skip;
if (!NCDUMP) {
  console.warn('ncdump is not installed (apt-get install netcdf-bin): the ncdump checks are SKIPPED');
}
function ncdump(...args: string[]): string {
  return execFileSync(NCDUMP!, args, { encoding: 'utf8' });
}

let dir: string;
beforeAll(() => {
  dir = mkdtempSync(path.join(tmpdir(), 'gcr-netcdf-'));
});
afterAll(() => {
  rmSync(dir, { recursive: true, force: true });
});

/** A small GEOS-Chem-like file: 3 hourly records of X(time, lev, lat, lon), coordinates, bounds, a scalar. */
async function writeSample(file: string, options: { classicModel?: boolean } = {}): Promise<void> {
  const writer = await NetcdfWriter.create(file, options);
  writer
    .addDimension('time', 'unlimited')
    .addDimension('lev', 3)
    .addDimension('lat', 2)
    .addDimension('lon', 4)
    .addDimension('nb', 2);
  writer
    .addVariable('time', {
      type: 'double',
      dims: ['time'],
      attributes: {
        long_name: 'Time',
        units: 'minutes since 2019-01-01 00:00:00',
        calendar: 'gregorian',
        axis: 'T',
      },
    })
    .addVariable('lev', {
      type: 'double',
      dims: ['lev'],
      data: [0.9, 0.5, 0.1],
      attributes: { positive: 'up' },
    })
    .addVariable('lat_bnds', { type: 'double', dims: ['lat', 'nb'], data: [-90, 0, 0, 90] })
    .addVariable('lat', {
      type: 'double',
      dims: ['lat'],
      data: [-45, 45],
      attributes: { long_name: 'Latitude', units: 'degrees_north', bounds: 'lat_bnds' },
    })
    .addVariable('lon', { type: 'double', dims: ['lon'], data: [-180, -90, 0, 90] })
    .addVariable('P0', { type: 'double', dims: [], data: [1000], attributes: { units: 'hPa' } })
    .addVariable('AREA', {
      type: 'float',
      dims: ['lat', 'lon'],
      data: new Float32Array(8).fill(2.5e13),
      attributes: { long_name: 'Surface area', units: 'm2' },
    })
    .addVariable('X', {
      type: 'float',
      dims: ['time', 'lev', 'lat', 'lon'],
      fillValue: 1e15,
      attributes: {
        long_name: 'Concentration of species X',
        units: 'mol mol-1 dry',
        averaging_method: 'time-averaged',
        valid_range: { type: 'float', value: [0, 1] },
        flags: new Int16Array([1, 2, 3]),
      },
    });
  writer
    .setAttribute('title', 'writer test')
    .setAttribute('history', '')
    .setAttribute('conventions', 'COARDS')
    .setAttribute('version', { type: 'int', value: 14 });
  for (let t = 0; t < 3; t++) {
    writer.writeSlab('time', [t], [1], [t * 60]);
    // One level at a time, as the demo model writes big grids.
    for (let k = 0; k < 3; k++) {
      writer.writeSlab(
        'X',
        [t, k, 0, 0],
        [1, 1, 2, 4],
        Float32Array.from({ length: 8 }, (_, i) => t * 100 + k * 10 + i),
      );
    }
  }
  writer.close();
}

describe('NetcdfWriter', () => {
  it('writes a file that reads back with its dimensions, variables, attributes and values', async () => {
    const file = path.join(dir, 'roundtrip.nc');
    await writeSample(file);
    const reader = await NetcdfReader.open(file);
    try {
      const header = reader.header();
      expect(header.format).toBe('netCDF-4 classic model');
      expect(header.dimensions).toEqual([
        { name: 'time', length: 3, unlimited: true },
        { name: 'lev', length: 3, unlimited: false },
        { name: 'lat', length: 2, unlimited: false },
        { name: 'lon', length: 4, unlimited: false },
        { name: 'nb', length: 2, unlimited: false },
      ]);
      expect(header.variables.map((v) => v.name)).toEqual([
        'time',
        'lev',
        'lat_bnds',
        'lat',
        'lon',
        'P0',
        'AREA',
        'X',
      ]);
      const x = header.variables.find((v) => v.name === 'X')!;
      expect(x).toMatchObject({ type: 'float', dims: ['time', 'lev', 'lat', 'lon'], shape: [3, 3, 2, 4] });
      expect(x.attributes).toEqual({
        _FillValue: Math.fround(1e15),
        long_name: 'Concentration of species X',
        units: 'mol mol-1 dry',
        averaging_method: 'time-averaged',
        valid_range: [0, 1],
        flags: [1, 2, 3],
      });
      expect(x.chunks).toEqual([1, 3, 2, 4]);
      expect(x.deflateLevel).toBe(1);
      expect(header.variables.find((v) => v.name === 'lat_bnds')!.dims).toEqual(['lat', 'nb']);
      expect(header.variables.find((v) => v.name === 'P0')).toMatchObject({ dims: [], shape: [] });
      expect(header.attributes).toEqual({
        title: 'writer test',
        history: '',
        conventions: 'COARDS',
        version: 14,
      });

      expect(Array.from(reader.read('time'))).toEqual([0, 60, 120]);
      expect(Array.from(reader.read('lat'))).toEqual([-45, 45]);
      expect(Array.from(reader.read('P0'))).toEqual([1000]);
      expect(Array.from(reader.read('lat_bnds'))).toEqual([-90, 0, 0, 90]);
      const all = reader.read('X');
      expect(all).toBeInstanceOf(Float32Array);
      expect(all.length).toBe(72);
      expect(all[0]).toBe(0);
      expect(all[71]).toBe(227);
      expect(Array.from(reader.readSlab('X', [2, 1, 1, 0], [1, 1, 1, 4]))).toEqual([214, 215, 216, 217]);
    } finally {
      reader.close();
    }
  });

  it('lays dimensions out as netCDF-4 does: dimension scales with _Netcdf4Dimid, attached to the variables', async () => {
    const file = path.join(dir, 'layout.nc');
    await writeSample(file);
    const h5 = await loadH5wasm();
    const f = new h5.File(file, 'r');
    try {
      const lat = f.get('lat') as H5Dataset;
      expect(lat.get_scale_name()).toBe('lat');
      expect(lat.attrs['CLASS']!.value).toBe('DIMENSION_SCALE');
      expect(Number(lat.attrs['_Netcdf4Dimid']!.value)).toBe(2);
      const nb = f.get('nb') as H5Dataset;
      expect(nb.get_scale_name()).toBe(`${DIM_WITHOUT_VARIABLE}         2`);
      expect(Number(nb.attrs['_Netcdf4Dimid']!.value)).toBe(4);
      const time = f.get('time') as H5Dataset;
      expect(time.metadata.maxshape![0]).toBeGreaterThan(2 ** 53); // H5S_UNLIMITED
      const x = f.get('X') as H5Dataset;
      expect([0, 1, 2, 3].map((i) => x.get_attached_scales(i))).toEqual([
        ['/time'],
        ['/lev'],
        ['/lat'],
        ['/lon'],
      ]);
      expect(Array.from(x.attrs['_Netcdf4Coordinates']!.value as Int32Array)).toEqual([0, 1, 2, 3]);
      expect((f.get('lat_bnds') as H5Dataset).get_attached_scales(1)).toEqual(['/nb']);
      expect(f.attrs['_nc3_strict']).toBeDefined();
      expect(String(f.attrs['_NCProperties']!.value)).toMatch(/^version=2,/);
    } finally {
      f.close();
    }
  });

  withNcdump(
    'produces a file the netCDF C library reads: ncdump -h lists dims, variables and attributes',
    async () => {
      const file = path.join(dir, 'ncdump.nc');
      await writeSample(file);
      const header = ncdump('-h', file);
      expect(header).toContain('time = UNLIMITED ; // (3 currently)');
      expect(header).toMatch(/\n\tlev = 3 ;\n\tlat = 2 ;\n\tlon = 4 ;\n\tnb = 2 ;\n/);
      expect(header).toContain('float X(time, lev, lat, lon) ;');
      expect(header).toContain('X:_FillValue = 1.e+15f ;');
      expect(header).toContain('X:units = "mol mol-1 dry" ;');
      expect(header).toContain('X:averaging_method = "time-averaged" ;');
      expect(header).toContain('X:valid_range = 0.f, 1.f ;');
      expect(header).toContain('X:flags = 1s, 2s, 3s ;');
      expect(header).toContain('double lat_bnds(lat, nb) ;');
      expect(header).toContain('double P0 ;');
      expect(header).toContain('time:units = "minutes since 2019-01-01 00:00:00" ;');
      expect(header).toContain(':history = "" ;');
      expect(header).toContain(':conventions = "COARDS" ;');
      expect(header).toContain(':version = 14 ;');
      // The layout's own attributes stay hidden, as in files written by netCDF.
      expect(header).not.toMatch(/CLASS|DIMENSION_LIST|_Netcdf4Dimid|REFERENCE_LIST/);
      expect(ncdump('-k', file).trim()).toBe('netCDF-4 classic model');

      const special = ncdump('-hs', file);
      expect(special).toContain('X:_ChunkSizes = 1, 3, 2, 4 ;');
      expect(special).toContain('X:_DeflateLevel = 1 ;');

      const data = ncdump('-v', 'time,X', file);
      expect(data).toMatch(/time = 0, 60, 120 ;/);
      expect(data).toMatch(/224, 225, 226, 227 ;\n\}/);
    },
  );

  withNcdump('writes plain netCDF-4 (not classic) when asked', async () => {
    const file = path.join(dir, 'enhanced.nc');
    await writeSample(file, { classicModel: false });
    expect(ncdump('-k', file).trim()).toBe('netCDF-4');
  });

  it('grows the unlimited dimension as records are written past its end', async () => {
    const file = path.join(dir, 'append.nc');
    const writer = await NetcdfWriter.create(file);
    writer.addDimension('record', 'unlimited').addDimension('x', 2);
    writer.addVariable('v', { type: 'int', dims: ['record', 'x'] });
    writer.write('v', [1, 2, 3, 4]);
    expect(() => writer.writeSlab('v', [4], [1], [0])).toThrow(/start and count need 2 values/);
    writer.writeSlab('v', [4, 0], [1, 2], [9, 9]);
    expect(writer.dimensionInfo()[0]).toEqual({ name: 'record', length: 5, unlimited: true });
    writer.close();
    const reader = await NetcdfReader.open(file);
    expect(reader.header().dimensions[0]).toEqual({ name: 'record', length: 5, unlimited: true });
    expect(Array.from(reader.read('v'))).toEqual([1, 2, 3, 4, 0, 0, 0, 0, 9, 9]);
    reader.close();
  });

  it('refuses what netCDF cannot represent, with a NetcdfWriteError saying why', async () => {
    const writer = await NetcdfWriter.create(path.join(dir, 'errors.nc'));
    writer.addDimension('t', 'unlimited').addDimension('y', 2);
    expect(() => writer.addDimension('u', 'unlimited')).toThrow(/one unlimited dimension/);
    expect(() => writer.addDimension('bad name', 2)).toThrow(NetcdfWriteError);
    expect(() => writer.addDimension('z', 0)).toThrow(/length/);
    expect(() => writer.addVariable('v', { type: 'float', dims: ['nope'] })).toThrow(
      /dimension nope is not defined/,
    );
    expect(() => writer.addVariable('v', { type: 'float', dims: ['y', 't'] })).toThrow(
      /unlimited dimension must come first/,
    );
    expect(() => writer.addVariable('y', { type: 'float', dims: ['t'] })).toThrow(/coordinate variable/);
    expect(() => writer.addVariable('w', { type: 'float', dims: ['y'], data: [1, 2, 3] })).toThrow(
      /3 values/,
    );
    expect(() => writer.setAttribute('CLASS', 'x')).toThrow(/netCDF-4 layout/);
    expect(() => writer.setAttribute('n', { type: 'byte', value: 300 })).not.toThrow();
    writer.addVariable('v', { type: 'float', dims: ['t', 'y'] });
    writer.addVariable('s', { type: 'double', dims: [], data: [1] });
    expect(() => writer.endDefine()).toThrow(/300 does not fit a netCDF byte/);
    // The half-made file is closed: nothing more goes into it.
    expect(() => writer.write('v', [1, 2])).toThrow(/closed/);
  });

  it('leaves nothing half-defined when a definition is refused', async () => {
    const file = path.join(dir, 'refused.nc');
    const writer = await NetcdfWriter.create(file);
    writer.addDimension('y', 2);
    expect(() => writer.addVariable('y', { type: 'double', dims: ['y'], chunks: [5] })).toThrow(/chunks/);
    writer.addVariable('v', { type: 'float', dims: ['y'], data: [1, 2] });
    writer.close();
    const reader = await NetcdfReader.open(file);
    expect(reader.header().variables.map((v) => v.name)).toEqual(['v']);
    expect(reader.header().dimensions).toEqual([{ name: 'y', length: 2, unlimited: false }]);
    reader.close();
  });

  it('checks slab shapes against the dimensions', async () => {
    const writer = await NetcdfWriter.create(path.join(dir, 'slabs.nc'));
    writer.addDimension('t', 'unlimited').addDimension('y', 2);
    writer.addVariable('v', { type: 'float', dims: ['t', 'y'] });
    writer.addVariable('s', { type: 'double', dims: [], data: [1] });
    expect(() => writer.writeSlab('v', [0, 1], [1, 2], [1, 2])).toThrow(/past the end of dimension y/);
    expect(() => writer.writeSlab('v', [0, 0], [1, 2], [1])).toThrow(/needs 2 values/);
    expect(() => writer.write('s', [2])).toThrow(/scalar/);
    expect(() => writer.write('nope', [2])).toThrow(/not defined/);
    expect(() => writer.addDimension('late', 1)).toThrow(/laid out already/);
    writer.close();
    expect(() => writer.writeSlab('v', [0, 0], [1, 2], [1, 2])).toThrow(/closed/);
    expect(() => writer.close()).not.toThrow();
  });

  it('turns an HDF5 failure into a NetcdfWriteError (no such directory)', async () => {
    await expect(NetcdfWriter.create(path.join(dir, 'missing', 'x.nc'))).rejects.toThrow(NetcdfWriteError);
  });

  it('refuses to replace a file when overwrite is false', async () => {
    const file = path.join(dir, 'keep.nc');
    await writeSample(file);
    await expect(NetcdfWriter.create(file, { overwrite: false })).rejects.toThrow(/cannot create/);
  });
});

describe('defaultChunks', () => {
  it('keeps whole fixed dimensions, 1 along unlimited ones, and shrinks the slowest to stay under 4 MiB', () => {
    expect(defaultChunks([{ length: 0, unlimited: true }], 8)).toEqual([512]);
    expect(
      defaultChunks(
        [
          { length: 0, unlimited: true },
          { length: 72, unlimited: false },
          { length: 46, unlimited: false },
          { length: 72, unlimited: false },
        ],
        4,
      ),
    ).toEqual([1, 72, 46, 72]);
    const fine = defaultChunks(
      [
        { length: 0, unlimited: true },
        { length: 72, unlimited: false },
        { length: 721, unlimited: false },
        { length: 1152, unlimited: false },
      ],
      4,
    );
    expect(fine).toEqual([1, 1, 721, 1152]);
    expect(fine.reduce((a, b) => a * b, 4)).toBeLessThanOrEqual(4 * 1024 * 1024);
  });
});
