/**
 * The Jacobian of a perturbation ensemble as NetCDF-4 (CF-1.8), written with
 * the project's h5wasm writer: for each species of the members'
 * `GEOSChem.SpeciesConc` output, the surface concentration of each perturbed
 * member minus the base member's, per time step,
 * `SpeciesConcVV_<species>(element, time, lat, lon)`: element i is the
 * member that perturbed state-vector element i. Divided by (factor - 1) it is
 * the sensitivity to a unit relative change of that element's emissions, as
 * the Integrated Methane Inversion builds its Jacobian matrix.
 *
 * Memory: the base's surface fields for every species (float64, time x lat x
 * lon each) plus one member's at a time; each member's response is written as
 * one hyperslab, so 10,000 members never sit in memory together.
 */
import { NetcdfReader } from '../netcdf/reader.js';
import { NetcdfWriter } from '../netcdf/writer.js';

export const SPECIES_PREFIX = 'SpeciesConcVV_';

export interface JacobianInput {
  /** The base member's SpeciesConc files, in time order (local paths). */
  baseFiles: readonly string[];
  /** The perturbed members, in element order: their state-vector element and SpeciesConc files in time order. */
  members: readonly {
    element: number;
    memberIndex: number;
    simulationId: string;
    files: readonly string[];
  }[];
  perturbationFactor: number;
  outPath: string;
  /** Global attributes naming where it came from. */
  ensembleId: string;
  baseSimulationId: string;
}

export interface JacobianSummary {
  species: string[];
  elements: number;
  times: number;
  lat: number;
  lon: number;
}

/** A member whose output does not line up with the base's (another grid, missing steps). */
export class JacobianShapeError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'JacobianShapeError';
  }
}

interface SurfaceFields {
  /** Per species: time x lat x lon, C order. */
  fields: Map<string, Float64Array>;
  times: number;
  timeValues: number[];
  timeAttributes: Record<string, string | number | number[]>;
  lat: Float64Array;
  lon: Float64Array;
  units: Map<string, string>;
}

async function readSurface(files: readonly string[], only?: readonly string[]): Promise<SurfaceFields> {
  if (files.length === 0) throw new JacobianShapeError('no SpeciesConc output');
  const fields = new Map<string, number[][]>();
  const units = new Map<string, string>();
  const timeValues: number[] = [];
  let timeAttributes: SurfaceFields['timeAttributes'] = {};
  let lat: Float64Array | undefined;
  let lon: Float64Array | undefined;
  for (const file of files) {
    const reader = await NetcdfReader.open(file);
    try {
      const header = reader.header();
      const shapeOf = (name: string) => header.variables.find((v) => v.name === name);
      const fileLat = Float64Array.from(reader.read('lat'));
      const fileLon = Float64Array.from(reader.read('lon'));
      lat ??= fileLat;
      lon ??= fileLon;
      if (fileLat.length !== lat.length || fileLon.length !== lon.length) {
        throw new JacobianShapeError(
          `${file}: grid ${fileLat.length}x${fileLon.length}, not ${lat.length}x${lon.length}`,
        );
      }
      const time = shapeOf('time');
      timeAttributes = Object.fromEntries(
        Object.entries(time?.attributes ?? {}).filter(([k]) =>
          ['units', 'calendar', 'long_name', 'axis'].includes(k),
        ),
      );
      const steps = Array.from(reader.read('time'));
      timeValues.push(...steps);
      const names = header.variables
        .map((v) => v.name)
        .filter((name) => name.startsWith(SPECIES_PREFIX) && (!only || only.includes(name)));
      for (const name of names) {
        const variable = shapeOf(name)!;
        const [nt, , ny, nx] = variable.shape as [number, number, number, number];
        if (variable.dims.join(',') !== 'time,lev,lat,lon') continue;
        const slab = reader.readSlab(name, [0, 0, 0, 0], [nt, 1, ny, nx]);
        const list = fields.get(name) ?? [];
        list.push(Array.from(slab));
        fields.set(name, list);
        const unit = variable.attributes['units'];
        if (typeof unit === 'string') units.set(name, unit);
      }
    } finally {
      reader.close();
    }
  }
  return {
    fields: new Map([...fields].map(([name, parts]) => [name, Float64Array.from(parts.flat())])),
    times: timeValues.length,
    timeValues,
    timeAttributes,
    lat: lat!,
    lon: lon!,
    units,
  };
}

/** Writes the Jacobian file; the base and every member must share grid, species and time steps. */
export async function writeJacobian(input: JacobianInput): Promise<JacobianSummary> {
  const base = await readSurface(input.baseFiles);
  const species = [...base.fields.keys()].sort();
  if (species.length === 0)
    throw new JacobianShapeError(`the base's output has no ${SPECIES_PREFIX}* variable`);
  const ny = base.lat.length;
  const nx = base.lon.length;
  const cells = base.times * ny * nx;

  const writer = await NetcdfWriter.create(input.outPath, { overwrite: true });
  try {
    writer
      .addDimension('element', input.members.length)
      .addDimension('time', base.times)
      .addDimension('lat', ny)
      .addDimension('lon', nx)
      .addVariable('element', {
        type: 'int',
        dims: ['element'],
        attributes: { long_name: 'state-vector element perturbed (1-based)' },
        data: input.members.map((m) => m.element),
      })
      .addVariable('member_index', {
        type: 'int',
        dims: ['element'],
        attributes: { long_name: 'ensemble member index of the element' },
        data: input.members.map((m) => m.memberIndex),
      })
      .addVariable('time', {
        type: 'double',
        dims: ['time'],
        attributes: { ...base.timeAttributes },
        data: base.timeValues,
      })
      .addVariable('lat', {
        type: 'double',
        dims: ['lat'],
        attributes: { units: 'degrees_north', long_name: 'latitude', axis: 'Y' },
        data: base.lat,
      })
      .addVariable('lon', {
        type: 'double',
        dims: ['lon'],
        attributes: { units: 'degrees_east', long_name: 'longitude', axis: 'X' },
        data: base.lon,
      });
    for (const name of species) {
      writer.addVariable(name, {
        type: 'float',
        dims: ['element', 'time', 'lat', 'lon'],
        attributes: {
          units: base.units.get(name) ?? '1',
          long_name: `surface ${name.slice(SPECIES_PREFIX.length)} of the member perturbing the element minus the base member's`,
          perturbation_factor: input.perturbationFactor,
        },
      });
    }
    writer
      .setAttribute('Conventions', 'CF-1.8')
      .setAttribute('title', 'Ensemble Jacobian: perturbed member minus base, surface level, per time step')
      .setAttribute('ensemble_id', input.ensembleId)
      .setAttribute('base_simulation_id', input.baseSimulationId)
      .setAttribute('perturbation_factor', input.perturbationFactor)
      .setAttribute(
        'comment',
        'Divide by (perturbation_factor - 1) for the response to a unit relative change of the element emissions.',
      );
    writer.endDefine();

    for (const [row, member] of input.members.entries()) {
      const fields = await readSurface(member.files, species);
      if (fields.times !== base.times || fields.lat.length !== ny || fields.lon.length !== nx) {
        throw new JacobianShapeError(
          `member ${member.memberIndex} (${member.simulationId}): ${fields.times} time steps on ${fields.lat.length}x${fields.lon.length}, the base has ${base.times} on ${ny}x${nx}`,
        );
      }
      for (const name of species) {
        const values = fields.fields.get(name);
        if (!values)
          throw new JacobianShapeError(
            `member ${member.memberIndex} (${member.simulationId}) has no ${name}`,
          );
        const baseValues = base.fields.get(name)!;
        const delta = new Float32Array(cells);
        for (let i = 0; i < cells; i++) delta[i] = values[i]! - baseValues[i]!;
        writer.writeSlab(name, [row, 0, 0, 0], [1, base.times, ny, nx], delta);
      }
    }
    writer.close();
  } catch (error) {
    writer.abort();
    throw error;
  }
  return { species, elements: input.members.length, times: base.times, lat: ny, lon: nx };
}
