/**
 * `gcr results <id>`: where a simulation's results stand, its output files
 * (with the outputs it should have written and did not), a metrics table of
 * its main collection and its preview maps. Also the results API's shapes and
 * calls shared by `gcr download` and `gcr compare`.
 */
import type { ApiClient } from '../api-client.js';
import type { RegisterCommand } from '../context.js';
import { clean, keyValues, paintStatus, table, type Colors } from '../format.js';
import { humanBytes } from '../views.js';
import type { ResultFileLink, SimulationResults } from '#schemas/generated/types.js';

const MAX_TABLE_ROWS = 30;

export async function fetchResults(
  client: ApiClient,
  id: string,
  collection?: string,
): Promise<SimulationResults> {
  return client.getResults(id, collection);
}

export async function fetchFileLink(client: ApiClient, id: string, key: string): Promise<ResultFileLink> {
  return client.getResultFileLink(id, key);
}

/** Numbers as benchmark tables show them: 4 significant digits, exponent when far from 1. */
export function formatNumber(value: number | null | undefined): string {
  if (value === null || value === undefined || !Number.isFinite(value)) return '-';
  if (value === 0) return '0';
  const magnitude = Math.abs(value);
  return magnitude >= 1e-3 && magnitude < 1e5 ? String(Number(value.toPrecision(4))) : value.toExponential(3);
}

export interface CollectionRow {
  variable: string;
  units: string;
  surfaceMean: number | null;
  mean: number | null;
  min: number | null;
  max: number | null;
}

/** A collection's variables over all its files: min of mins, max of maxes, weighted mean, mean surface mean. */
export function collectionTable(results: SimulationResults, collection: string): CollectionRow[] {
  const acc = new Map<
    string,
    CollectionRow & { count: number; sum: number; steps: number; surface: number }
  >();
  for (const file of results.metrics?.files ?? []) {
    if (file.collection !== collection) continue;
    for (const v of file.variables) {
      let row = acc.get(v.name);
      if (!row) {
        row = {
          variable: v.name,
          units: v.units ?? '',
          surfaceMean: null,
          mean: null,
          min: null,
          max: null,
          count: 0,
          sum: 0,
          steps: 0,
          surface: 0,
        };
        acc.set(v.name, row);
      }
      if (v.mean !== null && v.validCount > 0) {
        row.count += v.validCount;
        row.sum += v.mean * v.validCount;
      }
      if (v.min !== null) row.min = row.min === null ? v.min : Math.min(row.min, v.min);
      if (v.max !== null) row.max = row.max === null ? v.max : Math.max(row.max, v.max);
      for (const s of v.surfaceAreaWeightedMean ?? []) {
        if (s === null) continue;
        row.surface += s;
        row.steps += 1;
      }
    }
  }
  return [...acc.values()].map(({ count, sum, steps, surface, ...row }) => ({
    ...row,
    mean: count > 0 ? sum / count : null,
    surfaceMean: steps > 0 ? surface / steps : null,
  }));
}

/** SpeciesConc when the run wrote it, else the first collection with metrics. */
export function mainCollection(results: SimulationResults): string | undefined {
  const collections = [
    ...new Set((results.metrics?.files ?? []).map((f) => f.collection).filter(Boolean)),
  ] as string[];
  return collections.includes('SpeciesConc') ? 'SpeciesConc' : collections.sort()[0];
}

function paintResultsStatus(status: SimulationResults['status'], c: Colors): string {
  if (status === 'READY') return c.green(status);
  if (status === 'FAILED') return c.red(status);
  if (status === 'PROCESSING') return c.cyan(status);
  return c.dim(status);
}

function resultsView(results: SimulationResults, c: Colors): string {
  const parts: string[] = [];
  const manifest = results.manifest;
  parts.push(
    keyValues(
      [
        ['Simulation', `${clean(results.simulationId)} (${paintStatus(results.simulationStatus, c)})`],
        ['Results', paintResultsStatus(results.status, c)],
        ['Updated', results.updatedAt ? clean(results.updatedAt) : undefined],
        ['Reason', results.reason ? clean(results.reason) : undefined],
        [
          'Files',
          manifest
            ? `${manifest.fileCount} (${humanBytes(manifest.totalBytes)}), ${
                manifest.complete
                  ? c.green('complete')
                  : c.yellow(`${manifest.missing.length} expected outputs missing`)
              }`
            : undefined,
        ],
      ],
      c,
    ),
  );
  if (manifest && manifest.collections.length > 0) {
    parts.push(
      table(
        ['COLLECTION', 'FILES', 'SIZE'],
        manifest.collections.map((g) => [clean(g.collection), String(g.fileCount), humanBytes(g.totalBytes)]),
        c,
      ),
    );
  }
  if (manifest && manifest.missing.length > 0) {
    parts.push(`${c.bold('Missing outputs')}\n`);
    parts.push(
      table(
        ['COLLECTION', 'TIME STEP', 'EXPECTED KEY'],
        manifest.missing.map((m) => [clean(m.collection), clean(m.timeStep), clean(m.expectedKey)]),
        c,
      ),
    );
  }
  const collection = mainCollection(results);
  if (collection) {
    const rows = collectionTable(results, collection);
    const files = (results.metrics?.files ?? []).filter((f) => f.collection === collection).length;
    parts.push(
      `${c.bold(`Metrics of ${clean(collection)}`)} ${c.dim(`(over ${files} file${files === 1 ? '' : 's'})`)}\n`,
    );
    parts.push(
      table(
        ['VARIABLE', 'UNITS', 'SURFACE MEAN', 'MEAN', 'MIN', 'MAX'],
        rows
          .slice(0, MAX_TABLE_ROWS)
          .map((r) => [
            clean(r.variable),
            clean(r.units),
            formatNumber(r.surfaceMean),
            formatNumber(r.mean),
            formatNumber(r.min),
            formatNumber(r.max),
          ]),
        c,
      ),
    );
    if (rows.length > MAX_TABLE_ROWS)
      parts.push(c.dim(`… ${rows.length - MAX_TABLE_ROWS} more variables (--json for all)\n`));
  }
  if (results.metrics?.truncated)
    parts.push(c.yellow(`${clean(results.metrics.note ?? 'metrics truncated')}\n`));
  if (results.previews.length > 0) {
    parts.push(`${c.bold('Previews')} ${c.dim('(gcr download <id> --include-results)')}\n`);
    parts.push(results.previews.map((p) => `  ${clean(p.key)}`).join('\n') + '\n');
  }
  return parts.join('\n');
}

export const registerResults: RegisterCommand = (program, ctx) => {
  program
    .command('results')
    .description("show a simulation's results: files, missing outputs, metrics and preview maps")
    .argument('<id>', 'simulation id')
    .option('--collection <name>', 'metrics of this collection only (e.g. SpeciesConc)')
    .action(async (id: string, options: { collection?: string }) => {
      const client = await ctx.client();
      const results = await fetchResults(client, id, options.collection);
      if (ctx.json) {
        ctx.outJson(results);
        return;
      }
      ctx.out(resultsView(results, ctx.colors));
    });
};
