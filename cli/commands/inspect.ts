/** `gcr inspect <file>`: summary metrics of a GEOS-Chem NetCDF-4 file (local, no API). */
import { loadH5wasmPastTsx } from '#shared/science/netcdf/h5wasm-past-tsx.js';
import {
  computeMetrics,
  NetcdfOpenError,
  type FileMetrics,
  type VariableMetrics,
} from '#shared/science/results/metrics.js';
import type { RegisterCommand } from '../context.js';
import { InputError } from '../errors.js';
import { keyValues, table, type Colors } from '../format.js';

export const registerInspect: RegisterCommand = (program, ctx) => {
  program
    .command('inspect')
    .description(
      'show per-variable metrics of a NetCDF-4 file: valid count, min, max, mean, surface area-weighted mean',
    )
    .argument('<file>', 'a GEOS-Chem output, restart or HEMCO diagnostics file (.nc4 / .nc)')
    .action(async (file: string) => {
      loadH5wasmPastTsx();
      const target = ctx.resolvePath(file);
      let metrics: FileMetrics;
      try {
        metrics = await computeMetrics(target);
      } catch (error) {
        if (error instanceof NetcdfOpenError) throw new InputError(error.message, { cause: error });
        throw error;
      }
      if (ctx.json) {
        ctx.outJson(metrics);
        return;
      }
      ctx.out(renderMetrics(metrics, ctx.colors));
    });
};

/** The human-readable view: file facts, then one row per data variable. */
export function renderMetrics(metrics: FileMetrics, c: Colors): string {
  const facts = keyValues(
    [
      ['File', metrics.path],
      ['Format', metrics.format],
      ['Title', metrics.title ?? undefined],
      ['Grid', metrics.grid],
      ['Dimensions', metrics.dimensions.map(dimensionText).join(', ')],
      ['Cell area', metrics.areaVariable ?? 'none (no area-weighted means)'],
    ],
    c,
  );
  if (metrics.variables.length === 0) return `${facts}\nNo data variables.`;
  const rows = metrics.variables.map((v) => [
    v.name,
    `(${v.dims.join(', ')})`,
    v.units ?? '',
    v.count === v.size ? String(v.count) : `${v.count}/${v.size}`,
    num(v.min),
    num(v.max),
    num(v.mean),
    areaText(v),
  ]);
  return `${facts}\n${table(
    ['VARIABLE', 'DIMS', 'UNITS', 'VALID', 'MIN', 'MAX', 'MEAN', 'SURFACE AREA-WEIGHTED MEAN'],
    rows,
    c,
  )}`;
}

function dimensionText(d: FileMetrics['dimensions'][number]): string {
  return d.unlimited ? `${d.name}=${d.length} (unlimited)` : `${d.name}=${d.length}`;
}

function areaText(v: VariableMetrics): string {
  const means = v.surfaceAreaWeightedMean;
  if (!means || means.length === 0) return '';
  if (means.length === 1) return num(means[0] ?? null);
  const valid = means.filter((m): m is number => m !== null);
  if (valid.length === 0) return '-';
  return `${num(Math.min(...valid))} .. ${num(Math.max(...valid))} (${means.length} steps)`;
}

function num(x: number | null): string {
  if (x === null) return '-';
  if (x === 0 || Number.isInteger(x)) return String(x);
  const abs = Math.abs(x);
  return abs >= 1e-3 && abs < 1e6 ? String(Number(x.toPrecision(6))) : x.toExponential(5);
}
