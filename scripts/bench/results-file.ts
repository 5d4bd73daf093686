/**
 * The results benchmark's input: a GEOS-Chem-shaped SpeciesConc file written
 * by the demo model's own writer (same layout, chunking [1, 1, lat, lon],
 * deflate level 1 and mantissa rounding as the demo model's output), with as
 * many synthetic species as asked. The file is cached: a second run with the
 * same parameters reuses it.
 */
import { existsSync, readFileSync, renameSync, rmSync, writeFileSync } from 'node:fs';
import { mkdir } from 'node:fs/promises';
import path from 'node:path';
import { FieldScratch, SpeciesField, seedFrom } from '#containers/demo-model/src/fields.js';
import { cellAreas, horizontalGrid, verticalGrid } from '#containers/demo-model/src/grid.js';
import { CollectionFile } from '#containers/demo-model/src/output.js';
import type { ProfileKind, SpeciesProfile } from '#containers/demo-model/src/species.js';
import type { GridResolution, VerticalLevels } from '#schemas/generated/types.js';

export interface BenchFileParameters {
  resolution: GridResolution;
  levels: VerticalLevels;
  steps: number;
  species: number;
}

/** Bump when the way the file is written changes, so stale caches are not reused. */
const FORMAT_VERSION = 1;
const KINDS: ProfileKind[] = ['surface', 'well-mixed', 'stratospheric'];
const START = new Date(Date.UTC(2019, 6, 1));
const HOUR_MS = 3_600_000;

/** `count` distinct synthetic species, cycling through the demo's profile kinds and magnitudes. */
export function benchSpecies(count: number): SpeciesProfile[] {
  const width = Math.max(3, String(count).length);
  return Array.from({ length: count }, (_, i) => ({
    name: `Bench${String(i + 1).padStart(width, '0')}`,
    base: 10 ** -(7 + (i % 7)),
    kind: KINDS[i % KINDS.length]!,
    scaleKm: 1.5 + (i % 5),
    gradient: ((i % 9) - 4) / 10,
    wave: 0.05 + (i % 6) * 0.05,
    diurnal: i % 4 === 0 ? 0.2 : 0,
  }));
}

export function benchFileName(p: BenchFileParameters): string {
  return `SpeciesConc-${p.resolution}-L${p.levels}-T${p.steps}-S${p.species}-v${FORMAT_VERSION}.nc4`;
}

/**
 * The path of the benchmark file in `dir`, writing it first unless a file
 * with the same parameters is already there. `log` reports progress.
 */
export async function benchFile(
  dir: string,
  parameters: BenchFileParameters,
  log: (line: string) => void = () => {},
): Promise<{ path: string; cached: boolean; writeSeconds: number | null }> {
  await mkdir(dir, { recursive: true });
  const target = path.join(dir, benchFileName(parameters));
  const sidecar = `${target}.json`;
  if (existsSync(target) && existsSync(sidecar)) {
    const recorded = JSON.parse(readFileSync(sidecar, 'utf8')) as BenchFileParameters;
    if (JSON.stringify(recorded) === JSON.stringify(parameters)) {
      return { path: target, cached: true, writeSeconds: null };
    }
  }
  const partial = `${target}.partial`;
  const started = performance.now();
  try {
    await writeBenchFile(partial, parameters, log);
  } catch (error) {
    rmSync(partial, { force: true });
    throw error;
  }
  renameSync(partial, target);
  writeFileSync(sidecar, `${JSON.stringify(parameters)}\n`);
  return { path: target, cached: false, writeSeconds: (performance.now() - started) / 1000 };
}

/** Writes the file: hourly time-averaged records from 2019-07-01, all species per record. */
export async function writeBenchFile(
  file: string,
  parameters: BenchFileParameters,
  log: (line: string) => void = () => {},
): Promise<void> {
  const grid = horizontalGrid({ resolution: parameters.resolution }, 'merra2');
  const vertical = verticalGrid(parameters.levels);
  const scratch = new FieldScratch(grid.lon.length, grid.lat.length);
  const seed = seedFrom({ bench: 'results', ...parameters });
  const fields = benchSpecies(parameters.species).map(
    (s) => new SpeciesField(s, grid, vertical, seed, scratch),
  );
  const end = new Date(START.getTime() + parameters.steps * HOUR_MS);
  const output = await CollectionFile.create({
    path: file,
    collection: 'SpeciesConc',
    grid,
    vertical,
    area: cellAreas(grid),
    fields,
    reference: START,
    simulationStart: START,
    simulationEnd: end,
    createdAt: new Date(),
  });
  try {
    for (let step = 0; step < parameters.steps; step++) {
      await output.writeRecord(step, step * 60, START.getTime() + (step + 0.5) * HOUR_MS);
      log(`  wrote step ${step + 1}/${parameters.steps}`);
    }
    output.close();
  } catch (error) {
    output.abort();
    throw error;
  }
}
