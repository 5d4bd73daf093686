/**
 * Writes the demo model's GEOS-Chem-shaped collection files: the layout,
 * variable names, attributes and coordinates of GEOS-Chem Classic 14 output
 * (compared with real SpeciesConc and Restart files), with global attributes
 * that say the data come from the demo model, not from GEOS-Chem.
 */
import { NetcdfWriter } from '#shared/science/netcdf/writer.js';
import { bounds, P0_HPA, type HorizontalGrid, type VerticalGrid } from './grid.js';
import { unitsStamp } from './schedule.js';
import type { SpeciesField } from './fields.js';

export type Collection = 'SpeciesConc' | 'Restart';

/** Identifies the demo in every file (the `source` attribute). */
export const DEMO_MODEL_ID = 'gcr-demo';

/** Values per hyperslab written at once (8 MiB of float32), which bounds memory on fine grids. */
const SLAB_VALUES = 2 * 1024 * 1024;

/** Low mantissa bits of float32 values rounded away (23 - 11 = 12 bits kept, about 4 significant digits). */
const DROPPED_MANTISSA_BITS = 11;

/**
 * Rounds float32 values to 12 mantissa bits (relative error below 1.3e-4), in
 * place. Synthetic fields carry no information below that; the rounded bits
 * compress, which halves the files and speeds up deflate.
 */
export function roundMantissa(values: Float32Array, droppedBits = DROPPED_MANTISSA_BITS): void {
  const bits = new Uint32Array(values.buffer, values.byteOffset, values.length);
  const half = 1 << (droppedBits - 1);
  const mask = ~((1 << droppedBits) - 1) >>> 0;
  for (let i = 0; i < bits.length; i++) {
    const b = bits[i]!;
    // Leave Inf/NaN alone (exponent all ones).
    if ((b & 0x7f800000) === 0x7f800000) continue;
    bits[i] = ((b + half) & mask) >>> 0;
  }
}

export interface CollectionFileOptions {
  path: string;
  collection: Collection;
  grid: HorizontalGrid;
  vertical: VerticalGrid;
  /** AREA, [lat][lon], m2. */
  area: Float64Array;
  /** One field per species, in output order. */
  fields: SpeciesField[];
  /** The file's reference time ("minutes since ..."). */
  reference: Date;
  simulationStart: Date;
  simulationEnd: Date;
  createdAt: Date;
}

/** The NetCDF variable of a species in a collection (SpeciesConcVV_O3, SpeciesRst_O3). */
export function speciesVariable(collection: Collection, species: string): string {
  return collection === 'SpeciesConc' ? `SpeciesConcVV_${species}` : `SpeciesRst_${species}`;
}

/** "2019-01-01 00:00:00z", as GEOS-Chem writes simulation_start_date_and_time. */
function simulationStamp(date: Date): string {
  return `${unitsStamp(date)}z`;
}

export class CollectionFile {
  private readonly buffer: Float32Array;
  private readonly levelsPerSlab: number;

  private constructor(
    readonly options: CollectionFileOptions,
    private readonly writer: NetcdfWriter,
  ) {
    const cells = options.grid.lat.length * options.grid.lon.length;
    this.levelsPerSlab = Math.max(1, Math.min(options.vertical.levels, Math.floor(SLAB_VALUES / cells)));
    this.buffer = new Float32Array(this.levelsPerSlab * cells);
  }

  get path(): string {
    return this.options.path;
  }

  /** Creates the file and writes everything but the species records. */
  static async create(options: CollectionFileOptions): Promise<CollectionFile> {
    const { grid, vertical, collection } = options;
    const ny = grid.lat.length;
    const nx = grid.lon.length;
    const nz = vertical.levels;
    const writer = await NetcdfWriter.create(options.path, { classicModel: true, deflateLevel: 1 });
    try {
      writer
        .addDimension('time', 'unlimited')
        .addDimension('lev', nz)
        .addDimension('ilev', nz + 1)
        .addDimension('lat', ny)
        .addDimension('lon', nx)
        .addDimension('nb', 2);

      const hybrid = (name: string, formula: string) => ({
        long_name: `hybrid level at ${name} ((A/P0)+B)`,
        units: 'level',
        ...(name === 'midpoints' ? { axis: 'Z' } : {}),
        positive: 'up',
        standard_name: 'atmosphere_hybrid_sigma_pressure_coordinate',
        formula_terms: formula,
      });
      writer
        .addVariable('time', {
          type: 'double',
          dims: ['time'],
          attributes: {
            long_name: 'Time',
            units: `minutes since ${unitsStamp(options.reference)}`,
            calendar: 'gregorian',
            axis: 'T',
          },
        })
        .addVariable('lev', {
          type: 'double',
          dims: ['lev'],
          data: vertical.lev,
          attributes: hybrid('midpoints', 'a: hyam b: hybm p0: P0 ps: PS'),
        })
        .addVariable('ilev', {
          type: 'double',
          dims: ['ilev'],
          data: vertical.ilev,
          attributes: hybrid('interfaces', 'a: hyai b: hybi p0: P0 ps: PS'),
        })
        .addVariable('lat_bnds', {
          type: 'double',
          dims: ['lat', 'nb'],
          data: bounds(grid.latEdges),
          attributes: { long_name: 'Latitude bounds (CF-compliant)', units: 'degrees_north' },
        })
        .addVariable('lat', {
          type: 'double',
          dims: ['lat'],
          data: grid.lat,
          attributes: { long_name: 'Latitude', units: 'degrees_north', axis: 'Y', bounds: 'lat_bnds' },
        })
        .addVariable('lon_bnds', {
          type: 'double',
          dims: ['lon', 'nb'],
          data: bounds(grid.lonEdges),
          attributes: { long_name: 'Longitude bounds (CF-compliant)', units: 'degrees_east' },
        })
        .addVariable('lon', {
          type: 'double',
          dims: ['lon'],
          data: grid.lon,
          attributes: { long_name: 'Longitude', units: 'degrees_east', axis: 'X', bounds: 'lon_bnds' },
        })
        .addVariable('hyam', {
          type: 'double',
          dims: ['lev'],
          data: vertical.hyam,
          attributes: { long_name: 'hybrid A coefficient at layer midpoints', units: 'hPa' },
        })
        .addVariable('hybm', {
          type: 'double',
          dims: ['lev'],
          data: vertical.hybm,
          attributes: { long_name: 'hybrid B coefficient at layer midpoints', units: '1' },
        })
        .addVariable('hyai', {
          type: 'double',
          dims: ['ilev'],
          data: vertical.hyai,
          attributes: { long_name: 'hybrid A coefficient at layer interfaces', units: 'hPa' },
        })
        .addVariable('hybi', {
          type: 'double',
          dims: ['ilev'],
          data: vertical.hybi,
          attributes: { long_name: 'hybrid B coefficient at layer interfaces', units: '1' },
        })
        .addVariable('P0', {
          type: 'double',
          dims: [],
          data: [P0_HPA],
          attributes: { long_name: 'reference pressure', units: 'hPa' },
        })
        .addVariable('AREA', {
          type: 'float',
          dims: ['lat', 'lon'],
          data: options.area,
          attributes: { long_name: 'Surface area', units: 'm2' },
        });

      for (const field of options.fields) {
        const name = field.species.name;
        writer.addVariable(speciesVariable(collection, name), {
          type: 'float',
          dims: ['time', 'lev', 'lat', 'lon'],
          chunks: [1, 1, ny, nx],
          attributes:
            collection === 'SpeciesConc'
              ? {
                  long_name: `Concentration of species ${name}`,
                  units: 'mol mol-1 dry',
                  averaging_method: 'time-averaged',
                }
              : {
                  long_name: `Dry mixing ratio of species ${name}`,
                  units: 'mol mol-1 dry',
                  averaging_method: 'instantaneous',
                },
        });
      }

      writer
        .setAttribute('title', `Demo model (not GEOS-Chem) diagnostic collection: ${collection}`)
        .setAttribute(
          'history',
          `${options.createdAt.toISOString()}: synthetic fields written by the gcr demo model; not GEOS-Chem output`,
        )
        .setAttribute('format', 'NetCDF-4')
        .setAttribute('conventions', 'COARDS')
        .setAttribute('ProdDateTime', '')
        .setAttribute(
          'reference',
          'gcr demo workload, see docs/DEMO-MODEL.md (GEOS-Chem-shaped, not GEOS-Chem)',
        )
        .setAttribute('contact', '')
        .setAttribute('simulation_start_date_and_time', simulationStamp(options.simulationStart))
        .setAttribute('simulation_end_date_and_time', simulationStamp(options.simulationEnd))
        .setAttribute('source', DEMO_MODEL_ID);
      writer.endDefine();
      return new CollectionFile(options, writer);
    } catch (error) {
      writer.abort();
      throw error;
    }
  }

  /**
   * Writes record `record` (time = `minutes` since the reference) of every
   * species at `instantMs`, a block of levels at a time. `between` runs after
   * each block (to yield to the event loop and to stop promptly when asked).
   */
  async writeRecord(
    record: number,
    minutes: number,
    instantMs: number,
    between: () => Promise<void> = async () => {},
  ): Promise<void> {
    const { grid, vertical, collection, fields } = this.options;
    const ny = grid.lat.length;
    const nx = grid.lon.length;
    this.writer.writeSlab('time', [record], [1], [minutes]);
    for (const field of fields) {
      field.prepare(instantMs);
      const variable = speciesVariable(collection, field.species.name);
      for (let k0 = 0; k0 < vertical.levels; k0 += this.levelsPerSlab) {
        const nk = Math.min(this.levelsPerSlab, vertical.levels - k0);
        const slab = nk === this.levelsPerSlab ? this.buffer : this.buffer.subarray(0, nk * ny * nx);
        field.fill(slab, k0, nk);
        roundMantissa(slab);
        this.writer.writeSlab(variable, [record, k0, 0, 0], [1, nk, ny, nx], slab);
        await between();
      }
    }
  }

  close(): void {
    this.writer.close();
  }

  /** Closes without raising (error paths). */
  abort(): void {
    this.writer.abort();
  }
}
